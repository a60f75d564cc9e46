//! Orders: one service for every way in (portal, staff, integration
//! import), cancellation and staff actions, and the order queries.
//! Invariants: an order exists only with every line allocated in the same
//! transaction; status changes only through the state machine with
//! `UPDATE … WHERE status = expected`; every change appends an event.

mod change;
mod place;
mod queries;
mod validate;

pub use change::{advance_order, cancel_order};
pub use place::{AddressIn, LineIn, PlaceOrder, place_order};
pub use queries::{
    NetAllocation, OrderFilter, OrderPage, OrderSort, TimelineEvent, allocations_for, events_for,
    find_visible, lines_for, list_orders, my_orders,
};

/// Cursor for the item at `offset` of a list.
pub fn queries_cursor(offset: u64) -> String {
    queries::encode_cursor(offset)
}

use entity::order;

use crate::domain::auth::{Principal, Role};

/// Who may see an order: its customer, staff, or an integration of its
/// channel. Everyone else is told it does not exist.
pub fn can_view(p: &Principal, o: &order::Model) -> bool {
    match p {
        Principal::User { id, role, .. } => {
            role.is_staff() || (*role == Role::Customer && o.customer_id == Some(*id))
        }
        Principal::Integration { channel_id, .. } => o.channel_id == *channel_id,
        Principal::System => true,
        Principal::Anonymous => false,
    }
}

/// Kinds of order events on the timeline.
pub mod event_kind {
    pub const PLACED: &str = "PLACED";
    pub const IMPORTED: &str = "IMPORTED";
    pub const STATUS_CHANGED: &str = "STATUS_CHANGED";
    pub const CANCELLED: &str = "CANCELLED";
}
