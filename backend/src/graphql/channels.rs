//! Sales channels over GraphQL.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};

use super::context::{RoleGuard, principal, state};
use crate::domain::auth::STAFF;
use crate::domain::channels::{self as domain, ChannelKind as DKind};
use crate::services::channels as svc;

/// What kind of channel it is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ChannelKind {
    /// The merchant's own web shop (the portal).
    Web,
    /// A marketplace that forwards its orders.
    Marketplace,
    /// A physical store.
    Store,
    /// A partner integration.
    Partner,
}

impl From<DKind> for ChannelKind {
    fn from(k: DKind) -> Self {
        match k {
            DKind::Web => ChannelKind::Web,
            DKind::Marketplace => ChannelKind::Marketplace,
            DKind::Store => ChannelKind::Store,
            DKind::Partner => ChannelKind::Partner,
        }
    }
}

/// A sales channel orders come from.
#[derive(SimpleObject)]
pub struct Channel {
    /// Stable opaque id.
    pub id: ID,
    /// Short code, e.g. "web".
    pub code: String,
    /// Display name.
    pub name: String,
    /// Web shop, marketplace, store or partner.
    pub kind: ChannelKind,
    /// Whether it takes new orders.
    pub active: bool,
    /// The payment methods its customers may choose.
    pub payment_methods: Vec<crate::graphql::payments::PaymentMethod>,
    /// Days after delivery its customers may still ask for a return or
    /// exchange (0: no returns through the portal).
    pub return_window_days: i32,
}

impl From<domain::Channel> for Channel {
    fn from(c: domain::Channel) -> Self {
        Channel {
            id: ID(c.id.to_string()),
            code: c.code,
            name: c.name,
            kind: c.kind.into(),
            active: c.active,
            payment_methods: c.payment_methods.into_iter().map(Into::into).collect(),
            return_window_days: c.return_window_days,
        }
    }
}

#[derive(Default)]
pub struct ChannelsMutation;

#[Object]
impl ChannelsMutation {
    /// Sets which payment methods a channel's customers may choose (admin).
    /// Orders already placed keep their method.
    async fn set_channel_payment_methods(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel's code, e.g. \"web\".")] code: String,
        #[graphql(desc = "The methods offered, in display order.")] methods: Vec<
            crate::graphql::payments::PaymentMethod,
        >,
    ) -> Result<Channel> {
        let methods: Vec<_> = methods.into_iter().map(Into::into).collect();
        Ok(
            svc::set_payment_methods(state(ctx)?, principal(ctx), &code, &methods)
                .await?
                .into(),
        )
    }

    /// Sets how many days after delivery a channel's customers may still
    /// ask for a return or exchange (admin; 0 to 365). Returns already
    /// requested are not affected.
    async fn set_channel_return_window(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The channel's code, e.g. \"web\".")] code: String,
        #[graphql(desc = "Days after delivery, 0 to 365.")] days: i32,
    ) -> Result<Channel> {
        Ok(
            svc::set_return_window(state(ctx)?, principal(ctx), &code, days)
                .await?
                .into(),
        )
    }
}

#[derive(Default)]
pub struct ChannelsQuery;

#[Object]
impl ChannelsQuery {
    /// Sales channels by code (staff only).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn channels(&self, ctx: &Context<'_>) -> Result<Vec<Channel>> {
        Ok(svc::list(state(ctx)?, principal(ctx))
            .await?
            .into_iter()
            .map(Channel::from)
            .collect())
    }
}
