//! Fulfillment over GraphQL: shipments of an order, the warehouse work
//! queue, pick/pack/ship/track/hand over, pickup points and shipping
//! quotes. Resolvers only translate; the rules are in
//! `services::fulfillment` and `domain::fulfillment`.

mod types;

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use types::*;

use super::context::{principal, state};
use super::types::{Money, offset_after, offset_page};
use crate::error::AppError;
use crate::services::fulfillment as svc;

fn parse_id(raw: &ID) -> Result<Uuid, AppError> {
    super::types::id_arg(raw, "shipmentId", "is not a shipment id")
}

#[derive(Default)]
pub struct FulfillmentQuery;

#[Object]
impl FulfillmentQuery {
    /// Pickup points customers can choose at checkout (PICKUP).
    async fn pickup_points(&self, ctx: &Context<'_>) -> Result<Vec<PickupPoint>> {
        Ok(svc::pickup_points(state(ctx)?)
            .await?
            .into_iter()
            .map(|p| PickupPoint {
                code: p.code,
                name: p.name,
                region: p.region,
            })
            .collect())
    }

    /// The shipping fee these lines would cost by this method, before the
    /// order is placed (placement charges the same).
    async fn shipping_quote(&self, ctx: &Context<'_>, input: ShippingQuoteInput) -> Result<Money> {
        let lines: Vec<crate::services::orders::LineIn> = input
            .lines
            .into_iter()
            .map(|l| crate::services::orders::LineIn {
                sku: l.sku,
                quantity: l.quantity,
            })
            .collect();
        let m = svc::shipping_quote(state(ctx)?, &lines, input.method.into()).await?;
        Ok(Money::from(&m))
    }

    /// The rate table: how each method's fee is computed.
    async fn shipping_rates(&self, ctx: &Context<'_>) -> Result<Vec<ShippingRate>> {
        let st = state(ctx)?;
        let c = st.config.currency.as_str();
        Ok(svc::rates(st)
            .await?
            .into_iter()
            .map(|r| rate_out(r, c))
            .collect())
    }

    /// The nearest-region table (staff): which warehouses are nearest to
    /// each shipping region, by rank.
    async fn region_warehouses(&self, ctx: &Context<'_>) -> Result<Vec<RegionWarehouse>> {
        Ok(svc::region_ranks(state(ctx)?, principal(ctx))
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// One shipment, if the caller may see it (staff; the customer of its order).
    async fn shipment(&self, ctx: &Context<'_>, id: ID) -> Result<Shipment> {
        let id = parse_id(&id)?;
        Ok(Shipment(
            svc::find_shipment(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// The warehouse work queue (staff), oldest first.
    async fn shipments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Filters, combined with AND.")] filter: Option<ShipmentFilter>,
        #[graphql(desc = "Page size, 1 to 100.", default = 20)] first: i64,
        #[graphql(desc = "Cursor after which the page starts.")] after: Option<String>,
    ) -> Result<ShipmentConnection> {
        let f = filter.unwrap_or_default();
        let offset = offset_after(after.as_deref())?;
        let page = svc::list_shipments(
            state(ctx)?,
            principal(ctx),
            &svc::ShipmentFilter {
                warehouse: f.warehouse,
                status: f.status.map(Into::into),
                method: f.method.map(Into::into),
            },
            first.clamp(1, 100) as u64,
            offset,
        )
        .await?;
        let (cursors, page_info) = offset_page(page.offset, page.items.len(), page.has_next);
        let edges: Vec<ShipmentEdge> = cursors
            .into_iter()
            .zip(page.items)
            .map(|(cursor, s)| ShipmentEdge {
                cursor,
                node: Shipment(s),
            })
            .collect();
        Ok(ShipmentConnection {
            page_info,
            edges,
            total_count: page.total as i64,
        })
    }
}

fn rate_out(r: crate::domain::fulfillment::rates::Rate, c: &str) -> ShippingRate {
    ShippingRate {
        method: r.method.into(),
        flat: Money::from_minor(r.flat_minor, c),
        per_kg: Money::from_minor(r.per_kg_minor, c),
        per_item: Money::from_minor(r.per_item_minor, c),
        free_above: r.free_above_minor.map(|m| Money::from_minor(m, c)),
    }
}

#[derive(Default)]
pub struct FulfillmentMutation;

#[Object]
impl FulfillmentMutation {
    /// Replaces a delivery method's rate (admin). Quotes and new orders use
    /// it at once; placed orders keep the fee they were charged.
    async fn set_shipping_rate(
        &self,
        ctx: &Context<'_>,
        input: ShippingRateInput,
    ) -> Result<ShippingRate> {
        let st = state(ctx)?;
        let rate = crate::domain::fulfillment::rates::Rate {
            method: input.method.into(),
            flat_minor: input.flat_minor,
            per_kg_minor: input.per_kg_minor,
            per_item_minor: input.per_item_minor,
            free_above_minor: input.free_above_minor,
        };
        let saved = svc::set_shipping_rate(st, principal(ctx), rate).await?;
        Ok(rate_out(saved, st.config.currency.as_str()))
    }

    /// Replaces a region's warehouse ranking for nearest-region routing
    /// (admin), nearest first; an empty list removes the region.
    async fn set_region_warehouses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The shipping address's region, e.g. Guangdong.")] region: String,
        #[graphql(desc = "Warehouse codes, nearest first.")] warehouse_codes: Vec<String>,
    ) -> Result<Vec<RegionWarehouse>> {
        Ok(
            svc::set_region_warehouses(state(ctx)?, principal(ctx), &region, &warehouse_codes)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// Starts picking a PENDING shipment (warehouse, admin).
    async fn start_picking(&self, ctx: &Context<'_>, shipment_id: ID) -> Result<Shipment> {
        let id = parse_id(&shipment_id)?;
        Ok(Shipment(
            svc::start_picking(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// Packs a PICKING shipment and records its weight (warehouse, admin).
    async fn pack_shipment(
        &self,
        ctx: &Context<'_>,
        shipment_id: ID,
        #[graphql(desc = "The parcel's weight, 1 to 1000000 grams.")] weight_grams: i64,
    ) -> Result<Shipment> {
        let id = parse_id(&shipment_id)?;
        Ok(Shipment(
            svc::pack_shipment(state(ctx)?, principal(ctx), id, weight_grams).await?,
        ))
    }

    /// Hands a PACKED shipment to the carrier (warehouse, admin): consumes
    /// the stock and captures the card for exactly the shipped lines.
    /// With `lines`, only those units ship; the rest stays packed as a new
    /// shipment. Shipping more than the shipment holds is INVALID_INPUT;
    /// a second clerk shipping the same shipment gets CONFLICT.
    async fn ship_shipment(
        &self,
        ctx: &Context<'_>,
        shipment_id: ID,
        #[graphql(
            desc = "Carrier code, e.g. SF, YTO, EMS or SANDBOX (the built-in sandbox carrier)."
        )]
        carrier: String,
        #[graphql(desc = "The carrier's tracking number (unique).")] tracking_number: String,
        #[graphql(desc = "Units to ship now; all of them when omitted.")] lines: Option<
            Vec<ShipLineInput>,
        >,
    ) -> Result<Shipment> {
        let id = parse_id(&shipment_id)?;
        let lines: Option<Vec<svc::ShipLine>> = lines.map(|v| {
            v.into_iter()
                .map(|l| svc::ShipLine {
                    sku: l.sku,
                    quantity: l.quantity,
                })
                .collect()
        });
        Ok(Shipment(
            svc::ship_shipment(
                state(ctx)?,
                principal(ctx),
                id,
                &carrier,
                &tracking_number,
                lines.as_deref(),
            )
            .await?,
        ))
    }

    /// Puts a PACKED pickup shipment on the pickup shelf (warehouse, admin).
    async fn mark_ready_for_pickup(&self, ctx: &Context<'_>, shipment_id: ID) -> Result<Shipment> {
        let id = parse_id(&shipment_id)?;
        Ok(Shipment(
            svc::mark_ready_for_pickup(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// Hands a pickup shipment to the customer who shows its code
    /// (warehouse, admin). A wrong code is WRONG_PICKUP_CODE (with
    /// `attemptsLeft`); after 5 the shipment is PICKUP_LOCKED until support
    /// or an admin unlocks it.
    async fn hand_over_pickup(
        &self,
        ctx: &Context<'_>,
        shipment_id: ID,
        #[graphql(desc = "The code the customer shows.")] pickup_code: String,
    ) -> Result<Shipment> {
        let id = parse_id(&shipment_id)?;
        Ok(Shipment(
            svc::hand_over_pickup(state(ctx)?, principal(ctx), id, &pickup_code).await?,
        ))
    }

    /// Unlocks a pickup locked by wrong codes, after review (support, admin).
    async fn unlock_pickup(&self, ctx: &Context<'_>, shipment_id: ID) -> Result<Shipment> {
        let id = parse_id(&shipment_id)?;
        Ok(Shipment(
            svc::unlock_pickup(state(ctx)?, principal(ctx), id).await?,
        ))
    }

    /// Moves a shipment nobody has started picking to another warehouse
    /// that has its units free (warehouse, admin); the allocation moves
    /// with it through the stock ledger.
    async fn move_shipment(
        &self,
        ctx: &Context<'_>,
        shipment_id: ID,
        #[graphql(desc = "Code of the warehouse to ship from.")] warehouse_code: String,
    ) -> Result<Shipment> {
        let id = parse_id(&shipment_id)?;
        Ok(Shipment(
            svc::move_shipment(state(ctx)?, principal(ctx), id, &warehouse_code).await?,
        ))
    }

    /// Records a tracking event by hand (warehouse, admin), e.g. from a
    /// carrier without pushes. It must be later than the newest event.
    async fn record_tracking_event(
        &self,
        ctx: &Context<'_>,
        shipment_id: ID,
        #[graphql(
            desc = "IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, EXCEPTION or RETURNED_TO_SENDER."
        )]
        status: ShipmentStatus,
        #[graphql(desc = "What happened, up to 500 characters.")] description: String,
        #[graphql(desc = "Where, if known.")] location: Option<String>,
        #[graphql(desc = "When (default now).")] at: Option<DateTime<Utc>>,
    ) -> Result<Shipment> {
        let id = parse_id(&shipment_id)?;
        Ok(Shipment(
            svc::record_tracking_event(
                state(ctx)?,
                principal(ctx),
                id,
                status.into(),
                &description,
                location.as_deref(),
                at,
            )
            .await?,
        ))
    }
}
