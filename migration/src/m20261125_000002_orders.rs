//! Orders: orders with snapshotted lines and address, the append-only order
//! timeline, API keys for integrations, and the order-number sequence.
//! Stock allocations are ledger rows (`stock_movements.reference` = order id).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

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
fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Orders::Table)
                .col(ColumnDef::new(Orders::Id).uuid().not_null().primary_key())
                .col(text(Orders::Number).unique_key())
                .col(ColumnDef::new(Orders::ChannelId).uuid().not_null())
                .col(ColumnDef::new(Orders::CustomerId).uuid().null())
                .col(text(Orders::CustomerEmail))
                .col(text(Orders::CustomerName))
                .col(text_null(Orders::ExternalId))
                .col(text(Orders::Status))
                .col(text(Orders::Currency))
                .col(big(Orders::SubtotalMinor))
                .col(big(Orders::ShippingFeeMinor))
                .col(big(Orders::TotalMinor))
                .col(text(Orders::ShippingMethod))
                .col(text(Orders::ShipName))
                .col(text(Orders::ShipPhone))
                .col(text(Orders::ShipLine1))
                .col(text_null(Orders::ShipLine2))
                .col(text(Orders::ShipCity))
                .col(text_null(Orders::ShipRegion))
                .col(text(Orders::ShipPostalCode))
                .col(text(Orders::ShipCountry))
                .col(text_null(Orders::Note))
                .col(text(Orders::PlacedBy))
                .col(text_null(Orders::IdempotencyScope))
                .col(text_null(Orders::IdempotencyKey))
                .col(text_null(Orders::RequestHash))
                .col(ts(Orders::PlacedAt))
                .col(ts(Orders::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Orders::Table, Orders::ChannelId)
                        .to(Channels::Table, Channels::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Orders::Table, Orders::CustomerId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols, unique) in [
            (
                "ux_orders_channel_external",
                vec![Orders::ChannelId, Orders::ExternalId],
                true,
            ),
            (
                "ux_orders_idempotency",
                vec![Orders::IdempotencyScope, Orders::IdempotencyKey],
                true,
            ),
            (
                "idx_orders_customer",
                vec![Orders::CustomerId, Orders::PlacedAt],
                false,
            ),
            (
                "idx_orders_status_placed",
                vec![Orders::Status, Orders::PlacedAt],
                false,
            ),
            ("idx_orders_placed", vec![Orders::PlacedAt], false),
            (
                "idx_orders_customer_email",
                vec![Orders::CustomerEmail],
                false,
            ),
        ] {
            let mut idx = Index::create().name(name).table(Orders::Table).to_owned();
            for c in cols {
                idx.col(c);
            }
            if unique {
                idx.unique();
            }
            m.create_index(idx).await?;
        }

        m.create_table(
            Table::create()
                .table(OrderLines::Table)
                .col(
                    ColumnDef::new(OrderLines::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(OrderLines::OrderId).uuid().not_null())
                .col(ColumnDef::new(OrderLines::LineNo).integer().not_null())
                .col(ColumnDef::new(OrderLines::ProductId).uuid().not_null())
                .col(text(OrderLines::Sku))
                .col(text(OrderLines::Name))
                .col(big(OrderLines::Quantity))
                .col(big(OrderLines::UnitPriceMinor))
                .col(big(OrderLines::LineTotalMinor))
                .check(Expr::col(OrderLines::Quantity).gt(0))
                .foreign_key(
                    ForeignKey::create()
                        .from(OrderLines::Table, OrderLines::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_order_lines_order")
                .table(OrderLines::Table)
                .col(OrderLines::OrderId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_order_lines_sku")
                .table(OrderLines::Table)
                .col(OrderLines::Sku)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OrderEvents::Table)
                .col(
                    ColumnDef::new(OrderEvents::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(OrderEvents::OrderId).uuid().not_null())
                .col(text(OrderEvents::Kind))
                .col(text_null(OrderEvents::FromStatus))
                .col(text(OrderEvents::ToStatus))
                .col(text(OrderEvents::Actor))
                .col(text_null(OrderEvents::Note))
                .col(ts(OrderEvents::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(OrderEvents::Table, OrderEvents::OrderId)
                        .to(Orders::Table, Orders::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_order_events_order")
                .table(OrderEvents::Table)
                .col(OrderEvents::OrderId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(ColumnDef::new(ApiKeys::Id).uuid().not_null().primary_key())
                .col(text(ApiKeys::Name))
                .col(ColumnDef::new(ApiKeys::ChannelId).uuid().not_null())
                .col(text(ApiKeys::Prefix))
                .col(text(ApiKeys::KeyHash).unique_key())
                .col(text(ApiKeys::CreatedBy))
                .col(ts(ApiKeys::CreatedAt))
                .col(
                    ColumnDef::new(ApiKeys::RevokedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiKeys::Table, ApiKeys::ChannelId)
                        .to(Channels::Table, Channels::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_index(
            Index::create()
                .name("idx_stock_movements_reference")
                .table(StockMovements::Table)
                .col(StockMovements::Reference)
                .to_owned(),
        )
        .await?;

        // Order numbers: a sequence on PostgreSQL (no lock contention); on
        // SQLite, whose writes are serialized, MAX(seq)+1 in the INSERT.
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("CREATE SEQUENCE IF NOT EXISTS order_number_seq")
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP SEQUENCE IF EXISTS order_number_seq")
                .await?;
        }
        for t in [
            ApiKeys::Table.into_iden(),
            OrderEvents::Table.into_iden(),
            OrderLines::Table.into_iden(),
            Orders::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Channels {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StockMovements {
    Table,
    Reference,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    Number,
    ChannelId,
    CustomerId,
    CustomerEmail,
    CustomerName,
    ExternalId,
    Status,
    Currency,
    SubtotalMinor,
    ShippingFeeMinor,
    TotalMinor,
    ShippingMethod,
    ShipName,
    ShipPhone,
    ShipLine1,
    ShipLine2,
    ShipCity,
    ShipRegion,
    ShipPostalCode,
    ShipCountry,
    Note,
    PlacedBy,
    IdempotencyScope,
    IdempotencyKey,
    RequestHash,
    PlacedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
    OrderId,
    LineNo,
    ProductId,
    Sku,
    Name,
    Quantity,
    UnitPriceMinor,
    LineTotalMinor,
}

#[derive(DeriveIden)]
enum OrderEvents {
    Table,
    Id,
    OrderId,
    Kind,
    FromStatus,
    ToStatus,
    Actor,
    Note,
    At,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Name,
    ChannelId,
    Prefix,
    KeyHash,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}
