//! Live events: published after a command commits, fanned out to GraphQL
//! subscriptions. In-process broadcast; on PostgreSQL the events are also
//! relayed through LISTEN/NOTIFY so every instance sharing the database
//! delivers them to its own subscribers (no extra broker).

use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};
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
}

/// The NOTIFY channel events travel on between instances.
pub const PG_CHANNEL: &str = "oms_events";

#[derive(Serialize, Deserialize)]
struct Envelope {
    from: Uuid,
    event: DomainEvent,
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
    /// publishes, LISTEN for what the others publish.
    pub async fn relay_through_postgres(
        &mut self,
        conn: sea_orm::DatabaseConnection,
        url: &str,
    ) -> anyhow::Result<()> {
        use sea_orm::sqlx::postgres::PgListener;
        use sea_orm::{ConnectionTrait, Statement};

        let mut listener = PgListener::connect(url).await?;
        listener.listen(PG_CHANNEL).await?;
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<DomainEvent>();
        self.relay = Some(out_tx);
        let me = self.instance;
        let backend = conn.get_database_backend();
        actix_web::rt::spawn(async move {
            while let Some(event) = out_rx.recv().await {
                let Ok(payload) = serde_json::to_string(&Envelope { from: me, event }) else {
                    continue;
                };
                let stmt = Statement::from_sql_and_values(
                    backend,
                    "SELECT pg_notify($1, $2)",
                    [PG_CHANNEL.into(), payload.into()],
                );
                if let Err(e) = conn.execute_raw(stmt).await {
                    tracing::warn!(error = %e, "could not relay an event to other instances");
                }
            }
        });
        let local = self.tx.clone();
        actix_web::rt::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(n) => match serde_json::from_str::<Envelope>(n.payload()) {
                        Ok(env) if env.from != me => {
                            let _ = local.send(env.event);
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
        });
        Ok(())
    }
}
