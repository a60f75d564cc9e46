//! Output types shared by several areas. They are built from entities but
//! are their own structs, so the public API is not welded to the tables.

use async_graphql::{Enum, ID, SimpleObject};

use crate::domain::auth::Role as DomainRole;
use crate::domain::money::{Currency, Money as DomainMoney};

/// An amount of money.
#[derive(SimpleObject, Clone)]
pub struct Money {
    /// Decimal amount as text, e.g. "129.00" (never a float).
    pub amount: String,
    /// ISO 4217 currency code, e.g. "CNY".
    pub currency_code: String,
}

impl Money {
    pub fn from_minor(minor: i64, currency: &str) -> Money {
        let amount = match Currency::parse(currency) {
            Some(c) => DomainMoney::new(minor, c).amount(),
            None => minor.to_string(),
        };
        Money {
            amount,
            currency_code: currency.to_string(),
        }
    }
}

impl From<&DomainMoney> for Money {
    fn from(m: &DomainMoney) -> Money {
        Money {
            amount: m.amount(),
            currency_code: m.currency().as_str().to_string(),
        }
    }
}

/// What a user may do.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Role {
    /// Shops in the portal; sees only their own orders.
    Customer,
    /// Service desk: tickets, change requests, returns.
    Support,
    /// Picks, packs, ships, receives returns, manages stock.
    Warehouse,
    /// Payments, refunds, invoices, reports.
    Finance,
    /// Everything, including users, channels and rules.
    Admin,
    /// An API key bound to one sales channel.
    Integration,
}

impl From<DomainRole> for Role {
    fn from(r: DomainRole) -> Self {
        match r {
            DomainRole::Customer => Role::Customer,
            DomainRole::Support => Role::Support,
            DomainRole::Warehouse => Role::Warehouse,
            DomainRole::Finance => Role::Finance,
            DomainRole::Admin => Role::Admin,
            DomainRole::Integration => Role::Integration,
        }
    }
}

impl From<Role> for DomainRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Customer => DomainRole::Customer,
            Role::Support => DomainRole::Support,
            Role::Warehouse => DomainRole::Warehouse,
            Role::Finance => DomainRole::Finance,
            Role::Admin => DomainRole::Admin,
            Role::Integration => DomainRole::Integration,
        }
    }
}

/// A person with an account.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct User {
    /// Stable opaque id.
    pub id: ID,
    /// Sign-in email, lower-cased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The user's role.
    pub role: Role,
}

impl From<crate::domain::auth::User> for User {
    fn from(u: crate::domain::auth::User) -> Self {
        User {
            id: ID(u.id.to_string()),
            email: u.email,
            name: u.name,
            role: u.role.into(),
        }
    }
}

/// Relay paging information.
#[derive(SimpleObject, Clone)]
pub struct PageInfo {
    /// More items follow this page.
    pub has_next_page: bool,
    /// Items precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// An `ID` argument that must be a UUID; anything else is `INVALID_INPUT`
/// on `field` with `message` (e.g. "is not a payment id").
pub fn id_arg(
    raw: &async_graphql::ID,
    field: &str,
    message: &str,
) -> Result<uuid::Uuid, crate::error::AppError> {
    uuid::Uuid::parse_str(raw.as_str()).map_err(|_| crate::error::AppError::invalid(field, message))
}

/// Where a page of an offset-paged list starts: 0, or one past `after`.
pub fn offset_after(after: Option<&str>) -> Result<u64, crate::error::AppError> {
    match after {
        None => Ok(0),
        Some(c) => crate::services::orders::decode_cursor(c)
            .map(|o| o + 1)
            .ok_or_else(|| {
                crate::error::AppError::invalid("after", "is not a cursor from this list")
            }),
    }
}

/// The cursors of `n` items from `offset`, and the page's info.
pub fn offset_page(offset: u64, n: usize, has_next: bool) -> (Vec<String>, PageInfo) {
    let cursors: Vec<String> = (0..n as u64)
        .map(|i| crate::services::orders::queries_cursor(offset + i))
        .collect();
    let info = PageInfo {
        has_next_page: has_next,
        has_previous_page: offset > 0,
        start_cursor: cursors.first().cloned(),
        end_cursor: cursors.last().cloned(),
    };
    (cursors, info)
}
