//! Live fan-out: many graphql-ws subscribers of one order on one instance.
//!
//! ```text
//! cargo build --release -p backend -p tests --bin oms --bin livebench
//! ulimit -n 20000   # one descriptor per socket, in this process and the server
//! cargo run --release -p tests --bin livebench -- [--subscribers 10000] [--rounds 3] \
//!     [--database-url postgres://...]
//! ```
//!
//! Starts the release `oms` (or `$OMS_BIN`) on a fresh database, signs in
//! the demo customer and opens `--subscribers` WebSockets as that customer.
//! Each round places an order, subscribes every socket to it with the
//! portal's own document (`orderUpdated(number, afterSequence)` selecting
//! the order's status, payment status and amount due) and `afterSequence`
//! one before the order's latest event, so each subscription is confirmed
//! by the replay of that event; then the customer cancels the order and
//! every socket waits for the `ORDER_CANCELLED` update. The latency of a
//! delivery is from the `cancelOrder` reply (the commit) to its arrival;
//! it prints p50/p99/max per round, and the server's resident memory
//! before the sockets, with every subscription idle, and per idle
//! subscription. Exits non-zero if an update is missing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

#[path = "../bench.rs"]
mod bench;

use bench::{Api, Res, Server, Workspace};

const USAGE: &str = "usage: livebench [--subscribers 10000] [--rounds 3] [--database-url postgres://user@host:port/db]";

/// The portal's subscription document (frontend/src/api/queries.rs).
const ORDER_UPDATED: &str = "subscription OrderUpdated($n: String!, $after: Int) { \
orderUpdated(number: $n, afterSequence: $after) { sequence type order { number status sequence \
paymentStatus amountDue { amount currencyCode } } } }";

struct Args {
    subscribers: usize,
    rounds: usize,
    database_url: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        subscribers: 10_000,
        rounds: 3,
        database_url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--subscribers" => {
                args.subscribers = value("--subscribers")?
                    .parse()
                    .map_err(|e| format!("--subscribers: {e}"))?
            }
            "--rounds" => {
                args.rounds = value("--rounds")?
                    .parse()
                    .map_err(|e| format!("--rounds: {e}"))?
            }
            "--database-url" => args.database_url = Some(value("--database-url")?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if args.subscribers == 0 || args.rounds == 0 {
        return Err(format!(
            "--subscribers and --rounds must be positive\n{USAGE}"
        ));
    }
    Ok(args)
}

fn address() -> Value {
    json!({
        "name": "Li Lei", "phone": "+86 138 0000 0000", "line1": "1 Nanjing Road",
        "city": "Shanghai", "region": "Shanghai", "postalCode": "200001", "country": "CN"
    })
}

/// The server's resident set, in KiB.
fn rss_kib(pid: u32) -> Res<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS".into())
}

/// What every socket is asked to follow: (round, order number, after).
type Target = Option<(usize, String, i64)>;

/// What a socket reports.
enum Report {
    Subscribed(usize),
    Cancelled(usize, Instant),
    Failed(String),
}

/// One subscriber socket: follows the current target, reports arrivals.
async fn subscriber(
    url: String,
    token: String,
    mut target: watch::Receiver<Target>,
    reports: mpsc::UnboundedSender<Report>,
    connected: Arc<AtomicUsize>,
) {
    let fail = |e: String| {
        let _ = reports.send(Report::Failed(e));
    };
    let mut req = match url.into_client_request() {
        Ok(r) => r,
        Err(e) => return fail(e.to_string()),
    };
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut ws, _) = match tokio_tungstenite::connect_async(req).await {
        Ok(c) => c,
        Err(e) => return fail(format!("connect: {e}")),
    };
    let init = json!({ "type": "connection_init", "payload": { "token": token } });
    if let Err(e) = ws.send(Message::text(init.to_string())).await {
        return fail(format!("init: {e}"));
    }
    connected.fetch_add(1, Ordering::Relaxed);
    let mut current: Option<(usize, i64)> = None;
    let mut subscribed = false;
    loop {
        tokio::select! {
            changed = target.changed() => {
                if changed.is_err() {
                    return;
                }
                let next = target.borrow_and_update().clone();
                if let Some((round, _)) = current {
                    let stop = json!({ "id": round.to_string(), "type": "complete" });
                    let _ = ws.send(Message::text(stop.to_string())).await;
                }
                if let Some((round, number, after)) = next {
                    let sub = json!({
                        "id": round.to_string(), "type": "subscribe",
                        "payload": { "query": ORDER_UPDATED, "variables": { "n": number, "after": after } },
                    });
                    if let Err(e) = ws.send(Message::text(sub.to_string())).await {
                        return fail(format!("subscribe: {e}"));
                    }
                    current = Some((round, after));
                    subscribed = false;
                }
            }
            msg = ws.next() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(f))) => return fail(format!("closed: {f:?}")),
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => return fail(format!("read: {e}")),
                    None => return fail("closed".into()),
                };
                let at = Instant::now();
                let Ok(v) = serde_json::from_str::<Value>(text.as_str()) else { continue };
                match v["type"].as_str() {
                    Some("ping") => {
                        let _ = ws.send(Message::text(json!({"type": "pong"}).to_string())).await;
                    }
                    Some("next") => {
                        let Some((round, after)) = current else { continue };
                        if v["id"].as_str().and_then(|s| s.parse::<usize>().ok()) != Some(round) {
                            continue;
                        }
                        let u = &v["payload"]["data"]["orderUpdated"];
                        if u.is_null() {
                            return fail(format!("no data: {v}"));
                        }
                        if !subscribed && u["sequence"].as_i64() == Some(after + 1) {
                            subscribed = true;
                            let _ = reports.send(Report::Subscribed(round));
                        } else if u["type"] == "ORDER_CANCELLED" {
                            let _ = reports.send(Report::Cancelled(round, at));
                        }
                    }
                    Some("error") => return fail(format!("error: {v}")),
                    _ => {}
                }
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn run(args: &Args, ws: &Workspace) -> Res<bool> {
    let server = Server::start(ws, &[("OMS_WORKERS", "2")]).await?;
    let pid = server.child.id().ok_or("no server pid")?;
    let api = Api {
        client: reqwest::Client::new(),
        url: format!("{}/graphql", server.addr),
    };
    let token = api
        .login("customer@example.com", "customer-demo-2026")
        .await?;
    let ws_url = format!("{}/graphql", server.addr.replacen("http", "ws", 1));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before = rss_kib(pid)?;

    // One target per wave of sockets: subscribing 10,000 at the same
    // instant would queue 10,000 replay reads on the database pool.
    const WAVE: usize = 500;
    let waves = args.subscribers.div_ceil(WAVE);
    let targets: Vec<watch::Sender<Target>> = (0..waves)
        .map(|_| watch::channel::<Target>(None).0)
        .collect();
    let (report_tx, mut reports) = mpsc::unbounded_channel();
    let connected = Arc::new(AtomicUsize::new(0));
    let opening = Instant::now();
    // Open in waves so the listen backlog never overflows.
    for (w, target) in targets.iter().enumerate() {
        let size = WAVE.min(args.subscribers - w * WAVE);
        for _ in 0..size {
            tokio::spawn(subscriber(
                ws_url.clone(),
                token.clone(),
                target.subscribe(),
                report_tx.clone(),
                connected.clone(),
            ));
        }
        while connected.load(Ordering::Relaxed) < w * WAVE + size {
            if let Ok(Report::Failed(e)) = reports.try_recv() {
                return Err(format!("a subscriber failed: {e}").into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    println!(
        "{} sockets open in {:.1} s",
        args.subscribers,
        opening.elapsed().as_secs_f64()
    );

    let mut ok = true;
    for round in 1..=args.rounds {
        let input = json!({
            "idempotencyKey": format!("livebench-{}", Uuid::new_v4().simple()),
            "lines": [{ "sku": "MUG-001", "quantity": 1 }],
            "shippingAddress": address(),
            "shippingMethod": "POSTAL",
        });
        let placed = api
            .gql_ok(
                Some(&token),
                "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { number sequence } }",
                json!({ "i": input }),
            )
            .await?;
        let number = placed["placeOrder"]["number"]
            .as_str()
            .ok_or("no number")?
            .to_owned();
        let seq = placed["placeOrder"]["sequence"].as_i64().unwrap_or(1);
        let subscribing = Instant::now();
        let mut subscribed = 0;
        for (w, target) in targets.iter().enumerate() {
            target.send(Some((round, number.clone(), seq - 1)))?;
            let wave_end = args.subscribers.min((w + 1) * WAVE);
            while subscribed < wave_end {
                match tokio::time::timeout(Duration::from_secs(120), reports.recv()).await {
                    Ok(Some(Report::Subscribed(r))) if r == round => subscribed += 1,
                    Ok(Some(Report::Failed(e))) => {
                        return Err(format!("a subscriber failed: {e}").into());
                    }
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => {
                        return Err(format!("only {subscribed} subscriptions confirmed").into());
                    }
                }
            }
        }
        println!(
            "round {round}: {subscribed} subscriptions to {number} confirmed in {:.1} s",
            subscribing.elapsed().as_secs_f64()
        );
        // Idle: let allocations settle, then weigh the server.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let rss_idle = rss_kib(pid)?;
        println!(
            "  server RSS: {:.0} MiB before the sockets, {:.0} MiB with {} idle subscriptions: {:.1} KiB each",
            rss_before as f64 / 1024.0,
            rss_idle as f64 / 1024.0,
            args.subscribers,
            rss_idle.saturating_sub(rss_before) as f64 / args.subscribers as f64
        );
        let sent = Instant::now();
        api.gql_ok(
            Some(&token),
            "mutation($n: String!) { cancelOrder(number: $n) { status } }",
            json!({ "n": number }),
        )
        .await?;
        let committed = Instant::now();
        let mut lat = Vec::with_capacity(args.subscribers);
        while lat.len() < args.subscribers {
            match tokio::time::timeout(Duration::from_secs(30), reports.recv()).await {
                Ok(Some(Report::Cancelled(r, at))) if r == round => {
                    lat.push(at.saturating_duration_since(committed))
                }
                Ok(Some(Report::Failed(e))) => {
                    return Err(format!("a subscriber failed: {e}").into());
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        lat.sort();
        let received = lat.len();
        ok &= received == args.subscribers;
        println!(
            "  cancel reply after {}; {received}/{} received the update; from the reply: p50 {}, p99 {}, max {}",
            ms(committed - sent),
            args.subscribers,
            ms(percentile(&lat, 0.50)),
            ms(percentile(&lat, 0.99)),
            ms(lat.last().copied().unwrap_or_default()),
        );
    }
    drop(targets);
    server.stop().await;
    Ok(ok)
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let ws = match Workspace::create(args.database_url.as_deref(), "livebench").await {
        Ok(w) => w,
        Err(e) => {
            eprintln!("livebench: {e}");
            std::process::exit(1);
        }
    };
    let result = run(&args, &ws).await;
    ws.cleanup().await;
    match result {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("livebench: some subscribers missed the update");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("livebench: {e}");
            std::process::exit(1);
        }
    }
}
