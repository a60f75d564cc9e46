//! Fulfillment: shipments (one per warehouse an order ships from), their
//! lines and tracking events, the shipping rate table per delivery method,
//! the region→warehouse preference table routing reads, product weights
//! (per-kg rates) and the pickup point an order is collected at.
//! Delivery method codes become EXPRESS, POSTAL and PICKUP.
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

/// (method, flat, per kg, per item, free above) in minor units.
const RATES: &[(&str, i64, i64, i64, Option<i64>)] = &[
    ("EXPRESS", 1800, 600, 0, Some(100_000)),
    ("POSTAL", 800, 0, 100, Some(19_900)),
    ("PICKUP", 0, 0, 0, None),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Products::Table)
                .add_column(
                    ColumnDef::new(Products::WeightGrams)
                        .big_integer()
                        .not_null()
                        .default(500),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Orders::Table)
                .add_column(ColumnDef::new(Orders::PickupWarehouseId).uuid().null())
                .to_owned(),
        )
        .await?;
        // Old lower-case codes: "standard" was the postal service.
        for (old, new) in [
            ("standard", "POSTAL"),
            ("postal", "POSTAL"),
            ("express", "EXPRESS"),
            ("pickup", "PICKUP"),
        ] {
            m.exec_stmt(
                Query::update()
                    .table(Orders::Table)
                    .value(Orders::ShippingMethod, new)
                    .and_where(Expr::col(Orders::ShippingMethod).eq(old))
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(Shipments::Table)
                .col(uuid(Shipments::Id).primary_key())
                .col(text(Shipments::Number).unique_key())
                .col(uuid(Shipments::OrderId))
                .col(uuid(Shipments::WarehouseId))
                .col(text(Shipments::Method))
                .col(text(Shipments::Status))
                .col(text_null(Shipments::Carrier))
                .col(text_null(Shipments::TrackingNumber))
                .col(ColumnDef::new(Shipments::WeightGrams).big_integer().null())
                .col(text_null(Shipments::PickupCode))
                .col(
                    ColumnDef::new(Shipments::PickupFailures)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(
                    ColumnDef::new(Shipments::PickupLocked)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(
                    ColumnDef::new(Shipments::CapturePending)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(big(Shipments::CaptureMinor).default(0))
                .col(ts_null(Shipments::LastEventAt))
                .col(ts(Shipments::CreatedAt))
                .col(ts(Shipments::UpdatedAt))
                .col(ts_null(Shipments::ShippedAt))
                .col(ts_null(Shipments::DeliveredAt))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_shipments_order", vec![Shipments::OrderId]),
            (
                "idx_shipments_queue",
                vec![Shipments::WarehouseId, Shipments::Status],
            ),
            ("idx_shipments_status", vec![Shipments::Status]),
            // The settlement sweep looks for money still to move.
            (
                "idx_shipments_capture_pending",
                vec![Shipments::CapturePending],
            ),
        ] {
            let mut idx = Index::create()
                .name(name)
                .table(Shipments::Table)
                .to_owned();
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx).await?;
        }
        // A tracking number names one parcel (NULLs do not collide).
        m.create_index(
            Index::create()
                .name("uq_shipments_tracking")
                .table(Shipments::Table)
                .col(Shipments::TrackingNumber)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ShipmentLines::Table)
                .col(uuid(ShipmentLines::Id).primary_key())
                .col(uuid(ShipmentLines::ShipmentId))
                .col(uuid(ShipmentLines::ProductId))
                .col(text(ShipmentLines::Sku))
                .col(big(ShipmentLines::Quantity))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_shipment_lines_product")
                .table(ShipmentLines::Table)
                .col(ShipmentLines::ShipmentId)
                .col(ShipmentLines::ProductId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ShipmentEvents::Table)
                .col(
                    ColumnDef::new(ShipmentEvents::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(uuid(ShipmentEvents::ShipmentId))
                .col(text(ShipmentEvents::Status))
                .col(text(ShipmentEvents::Description))
                .col(text_null(ShipmentEvents::Location))
                .col(ts(ShipmentEvents::At))
                .col(text(ShipmentEvents::Source))
                .col(text(ShipmentEvents::Actor))
                .col(ts(ShipmentEvents::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_shipment_events_shipment")
                .table(ShipmentEvents::Table)
                .col(ShipmentEvents::ShipmentId)
                .col(ShipmentEvents::At)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ShippingRates::Table)
                .col(text(ShippingRates::Method).primary_key())
                .col(big(ShippingRates::FlatMinor))
                .col(big(ShippingRates::PerKgMinor))
                .col(big(ShippingRates::PerItemMinor))
                .col(
                    ColumnDef::new(ShippingRates::FreeAboveMinor)
                        .big_integer()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        for (method, flat, per_kg, per_item, free_above) in RATES {
            m.exec_stmt(
                Query::insert()
                    .into_table(ShippingRates::Table)
                    .columns([
                        ShippingRates::Method,
                        ShippingRates::FlatMinor,
                        ShippingRates::PerKgMinor,
                        ShippingRates::PerItemMinor,
                        ShippingRates::FreeAboveMinor,
                    ])
                    .values_panic([
                        (*method).into(),
                        (*flat).into(),
                        (*per_kg).into(),
                        (*per_item).into(),
                        (*free_above).into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(RegionWarehouses::Table)
                .col(
                    ColumnDef::new(RegionWarehouses::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(text(RegionWarehouses::Region))
                .col(uuid(RegionWarehouses::WarehouseId))
                .col(ColumnDef::new(RegionWarehouses::Rank).integer().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_region_warehouses")
                .table(RegionWarehouses::Table)
                .col(RegionWarehouses::Region)
                .col(RegionWarehouses::WarehouseId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            RegionWarehouses::Table.into_iden(),
            ShippingRates::Table.into_iden(),
            ShipmentEvents::Table.into_iden(),
            ShipmentLines::Table.into_iden(),
            Shipments::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Orders::Table)
                .drop_column(Orders::PickupWarehouseId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Products::Table)
                .drop_column(Products::WeightGrams)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Products {
    Table,
    WeightGrams,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    ShippingMethod,
    PickupWarehouseId,
}

#[derive(DeriveIden)]
enum Shipments {
    Table,
    Id,
    Number,
    OrderId,
    WarehouseId,
    Method,
    Status,
    Carrier,
    TrackingNumber,
    WeightGrams,
    PickupCode,
    PickupFailures,
    PickupLocked,
    CapturePending,
    CaptureMinor,
    LastEventAt,
    CreatedAt,
    UpdatedAt,
    ShippedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum ShipmentLines {
    Table,
    Id,
    ShipmentId,
    ProductId,
    Sku,
    Quantity,
}

#[derive(DeriveIden)]
enum ShipmentEvents {
    Table,
    Id,
    ShipmentId,
    Status,
    Description,
    Location,
    At,
    Source,
    Actor,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ShippingRates {
    Table,
    Method,
    FlatMinor,
    PerKgMinor,
    PerItemMinor,
    FreeAboveMinor,
}

#[derive(DeriveIden)]
enum RegionWarehouses {
    Table,
    Id,
    Region,
    WarehouseId,
    Rank,
}
