//! Live order updates in the browser: a small GraphQL-over-WebSocket client
//! (`graphql-transport-ws`) for the `orderUpdated` subscription.
//!
//! Only the hydrated app connects (feature `hydrate`); on the server
//! [`use_order_updates`] does nothing, so pages render the same with
//! JavaScript off. The socket is same-origin, so the browser sends the
//! portal's HttpOnly `oms_at` cookie with the upgrade and
//! `connection_init` carries an empty payload.
//!
//! While a subscription is open, `<body>` carries `data-live-order="NUMBER"`
//! (set once the subscription was sent, removed when the socket closes) and
//! `data-live-updates="N"`, the number of changes pushed so far (for tests
//! and debugging).

use leptos::prelude::*;

/// What the socket reports to the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderUpdate {
    /// The subscription was sent: changes from now on are pushed. Whatever
    /// changed between rendering and subscribing is not, so a page should
    /// reload its order once.
    Subscribed,
    /// The order changed; its new `OrderStatus` and `OrderPaymentStatus`
    /// (a payment notification changes only the latter).
    Changed {
        status: String,
        payment_status: Option<String>,
    },
}

/// The `subscribe` message for `orderUpdated(number)`.
pub fn subscribe_message(id: &str, number: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "type": "subscribe",
        "payload": {
            "query": super::queries::ORDER_UPDATED,
            "variables": { "n": number },
        },
    })
}

/// The new status in a `next` message's payload, if it is one.
pub fn status_of_next(payload: &serde_json::Value) -> Option<String> {
    payload
        .get("data")?
        .get("orderUpdated")?
        .get("status")?
        .as_str()
        .map(str::to_owned)
}

/// The new payment status in a `next` message's payload, if it has one.
pub fn payment_status_of_next(payload: &serde_json::Value) -> Option<String> {
    payload
        .get("data")?
        .get("orderUpdated")?
        .get("paymentStatus")?
        .as_str()
        .map(str::to_owned)
}

/// Keeps a live subscription to the order named by `number` while the
/// calling component is mounted (reconnecting when `number` changes) and
/// calls `on_update` for every message that matters. Browser only; a no-op
/// during SSR.
pub fn use_order_updates(
    number: Memo<String>,
    on_update: impl Fn(OrderUpdate) + Send + Sync + 'static,
) {
    #[cfg(feature = "hydrate")]
    browser::use_order_updates(number, on_update);
    #[cfg(not(feature = "hydrate"))]
    let _ = (number, on_update);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{OrderUpdate, payment_status_of_next, status_of_next, subscribe_message};
    use leptos::prelude::*;
    use serde_json::Value;
    use std::sync::Arc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{MessageEvent, WebSocket};

    const PROTOCOL: &str = "graphql-transport-ws";
    const BODY_MARKER: &str = "data-live-order";
    const BODY_COUNTER: &str = "data-live-updates";

    type Callback = Arc<dyn Fn(OrderUpdate) + Send + Sync>;

    /// One open socket; closing it (or dropping it) unhooks every handler.
    struct Connection {
        ws: WebSocket,
        _on_open: Closure<dyn FnMut()>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_close: Closure<dyn FnMut()>,
    }

    impl Drop for Connection {
        fn drop(&mut self) {
            self.ws.set_onopen(None);
            self.ws.set_onmessage(None);
            self.ws.set_onclose(None);
            self.ws.set_onerror(None);
            let _ = self.ws.close();
            clear_marker();
        }
    }

    fn clear_marker() {
        if let Some(body) = document().body() {
            let _ = body.remove_attribute(BODY_MARKER);
            let _ = body.remove_attribute(BODY_COUNTER);
        }
    }

    /// Counts one pushed change in `<body data-live-updates>`.
    fn count_update() {
        if let Some(body) = document().body() {
            let n = body
                .get_attribute(BODY_COUNTER)
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
            let _ = body.set_attribute(BODY_COUNTER, &(n + 1).to_string());
        }
    }

    fn send(ws: &WebSocket, msg: &Value) {
        let _ = ws.send_with_str(&msg.to_string());
    }

    /// `ws://` or `wss://` + this page's host + `/graphql`.
    fn endpoint() -> Option<String> {
        let location = window().location();
        let scheme = match location.protocol().ok()?.as_str() {
            "https:" => "wss",
            _ => "ws",
        };
        Some(format!("{scheme}://{}/graphql", location.host().ok()?))
    }

    impl Connection {
        fn open(number: String, on_update: Callback) -> Option<Connection> {
            let ws = WebSocket::new_with_str(&endpoint()?, PROTOCOL).ok()?;

            let on_open = {
                let ws = ws.clone();
                Closure::<dyn FnMut()>::new(move || {
                    send(
                        &ws,
                        &serde_json::json!({ "type": "connection_init", "payload": {} }),
                    );
                })
            };
            let on_message = {
                let ws = ws.clone();
                Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                    let Some(text) = event.data().as_string() else {
                        return;
                    };
                    let Ok(msg) = serde_json::from_str::<Value>(&text) else {
                        return;
                    };
                    match msg.get("type").and_then(Value::as_str) {
                        Some("connection_ack") => {
                            send(&ws, &subscribe_message("1", &number));
                            if let Some(body) = document().body() {
                                let _ = body.set_attribute(BODY_MARKER, &number);
                                let _ = body.set_attribute(BODY_COUNTER, "0");
                            }
                            on_update(OrderUpdate::Subscribed);
                        }
                        Some("ping") => send(&ws, &serde_json::json!({ "type": "pong" })),
                        Some("next") => {
                            let payload = msg.get("payload");
                            if let Some(status) = payload.and_then(status_of_next) {
                                count_update();
                                let payment_status = payload.and_then(payment_status_of_next);
                                on_update(OrderUpdate::Changed {
                                    status,
                                    payment_status,
                                });
                            }
                        }
                        // `error` / `complete`: nothing more will come.
                        Some("error" | "complete") => clear_marker(),
                        _ => {}
                    }
                })
            };
            let on_close = Closure::<dyn FnMut()>::new(clear_marker);
            ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
            Some(Connection {
                ws,
                _on_open: on_open,
                _on_message: on_message,
                _on_close: on_close,
            })
        }
    }

    pub fn use_order_updates(
        number: Memo<String>,
        on_update: impl Fn(OrderUpdate) + Send + Sync + 'static,
    ) {
        let on_update: Callback = Arc::new(on_update);
        let current = StoredValue::new_local(None::<Connection>);
        Effect::new(move |_| {
            let n = number.get();
            // Close the old socket before opening the next one.
            current.update_value(|c| *c = None);
            if !n.is_empty() {
                let connection = Connection::open(n, on_update.clone());
                current.update_value(|c| *c = connection);
            }
        });
        on_cleanup(move || {
            current.try_update_value(|c| *c = None);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subscribe_message_names_the_order() {
        let msg = subscribe_message("1", "SO-1");
        assert_eq!(msg["type"], "subscribe");
        assert_eq!(msg["id"], "1");
        assert_eq!(msg["payload"]["variables"]["n"], "SO-1");
        assert!(
            msg["payload"]["query"].as_str().is_some_and(|q| q
                .contains("orderUpdated(number: $n)")
                && q.contains("paymentStatus"))
        );
    }

    #[test]
    fn next_payload_yields_the_status() {
        let payload = json!({"data": {"orderUpdated": {"number": "SO-1", "status": "CONFIRMED",
            "paymentStatus": "PAID", "amountDue": {"amount": "0.00", "currencyCode": "CNY"}}}});
        assert_eq!(status_of_next(&payload).as_deref(), Some("CONFIRMED"));
        assert_eq!(payment_status_of_next(&payload).as_deref(), Some("PAID"));
        assert_eq!(status_of_next(&json!({"errors": []})), None);
    }
}
