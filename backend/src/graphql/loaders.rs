//! Per-request DataLoaders: relation fields batch their lookups so a page
//! of N items costs a fixed number of SQL statements, not N.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use uuid::Uuid;

use crate::error::AppError;
use crate::state::AppState;

/// Units available to sell per product id.
pub struct AvailabilityLoader(pub AppState);

impl Loader<Uuid> for AvailabilityLoader {
    type Value = i64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, i64>, Self::Error> {
        Ok(crate::services::catalog::availability(&self.0, keys).await?)
    }
}

/// Lines per order id.
pub struct LinesLoader(pub AppState);

impl Loader<Uuid> for LinesLoader {
    type Value = Vec<crate::domain::orders::OrderLine>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(crate::services::orders::lines_for(&self.0, keys).await?)
    }
}

/// Timeline events per order id.
pub struct EventsLoader(pub AppState);

impl Loader<Uuid> for EventsLoader {
    type Value = Vec<crate::services::orders::TimelineEvent>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(crate::services::orders::events_for(&self.0, keys).await?)
    }
}

/// Allocations per order number.
pub struct AllocationsLoader(pub AppState);

impl Loader<String> for AllocationsLoader {
    type Value = Vec<crate::services::orders::NetAllocation>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        Ok(crate::services::orders::allocations_for(&self.0, keys).await?)
    }
}

/// Payments (with their events) per order id.
pub struct PaymentsLoader(pub AppState);

impl Loader<Uuid> for PaymentsLoader {
    type Value = Vec<crate::domain::payments::Payment>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(crate::services::payments::payments_for_orders(&self.0, keys).await?)
    }
}

/// Shipments (with lines and events) per order id.
pub struct ShipmentsLoader(pub AppState);

impl Loader<Uuid> for ShipmentsLoader {
    type Value = Vec<crate::domain::fulfillment::Shipment>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(crate::services::fulfillment::shipments_for_orders(&self.0, keys).await?)
    }
}

/// The notification log per order id.
pub struct NotificationsLoader(pub AppState);

impl Loader<Uuid> for NotificationsLoader {
    type Value = Vec<crate::services::notifications::email::log::NotificationEntry>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(
            crate::services::notifications::email::log::notifications_for_orders(&self.0, keys)
                .await?,
        )
    }
}

/// Actors by their stored label (payment ledgers: one batch for a whole
/// page of payments, not one lookup per payment).
pub struct ActorsLoader(pub AppState);

impl Loader<String> for ActorsLoader {
    type Value = crate::domain::actor::Actor;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        Ok(
            crate::services::actors::resolve(&self.0.db.conn, keys.iter().map(String::as_str))
                .await?,
        )
    }
}

/// Products by id.
pub struct ProductLoader(pub AppState);

impl Loader<Uuid> for ProductLoader {
    type Value = crate::domain::catalog::Product;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(crate::services::catalog::products_by_ids(&self.0, keys).await?)
    }
}

/// Every per-request loader, attached to a request as one value so that a
/// loader cannot be declared and then forgotten by one of the entry paths
/// (HTTP, WebSocket, in-process SSR).
pub struct Loaders {
    pub availability: DataLoader<AvailabilityLoader>,
    pub lines: DataLoader<LinesLoader>,
    pub events: DataLoader<EventsLoader>,
    pub allocations: DataLoader<AllocationsLoader>,
    pub products: DataLoader<ProductLoader>,
    pub payments: DataLoader<PaymentsLoader>,
    pub actors: DataLoader<ActorsLoader>,
    pub shipments: DataLoader<ShipmentsLoader>,
    pub notifications: DataLoader<NotificationsLoader>,
}

impl Loaders {
    pub fn new(state: &AppState) -> Self {
        Loaders {
            availability: DataLoader::new(AvailabilityLoader(state.clone()), tokio::spawn),
            lines: DataLoader::new(LinesLoader(state.clone()), tokio::spawn),
            events: DataLoader::new(EventsLoader(state.clone()), tokio::spawn),
            allocations: DataLoader::new(AllocationsLoader(state.clone()), tokio::spawn),
            products: DataLoader::new(ProductLoader(state.clone()), tokio::spawn),
            payments: DataLoader::new(PaymentsLoader(state.clone()), tokio::spawn),
            actors: DataLoader::new(ActorsLoader(state.clone()), tokio::spawn),
            shipments: DataLoader::new(ShipmentsLoader(state.clone()), tokio::spawn),
            notifications: DataLoader::new(NotificationsLoader(state.clone()), tokio::spawn),
        }
    }
}

/// The request's loaders (an `INTERNAL` error if an entry path forgot them).
pub fn loaders<'a>(ctx: &async_graphql::Context<'a>) -> Result<&'a Loaders, AppError> {
    super::context::required::<Loaders>(ctx)
}

/// Attaches the per-request loaders to a GraphQL request's data.
pub fn attach(req: async_graphql::Request, state: &AppState) -> async_graphql::Request {
    req.data(Loaders::new(state))
}

/// The same loaders for a subscription connection's data.
pub fn attach_data(data: &mut async_graphql::Data, state: &AppState) {
    data.insert(Loaders::new(state));
}
