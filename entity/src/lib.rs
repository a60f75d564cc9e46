//! sea-orm entities, one module per table. No business logic lives here:
//! rules are in `backend/src/domain`, use cases in `backend/src/services`.

pub mod address;
pub mod api_key;
pub mod channel;
pub mod email_template;
pub mod login_attempt;
pub mod notification;
pub mod notification_preference;
pub mod order;
pub mod order_event;
pub mod order_line;
pub mod outbox;
pub mod outbox_cursor;
pub mod payment;
pub mod payment_event;
pub mod product;
pub mod refresh_token;
pub mod region_warehouse;
pub mod product_rating;
pub mod session;
pub mod shipment;
pub mod review;
pub mod shipment_event;
pub mod shipment_line;
pub mod shipping_rate;
pub mod stock_level;
pub mod stock_movement;
pub mod user;
pub mod warehouse;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod webhook_inbox;

pub mod prelude {
    pub use super::address::Entity as Address;
    pub use super::api_key::Entity as ApiKey;
    pub use super::channel::Entity as Channel;
    pub use super::email_template::Entity as EmailTemplate;
    pub use super::login_attempt::Entity as LoginAttempt;
    pub use super::notification::Entity as Notification;
    pub use super::notification_preference::Entity as NotificationPreference;
    pub use super::order::Entity as Order;
    pub use super::order_event::Entity as OrderEvent;
    pub use super::order_line::Entity as OrderLine;
    pub use super::outbox::Entity as Outbox;
    pub use super::outbox_cursor::Entity as OutboxCursor;
    pub use super::payment::Entity as Payment;
    pub use super::payment_event::Entity as PaymentEvent;
    pub use super::product::Entity as Product;
    pub use super::refresh_token::Entity as RefreshToken;
    pub use super::region_warehouse::Entity as RegionWarehouse;
    pub use super::session::Entity as Session;
    pub use super::shipment::Entity as Shipment;
    pub use super::shipment_event::Entity as ShipmentEvent;
    pub use super::shipment_line::Entity as ShipmentLine;
    pub use super::shipping_rate::Entity as ShippingRate;
    pub use super::stock_level::Entity as StockLevel;
    pub use super::product_rating::Entity as ProductRating;
    pub use super::stock_movement::Entity as StockMovement;
    pub use super::user::Entity as User;
    pub use super::review::Entity as Review;
    pub use super::warehouse::Entity as Warehouse;
    pub use super::webhook_delivery::Entity as WebhookDelivery;
    pub use super::webhook_endpoint::Entity as WebhookEndpoint;
    pub use super::webhook_inbox::Entity as WebhookInbox;
}
