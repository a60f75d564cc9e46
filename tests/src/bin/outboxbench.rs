//! Outbox throughput: events per second from committed commands through
//! the outbox to a local webhook receiver and to an SMTP sink, at several
//! numbers of concurrent producers, with the delivery lag.
//!
//! ```text
//! cargo build --release -p backend -p tests --bin oms --bin outboxbench
//! cargo run --release -p tests --bin outboxbench -- [--orders 300] [--producers 1,4,16] \
//!     [--database-url postgres://...]
//! ```
//!
//! Starts the release `oms` (or `$OMS_BIN`) on a fresh database with
//! `OMS_SMTP_URL` pointing at an SMTP sink this program runs on loopback
//! and `OMS_WEBHOOKS_ALLOW_PRIVATE=1`, registers a webhook endpoint for
//! `order.placed` at its own HTTP receiver, and registers one customer per
//! producer. For each producer count, the producers place `--orders`
//! orders between them; each placement commits an `order.placed` event
//! that becomes one webhook delivery and one "order placed" email. The lag
//! of a message is the time from the `placeOrder` reply (the commit) to
//! its arrival at the receiver. Prints events per second (messages
//! delivered over the time from the first placement to the last arrival)
//! and lag p50/p99 per channel; exits non-zero if a message is missing or
//! arrives twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use uuid::Uuid;

#[path = "../bench.rs"]
mod bench;

use bench::{Api, Res, Server, Workspace};

const USAGE: &str = "usage: outboxbench [--orders 300] [--producers 1,4,16] [--database-url postgres://user@host:port/db]";

struct Args {
    orders: usize,
    producers: Vec<usize>,
    database_url: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        orders: 300,
        producers: vec![1, 4, 16],
        database_url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--orders" => {
                args.orders = value("--orders")?
                    .parse()
                    .map_err(|e| format!("--orders: {e}"))?
            }
            "--producers" => {
                args.producers = value("--producers")?
                    .split(',')
                    .map(|p| p.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("--producers: {e}"))?
            }
            "--database-url" => args.database_url = Some(value("--database-url")?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if args.orders == 0 || args.producers.contains(&0) {
        return Err(format!(
            "--orders and --producers must be positive\n{USAGE}"
        ));
    }
    Ok(args)
}

/// Arrivals per order number, per channel.
#[derive(Default)]
struct Arrivals {
    webhook: HashMap<String, Vec<Instant>>,
    email: HashMap<String, Vec<Instant>>,
}

type Shared = Arc<Mutex<Arrivals>>;

/// The first `SO-YYYY-NNNNNN` in `text`.
fn order_number(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(i) = rest.find("SO-") {
        let cand: String = rest[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let parts: Vec<&str> = cand.split('-').collect();
        if parts.len() >= 3 && parts[1].len() == 4 && parts[2].chars().all(|c| c.is_ascii_digit()) {
            return Some(parts[..3].join("-"));
        }
        rest = &rest[i + 3..];
    }
    None
}

fn record(shared: &Shared, email: bool, number: String) {
    let now = Instant::now();
    if let Ok(mut a) = shared.lock() {
        let map = if email { &mut a.email } else { &mut a.webhook };
        map.entry(number).or_default().push(now);
    }
}

/// A minimal SMTP server: accepts every message, records its order number.
async fn smtp_sink(listener: TcpListener, shared: Shared) {
    while let Ok((stream, _)) = listener.accept().await {
        let shared = shared.clone();
        tokio::spawn(async move {
            let _ = smtp_session(stream, shared).await;
        });
    }
}

async fn smtp_session(stream: TcpStream, shared: Shared) -> Res<()> {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 sink ESMTP\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
            b"250 sink\r\n"
        } else if cmd.starts_with("DATA") {
            w.write_all(b"354 go ahead\r\n").await?;
            let mut message = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                message.push_str(&line);
            }
            if let Some(n) = order_number(&message) {
                record(&shared, true, n);
            }
            b"250 queued\r\n"
        } else if cmd.starts_with("QUIT") {
            w.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            // MAIL, RCPT, RSET, NOOP…
            b"250 ok\r\n"
        };
        w.write_all(reply).await?;
    }
}

/// A minimal HTTP/1.1 receiver: answers 200 to every POST, records the
/// order number of the body.
async fn webhook_receiver(listener: TcpListener, shared: Shared) {
    while let Ok((stream, _)) = listener.accept().await {
        let shared = shared.clone();
        tokio::spawn(async move {
            let _ = http_session(stream, shared).await;
        });
    }
}

async fn http_session(stream: TcpStream, shared: Shared) -> Res<()> {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let mut line = String::new();
    loop {
        let mut length = 0usize;
        let mut first = true;
        loop {
            line.clear();
            if r.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            if line == "\r\n" && !first {
                break;
            }
            first = false;
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        r.read_exact(&mut body).await?;
        let text = String::from_utf8_lossy(&body);
        if let Some(n) = order_number(&text) {
            record(&shared, false, n);
        }
        w.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
            .await?;
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn address() -> Value {
    json!({
        "name": "Li Lei", "phone": "+86 138 0000 0000", "line1": "1 Nanjing Road",
        "city": "Shanghai", "region": "Shanghai", "postalCode": "200001", "country": "CN"
    })
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
    match run(args).await {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("outboxbench: error: {e}");
            std::process::exit(1);
        }
    }
}

async fn run(args: Args) -> Res<bool> {
    let ws = Workspace::create(args.database_url.as_deref(), "outboxbench").await?;
    let result = bench(&args, &ws).await;
    ws.cleanup().await;
    result
}

async fn bench(args: &Args, ws: &Workspace) -> Res<bool> {
    let shared: Shared = Default::default();
    let smtp = TcpListener::bind("127.0.0.1:0").await?;
    let smtp_port = smtp.local_addr()?.port();
    tokio::spawn(smtp_sink(smtp, shared.clone()));
    let hook = TcpListener::bind("127.0.0.1:0").await?;
    let hook_url = format!("http://127.0.0.1:{}/hook", hook.local_addr()?.port());
    tokio::spawn(webhook_receiver(hook, shared.clone()));

    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}");
    let server = Server::start(
        ws,
        &[
            ("OMS_SMTP_URL", smtp_url.as_str()),
            ("OMS_WEBHOOKS_ALLOW_PRIVATE", "1"),
        ],
    )
    .await?;
    let api = Api {
        client: reqwest::Client::new(),
        url: format!("{}/graphql", server.addr),
    };
    let admin = api.login("admin@example.com", "admin-demo-2026").await?;
    api.gql_ok(
        Some(&admin),
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }",
        json!({ "i": { "url": hook_url, "eventTypes": ["ORDER_PLACED"], "description": "outboxbench" } }),
    )
    .await?;
    let keeper = api
        .login("warehouse@example.com", "warehouse-demo-2026")
        .await?;
    let total: usize = args.orders * args.producers.len();
    api.gql_ok(
        Some(&keeper),
        "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }",
        json!({ "i": { "sku": "AUD-001", "warehouseCode": "SHA", "delta": total as i64 + 100, "reason": "outboxbench" } }),
    )
    .await?;
    let most = args.producers.iter().copied().max().unwrap_or(1);
    let run = Uuid::new_v4().simple().to_string();
    let mut tokens = Vec::new();
    for i in 0..most {
        let data = api
            .gql_ok(
                None,
                "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
                json!({ "i": { "email": format!("bench-{i}-{}@example.com", &run[..8]), "password": "outbox-Pa55word!", "name": format!("Bench {i}") } }),
            )
            .await?;
        tokens.push(
            data["register"]["accessToken"]
                .as_str()
                .ok_or("no token")?
                .to_owned(),
        );
    }
    // Let the set-up's own events drain.
    tokio::time::sleep(Duration::from_secs(2)).await;
    if let Ok(mut a) = shared.lock() {
        *a = Arrivals::default();
    }

    let mut ok = true;
    println!(
        "outboxbench: {} orders per run, {} database",
        args.orders,
        if ws.is_sqlite() {
            "SQLite"
        } else {
            "PostgreSQL"
        }
    );
    for &producers in &args.producers {
        if let Ok(mut a) = shared.lock() {
            *a = Arrivals::default();
        }
        let start = Instant::now();
        let mut set = JoinSet::new();
        for (p, token) in tokens.iter().take(producers).enumerate() {
            let api = api.clone();
            let token = token.clone();
            let n = args.orders / producers + usize::from(p < args.orders % producers);
            set.spawn(async move {
                let mut placed = Vec::with_capacity(n);
                let mut refused = Vec::new();
                for _ in 0..n {
                    let input = json!({
                        "idempotencyKey": format!("bench-{}", Uuid::new_v4().simple()),
                        "lines": [{ "sku": "AUD-001", "quantity": 1 }],
                        "shippingAddress": address(),
                        "shippingMethod": "POSTAL",
                    });
                    let r = api
                        .gql_ok(
                            Some(&token),
                            "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { number } }",
                            json!({ "i": input }),
                        )
                        .await;
                    let at = Instant::now();
                    match r {
                        Ok(d) if d["placeOrder"]["number"].is_string() => {
                            let num = d["placeOrder"]["number"].as_str().unwrap_or_default();
                            placed.push((num.to_owned(), at));
                        }
                        Ok(d) => refused.push(d.to_string()),
                        Err(e) => refused.push(e.to_string()),
                    }
                }
                (placed, refused)
            });
        }
        let mut committed: HashMap<String, Instant> = HashMap::new();
        let mut refused: Vec<String> = Vec::new();
        while let Some(r) = set.join_next().await {
            let (placed, errors) = r?;
            committed.extend(placed);
            refused.extend(errors);
        }
        if let Some(first) = refused.first() {
            println!(
                "  {producers:>2} producers: {} placements refused (not counted), first: {first}",
                refused.len()
            );
        }
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let done = shared.lock().map(|a| {
                committed
                    .keys()
                    .all(|n| a.webhook.contains_key(n) && a.email.contains_key(n))
            });
            if done.unwrap_or(false) || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let arrivals = std::mem::take(&mut *shared.lock().map_err(|_| "poisoned")?);
        for (name, map) in [("webhook", &arrivals.webhook), ("email", &arrivals.email)] {
            let mut lags = Vec::new();
            let mut missing = 0;
            let mut twice = 0;
            let mut last = start;
            for (n, at) in &committed {
                match map.get(n) {
                    Some(times) => {
                        if times.len() > 1 {
                            twice += 1;
                        }
                        lags.push(times[0].saturating_duration_since(*at));
                        last = last.max(times[0]);
                    }
                    None => missing += 1,
                }
            }
            lags.sort();
            let secs = last.duration_since(start).as_secs_f64().max(1e-9);
            println!(
                "  {producers:>2} producers → {name:<7}: {:>7.1} events/s  lag p50 {:>6.1} ms  p99 {:>6.1} ms  ({} delivered, {missing} missing, {twice} twice)",
                lags.len() as f64 / secs,
                percentile(&lags, 0.50).as_secs_f64() * 1000.0,
                percentile(&lags, 0.99).as_secs_f64() * 1000.0,
                lags.len(),
            );
            if missing > 0 || twice > 0 {
                ok = false;
            }
        }
    }
    server.stop().await;
    Ok(ok)
}
