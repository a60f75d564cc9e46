//! Translations. Every visible string in the portal is a [`Key`] with an
//! English and a Simplified Chinese text; the active [`Lang`] is provided via
//! context by [`crate::App`].
//!
//! The language comes from the `oms_lang` cookie during SSR (falling back to
//! `Accept-Language`), and from `<html lang>` in the browser, so the hydrated
//! app renders exactly what the server rendered.
//!
//! The texts themselves are in `keys.rs`; the payments area's enum texts
//! and form errors in `payments.rs`, the fulfillment area's in
//! `fulfillment.rs`.

use crate::schema::{
    ActorKind, DeliveryMethod, OrderAction, OrderEventType, OrderSort, OrderStatus, RefusalCode,
    Role, RoutingRule,
};
use leptos::prelude::*;

/// Name of the cookie set by `GET /lang/{en|zh}`.
pub const LANG_COOKIE: &str = "oms_lang";

/// A portal language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// Short code used in URLs and the cookie (`en` | `zh`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// BCP 47 tag for `<html lang>`.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// Parses a cookie value, an `<html lang>` tag or an `Accept-Language`
    /// header (first language wins).
    pub fn parse(s: &str) -> Option<Lang> {
        let first = s.split([',', ';']).next().unwrap_or_default().trim();
        let lower = first.to_ascii_lowercase();
        if lower == "en" || lower.starts_with("en-") {
            Some(Lang::En)
        } else if lower == "zh" || lower.starts_with("zh-") {
            Some(Lang::Zh)
        } else {
            None
        }
    }

    /// The text for `key` in this language.
    pub fn t(self, key: Key) -> &'static str {
        let (en, zh) = key.texts();
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// The language of the page being rendered (server: cookie, then
/// `Accept-Language`; browser: `<html lang>`).
pub fn detect_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        if let Some(req) = use_context::<leptos_actix::Request>() {
            if let Some(lang) = req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
                return lang;
            }
            if let Some(lang) = req
                .headers()
                .get("accept-language")
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::parse)
            {
                return lang;
            }
        }
        Lang::En
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::En
    }
}

/// The language provided by [`crate::App`] (English if none).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Shorthand: the text for `key` in the current language.
pub fn t(key: Key) -> &'static str {
    use_lang().t(key)
}

macro_rules! keys {
    ($($key:ident => ($en:expr, $zh:expr),)*) => {
        /// A translatable string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key { $($key,)* }

        impl Key {
            /// Every key, for tests.
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];

            /// `(english, chinese)`.
            pub fn texts(self) -> (&'static str, &'static str) {
                match self { $(Key::$key => ($en, $zh),)* }
            }
        }
    };
}

mod changes;
mod fulfillment;
mod keys;
mod notifications;
mod payments;
mod returns;
mod reviews;
mod service;
mod tickets;
mod webhooks;

pub use changes::*;
pub use fulfillment::*;
pub use keys::Key;
pub use notifications::*;
pub use payments::*;
pub use returns::*;
pub use reviews::*;
pub use service::*;
pub use tickets::*;
pub use webhooks::*;

/// `template` with each `{name}` placeholder replaced.
pub fn fill(template: &str, params: &[(&str, &str)]) -> String {
    params.iter().fold(template.to_owned(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

/// Text for a GraphQL error code as sent in `?error=CODE` (and `field`).
pub fn error_key(code: &str, field: Option<&str>) -> Key {
    match (code, field) {
        ("UNAUTHENTICATED", _) => Key::ErrUnauthenticated,
        ("RATE_LIMITED", _) => Key::ErrRateLimited,
        ("INVALID_INPUT", Some("password")) => Key::ErrInvalidPassword,
        ("INVALID_INPUT", Some("email")) => Key::ErrInvalidEmail,
        ("INVALID_INPUT", Some("name")) => Key::ErrInvalidName,
        ("INVALID_INPUT", _) => Key::ErrInvalidInput,
        ("CONFLICT", _) => Key::ErrConflict,
        ("FORBIDDEN", _) => Key::ErrForbidden,
        ("NOT_FOUND", _) => Key::ErrNotFound,
        ("UNAVAILABLE", _) => Key::ErrUnavailable,
        _ => Key::ErrInternal,
    }
}

/// Text for an error sent back by an order, cart or stock form
/// (`?error=CODE&field=..`); falls back to [`error_key`].
pub fn order_error_key(code: &str, field: Option<&str>) -> Key {
    let field = field.unwrap_or_default();
    match code {
        "OUT_OF_STOCK" => Key::ErrOutOfStock,
        "CONFLICT" => Key::ErrOrderConflict,
        "FORBIDDEN" => Key::ErrOrderForbidden,
        "NOT_FOUND" => Key::OrderNotFound,
        "CART_FULL" => Key::ErrCartFull,
        "INVALID_INPUT" => {
            let last = field.rsplit('.').next().unwrap_or_default();
            if field.starts_with("shippingAddress") {
                Key::ErrInvalidAddress
            } else if field == "paymentMethod" {
                Key::ErrMethodNotOffered
            } else if field == "shippingMethod" {
                Key::ErrInvalidShipping
            } else if field == "pickupPoint" {
                Key::ErrInvalidPickupPoint
            } else if field == "note" {
                Key::ErrInvalidNote
            } else if field == "customerEmail" {
                Key::ErrInvalidCustomer
            } else if field == "channel" {
                Key::ErrInvalidChannel
            } else if field == "idempotencyKey" {
                Key::ErrExpiredForm
            } else if field == "reason" {
                Key::ErrReasonRequired
            } else if field == "warehouseCode" {
                Key::ErrInvalidWarehouse
            } else if last == "sku" || field.ends_with("].sku") {
                Key::ErrInvalidSku
            } else if matches!(last, "quantity" | "delta" | "reorderPoint")
                || field.ends_with("].quantity")
            {
                Key::ErrInvalidQuantity
            } else if field.starts_with("lines") {
                Key::ErrInvalidLines
            } else {
                Key::ErrInvalidInput
            }
        }
        other => error_key(other, None),
    }
}

// One text per value of the schema's enums. Each `match` is exhaustive:
// a value added to schema.graphql does not compile until it has a text.

/// Text for an order status.
pub fn status_key(status: OrderStatus) -> Key {
    match status {
        OrderStatus::PendingPayment => Key::StatusPendingPayment,
        OrderStatus::Confirmed => Key::StatusConfirmed,
        OrderStatus::Processing => Key::StatusProcessing,
        OrderStatus::PartiallyShipped => Key::StatusPartiallyShipped,
        OrderStatus::Shipped => Key::StatusShipped,
        OrderStatus::Delivered => Key::StatusDelivered,
        OrderStatus::Completed => Key::StatusCompleted,
        OrderStatus::Cancelled => Key::StatusCancelled,
    }
}

/// Text for an order action (a button, a refusal).
pub fn action_key(action: OrderAction) -> Key {
    match action {
        OrderAction::StartProcessing => Key::ActionStartProcessing,
        OrderAction::ShipPartially => Key::ActionShipPartially,
        OrderAction::ShipAll => Key::ActionShipAll,
        OrderAction::Deliver => Key::ActionDeliver,
        OrderAction::Complete => Key::ActionComplete,
        OrderAction::Cancel => Key::ActionCancel,
    }
}

/// Text for a form's `?done=` confirmation: an order action, or what the
/// backend's form handlers name their other successes.
pub fn done_key(done: &str) -> Key {
    if let Some(key) = payment_done_key(done) {
        return key;
    }
    match (OrderAction::parse(done), done) {
        (Some(action), _) => action_key(action),
        (None, "PLACED") => Key::ActionPlaced,
        (None, "ADJUST") => Key::ActionAdjust,
        (None, "REORDER") => Key::ActionReorder,
        (None, _) => Key::ActionOther,
    }
}

/// Text for an order event's type.
pub fn event_key(kind: OrderEventType) -> Key {
    match kind {
        OrderEventType::Placed => Key::EventPlaced,
        OrderEventType::Imported => Key::EventImported,
        OrderEventType::StatusChanged => Key::EventStatusChanged,
        OrderEventType::Cancelled => Key::EventCancelled,
        OrderEventType::Payment => Key::EventPayment,
        OrderEventType::Routed => Key::EventRouted,
        OrderEventType::Shipment => Key::EventShipment,
        OrderEventType::Return => Key::EventReturn,
        OrderEventType::Changed => Key::EventChanged,
    }
}

/// Text for a role.
pub fn role_key(role: Role) -> Key {
    match role {
        Role::Customer => Key::RoleCustomer,
        Role::Support => Key::RoleSupport,
        Role::Warehouse => Key::RoleWarehouse,
        Role::Finance => Key::RoleFinance,
        Role::Admin => Key::RoleAdmin,
        Role::Integration => Key::RoleIntegration,
    }
}

/// Who acted, when the name is not shown: the role's team ("Customer
/// service"), or the actor's kind.
pub fn team_key(kind: ActorKind, role: Option<Role>) -> Key {
    match (kind, role) {
        (ActorKind::System, _) => Key::ActorSystem,
        (ActorKind::Integration, _) | (_, Some(Role::Integration)) => Key::ActorIntegration,
        (ActorKind::Customer, _) | (_, Some(Role::Customer)) => Key::ActorCustomer,
        (ActorKind::Staff, Some(Role::Support) | None) => Key::ActorSupport,
        (ActorKind::Staff, Some(Role::Warehouse)) => Key::ActorWarehouse,
        (ActorKind::Staff, Some(Role::Finance)) => Key::ActorFinance,
        (ActorKind::Staff, Some(Role::Admin)) => Key::ActorAdmin,
    }
}

/// Why an action is refused (a template with `{status}` and `{role}`).
pub fn refusal_key(code: RefusalCode) -> Key {
    match code {
        RefusalCode::WrongStatus => Key::RefusalWrongStatus,
        RefusalCode::SignInRequired => Key::RefusalSignInRequired,
        RefusalCode::RoleNotAllowed => Key::RefusalRoleNotAllowed,
        RefusalCode::AlreadyInPreparation => Key::RefusalAlreadyInPreparation,
    }
}

/// Text for an order list's sort.
pub fn sort_key(sort: OrderSort) -> Key {
    match sort {
        OrderSort::PlacedAtDesc => Key::SortNewest,
        OrderSort::PlacedAtAsc => Key::SortOldest,
        OrderSort::TotalDesc => Key::SortTotalDesc,
        OrderSort::TotalAsc => Key::SortTotalAsc,
    }
}

/// Text for a shipping method code (`EXPRESS`, `POSTAL`, `PICKUP`, in
/// any case); an unknown code reads "Shipping method".
pub fn shipping_key(code: &str) -> Key {
    DeliveryMethod::parse(&code.trim().to_ascii_uppercase())
        .map_or(Key::ShippingMethod, delivery_method_key)
}

/// Text for how routing chose the warehouses of an order.
pub fn routing_rule_key(rule: RoutingRule) -> Key {
    match rule {
        RoutingRule::FewestShipments => Key::RuleFewestShipments,
        RoutingRule::NearestRegion => Key::RuleNearestRegion,
        RoutingRule::Pickup => Key::RulePickup,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_both_languages() {
        for key in Key::ALL {
            let (en, zh) = key.texts();
            assert!(!en.trim().is_empty(), "{key:?} has no English text");
            assert!(!zh.trim().is_empty(), "{key:?} has no Chinese text");
        }
    }

    #[test]
    fn lang_parses_cookie_tag_and_header() {
        assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("zh-CN,zh;q=0.9,en;q=0.8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr-FR,en;q=0.5"), None);
        assert_eq!(Lang::parse(Lang::Zh.html_tag()), Some(Lang::Zh));
        assert_eq!(Lang::parse(Lang::En.html_tag()), Some(Lang::En));
    }

    #[test]
    fn error_codes_map_to_specific_texts() {
        assert_eq!(error_key("UNAUTHENTICATED", None), Key::ErrUnauthenticated);
        assert_eq!(error_key("RATE_LIMITED", None), Key::ErrRateLimited);
        assert_eq!(
            error_key("INVALID_INPUT", Some("password")),
            Key::ErrInvalidPassword
        );
        assert_eq!(error_key("whatever", None), Key::ErrInternal);
        assert_eq!(error_key("UNAVAILABLE", None), Key::ErrUnavailable);
    }

    #[test]
    fn order_errors_name_the_field() {
        assert_eq!(order_error_key("OUT_OF_STOCK", None), Key::ErrOutOfStock);
        assert_eq!(
            order_error_key("INVALID_INPUT", Some("shippingAddress.city")),
            Key::ErrInvalidAddress
        );
        assert_eq!(
            order_error_key("INVALID_INPUT", Some("lines[1].sku")),
            Key::ErrInvalidSku
        );
        assert_eq!(
            order_error_key("INVALID_INPUT", Some("lines[0].quantity")),
            Key::ErrInvalidQuantity
        );
        assert_eq!(
            order_error_key("INVALID_INPUT", Some("lines")),
            Key::ErrInvalidLines
        );
        assert_eq!(order_error_key("CONFLICT", None), Key::ErrOrderConflict);
        assert_eq!(order_error_key("RATE_LIMITED", None), Key::ErrRateLimited);
    }

    /// Distinct texts for every value of each schema enum (a copied arm
    /// would give two values the same text).
    #[test]
    fn every_schema_value_has_its_own_text() {
        fn distinct<T: Copy + std::fmt::Debug>(all: &[T], key: impl Fn(T) -> Key) {
            let keys: std::collections::HashSet<Key> = all.iter().map(|v| key(*v)).collect();
            assert_eq!(keys.len(), all.len(), "{all:?}");
        }
        distinct(OrderStatus::ALL, status_key);
        distinct(OrderAction::ALL, action_key);
        distinct(OrderEventType::ALL, event_key);
        distinct(Role::ALL, role_key);
        distinct(RefusalCode::ALL, refusal_key);
        distinct(OrderSort::ALL, sort_key);
        distinct(RoutingRule::ALL, routing_rule_key);
        assert_eq!(shipping_key("express"), Key::ShipExpress);
        assert_eq!(shipping_key("PICKUP"), Key::ShipPickup);
        assert_eq!(shipping_key("standard"), Key::ShippingMethod);
        assert_eq!(
            order_error_key("INVALID_INPUT", Some("pickupPoint")),
            Key::ErrInvalidPickupPoint
        );
        distinct(Role::ALL, |r| team_key(ActorKind::Staff, Some(r)));
        assert_eq!(done_key("SHIP_ALL"), Key::ActionShipAll);
        assert_eq!(done_key("ADJUST"), Key::ActionAdjust);
        assert_eq!(done_key("mystery"), Key::ActionOther);
    }
}
