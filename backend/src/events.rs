//! Live events: published after a command commits, fanned out to GraphQL
//! subscriptions. In-process broadcast; on PostgreSQL the events are also
//! relayed through LISTEN/NOTIFY so every instance sharing the database
//! delivers them to its own subscribers (no extra broker).

use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc, watch};
use uuid::Uuid;

/// Something that happened, for live subscribers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum DomainEvent {
    StockChanged {
        sku: String,
        warehouse_code: String,
        on_hand: i64,
        allocated: i64,
    },
    OrderChanged {
        number: String,
        status: String,
    },
    /// The outbox was dispatched up to this position (on some instance):
    /// live feeds read on, senders look for due work.
    OutboxDispatched {
        position: i64,
    },
    /// Sessions were revoked (logout, password change, token reuse): every
    /// instance drops them from its session cache at once.
    SessionsRevoked {
        session_ids: Vec<Uuid>,
        user_id: Option<Uuid>,
    },
}

/// The NOTIFY channel events travel on between instances.
pub const PG_CHANNEL: &str = "oms_events";

#[derive(Serialize, Deserialize)]
struct Envelope {
    from: Uuid,
    #[serde(default)]
    events: Vec<DomainEvent>,
    /// "I am here" (a starting instance, and every heartbeat); others reply
    /// with `hello_reply` so both sides know at once.
    #[serde(default)]
    hello: bool,
    #[serde(default)]
    hello_reply: bool,
}

/// What the relay sends.
enum Outgoing {
    Event(DomainEvent),
    Hello { reply: bool },
}

/// How long after the last sign of life another instance counts as present.
const PEER_TIMEOUT_MS: i64 = 30_000;
/// How often an instance says it is alive.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(10);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<DomainEvent>,
    instance: Uuid,
    relay: Option<mpsc::UnboundedSender<Outgoing>>,
    /// When another instance was last heard from (unix ms; 0 = never). A
    /// lone instance sends no NOTIFY at all.
    peer_seen: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(1024);
        EventBus {
            tx,
            instance: Uuid::new_v4(),
            relay: None,
            peer_seen: Default::default(),
        }
    }

    /// Publish after commit; no subscriber is not an error.
    pub fn publish(&self, e: DomainEvent) {
        if let Some(relay) = &self.relay {
            let seen = self.peer_seen.load(std::sync::atomic::Ordering::Relaxed);
            if seen > 0 && now_ms() - seen < PEER_TIMEOUT_MS {
                let _ = relay.send(Outgoing::Event(e.clone()));
            }
        }
        let _ = self.tx.send(e);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.tx.subscribe()
    }

    /// Relays events through PostgreSQL: NOTIFY what this instance
    /// publishes, LISTEN for what the others publish. Call
    /// [`Relay::shutdown`] before the runtime ends.
    pub async fn relay_through_postgres(&mut self, url: &str) -> anyhow::Result<Relay> {
        use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};

        // Its own two connections (one listens, one notifies), apart from
        // the pool that serves requests and from its statement count.
        let pool = PgPoolOptions::new().max_connections(2).connect(url).await?;
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(PG_CHANNEL).await?;
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Outgoing>();
        self.relay = Some(out_tx.clone());
        let (stop, mut stopped) = watch::channel(false);
        let me = self.instance;
        let notify_pool = pool.clone();
        let mut stop_notify = stopped.clone();
        let notify_task = actix_web::rt::spawn(async move {
            loop {
                let first = tokio::select! {
                    _ = stop_notify.changed() => break,
                    e = out_rx.recv() => match e { Some(e) => e, None => break },
                };
                let envelope = match first {
                    Outgoing::Hello { reply } => Envelope {
                        from: me,
                        events: Vec::new(),
                        hello: !reply,
                        hello_reply: reply,
                    },
                    Outgoing::Event(e) => {
                        // Coalesce whatever else is queued into one NOTIFY
                        // (payloads stay well under the 8000-byte limit).
                        let mut events = vec![e];
                        while events.len() < 20 {
                            match out_rx.try_recv() {
                                Ok(Outgoing::Event(e)) => events.push(e),
                                Ok(Outgoing::Hello { .. }) | Err(_) => break,
                            }
                        }
                        Envelope {
                            from: me,
                            events,
                            hello: false,
                            hello_reply: false,
                        }
                    }
                };
                let Ok(payload) = serde_json::to_string(&envelope) else {
                    continue;
                };
                let sent = sea_orm::sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(PG_CHANNEL)
                    .bind(payload)
                    .execute(&notify_pool)
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "could not relay events to other instances");
                }
            }
        });
        let local = self.tx.clone();
        let peer_seen = self.peer_seen.clone();
        let replies = out_tx.clone();
        let listen_task = actix_web::rt::spawn(async move {
            loop {
                let received = tokio::select! {
                    _ = stopped.changed() => break,
                    r = listener.recv() => r,
                };
                match received {
                    Ok(n) => match serde_json::from_str::<Envelope>(n.payload()) {
                        Ok(env) if env.from != me => {
                            peer_seen.store(now_ms(), std::sync::atomic::Ordering::Relaxed);
                            if env.hello {
                                let _ = replies.send(Outgoing::Hello { reply: true });
                            }
                            for e in env.events {
                                let _ = local.send(e);
                            }
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "unreadable relayed event"),
                    },
                    // PgListener reconnects by itself on the next recv.
                    Err(e) => {
                        tracing::warn!(error = %e, "event relay connection lost; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
            let _ = listener.unlisten_all().await;
        });
        let mut stop_beat = stop.subscribe();
        let heartbeat_task = actix_web::rt::spawn(async move {
            let mut tick = tokio::time::interval(HEARTBEAT);
            loop {
                tokio::select! {
                    _ = stop_beat.changed() => break,
                    _ = tick.tick() => {
                        if out_tx.send(Outgoing::Hello { reply: false }).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        // The first heartbeat went out at once: give running instances a
        // moment to answer, so events flow both ways from the first request.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(300);
        while self.peer_seen.load(std::sync::atomic::Ordering::Relaxed) == 0
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        Ok(Relay {
            stop,
            tasks: vec![notify_task, listen_task, heartbeat_task],
            pool,
        })
    }
}
/// The running PostgreSQL relay.
pub struct Relay {
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    pool: sea_orm::sqlx::PgPool,
}

impl Relay {
    /// Stops relaying and releases the listening connection while the
    /// runtime is still up (dropping it later would need a runtime).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
        self.pool.close().await;
    }
}
