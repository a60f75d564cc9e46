//! Schema migrations. Each file is one change and is never edited after it
//! has landed; later changes add new files.
pub use sea_orm_migration::prelude::*;

mod m20261125_000001_foundation;
mod m20261125_000002_orders;
mod m20261129_000003_payments;
mod m20261129_000004_fulfillment;
mod m20261130_000005_notifications;
mod m20261130_000006_tickets;
mod m20261130_000007_reviews;
mod m20261130_000008_returns;
mod m20261130_000009_changes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_orders::Migration),
            Box::new(m20261129_000003_payments::Migration),
            Box::new(m20261129_000004_fulfillment::Migration),
            Box::new(m20261130_000005_notifications::Migration),
            Box::new(m20261130_000006_tickets::Migration),
            Box::new(m20261130_000007_reviews::Migration),
            Box::new(m20261130_000008_returns::Migration),
            Box::new(m20261130_000009_changes::Migration),
        ]
    }
}
