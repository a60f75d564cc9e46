//! Order rules: the status state machine, who may take which action, the
//! shipping-fee table, line validation and pricing. Pure: no I/O.

use std::collections::BTreeMap;

mod model;

pub use model::{
    Address, EventDetail, EventKind, Order, OrderCustomer, OrderLine, PaymentDetail,
    ShipmentDetail, SystemReason, can_view,
};

use super::auth::{Principal, Role};

/// Where an order is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    PendingPayment,
    Confirmed,
    Processing,
    PartiallyShipped,
    Shipped,
    Delivered,
    Completed,
    Cancelled,
}

/// What can happen to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderAction {
    /// The warehouse starts picking.
    StartProcessing,
    /// Some shipments left; more to come.
    ShipPartially,
    /// Every unit has shipped.
    ShipAll,
    /// The carrier delivered.
    Deliver,
    /// The return window closed; the order is done.
    Complete,
    /// Cancelled before shipping; allocations are released.
    Cancel,
}

#[derive(Debug, PartialEq, Eq)]
pub struct TransitionError {
    pub from: OrderStatus,
    pub action: OrderAction,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::PendingPayment,
        OrderStatus::Confirmed,
        OrderStatus::Processing,
        OrderStatus::PartiallyShipped,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "PENDING_PAYMENT",
            OrderStatus::Confirmed => "CONFIRMED",
            OrderStatus::Processing => "PROCESSING",
            OrderStatus::PartiallyShipped => "PARTIALLY_SHIPPED",
            OrderStatus::Shipped => "SHIPPED",
            OrderStatus::Delivered => "DELIVERED",
            OrderStatus::Completed => "COMPLETED",
            OrderStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        OrderStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The transition table: one match, no catch-all arm.
    pub fn next(self, action: OrderAction) -> Result<OrderStatus, TransitionError> {
        use OrderAction as A;
        use OrderStatus as S;
        let to = match (self, action) {
            (S::PendingPayment, A::Cancel) => Some(S::Cancelled),
            (S::PendingPayment, A::StartProcessing | A::ShipPartially | A::ShipAll) => None,
            (S::PendingPayment, A::Deliver | A::Complete) => None,

            (S::Confirmed, A::StartProcessing) => Some(S::Processing),
            (S::Confirmed, A::Cancel) => Some(S::Cancelled),
            (S::Confirmed, A::ShipPartially | A::ShipAll) => None,
            (S::Confirmed, A::Deliver | A::Complete) => None,

            (S::Processing, A::ShipPartially) => Some(S::PartiallyShipped),
            (S::Processing, A::ShipAll) => Some(S::Shipped),
            (S::Processing, A::Cancel) => Some(S::Cancelled),
            (S::Processing, A::StartProcessing) => None,
            (S::Processing, A::Deliver | A::Complete) => None,

            (S::PartiallyShipped, A::ShipPartially) => Some(S::PartiallyShipped),
            (S::PartiallyShipped, A::ShipAll) => Some(S::Shipped),
            (S::PartiallyShipped, A::StartProcessing) => None,
            (S::PartiallyShipped, A::Deliver | A::Complete | A::Cancel) => None,

            (S::Shipped, A::Deliver) => Some(S::Delivered),
            (S::Shipped, A::StartProcessing) => None,
            (S::Shipped, A::ShipPartially | A::ShipAll | A::Complete | A::Cancel) => None,

            (S::Delivered, A::Complete) => Some(S::Completed),
            (S::Delivered, A::StartProcessing) => None,
            (S::Delivered, A::ShipPartially | A::ShipAll | A::Deliver | A::Cancel) => None,

            (S::Completed, _) => None,
            (S::Cancelled, _) => None,
        };
        to.ok_or(TransitionError { from: self, action })
    }

    /// Units are still promised from stock (allocated, not shipped).
    pub fn holds_allocation(self) -> bool {
        matches!(
            self,
            OrderStatus::PendingPayment | OrderStatus::Confirmed | OrderStatus::Processing
        )
    }
}

impl OrderAction {
    pub const ALL: [OrderAction; 6] = [
        OrderAction::StartProcessing,
        OrderAction::ShipPartially,
        OrderAction::ShipAll,
        OrderAction::Deliver,
        OrderAction::Complete,
        OrderAction::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::StartProcessing => "START_PROCESSING",
            OrderAction::ShipPartially => "SHIP_PARTIALLY",
            OrderAction::ShipAll => "SHIP_ALL",
            OrderAction::Deliver => "DELIVER",
            OrderAction::Complete => "COMPLETE",
            OrderAction::Cancel => "CANCEL",
        }
    }

    /// Roles that may take this action on an order they can see. Customers
    /// may only cancel their own order, and only before it is processed.
    fn roles(self) -> &'static [Role] {
        match self {
            // The order follows its shipments (fulfillment), never by hand.
            OrderAction::StartProcessing
            | OrderAction::ShipPartially
            | OrderAction::ShipAll
            | OrderAction::Deliver => &[],
            OrderAction::Complete => &[Role::Support, Role::Admin],
            OrderAction::Cancel => &[Role::Customer, Role::Support, Role::Admin],
        }
    }
}

/// Why an action is refused, as a machine code; clients translate it with
/// the parameters of [`Refusal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefusalCode {
    /// The state machine has no such step from the order's status.
    WrongStatus,
    /// The caller is not signed in.
    SignInRequired,
    /// The caller's role may not take this action.
    RoleNotAllowed,
    /// A customer may cancel only until the warehouse starts.
    AlreadyInPreparation,
}

impl RefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::WrongStatus => "WRONG_STATUS",
            RefusalCode::SignInRequired => "SIGN_IN_REQUIRED",
            RefusalCode::RoleNotAllowed => "ROLE_NOT_ALLOWED",
            RefusalCode::AlreadyInPreparation => "ALREADY_IN_PREPARATION",
        }
    }
}

/// Why the caller may not take an action now (`availableTransitions`, and
/// the error of a refused command), with everything a client needs to say
/// it in the reader's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: RefusalCode,
    /// The order's status when refused.
    pub status: OrderStatus,
    pub action: OrderAction,
    /// The caller's role (`None` when not signed in).
    pub role: Option<Role>,
}

impl Refusal {
    /// An English sentence for logs and API readers; people see the
    /// translation the clients make from the code.
    pub fn message(&self) -> String {
        match self.code {
            RefusalCode::WrongStatus => format!(
                "an order that is {} cannot {}",
                self.status.as_str(),
                self.action.as_str()
            ),
            RefusalCode::SignInRequired => "sign in first".into(),
            RefusalCode::RoleNotAllowed => format!(
                "the {} role may not {}",
                self.role.map_or("anonymous", Role::as_str),
                self.action.as_str()
            ),
            RefusalCode::AlreadyInPreparation => {
                "the order is already being prepared; contact support".into()
            }
        }
    }

    /// The order's state, not the caller, is what stands in the way (the
    /// edge reports CONFLICT rather than FORBIDDEN).
    pub fn is_conflict(&self) -> bool {
        self.code == RefusalCode::WrongStatus
    }
}

/// Why the caller may not take an action now (shown in `availableTransitions`).
pub fn refusal(p: &Principal, status: OrderStatus, action: OrderAction) -> Option<Refusal> {
    let role = p.role();
    let refused = |code| {
        Some(Refusal {
            code,
            status,
            action,
            role,
        })
    };
    if status.next(action).is_err() {
        return refused(RefusalCode::WrongStatus);
    }
    let Some(role) = role else {
        return refused(RefusalCode::SignInRequired);
    };
    if !action.roles().contains(&role) {
        return refused(RefusalCode::RoleNotAllowed);
    }
    if role == Role::Customer
        && action == OrderAction::Cancel
        && !matches!(status, OrderStatus::PendingPayment | OrderStatus::Confirmed)
    {
        return refused(RefusalCode::AlreadyInPreparation);
    }
    None
}

/// Which warehouse stock an order holds is for staff and integrations,
/// not for customers.
pub fn may_see_allocations(p: &Principal) -> bool {
    p.is_staff() || matches!(p, Principal::Integration { .. })
}

pub const MAX_LINE_QUANTITY: i64 = 999;
pub const MAX_LINES: usize = 100;
pub const MAX_NOTE_CHARS: usize = 500;
/// How long an idempotency key protects against a duplicate order.
pub const IDEMPOTENCY_HOURS: i64 = 24;

/// Lines of the same SKU merged (quantities summed), in first-seen order.
pub fn merge_lines(lines: &[(String, i64)]) -> Vec<(String, i64)> {
    let mut order: Vec<String> = Vec::new();
    let mut qty: BTreeMap<String, i64> = BTreeMap::new();
    for (sku, q) in lines {
        if !qty.contains_key(sku) {
            order.push(sku.clone());
        }
        *qty.entry(sku.clone()).or_insert(0) += q;
    }
    order
        .into_iter()
        .map(|s| {
            let q = qty.get(&s).copied().unwrap_or(0);
            (s, q)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    /// Every (status, action) pair, against the table written out by hand.
    #[test]
    fn transition_table_is_exactly_this() {
        use OrderAction as A;
        use OrderStatus as S;
        let allowed: &[(S, A, S)] = &[
            (S::PendingPayment, A::Cancel, S::Cancelled),
            (S::Confirmed, A::StartProcessing, S::Processing),
            (S::Confirmed, A::Cancel, S::Cancelled),
            (S::Processing, A::ShipPartially, S::PartiallyShipped),
            (S::Processing, A::ShipAll, S::Shipped),
            (S::Processing, A::Cancel, S::Cancelled),
            (S::PartiallyShipped, A::ShipPartially, S::PartiallyShipped),
            (S::PartiallyShipped, A::ShipAll, S::Shipped),
            (S::Shipped, A::Deliver, S::Delivered),
            (S::Delivered, A::Complete, S::Completed),
        ];
        let mut checked = 0;
        for s in OrderStatus::ALL {
            for a in OrderAction::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, x, _)| *f == s && *x == a)
                    .map(|t| t.2);
                match expected {
                    Some(to) => assert_eq!(s.next(a), Ok(to), "{s:?} --{a:?}-->"),
                    None => assert_eq!(s.next(a), Err(TransitionError { from: s, action: a })),
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 48);
    }

    #[test]
    fn statuses_round_trip_as_text() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderStatus::parse("pending"), None);
    }

    #[test]
    fn customers_cancel_only_early_and_staff_by_role() {
        let customer = Principal::user(Uuid::nil(), Role::Customer);
        let warehouse = Principal::user(Uuid::nil(), Role::Warehouse);
        let support = Principal::user(Uuid::nil(), Role::Support);
        assert_eq!(
            refusal(&customer, OrderStatus::PendingPayment, OrderAction::Cancel),
            None
        );
        assert!(refusal(&customer, OrderStatus::Processing, OrderAction::Cancel).is_some());
        assert_eq!(
            refusal(&support, OrderStatus::Processing, OrderAction::Cancel),
            None
        );
        assert!(refusal(&warehouse, OrderStatus::Confirmed, OrderAction::Cancel).is_some());
        assert!(refusal(&support, OrderStatus::Shipped, OrderAction::Cancel).is_some());
        assert!(
            refusal(
                &Principal::Anonymous,
                OrderStatus::PendingPayment,
                OrderAction::Cancel
            )
            .is_some()
        );
        // The order follows its shipments: nobody moves it along by hand.
        for a in [
            OrderAction::StartProcessing,
            OrderAction::ShipPartially,
            OrderAction::ShipAll,
            OrderAction::Deliver,
        ] {
            let admin = Principal::user(Uuid::nil(), Role::Admin);
            let from = match a {
                OrderAction::StartProcessing => OrderStatus::Confirmed,
                OrderAction::Deliver => OrderStatus::Shipped,
                _ => OrderStatus::Processing,
            };
            assert_eq!(
                refusal(&admin, from, a).map(|r| r.code),
                Some(RefusalCode::RoleNotAllowed),
                "{a:?}"
            );
            assert!(refusal(&warehouse, from, a).is_some());
        }
    }

    #[test]
    fn refusals_carry_a_code_and_their_parameters() {
        let customer = Principal::user(Uuid::nil(), Role::Customer);
        let warehouse = Principal::user(Uuid::nil(), Role::Warehouse);
        let r = refusal(
            &warehouse,
            OrderStatus::PendingPayment,
            OrderAction::StartProcessing,
        );
        assert_eq!(
            r,
            Some(Refusal {
                code: RefusalCode::WrongStatus,
                status: OrderStatus::PendingPayment,
                action: OrderAction::StartProcessing,
                role: Some(Role::Warehouse),
            })
        );
        assert!(r.is_some_and(|r| r.is_conflict()));
        let code = |p: &Principal, s, a| refusal(p, s, a).map(|r| r.code);
        assert_eq!(
            code(&warehouse, OrderStatus::Delivered, OrderAction::Complete),
            Some(RefusalCode::RoleNotAllowed)
        );
        assert_eq!(
            code(&customer, OrderStatus::Processing, OrderAction::Cancel),
            Some(RefusalCode::AlreadyInPreparation)
        );
        assert_eq!(
            code(
                &Principal::Anonymous,
                OrderStatus::Confirmed,
                OrderAction::Cancel
            ),
            Some(RefusalCode::SignInRequired)
        );
        for c in [
            RefusalCode::WrongStatus,
            RefusalCode::SignInRequired,
            RefusalCode::RoleNotAllowed,
            RefusalCode::AlreadyInPreparation,
        ] {
            let r = Refusal {
                code: c,
                status: OrderStatus::Confirmed,
                action: OrderAction::Complete,
                role: Some(Role::Warehouse),
            };
            assert!(!r.message().is_empty());
            assert_eq!(r.is_conflict(), c == RefusalCode::WrongStatus);
        }
    }

    #[test]
    fn duplicate_skus_merge() {
        let merged = merge_lines(&[("A".into(), 1), ("B".into(), 2), ("A".into(), 3)]);
        assert_eq!(merged, vec![("A".into(), 4), ("B".into(), 2)]);
    }
}
