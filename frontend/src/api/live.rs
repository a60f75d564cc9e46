//! Live order updates in the browser: a small GraphQL-over-WebSocket client
//! (`graphql-transport-ws`) for the `orderUpdated` subscription.
//!
//! Only the hydrated app connects (feature `hydrate`); on the server
//! [`use_order_updates`] does nothing, so pages render the same with
//! JavaScript off. The socket is same-origin, so the browser sends the
//! portal's HttpOnly `oms_at` cookie with the upgrade and
//! `connection_init` carries an empty payload.
//!
//! Resuming: the hook remembers the last event `sequence` the page showed
//! (the rendered order's `sequence`, then each update's). When the socket
//! drops it reconnects with backoff (1 s doubling to 30 s) and subscribes
//! with `afterSequence` = that, so the server replays exactly what the page
//! missed before streaming new changes.
//!
//! While a subscription is open, `<body>` carries `data-live-order="NUMBER"`
//! (set once the subscription was sent, removed when the socket closes) and
//! `data-live-updates="N"`, the number of changes pushed so far, and
//! `data-live-sequence` the last sequence seen (for tests and debugging).
//! Tests can hold the connection down: a `oms-live-drop` event on `window`
//! closes it and keeps it closed until a `oms-live-restore` event.

use leptos::prelude::*;

/// What the socket reports to the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderUpdate {
    /// Subscribed without knowing what the page shows (its order had not
    /// loaded): changes since rendering are not replayed, so a page should
    /// reload its order once.
    Subscribed,
    /// The order changed; its new `OrderStatus` and `OrderPaymentStatus`
    /// (a payment notification changes only the latter).
    Changed {
        status: String,
        payment_status: Option<String>,
    },
}

/// The `subscribe` message for `orderUpdated(number, afterSequence)`.
pub fn subscribe_message(id: &str, number: &str, after: Option<i64>) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "type": "subscribe",
        "payload": {
            "query": super::queries::ORDER_UPDATED,
            "variables": { "n": number, "after": after },
        },
    })
}

fn update_of_next(payload: &serde_json::Value) -> Option<&serde_json::Value> {
    payload.get("data")?.get("orderUpdated")
}

/// The new status in a `next` message's payload, if it is one.
pub fn status_of_next(payload: &serde_json::Value) -> Option<String> {
    update_of_next(payload)?
        .get("order")?
        .get("status")?
        .as_str()
        .map(str::to_owned)
}

/// The new payment status in a `next` message's payload, if it has one.
pub fn payment_status_of_next(payload: &serde_json::Value) -> Option<String> {
    update_of_next(payload)?
        .get("order")?
        .get("paymentStatus")?
        .as_str()
        .map(str::to_owned)
}

/// The event sequence of a `next` message's update.
pub fn sequence_of_next(payload: &serde_json::Value) -> Option<i64> {
    update_of_next(payload)?.get("sequence")?.as_i64()
}

/// The wait before reconnect attempt `attempt` (0-based): 1 s doubling,
/// at most 30 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    1000u32.saturating_mul(1 << attempt.min(5)).min(30_000)
}

/// Keeps a live subscription to the order named by `number` while the
/// calling component is mounted (reconnecting when `number` changes or the
/// socket drops) and calls `on_update` for every message that matters.
/// `shown` gives the sequence of the order the page rendered, if loaded.
/// Browser only; a no-op during SSR.
pub fn use_order_updates(
    number: Memo<String>,
    shown: impl Fn() -> Option<i64> + Send + Sync + 'static,
    on_update: impl Fn(OrderUpdate) + Send + Sync + 'static,
) {
    #[cfg(feature = "hydrate")]
    browser::use_order_updates(number, shown, on_update);
    #[cfg(not(feature = "hydrate"))]
    let _ = (number, shown, on_update);
}

#[cfg(feature = "hydrate")]
mod browser;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subscribe_message_names_the_order() {
        let msg = subscribe_message("1", "SO-1", Some(4));
        assert_eq!(msg["type"], "subscribe");
        assert_eq!(msg["id"], "1");
        assert_eq!(msg["payload"]["variables"]["n"], "SO-1");
        assert_eq!(msg["payload"]["variables"]["after"], 4);
        assert!(msg["payload"]["query"].as_str().is_some_and(|q| {
            q.contains("orderUpdated(number: $n, afterSequence: $after)")
                && q.contains("paymentStatus")
        }));
    }

    #[test]
    fn next_payload_yields_the_status() {
        let payload = json!({"data": {"orderUpdated": {"sequence": 3, "type": "ORDER_PAID",
            "order": {"number": "SO-1", "status": "CONFIRMED", "paymentStatus": "PAID",
            "amountDue": {"amount": "0.00", "currencyCode": "CNY"}}}}});
        assert_eq!(status_of_next(&payload).as_deref(), Some("CONFIRMED"));
        assert_eq!(sequence_of_next(&payload), Some(3));
        assert_eq!(payment_status_of_next(&payload).as_deref(), Some("PAID"));
        assert_eq!(status_of_next(&json!({"errors": []})), None);
    }

    #[test]
    fn reconnects_back_off_up_to_thirty_seconds() {
        assert_eq!(backoff_ms(0), 1000);
        assert_eq!(backoff_ms(1), 2000);
        assert_eq!(backoff_ms(4), 16_000);
        assert_eq!(backoff_ms(5), 30_000);
        assert_eq!(backoff_ms(40), 30_000);
    }
}
