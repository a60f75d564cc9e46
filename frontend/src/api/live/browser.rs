//! The browser side of [`super::use_order_updates`]: one socket per open
//! order page, reconnected with backoff and resumed by sequence.

use super::{
    OrderUpdate, backoff_ms, payment_status_of_next, sequence_of_next, status_of_next,
    subscribe_message,
};
use leptos::prelude::*;
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

const PROTOCOL: &str = "graphql-transport-ws";
const BODY_MARKER: &str = "data-live-order";
const BODY_COUNTER: &str = "data-live-updates";
const BODY_SEQUENCE: &str = "data-live-sequence";
/// Test hooks: hold the connection down, and let it come back.
const DROP_EVENT: &str = "oms-live-drop";
const RESTORE_EVENT: &str = "oms-live-restore";

type Callback = Arc<dyn Fn(OrderUpdate) + Send + Sync>;

/// Following one order: survives its sockets.
struct Live {
    number: String,
    on_update: Callback,
    /// The last sequence the page showed; `None` until known.
    last: Cell<Option<i64>>,
    /// Failed attempts since the last acknowledged connection.
    attempts: Cell<u32>,
    /// Closed for good (page left) or held down (test hook).
    stopped: Cell<bool>,
    held: Cell<bool>,
    socket: RefCell<Option<Connection>>,
}

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

fn set_body(name: &str, value: &str) {
    if let Some(body) = document().body() {
        let _ = body.set_attribute(name, value);
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

impl Live {
    /// Opens a socket unless stopped or held down.
    fn connect(self: &Rc<Self>) {
        if self.stopped.get() || self.held.get() {
            return;
        }
        let connection = Connection::open(Rc::downgrade(self));
        if connection.is_none() {
            self.retry_later();
        }
        *self.socket.borrow_mut() = connection;
    }

    /// The socket closed (or never opened): try again after the backoff.
    fn retry_later(self: &Rc<Self>) {
        clear_marker();
        if self.stopped.get() || self.held.get() {
            return;
        }
        let attempt = self.attempts.get();
        self.attempts.set(attempt.saturating_add(1));
        let me = Rc::downgrade(self);
        set_timeout(
            move || {
                if let Some(me) = me.upgrade() {
                    me.connect();
                }
            },
            Duration::from_millis(u64::from(backoff_ms(attempt))),
        );
    }

    fn on_message(&self, ws: &WebSocket, msg: &Value) {
        match msg.get("type").and_then(Value::as_str) {
            Some("connection_ack") => {
                self.attempts.set(0);
                let after = self.last.get();
                send(ws, &subscribe_message("1", &self.number, after));
                set_body(BODY_MARKER, &self.number);
                set_body(BODY_COUNTER, "0");
                if after.is_none() {
                    (self.on_update)(OrderUpdate::Subscribed);
                }
            }
            Some("ping") => send(ws, &serde_json::json!({ "type": "pong" })),
            Some("next") => {
                let Some(payload) = msg.get("payload") else {
                    return;
                };
                if let Some(sequence) = sequence_of_next(payload) {
                    self.last.set(Some(sequence));
                    set_body(BODY_SEQUENCE, &sequence.to_string());
                }
                if let Some(status) = status_of_next(payload) {
                    count_update();
                    (self.on_update)(OrderUpdate::Changed {
                        status,
                        payment_status: payment_status_of_next(payload),
                    });
                }
            }
            // `error` / `complete`: nothing more will come on this socket.
            Some("error" | "complete") => clear_marker(),
            _ => {}
        }
    }
}

impl Connection {
    fn open(live: Weak<Live>) -> Option<Connection> {
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
            let live = live.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                let Ok(msg) = serde_json::from_str::<Value>(&text) else {
                    return;
                };
                if let Some(live) = live.upgrade() {
                    live.on_message(&ws, &msg);
                }
            })
        };
        let on_close = Closure::<dyn FnMut()>::new(move || {
            if let Some(live) = live.upgrade() {
                live.retry_later();
            }
        });
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

/// Listens for the test hooks on `window` while the page is open.
struct Hooks {
    _drop: Closure<dyn FnMut()>,
    _restore: Closure<dyn FnMut()>,
}

impl Hooks {
    fn install(live: &Rc<Live>) -> Hooks {
        let weak = Rc::downgrade(live);
        let drop_hook = Closure::<dyn FnMut()>::new(move || {
            if let Some(live) = weak.upgrade() {
                live.held.set(true);
                // Dropping the connection closes the socket without a retry.
                live.socket.borrow_mut().take();
            }
        });
        let weak = Rc::downgrade(live);
        let restore_hook = Closure::<dyn FnMut()>::new(move || {
            if let Some(live) = weak.upgrade()
                && live.held.replace(false)
            {
                live.connect();
            }
        });
        let w = window();
        let _ = w.add_event_listener_with_callback(DROP_EVENT, drop_hook.as_ref().unchecked_ref());
        let _ = w
            .add_event_listener_with_callback(RESTORE_EVENT, restore_hook.as_ref().unchecked_ref());
        Hooks {
            _drop: drop_hook,
            _restore: restore_hook,
        }
    }
}

impl Drop for Hooks {
    fn drop(&mut self) {
        let w = window();
        let _ =
            w.remove_event_listener_with_callback(DROP_EVENT, self._drop.as_ref().unchecked_ref());
        let _ = w.remove_event_listener_with_callback(
            RESTORE_EVENT,
            self._restore.as_ref().unchecked_ref(),
        );
    }
}

pub fn use_order_updates(
    number: Memo<String>,
    shown: impl Fn() -> Option<i64> + Send + Sync + 'static,
    on_update: impl Fn(OrderUpdate) + Send + Sync + 'static,
) {
    let on_update: Callback = Arc::new(on_update);
    let current = StoredValue::new_local(None::<(Rc<Live>, Hooks)>);
    Effect::new(move |_| {
        let n = number.get();
        // Close the old socket before opening the next one.
        current.update_value(|c| stop(c.take()));
        if !n.is_empty() {
            let live = Rc::new(Live {
                number: n,
                on_update: on_update.clone(),
                last: Cell::new(shown()),
                attempts: Cell::new(0),
                stopped: Cell::new(false),
                held: Cell::new(false),
                socket: RefCell::new(None),
            });
            let hooks = Hooks::install(&live);
            live.connect();
            current.update_value(|c| *c = Some((live, hooks)));
        }
    });
    on_cleanup(move || {
        current.try_update_value(|c| stop(c.take()));
    });
}

fn stop(following: Option<(Rc<Live>, Hooks)>) {
    if let Some((live, _hooks)) = following {
        live.stopped.set(true);
        live.socket.borrow_mut().take();
    }
}
