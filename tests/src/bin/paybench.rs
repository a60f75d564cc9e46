//! Load benchmark for provider payment notifications (card webhooks), and
//! a check that each one takes effect exactly once.
//!
//! ```text
//! cargo build --release -p backend -p tests --bin oms --bin paybench
//! cargo run --release -p tests --bin paybench -- --clients 16 --payments 1000 \
//!     [--duplicates 0.3] [--retries 0.1] [--database-url postgres://...]
//! ```
//!
//! Starts the real `oms` binary (target/release/oms, or `$OMS_BIN`) against a
//! fresh database (a SQLite file in a temp dir, or a fresh PostgreSQL
//! database created from `--database-url` and dropped at the end) with its
//! own `OMS_CARD_WEBHOOK_SECRET`, so this program can sign as the card
//! processor. Set-up: stock for 8 SKUs, N customers, M orders of one line,
//! and `startPayment(method: CARD)` for each (the sandbox gateway assigns
//! the PaymentIntent id `pi_…`). Then it posts M signed
//! `payment_intent.amount_capturable_updated` events to
//! `POST /webhooks/payments/card` with N concurrent clients, plus
//!
//! * exact duplicates (same event id, same body) for a `--duplicates` share
//!   of the payments: half sent at the same moment as the original, half
//!   later in the run;
//! * a second event with a new id for the same PaymentIntent and amount
//!   (a provider re-sending as a new event) for a `--retries` share: half
//!   at the same moment as the original, half later.
//!
//! It prints throughput and latency of the notifications, the replies that
//! were not the success reply (those are re-sent afterwards, as the
//! provider would), and then, read back through GraphQL as the finance
//! user, the double effects: payments with more than one AUTHORIZE
//! SUCCEEDED event or authorized above their amount, orders confirmed
//! twice; and orders that are not CONFIRMED. Exits non-zero if any.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::task::JoinSet;
use uuid::Uuid;

#[path = "../bench.rs"]
mod bench;

use bench::{Api, BoxError, Res, Server, Workspace, oms_bin, sql_statements};

const USAGE: &str = "usage: paybench [--clients N] [--payments M] [--duplicates 0.3] [--retries 0.1] [--database-url postgres://user@host:port/db]";

struct Args {
    clients: usize,
    payments: usize,
    duplicates: f64,
    retries: f64,
    database_url: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        clients: 16,
        payments: 1000,
        duplicates: 0.3,
        retries: 0.1,
        database_url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--clients" => {
                args.clients = value("--clients")?
                    .parse()
                    .map_err(|e| format!("--clients: {e}"))?
            }
            "--payments" => {
                args.payments = value("--payments")?
                    .parse()
                    .map_err(|e| format!("--payments: {e}"))?
            }
            "--duplicates" => {
                args.duplicates = value("--duplicates")?
                    .parse()
                    .map_err(|e| format!("--duplicates: {e}"))?
            }
            "--retries" => {
                args.retries = value("--retries")?
                    .parse()
                    .map_err(|e| format!("--retries: {e}"))?
            }
            "--database-url" => args.database_url = Some(value("--database-url")?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if args.clients == 0 || args.payments == 0 {
        return Err("--clients and --payments must be at least 1".to_owned());
    }
    if !(0.0..=1.0).contains(&args.duplicates) || !(0.0..=1.0).contains(&args.retries) {
        return Err("--duplicates and --retries are shares between 0 and 1".to_owned());
    }
    Ok(args)
}

#[tokio::main(flavor = "multi_thread")]
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
            eprintln!("paybench: error: {e}");
            std::process::exit(1);
        }
    }
}

/// A tiny deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[idx]
}

/// `"129.00"` → 12900 (the decimal text carries the currency's minor digits).
fn minor_units(amount: &str) -> Res<i64> {
    let digits: String = amount.chars().filter(|c| *c != '.').collect();
    Ok(digits
        .parse()
        .map_err(|e| format!("amount {amount:?}: {e}"))?)
}

fn address() -> Value {
    json!({
        "name": "Pay Bench", "phone": "+86 138 0000 0000", "line1": "1 Nanjing Road",
        "line2": null, "city": "Shanghai", "region": "Shanghai", "postalCode": "200001", "country": "CN"
    })
}

// ---------------------------------------------------------------------------
// The card processor's side.

type HmacSha256 = Hmac<Sha256>;

/// `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
fn stripe_signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let v1: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={timestamp},v1={v1}")
}

/// A started card payment.
struct Pay {
    number: String,
    intent: String,
    reference: String,
    amount_minor: i64,
}

/// `payment_intent.amount_capturable_updated`: the full amount is held.
fn authorized_event(event_id: &str, p: &Pay) -> String {
    json!({
        "id": event_id,
        "object": "event",
        "type": "payment_intent.amount_capturable_updated",
        "created": chrono::Utc::now().timestamp(),
        "data": { "object": {
            "id": p.intent,
            "object": "payment_intent",
            "amount": p.amount_minor,
            "amount_capturable": p.amount_minor,
            "amount_received": 0,
            "currency": "cny",
            "status": "requires_capture",
            "metadata": { "reference": p.reference },
        }},
    })
    .to_string()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Original,
    /// Same event id, same body.
    Duplicate,
    /// A new event id for the same PaymentIntent and amount.
    NewEvent,
}

struct Note {
    kind: Kind,
    body: String,
}

/// One reply.
struct Reply {
    note: usize,
    took: Duration,
    ok: bool,
    detail: String,
}

async fn deliver(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    note: usize,
    body: &str,
) -> Reply {
    let t = chrono::Utc::now().timestamp();
    let started = Instant::now();
    let resp = client
        .post(url)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Stripe-Signature", stripe_signature(secret, t, body))
        .body(body.to_owned())
        .send()
        .await;
    let (ok, detail) = match resp {
        Ok(r) => {
            let status = r.status().as_u16();
            match r.text().await {
                Ok(text) => {
                    let received = serde_json::from_str::<Value>(&text)
                        .map(|v| v["received"] == json!(true))
                        .unwrap_or(false);
                    (status == 200 && received, format!("{status} {text}"))
                }
                Err(e) => (false, format!("{status}, body: {e}")),
            }
        }
        Err(e) => (false, e.to_string()),
    };
    Reply {
        note,
        took: started.elapsed(),
        ok,
        detail,
    }
}

/// Sends `jobs` (each a set of notifications posted at the same moment)
/// with `clients` workers; returns every reply and the wall time.
async fn send_all(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    notes: &Arc<Vec<Note>>,
    jobs: Vec<Vec<usize>>,
    clients: usize,
) -> (Vec<Reply>, Duration) {
    let jobs = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for _ in 0..clients {
        let (client, url, secret) = (client.clone(), url.to_owned(), secret.to_owned());
        let (notes, jobs, next) = (notes.clone(), jobs.clone(), next.clone());
        workers.spawn(async move {
            let mut replies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                if let [one] = job.as_slice() {
                    replies.push(deliver(&client, &url, &secret, *one, &notes[*one].body).await);
                    continue;
                }
                let mut at_once = JoinSet::new();
                for &n in job {
                    let (client, url, secret, notes) =
                        (client.clone(), url.clone(), secret.clone(), notes.clone());
                    at_once.spawn(async move {
                        deliver(&client, &url, &secret, n, &notes[n].body).await
                    });
                }
                while let Some(r) = at_once.join_next().await {
                    if let Ok(r) = r {
                        replies.push(r);
                    }
                }
            }
            replies
        });
    }
    let mut replies = Vec::new();
    while let Some(r) = workers.join_next().await {
        if let Ok(r) = r {
            replies.extend(r);
        }
    }
    (replies, started.elapsed())
}

// ---------------------------------------------------------------------------

async fn run(args: Args) -> Res<bool> {
    oms_bin()?;
    let ws = Workspace::create(args.database_url.as_deref(), "paybench").await?;
    let result = run_in(&args, &ws).await;
    ws.cleanup().await;
    result
}

/// Runs `f(i)` for `i in 0..count` with `clients` concurrent tasks, in order.
async fn for_each<T, F, Fut>(count: usize, clients: usize, f: F) -> Res<Vec<T>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Res<T>> + Send,
{
    let f = Arc::new(f);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..clients {
        let (f, next) = (f.clone(), next.clone());
        tasks.spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                out.push((i, f(i).await?));
            }
            Ok::<_, BoxError>(out)
        });
    }
    let mut all = Vec::with_capacity(count);
    while let Some(r) = tasks.join_next().await {
        all.extend(r??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

async fn run_in(args: &Args, ws: &Workspace) -> Res<bool> {
    let backend = if ws.is_sqlite() { "sqlite" } else { "postgres" };
    println!(
        "paybench: {backend}, {} clients, {} card payments, duplicates {:.2}, new-event retries {:.2}, server {}",
        args.clients,
        args.payments,
        args.duplicates,
        args.retries,
        oms_bin()?.display()
    );
    let secret = format!("whsec_paybench_{}", Uuid::new_v4().simple());
    let server = Server::start(ws, &[("OMS_CARD_WEBHOOK_SECRET", secret.as_str())]).await?;
    let result = bench(args, &server, &secret).await;
    server.stop().await;
    let log = std::fs::read_to_string(ws.dir.join("oms.log")).unwrap_or_default();
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect();
    println!("server log: {} warnings or errors", warnings.len());
    for l in warnings.iter().take(5) {
        println!("  {l}");
    }
    if let Err(e) = &result {
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        eprintln!("paybench: {e}\nlast lines of the server log:");
        for l in tail.iter().rev() {
            eprintln!("  {l}");
        }
    }
    result
}

async fn bench(args: &Args, server: &Server, secret: &str) -> Res<bool> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients * 4)
        .timeout(Duration::from_secs(60))
        .build()?;
    let api = Api {
        client: client.clone(),
        url: format!("{}/graphql", server.addr),
    };
    let setup_started = Instant::now();
    let finance = api
        .login("finance@example.com", "finance-demo-2026")
        .await?;
    let card_payments_before = card_payments(&api, &finance).await?;

    // Stock: the first 8 SKUs, one unit per order and some to spare.
    let data = api
        .gql_ok(
            None,
            "{ products(first: 8) { edges { node { sku } } } }",
            json!({}),
        )
        .await?;
    let skus: Vec<String> = data["products"]["edges"]
        .as_array()
        .ok_or("no products")?
        .iter()
        .filter_map(|e| e["node"]["sku"].as_str().map(str::to_owned))
        .collect();
    if skus.is_empty() {
        return Err("the catalog is empty".into());
    }
    let keeper = api
        .login("warehouse@example.com", "warehouse-demo-2026")
        .await?;
    let units = (args.payments as i64 + 1000).min(1_000_000);
    for sku in &skus {
        api.gql_ok(
            Some(&keeper),
            "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }",
            json!({ "i": { "sku": sku, "warehouseCode": "SHA", "delta": units, "reason": "paybench" } }),
        )
        .await?;
    }

    // Customers.
    let run = Uuid::new_v4().simple().to_string();
    let mut tokens = Vec::new();
    for i in 0..args.clients {
        let data = api
            .gql_ok(
                None,
                "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
                json!({ "i": {
                    "email": format!("paybench-{i}-{}@example.com", &run[..8]),
                    "password": "paybench-Pa55word!",
                    "name": format!("Pay Bench {i}"),
                } }),
            )
            .await?;
        tokens.push(
            data["register"]["accessToken"]
                .as_str()
                .ok_or("no token")?
                .to_owned(),
        );
    }
    let tokens = Arc::new(tokens);
    let skus = Arc::new(skus);

    // Orders and card payments.
    let pays: Vec<Pay> = {
        let (api, tokens, skus) = (api.clone(), tokens.clone(), skus.clone());
        for_each(args.payments, args.clients, move |i| {
            let (api, tokens, skus) = (api.clone(), tokens.clone(), skus.clone());
            async move {
                let token = &tokens[i % tokens.len()];
                let input = json!({
                    "idempotencyKey": format!("pb-{}", Uuid::new_v4().simple()),
                    "lines": [{ "sku": skus[i % skus.len()], "quantity": 1 }],
                    "shippingAddress": address(),
                    "shippingMethod": "POSTAL",
                });
                let placed = api
                    .gql_ok(
                        Some(token),
                        "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }",
                        json!({ "input": input }),
                    )
                    .await?;
                let number = placed["placeOrder"]["number"]
                    .as_str()
                    .ok_or("no order number")?
                    .to_owned();
                let started = api
                    .gql_ok(
                        Some(token),
                        "mutation($n: String!) { startPayment(orderNumber: $n, method: CARD) { payment { providerReference reference amount { amount } } } }",
                        json!({ "n": number }),
                    )
                    .await?;
                let p = &started["startPayment"]["payment"];
                let intent = p["providerReference"]
                    .as_str()
                    .ok_or_else(|| format!("no PaymentIntent id for {number}: {p}"))?
                    .to_owned();
                Ok(Pay {
                    number,
                    intent,
                    reference: p["reference"].as_str().ok_or("no reference")?.to_owned(),
                    amount_minor: minor_units(p["amount"]["amount"].as_str().ok_or("no amount")?)?,
                })
            }
        })
        .await?
    };
    println!(
        "setup: {} SKUs with +{units} units at SHA, {} customers, {} orders placed and card payments started in {:.1} s",
        skus.len(),
        tokens.len(),
        pays.len(),
        setup_started.elapsed().as_secs_f64()
    );

    // The notifications and when they are sent.
    let mut rng = Rng::new(0x5EED);
    let mut notes: Vec<Note> = Vec::new();
    let mut keyed: Vec<(u64, Vec<usize>)> = Vec::new();
    let (mut dup_now, mut dup_later, mut new_now, mut new_later) = (0, 0, 0, 0);
    let m = pays.len() as u64;
    for (i, p) in pays.iter().enumerate() {
        let evt = format!("evt_pb_{}", Uuid::new_v4().simple());
        let body = authorized_event(&evt, p);
        let original = notes.len();
        notes.push(Note {
            kind: Kind::Original,
            body: body.clone(),
        });
        let mut job = vec![original];
        let later = |rng: &mut Rng| (i as u64 + 1 + rng.below(m - i as u64)) * 4 + 1;
        if rng.chance(args.duplicates) {
            notes.push(Note {
                kind: Kind::Duplicate,
                body,
            });
            if rng.chance(0.5) {
                job.push(notes.len() - 1);
                dup_now += 1;
            } else {
                keyed.push((later(&mut rng), vec![notes.len() - 1]));
                dup_later += 1;
            }
        }
        if rng.chance(args.retries) {
            let evt = format!("evt_pb_{}", Uuid::new_v4().simple());
            notes.push(Note {
                kind: Kind::NewEvent,
                body: authorized_event(&evt, p),
            });
            if rng.chance(0.5) {
                job.push(notes.len() - 1);
                new_now += 1;
            } else {
                keyed.push((later(&mut rng), vec![notes.len() - 1]));
                new_later += 1;
            }
        }
        keyed.push((i as u64 * 4, job));
    }
    keyed.sort_by_key(|(k, _)| *k);
    let jobs: Vec<Vec<usize>> = keyed.into_iter().map(|(_, j)| j).collect();
    let notes = Arc::new(notes);
    println!(
        "notifications: {} originals + {} exact duplicates ({dup_now} at the same moment, {dup_later} later) + {} new event ids for the same PaymentIntent ({new_now} at the same moment, {new_later} later) = {}",
        pays.len(),
        dup_now + dup_later,
        new_now + new_later,
        notes.len()
    );

    // The load.
    let url = format!("{}/webhooks/payments/card", server.addr);
    let before = sql_statements(&client, &server.addr).await?;
    let (replies, elapsed) = send_all(&client, &url, secret, &notes, jobs, args.clients).await;
    let after = sql_statements(&client, &server.addr).await?;
    let mut lat: Vec<Duration> = replies.iter().map(|r| r.took).collect();
    lat.sort();
    let failed: Vec<&Reply> = replies.iter().filter(|r| !r.ok).collect();
    println!();
    println!(
        "webhooks: {} sent in {:.2} s = {:.1} notifications/s   p50 {}   p99 {}   max {}",
        replies.len(),
        elapsed.as_secs_f64(),
        replies.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.99)),
        ms(percentile(&lat, 1.0)),
    );
    let by_kind = |k: Kind| failed.iter().filter(|r| notes[r.note].kind == k).count();
    println!(
        "non-success replies: {} (originals {}, duplicates {}, new event ids {})",
        failed.len(),
        by_kind(Kind::Original),
        by_kind(Kind::Duplicate),
        by_kind(Kind::NewEvent)
    );
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for r in &failed {
        let key: String = r.detail.chars().take(160).collect();
        *seen.entry(key).or_default() += 1;
    }
    for (detail, count) in seen.iter().take(5) {
        println!("  {count} x {detail}");
    }
    println!(
        "SQL statements per notification: {:.2}  [{} statements / {} notifications]",
        after.saturating_sub(before) as f64 / replies.len().max(1) as f64,
        after.saturating_sub(before),
        replies.len()
    );

    // What the provider does with a failure reply: send it again.
    let mut pending: Vec<usize> = failed.iter().map(|r| r.note).collect();
    pending.sort_unstable();
    let mut round = 0;
    while !pending.is_empty() && round < 5 {
        round += 1;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let jobs = pending.iter().map(|&n| vec![n]).collect();
        let (again, _) = send_all(&client, &url, secret, &notes, jobs, args.clients).await;
        pending = again.iter().filter(|r| !r.ok).map(|r| r.note).collect();
        println!(
            "re-sent refused notifications, round {round}: {} sent, {} still refused",
            again.len(),
            pending.len()
        );
    }

    // Verification, as finance (signed in again: the set-up may outlast a token).
    let finance = api
        .login("finance@example.com", "finance-demo-2026")
        .await?;
    let pays = Arc::new(pays);
    let checks: Vec<Check> = {
        let (api, pays) = (api.clone(), pays.clone());
        let finance = Arc::new(finance.clone());
        for_each(pays.len(), args.clients, move |i| {
            let (api, pays, finance) = (api.clone(), pays.clone(), finance.clone());
            async move { check(&api, &finance, &pays[i]).await }
        })
        .await?
    };
    let total_card = card_payments(&api, &finance).await? - card_payments_before;
    let twice_authorized = checks.iter().filter(|c| c.authorize_succeeded > 1).count();
    let over_authorized = checks.iter().filter(|c| c.over_authorized).count();
    let confirmed_twice = checks.iter().filter(|c| c.confirmed_events > 1).count();
    let never_authorized = checks.iter().filter(|c| c.authorize_succeeded == 0).count();
    let not_confirmed: Vec<&Check> = checks.iter().filter(|c| c.status != "CONFIRMED").collect();
    let double = checks
        .iter()
        .filter(|c| c.authorize_succeeded > 1 || c.over_authorized || c.confirmed_events > 1)
        .count();
    println!();
    println!(
        "verified as finance over GraphQL: {} orders, {} new card payments in `payments` (expected {})",
        checks.len(),
        total_card,
        pays.len()
    );
    println!(
        "double effects: {double}  (payments with more than one AUTHORIZE SUCCEEDED event: {twice_authorized}, authorized above the amount: {over_authorized}, orders confirmed more than once: {confirmed_twice})"
    );
    println!(
        "orders not CONFIRMED: {}  (payments never authorized: {never_authorized})",
        not_confirmed.len()
    );
    for c in not_confirmed.iter().take(5) {
        println!("  {} is {}", c.number, c.status);
    }
    let good = double == 0 && not_confirmed.is_empty() && total_card == pays.len() as i64;
    println!(
        "{}",
        if good {
            "exactly once: OK"
        } else {
            "exactly once: FAILED"
        }
    );
    Ok(good)
}

/// Card payments in finance's `payments` list.
async fn card_payments(api: &Api, finance: &str) -> Res<i64> {
    let data = api
        .gql_ok(
            Some(finance),
            "{ payments(filter: { method: CARD }, first: 1) { totalCount } }",
            json!({}),
        )
        .await?;
    Ok(data["payments"]["totalCount"]
        .as_i64()
        .ok_or("no totalCount")?)
}

/// What one order shows after the run.
struct Check {
    number: String,
    status: String,
    authorize_succeeded: usize,
    over_authorized: bool,
    confirmed_events: usize,
}

async fn check(api: &Api, finance: &str, p: &Pay) -> Res<Check> {
    let data = api
        .gql_ok(
            Some(finance),
            "query($n: String!) { order(number: $n) { status events { to } payments { providerReference amount { amount } authorized { amount } events { kind status } } } }",
            json!({ "n": p.number }),
        )
        .await?;
    let o = &data["order"];
    let empty = Vec::new();
    let payments = o["payments"].as_array().unwrap_or(&empty);
    let mut authorize_succeeded = 0;
    let mut over_authorized = false;
    for pay in payments {
        if pay["providerReference"].as_str() != Some(p.intent.as_str()) {
            continue;
        }
        authorize_succeeded += pay["events"]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .filter(|e| e["kind"] == "AUTHORIZE" && e["status"] == "SUCCEEDED")
            .count();
        let amount = minor_units(pay["amount"]["amount"].as_str().unwrap_or("0"))?;
        let authorized = minor_units(pay["authorized"]["amount"].as_str().unwrap_or("0"))?;
        over_authorized |= authorized > amount;
    }
    let confirmed_events = o["events"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .filter(|e| e["to"] == "CONFIRMED")
        .count();
    Ok(Check {
        number: p.number.clone(),
        status: o["status"].as_str().unwrap_or("(none)").to_owned(),
        authorize_succeeded,
        over_authorized,
        confirmed_events,
    })
}
