//! Texts of the fulfillment area: one exhaustive `match` per schema enum
//! (shipment status, delivery method, tracking source, staff action; a
//! value added to schema.graphql does not compile until it has a text),
//! and what the console's shipment forms come back with (`?done=`,
//! `?error=CODE[&field=..][&attemptsLeft=N]`).

use super::{Key, fill, order_error_key};
use crate::schema::{DeliveryMethod, ShipmentAction, ShipmentStatus, TrackingSource};

/// Text for where a shipment is.
pub fn shipment_status_key(status: ShipmentStatus) -> Key {
    match status {
        ShipmentStatus::Pending => Key::ShipStatusPending,
        ShipmentStatus::Picking => Key::ShipStatusPicking,
        ShipmentStatus::Packed => Key::ShipStatusPacked,
        ShipmentStatus::Shipped => Key::ShipStatusShipped,
        ShipmentStatus::InTransit => Key::ShipStatusInTransit,
        ShipmentStatus::OutForDelivery => Key::ShipStatusOutForDelivery,
        ShipmentStatus::Delivered => Key::ShipStatusDelivered,
        ShipmentStatus::ReadyForPickup => Key::ShipStatusReadyForPickup,
        ShipmentStatus::PickedUp => Key::ShipStatusPickedUp,
        ShipmentStatus::Exception => Key::ShipStatusException,
        ShipmentStatus::ReturnedToSender => Key::ShipStatusReturnedToSender,
        ShipmentStatus::Cancelled => Key::ShipStatusCancelled,
    }
}

/// Text for how a shipment reaches the customer.
pub fn delivery_method_key(method: DeliveryMethod) -> Key {
    match method {
        DeliveryMethod::Express => Key::ShipExpress,
        DeliveryMethod::Postal => Key::ShipPostal,
        DeliveryMethod::Pickup => Key::ShipPickup,
    }
}

/// Text for who recorded a tracking event.
pub fn tracking_source_key(source: TrackingSource) -> Key {
    match source {
        TrackingSource::Carrier => Key::TrackSourceCarrier,
        TrackingSource::Staff => Key::TrackSourceStaff,
        TrackingSource::System => Key::TrackSourceSystem,
    }
}

/// Text for what staff can do to a shipment next (a button).
pub fn shipment_action_key(action: ShipmentAction) -> Key {
    match action {
        ShipmentAction::StartPicking => Key::ShipActionStartPicking,
        ShipmentAction::Pack => Key::ShipActionPack,
        ShipmentAction::Ship => Key::ShipActionShip,
        ShipmentAction::MarkReady => Key::ShipActionMarkReady,
        ShipmentAction::HandOver => Key::ShipActionHandOver,
        ShipmentAction::RecordTrackingEvent => Key::ShipActionRecordTrackingEvent,
    }
}

/// The statuses a tracking event may report by hand, in the order a
/// parcel reaches them.
pub const TRACKABLE: &[ShipmentStatus] = &[
    ShipmentStatus::InTransit,
    ShipmentStatus::OutForDelivery,
    ShipmentStatus::Delivered,
    ShipmentStatus::Exception,
    ShipmentStatus::ReturnedToSender,
];

/// Text for a shipment form's `?done=` confirmation, if it is one.
pub fn shipment_done_key(done: &str) -> Option<Key> {
    match done {
        "START_PICKING" => Some(Key::DoneStartPicking),
        "PACK" => Some(Key::DonePack),
        "SHIP" => Some(Key::DoneShip),
        "SHIP_PART" => Some(Key::DoneShipPart),
        "MARK_READY" => Some(Key::DoneMarkReady),
        "HAND_OVER" => Some(Key::DoneHandOver),
        "UNLOCK" => Some(Key::DoneUnlock),
        "MOVE" => Some(Key::DoneMove),
        "RECORD_TRACKING_EVENT" => Some(Key::DoneTrack),
        _ => None,
    }
}

/// Text for an error a shipment form came back with; falls back to
/// [`order_error_key`].
pub fn shipment_error_key(code: &str, field: Option<&str>) -> Key {
    let field = field.unwrap_or_default();
    match (code, field) {
        ("WRONG_PICKUP_CODE", _) => Key::ErrWrongPickupCode,
        ("PICKUP_LOCKED", _) => Key::ErrPickupLocked,
        ("CONFLICT", _) => Key::ErrShipmentConflict,
        ("FORBIDDEN", _) => Key::ErrShipmentForbidden,
        ("NOT_FOUND", "shipmentNumber") => Key::ErrNoPickupWithNumber,
        ("NOT_FOUND", _) => Key::ShipmentNotFound,
        ("INVALID_INPUT", "weightGrams") => Key::ErrInvalidWeight,
        ("INVALID_INPUT", "carrier") => Key::ErrInvalidCarrier,
        ("INVALID_INPUT", "trackingNumber") => Key::ErrInvalidTracking,
        ("INVALID_INPUT", "status" | "description" | "location") => Key::ErrInvalidEvent,
        ("INVALID_INPUT", "at") => Key::ErrEventTime,
        ("INVALID_INPUT", "shipmentNumber") => Key::ErrNoPickupWithNumber,
        ("INVALID_INPUT", f) if f.starts_with("lines") => Key::ErrInvalidShipLines,
        (code, _) => order_error_key(code, Some(field).filter(|f| !f.is_empty())),
    }
}

/// The whole sentence for a shipment form's error: the text of
/// [`shipment_error_key`] with `{attempts}` filled in.
pub fn shipment_error_text(
    lang: super::Lang,
    code: &str,
    field: Option<&str>,
    attempts_left: Option<&str>,
) -> String {
    let attempts = attempts_left
        .and_then(|a| a.trim().parse::<u32>().ok())
        .map(|a| a.to_string())
        .unwrap_or_else(|| "?".to_owned());
    fill(
        lang.t(shipment_error_key(code, field)),
        &[("attempts", &attempts)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use std::collections::HashSet;

    fn distinct<T: Copy + std::fmt::Debug>(all: &[T], key: impl Fn(T) -> Key) {
        let keys: HashSet<Key> = all.iter().map(|v| key(*v)).collect();
        assert_eq!(keys.len(), all.len(), "{all:?}");
    }

    #[test]
    fn every_fulfillment_value_has_its_own_text() {
        distinct(ShipmentStatus::ALL, shipment_status_key);
        distinct(DeliveryMethod::ALL, delivery_method_key);
        distinct(TrackingSource::ALL, tracking_source_key);
        distinct(ShipmentAction::ALL, shipment_action_key);
        for action in ShipmentAction::ALL {
            assert!(
                shipment_done_key(action.as_str()).is_some(),
                "{action:?} has no confirmation"
            );
        }
        assert_eq!(shipment_done_key("nonsense"), None);
    }

    #[test]
    fn wrong_codes_say_how_many_tries_are_left() {
        assert_eq!(
            shipment_error_text(Lang::En, "WRONG_PICKUP_CODE", None, Some("3")),
            "Wrong pickup code: 3 attempts left."
        );
        assert_eq!(
            shipment_error_text(Lang::Zh, "WRONG_PICKUP_CODE", None, Some("1")),
            "取件码错误，还可尝试 1 次。"
        );
        assert_eq!(
            shipment_error_key("PICKUP_LOCKED", None),
            Key::ErrPickupLocked
        );
        assert_eq!(
            shipment_error_key("INVALID_INPUT", Some("lines[0].quantity")),
            Key::ErrInvalidShipLines
        );
        assert_eq!(
            shipment_error_key("INVALID_INPUT", Some("warehouseCode")),
            Key::ErrInvalidWarehouse
        );
        assert_eq!(shipment_error_key("UNAVAILABLE", None), Key::ErrUnavailable);
    }
}
