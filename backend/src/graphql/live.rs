//! Live feeds over WebSocket: `orderUpdated` (one order, resumable by its
//! event sequence) and `orderEvents` (the staff feed, resumable by event
//! id). Resolvers are thin; the rules and the reads are in
//! `services::notifications::live`.
//!
//! An update's `order` is rendered once per distinct (caller, document,
//! variables, field) and shared by every subscriber asking the same: 10,000
//! portal tabs on one order cost one rendering, not 10,000.

use std::borrow::Cow;
use std::sync::Arc;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{
    Context, ContextSelectionSet, InputObject, Object, OutputType, Positioned, Result, ServerError,
    ServerResult, SimpleObject, Subscription, Value,
};
use chrono::{DateTime, FixedOffset};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};

use super::context::{RoleGuard, principal, state};
use super::notifications_types::EventType;
use super::orders::Order;
use crate::domain::auth::Principal;
use crate::domain::notifications::live::{FEED_ROLES, FeedFilter};
use crate::services::notifications::live::{self as svc, Update};

#[derive(Default)]
pub struct LiveSubscription;

#[Subscription]
impl LiveSubscription {
    /// The order each time one of its events commits, for whoever may see
    /// it (its customer, staff, its channel's integration); others get
    /// NOT_FOUND. With `afterSequence`, the events after that one are
    /// replayed first, so a client that lost its connection misses nothing;
    /// updates arrive in sequence order, without gaps or repeats. The feed
    /// ends when the caller's session ends or its key is revoked.
    async fn order_updated(
        &self,
        ctx: &Context<'_>,
        number: String,
        #[graphql(
            desc = "The last `sequence` the client showed (e.g. `Order.sequence` of the page, or the last update's): replay every event after it. Without it, only new events."
        )]
        after_sequence: Option<i64>,
    ) -> Result<impl Stream<Item = OrderUpdate> + use<>> {
        let st = state(ctx)?;
        let p = principal(ctx);
        let selection: Arc<[u8]> = fingerprint(ctx, p).into();
        let stream = svc::follow_order(st, p, &number, after_sequence).await?;
        Ok(stream.map(move |update| OrderUpdate {
            update,
            selection: selection.clone(),
        }))
    }

    /// Every dispatched event staff (or an integration key, for its own
    /// channel) may see that passes `filter`, in event id order. With
    /// `afterEventId`, the events after that id are replayed first; without
    /// it, only new ones. Customers are refused.
    #[graphql(guard = "RoleGuard(&FEED_ROLES)")]
    async fn order_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events; all when omitted.")] filter: Option<OrderEventsFilter>,
        #[graphql(desc = "The last event id the client saw: replay every later one.")]
        after_event_id: Option<i64>,
    ) -> Result<impl Stream<Item = FeedEvent> + use<>> {
        let st = state(ctx)?;
        let f = filter.unwrap_or_default();
        let filter = FeedFilter::new(
            f.types.map(|ts| ts.into_iter().map(Into::into).collect()),
            f.order_number.as_deref(),
        );
        let tz = st.config.time_zone;
        let stream = svc::feed::follow(st, principal(ctx), filter, after_event_id).await?;
        Ok(stream.filter_map(move |e| async move {
            Some(FeedEvent {
                id: e.id,
                kind: e.kind?.into(),
                order_number: e.order_number,
                sequence: e.sequence,
                at: tz.local(e.at),
                object: e.object.to_string(),
            })
        }))
    }
}

/// Which events the staff feed sends.
#[derive(InputObject, Default)]
pub struct OrderEventsFilter {
    /// Only these types.
    pub types: Option<Vec<EventType>>,
    /// Only this order's events.
    pub order_number: Option<String>,
}

/// One event of the staff feed.
#[derive(SimpleObject)]
pub struct FeedEvent {
    /// The event id (increasing in the order events became visible): pass
    /// the last one seen as `afterEventId` to resume.
    pub id: i64,
    /// What happened.
    #[graphql(name = "type")]
    pub kind: EventType,
    /// The order it belongs to.
    pub order_number: Option<String>,
    /// Its place among the order's events (1, 2, 3…).
    pub sequence: Option<i64>,
    /// When it was committed, in the merchant's time zone (`OMS_TIMEZONE`).
    pub at: DateTime<FixedOffset>,
    /// The object it is about as it was then (JSON), as webhooks send it.
    pub object: String,
}

/// An event of an order, with the order as it is now.
pub struct OrderUpdate {
    update: Arc<Update>,
    selection: Arc<[u8]>,
}

/// An event of an order, with the order as it is now.
#[Object]
impl OrderUpdate {
    /// The order's event counter (1, 2, 3… without gaps): pass the last one
    /// shown as `afterSequence` to resume.
    async fn sequence(&self) -> i64 {
        self.update.sequence
    }
    /// What happened.
    #[graphql(name = "type")]
    async fn kind(&self) -> EventType {
        self.update.kind.into()
    }
    /// When it was committed, in the merchant's time zone (`OMS_TIMEZONE`).
    async fn at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(state(ctx)?.config.time_zone.local(self.update.at))
    }
    /// The order now (after this event and any committed with it).
    async fn order(&self) -> SharedOrder {
        SharedOrder {
            update: self.update.clone(),
            selection: self.selection.clone(),
        }
    }
}

/// The caller and what it selects of each update as one key: the same key,
/// the same order state and the same field give the same rendering. The
/// root field's own arguments (`number`, `afterSequence`) are left out, so
/// clients resuming from different sequences still share renderings.
fn fingerprint(ctx: &Context<'_>, p: &Principal) -> Vec<u8> {
    let env = &ctx.query_env;
    let selection = format!("{:?}", ctx.item.node.selection_set);
    let mut fragments: Vec<_> = env.fragments.iter().collect();
    fragments.sort_by(|a, b| a.0.cmp(b.0));
    let fragments = format!("{fragments:?}");
    let root_only: Vec<String> = ctx
        .item
        .node
        .arguments
        .iter()
        .filter_map(|(_, v)| {
            // The AST's value type is not exported: `Variable(Name("x"))`.
            let debug = format!("{:?}", v.node);
            let name = debug.strip_prefix("Variable(")?.split('"').nth(1)?;
            Some(name.to_string())
        })
        .filter(|name| {
            let quoted = format!("{name:?}");
            !selection.contains(&quoted) && !fragments.contains(&quoted)
        })
        .collect();
    let caller = match p {
        Principal::User { id, role, .. } => format!("user {id} {role:?}"),
        Principal::Integration { key_id, .. } => format!("key {key_id}"),
        Principal::System => "system".into(),
        Principal::Anonymous => "anonymous".into(),
    };
    let mut h = Sha256::new();
    h.update(caller.as_bytes());
    h.update(selection.as_bytes());
    h.update(fragments.as_bytes());
    for (name, value) in env.variables.iter() {
        if !root_only.iter().any(|r| r == name.as_str()) {
            h.update(format!("{name:?}={value:?};").as_bytes());
        }
    }
    h.finalize().to_vec()
}

/// `Order`, rendered once per selection and shared.
pub struct SharedOrder {
    update: Arc<Update>,
    selection: Arc<[u8]>,
}

impl OutputType for SharedOrder {
    fn type_name() -> Cow<'static, str> {
        <Order as OutputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Order as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let mut key = self.selection.to_vec();
        key.extend_from_slice(&field.pos.line.to_le_bytes());
        key.extend_from_slice(&field.pos.column.to_le_bytes());
        let cell = self.update.memo.cell(key);
        let rendered = cell
            .get_or_try_init(|| async {
                let order = Order(self.update.order.as_ref().clone());
                let v = order.resolve(ctx, field).await?;
                Ok::<_, ServerError>(Arc::new(v) as svc::Rendering)
            })
            .await?;
        rendered
            .downcast_ref::<Value>()
            .cloned()
            .ok_or_else(|| ServerError::new("order rendering of another type", Some(field.pos)))
    }
}
