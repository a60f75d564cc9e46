//! Per-request DataLoaders: relation fields batch their lookups so a page
//! of N items costs a fixed number of SQL statements, not N.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use uuid::Uuid;

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
