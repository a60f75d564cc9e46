//! After-sales: order changes before shipping. `change_requests` holds each
//! change a customer or support asked for (and each line cancellation):
//! its input, the priced preview (before/after lines, amount delta, stock
//! effects), whether support must approve it, who decided, and the
//! idempotency key that makes a retried request the same request.
//! `order_line_changes` is the append-only history of every line quantity a
//! change or cancellation altered (an order line cut to zero leaves
//! `order_lines`, whose rows hold at least one unit; this table says when,
//! by whom and from what it changed).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().not_null().take()
}
fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().null().take()
}
fn long_text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().take()
}
fn big(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}
fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}
fn ts_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().take()
}
fn uuid(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ChangeRequests::Table)
                .col(
                    ColumnDef::new(ChangeRequests::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(uuid(ChangeRequests::OrderId))
                .col(text(ChangeRequests::Kind))
                .col(text(ChangeRequests::Status))
                .col(text(ChangeRequests::RequestedBy))
                .col(long_text(ChangeRequests::Input))
                .col(long_text(ChangeRequests::Preview))
                .col(
                    ColumnDef::new(ChangeRequests::NeedsApproval)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(big(ChangeRequests::AmountDeltaMinor))
                .col(text(ChangeRequests::Currency))
                .col(text_null(ChangeRequests::DecidedBy))
                .col(text_null(ChangeRequests::Reason))
                .col(text_null(ChangeRequests::IdempotencyKey))
                .col(ts(ChangeRequests::CreatedAt))
                .col(ts(ChangeRequests::UpdatedAt))
                .col(ts_null(ChangeRequests::DecidedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ChangeRequests::Table, ChangeRequests::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .to_owned(),
        )
        .await?;
        // Same key on the same order: the same request (NULL keys repeat).
        m.create_index(
            Index::create()
                .name("ux_change_requests_key")
                .table(ChangeRequests::Table)
                .col(ChangeRequests::OrderId)
                .col(ChangeRequests::IdempotencyKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_change_requests_status")
                .table(ChangeRequests::Table)
                .col(ChangeRequests::Status)
                .col(ChangeRequests::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OrderLineChanges::Table)
                .col(
                    ColumnDef::new(OrderLineChanges::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(uuid(OrderLineChanges::OrderId))
                .col(
                    ColumnDef::new(OrderLineChanges::ChangeRequestId)
                        .uuid()
                        .null(),
                )
                .col(uuid(OrderLineChanges::ProductId))
                .col(text(OrderLineChanges::Sku))
                .col(big(OrderLineChanges::QuantityBefore))
                .col(big(OrderLineChanges::QuantityAfter))
                .col(big(OrderLineChanges::UnitPriceMinor))
                .col(text(OrderLineChanges::Actor))
                .col(ts(OrderLineChanges::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(OrderLineChanges::Table, OrderLineChanges::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_order_line_changes_order")
                .table(OrderLineChanges::Table)
                .col(OrderLineChanges::OrderId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OrderLineChanges::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ChangeRequests::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ChangeRequests {
    Table,
    Id,
    OrderId,
    Kind,
    Status,
    RequestedBy,
    Input,
    Preview,
    NeedsApproval,
    AmountDeltaMinor,
    Currency,
    DecidedBy,
    Reason,
    IdempotencyKey,
    CreatedAt,
    UpdatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum OrderLineChanges {
    Table,
    Id,
    OrderId,
    ChangeRequestId,
    ProductId,
    Sku,
    QuantityBefore,
    QuantityAfter,
    UnitPriceMinor,
    Actor,
    At,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}
