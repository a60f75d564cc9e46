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
    events: Vec<DomainEvent>,
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<DomainEvent>,
    instance: Uuid,
    relay: Option<mpsc::UnboundedSender<DomainEvent>>,
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
        }
    }

    /// Publish after commit; no subscriber is not an error.
    pub fn publish(&self, e: DomainEvent) {
        if let Some(relay) = &self.relay {
            let _ = relay.send(e.clone());
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
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<DomainEvent>();
        self.relay = Some(out_tx);
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
                // Coalesce whatever else is queued into one NOTIFY (payloads
                // stay well under PostgreSQL's 8000-byte limit).
                let mut events = vec![first];
                while events.len() < 20 {
                    match out_rx.try_recv() {
                        Ok(e) => events.push(e),
                        Err(_) => break,
                    }
                }
                let Ok(payload) = serde_json::to_string(&Envelope { from: me, events }) else {
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
        let listen_task = actix_web::rt::spawn(async move {
            loop {
                let received = tokio::select! {
                    _ = stopped.changed() => break,
                    r = listener.recv() => r,
                };
                match received {
                    Ok(n) => match serde_json::from_str::<Envelope>(n.payload()) {
                        Ok(env) if env.from != me => {
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
        Ok(Relay {
            stop,
            tasks: vec![notify_task, listen_task],
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
