//! After-sales: returns and exchanges (RMA). `returns` is one request on a
//! delivered order (its status changes only through the return state
//! machine, by `UPDATE … WHERE status = expected`), `return_lines` what is
//! sent back per order line with what the warehouse found on receipt.
//! Channels get a return window in days (default 7), counted from delivery.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().not_null().take()
}
fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().null().take()
}
fn big(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}
fn big0(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(0)
        .take()
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
fn uuid_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Channels::Table)
                .add_column(
                    ColumnDef::new(Channels::ReturnWindowDays)
                        .integer()
                        .not_null()
                        .default(7),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Returns::Table)
                .col(uuid(Returns::Id).primary_key())
                .col(text(Returns::Number).unique_key())
                .col(uuid(Returns::OrderId))
                .col(uuid_null(Returns::CustomerId))
                .col(text(Returns::Status))
                .col(text(Returns::Resolution))
                .col(text(Returns::Reason))
                .col(text_null(Returns::Note))
                .col(text(Returns::RequestedBy))
                .col(text_null(Returns::ApprovedBy))
                .col(text(Returns::Currency))
                .col(big0(Returns::RefundMinor))
                .col(big0(Returns::ShippingRefundMinor))
                .col(big0(Returns::RefundedMinor))
                .col(uuid_null(Returns::ExchangeShipmentId))
                .col(text_null(Returns::IdempotencyKey))
                .col(text_null(Returns::RefundKey))
                .col(text_null(Returns::RejectionReason))
                .col(ts(Returns::CreatedAt))
                .col(ts(Returns::UpdatedAt))
                .col(ts_null(Returns::ApprovedAt))
                .col(ts_null(Returns::ReceivedAt))
                .col(ts_null(Returns::RefundedAt))
                .col(ts_null(Returns::ClosedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_returns_order")
                .table(Returns::Table)
                .col(Returns::OrderId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_returns_customer")
                .table(Returns::Table)
                .col(Returns::CustomerId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_returns_status")
                .table(Returns::Table)
                .col(Returns::Status)
                .to_owned(),
        )
        .await?;
        // A retried request (same key on the same order) finds its return
        // (NULL keys do not collide).
        m.create_index(
            Index::create()
                .name("uq_returns_idempotency")
                .table(Returns::Table)
                .col(Returns::OrderId)
                .col(Returns::IdempotencyKey)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReturnLines::Table)
                .col(uuid(ReturnLines::Id).primary_key())
                .col(uuid(ReturnLines::ReturnId))
                .col(uuid(ReturnLines::OrderLineId))
                .col(uuid(ReturnLines::ProductId))
                .col(text(ReturnLines::Sku))
                .col(text(ReturnLines::Name))
                .col(big(ReturnLines::Quantity))
                .col(text(ReturnLines::Reason))
                .col(big(ReturnLines::UnitPriceMinor))
                .col(big0(ReturnLines::RefundMinor))
                .col(uuid_null(ReturnLines::ExchangeProductId))
                .col(text_null(ReturnLines::ExchangeSku))
                .col(
                    ColumnDef::new(ReturnLines::ExchangeUnitPriceMinor)
                        .big_integer()
                        .null(),
                )
                .col(big0(ReturnLines::ReceivedRestocked))
                .col(big0(ReturnLines::ReceivedDamaged))
                .col(big0(ReturnLines::ReceivedMissing))
                .col(uuid_null(ReturnLines::RestockWarehouseId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_return_lines_return")
                .table(ReturnLines::Table)
                .col(ReturnLines::ReturnId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_return_lines_order_line")
                .table(ReturnLines::Table)
                .col(ReturnLines::OrderLineId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReturnLines::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Returns::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Channels::Table)
                .drop_column(Channels::ReturnWindowDays)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Channels {
    Table,
    ReturnWindowDays,
}

#[derive(DeriveIden)]
enum Returns {
    Table,
    Id,
    Number,
    OrderId,
    CustomerId,
    Status,
    Resolution,
    Reason,
    Note,
    RequestedBy,
    ApprovedBy,
    Currency,
    RefundMinor,
    ShippingRefundMinor,
    RefundedMinor,
    ExchangeShipmentId,
    IdempotencyKey,
    RefundKey,
    RejectionReason,
    CreatedAt,
    UpdatedAt,
    ApprovedAt,
    ReceivedAt,
    RefundedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ReturnLines {
    Table,
    Id,
    ReturnId,
    OrderLineId,
    ProductId,
    Sku,
    Name,
    Quantity,
    Reason,
    UnitPriceMinor,
    RefundMinor,
    ExchangeProductId,
    ExchangeSku,
    ExchangeUnitPriceMinor,
    ReceivedRestocked,
    ReceivedDamaged,
    ReceivedMissing,
    RestockWarehouseId,
}
