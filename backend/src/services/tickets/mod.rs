//! Service tickets: customers ask (about one of their orders, or in
//! general), the service desk (support and admins) answers, assigns and
//! resolves. Rules and the status machine are in `domain::tickets`.
//!
//! Who sees what:
//! * a customer sees and writes only their own tickets; anyone else's is
//!   NOT_FOUND, exactly like a missing one;
//! * support and admins see and handle every ticket;
//! * warehouse and finance staff are FORBIDDEN (tickets are the service
//!   desk's work; `Order.tickets` is empty for them), as are integrations.
//!
//! Events: a ticket about an order writes `ticket.opened`, `ticket.replied`
//! (staff replies only: it is "the service team replied", and mails the
//! customer the `ticket_replied` email) and `ticket.resolved` to the outbox
//! in the same transaction. The outbox is per order (each event takes the
//! order's sequence and the email planner finds the recipient through the
//! order), so a general ticket, not about an order, writes no event: its
//! customer reads the answer under "My tickets".

mod commands;
mod queries;

pub use commands::*;
pub use queries::*;

use entity::ticket;
use uuid::Uuid;

use crate::domain::auth::{Principal, Role};
use crate::domain::orders::Order;
use crate::domain::tickets::Viewer;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The service desk: who answers, assigns and resolves tickets.
pub const DESK: &[Role] = &[Role::Support, Role::Admin];

/// A staff member as a ticket shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// A ticket with its assignee.
#[derive(Clone, Debug)]
pub struct TicketView {
    pub row: ticket::Model,
    pub assignee: Option<Person>,
}

/// How the rules see `p` for ticket `t`.
pub fn viewer(p: &Principal, t: &ticket::Model) -> Viewer {
    match p {
        Principal::User { id, role, .. } => match role {
            Role::Customer if t.customer_id == *id => Viewer::Owner,
            Role::Support | Role::Admin => Viewer::Desk,
            Role::Customer | Role::Warehouse | Role::Finance | Role::Integration => Viewer::Other,
        },
        Principal::System => Viewer::Desk,
        Principal::Integration { .. } | Principal::Anonymous => Viewer::Other,
    }
}

/// Whether `p` may look at tickets at all: customers (their own) and the
/// desk. Warehouse, finance and integrations are FORBIDDEN.
pub(crate) fn ensure_may_read(p: &Principal) -> AppResult<()> {
    match p.role() {
        None => Err(AppError::Unauthenticated("sign in to see tickets".into())),
        Some(Role::Customer | Role::Support | Role::Admin) => Ok(()),
        Some(Role::Warehouse | Role::Finance | Role::Integration) => {
            Err(AppError::Forbidden("tickets are handled by support".into()))
        }
    }
}

pub(crate) fn not_found(what: &str) -> AppError {
    AppError::NotFound(format!("no ticket {what}"))
}

/// Whether `p` may open a ticket about `order` now: its own customer may,
/// whatever the order's status. Staff do not open tickets (customers do;
/// the desk answers), so "Get help" is not offered to them.
pub async fn can_open_ticket(_state: &AppState, p: &Principal, order: &Order) -> AppResult<bool> {
    Ok(match p {
        Principal::User {
            id,
            role: Role::Customer,
            ..
        } => order.customer.id == Some(*id),
        _ => false,
    })
}
