//! Load generator for `placeOrder`.
//!
//! ```text
//! cargo build --release -p backend
//! cargo run --release -p tests --bin loadgen -- --clients 16 --orders 2000 [--database-url postgres://...]
//! ```
//!
//! Starts the real `oms` binary (target/release/oms, or `$OMS_BIN`) against a
//! fresh database (a SQLite file in a temp dir, or a fresh PostgreSQL
//! database created from `--database-url` and dropped at the end), gives the
//! target SKUs plenty of stock, registers N customers and places orders
//! (1–3 lines each) through GraphQL over HTTP with N concurrent clients.
//! Then, against the same database, it runs the same transaction the
//! service runs directly in SQL with N concurrent tasks (serialized by a
//! mutex on SQLite, as the server does), and prints throughput, latency
//! percentiles, their ratio and SQL statements per `placeOrder`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{Datelike, Utc};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
    TransactionTrait, Value as SqlValue,
};
use serde_json::{Value, json};
use uuid::Uuid;

#[path = "../bench.rs"]
mod bench;

use bench::{Api, Res, Server, Workspace, oms_bin, sql_statements};

const USAGE: &str =
    "usage: loadgen [--clients N] [--orders M] [--database-url postgres://user@host:port/db]";

struct Args {
    clients: usize,
    orders: usize,
    database_url: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        clients: 16,
        orders: 2000,
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
            "--orders" => {
                args.orders = value("--orders")?
                    .parse()
                    .map_err(|e| format!("--orders: {e}"))?
            }
            "--database-url" => args.database_url = Some(value("--database-url")?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if args.clients == 0 || args.orders == 0 {
        return Err("--clients and --orders must be at least 1".to_owned());
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
    if let Err(e) = run(args).await {
        eprintln!("loadgen: error: {e}");
        std::process::exit(1);
    }
}

/// A tiny deterministic PRNG (xorshift64*), one per client.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// 1–3 distinct SKUs, 1–3 units each.
fn random_lines(rng: &mut Rng, skus: &[String]) -> Vec<(String, i64)> {
    let n = 1 + rng.below(3.min(skus.len() as u64)) as usize;
    let mut picked: Vec<String> = Vec::with_capacity(n);
    while picked.len() < n {
        let s = &skus[rng.below(skus.len() as u64) as usize];
        if !picked.contains(s) {
            picked.push(s.clone());
        }
    }
    picked
        .into_iter()
        .map(|s| (s, 1 + rng.below(3) as i64))
        .collect()
}

struct Customer {
    id: Uuid,
    email: String,
    name: String,
    token: String,
}

struct PathResult {
    elapsed: Duration,
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
    /// Statements run by the committed transactions (direct path only).
    statements: u64,
}

impl PathResult {
    fn ok(&self) -> usize {
        self.latencies.len()
    }
    fn per_second(&self) -> f64 {
        self.ok() as f64 / self.elapsed.as_secs_f64()
    }
    fn percentile(&self, q: f64) -> Duration {
        let mut v = self.latencies.clone();
        v.sort();
        if v.is_empty() {
            return Duration::ZERO;
        }
        let idx = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        v[idx]
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn address() -> Value {
    json!({
        "name": "Load Gen", "phone": "+86 138 0000 0000", "line1": "1 Nanjing Road",
        "line2": null, "city": "Shanghai", "region": "Shanghai", "postalCode": "200001", "country": "CN"
    })
}

const PLACE_ORDER: &str =
    "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { number total { amount } } }";

async fn http_path(
    api: &Api,
    customers: &[Customer],
    skus: &[String],
    orders: usize,
) -> PathResult {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, c) in customers.iter().enumerate() {
        let api = api.clone();
        let token = c.token.clone();
        let skus = skus.to_vec();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(i as u64 + 1);
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut first_error = None;
            while next.fetch_add(1, Ordering::Relaxed) < orders {
                let lines: Vec<Value> = random_lines(&mut rng, &skus)
                    .into_iter()
                    .map(|(sku, q)| json!({ "sku": sku, "quantity": q }))
                    .collect();
                let input = json!({
                    "idempotencyKey": format!("lg-{}", Uuid::new_v4().simple()),
                    "lines": lines,
                    "shippingAddress": address(),
                    "shippingMethod": "POSTAL",
                });
                let t = Instant::now();
                let resp = api
                    .gql(Some(&token), PLACE_ORDER, json!({ "input": input }))
                    .await;
                let took = t.elapsed();
                match resp {
                    Ok(r) if r["data"]["placeOrder"]["number"].is_string() => lat.push(took),
                    Ok(r) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| r.to_string());
                    }
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            (lat, errors, first_error)
        }));
    }
    let mut result = PathResult {
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        errors: 0,
        first_error: None,
        statements: 0,
    };
    for t in tasks {
        match t.await {
            Ok((lat, errors, first)) => {
                result.latencies.extend(lat);
                result.errors += errors;
                if result.first_error.is_none() {
                    result.first_error = first;
                }
            }
            Err(e) => {
                result.errors += 1;
                result.first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    result.elapsed = started.elapsed();
    result
}

// ---------------------------------------------------------------------------
// The same transaction, directly in SQL.

/// Numbered placeholder for the backend: `$n` (PostgreSQL) or `?n` (SQLite).
fn ph(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => format!("?{n}"),
    }
}

/// Builds `(p1, p2, ...), (...)` for `rows` rows of `width` values from `start`.
fn values_list(backend: DbBackend, rows: usize, width: usize, start: usize) -> String {
    (0..rows)
        .map(|r| {
            let cols: Vec<String> = (0..width)
                .map(|c| ph(backend, start + r * width + c))
                .collect();
            format!("({})", cols.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

struct StockRow {
    product_id: Uuid,
    sku: String,
    name: String,
    price_minor: i64,
    currency: String,
    active: bool,
    warehouse_id: Option<Uuid>,
    priority: Option<i32>,
    on_hand: Option<i64>,
    allocated: Option<i64>,
}

struct Alloc {
    product_id: Uuid,
    warehouse_id: Uuid,
    quantity: i64,
}

/// The service's allocation policy: one warehouse that ships everything by
/// priority, else split by priority; None when short.
fn plan(demands: &[(Uuid, i64)], rows: &[StockRow]) -> Option<Vec<Alloc>> {
    let mut warehouses: Vec<(i32, Uuid)> = rows
        .iter()
        .filter_map(|r| Some((r.priority?, r.warehouse_id?)))
        .collect();
    warehouses.sort();
    warehouses.dedup();
    let avail = |pid: Uuid, wid: Uuid| -> i64 {
        rows.iter()
            .find(|r| r.product_id == pid && r.warehouse_id == Some(wid))
            .and_then(|r| Some(r.on_hand? - r.allocated?))
            .unwrap_or(0)
            .max(0)
    };
    for (_, wid) in &warehouses {
        if demands.iter().all(|(pid, q)| avail(*pid, *wid) >= *q) {
            return Some(
                demands
                    .iter()
                    .map(|(pid, q)| Alloc {
                        product_id: *pid,
                        warehouse_id: *wid,
                        quantity: *q,
                    })
                    .collect(),
            );
        }
    }
    let mut out = Vec::new();
    for (pid, q) in demands {
        let mut left = *q;
        for (_, wid) in &warehouses {
            if left == 0 {
                break;
            }
            let take = avail(*pid, *wid).min(left);
            if take > 0 {
                out.push(Alloc {
                    product_id: *pid,
                    warehouse_id: *wid,
                    quantity: take,
                });
                left -= take;
            }
        }
        if left > 0 {
            return None;
        }
    }
    Some(out)
}

enum Outcome {
    /// Committed, with the number of statements the transaction ran
    /// (BEGIN/COMMIT not counted).
    Placed(u64),
    Raced,
}

/// One attempt of the service's placeOrder transaction.
async fn direct_attempt(
    db: &DatabaseConnection,
    channel_id: Uuid,
    customer: &Customer,
    lines: &[(String, i64)],
) -> Res<Outcome> {
    let b = db.get_database_backend();
    let tx = db.begin().await?;

    // 1. products + stock, one statement
    let skus: Vec<String> = lines.iter().map(|(s, _)| s.clone()).collect();
    let in_list: Vec<String> = (1..=skus.len()).map(|i| ph(b, i + 1)).collect();
    let sql = format!(
        "SELECT products.id AS product_id, products.sku, products.name, products.price_minor, products.currency, products.active, \
         warehouses.id AS warehouse_id, warehouses.code AS warehouse_code, warehouses.priority, stock_levels.on_hand, stock_levels.allocated \
         FROM products \
         LEFT JOIN stock_levels ON stock_levels.product_id = products.id \
         LEFT JOIN warehouses ON warehouses.id = stock_levels.warehouse_id AND warehouses.active = {} \
         WHERE products.sku IN ({})",
        ph(b, 1),
        in_list.join(", ")
    );
    let mut params: Vec<SqlValue> = vec![true.into()];
    params.extend(skus.iter().map(|s| SqlValue::from(s.clone())));
    let rows = tx
        .query_all_raw(Statement::from_sql_and_values(b, sql, params))
        .await?;
    let rows: Vec<StockRow> = rows
        .iter()
        .map(|r| -> Res<StockRow> {
            Ok(StockRow {
                product_id: r.try_get("", "product_id")?,
                sku: r.try_get("", "sku")?,
                name: r.try_get("", "name")?,
                price_minor: r.try_get("", "price_minor")?,
                currency: r.try_get("", "currency")?,
                active: r.try_get("", "active")?,
                warehouse_id: r.try_get("", "warehouse_id")?,
                priority: r.try_get("", "priority")?,
                on_hand: r.try_get("", "on_hand")?,
                allocated: r.try_get("", "allocated")?,
            })
        })
        .collect::<Res<_>>()?;

    // price and plan (in the application, like the service)
    let mut priced = Vec::new();
    let mut subtotal = 0i64;
    for (sku, q) in lines {
        let p = rows
            .iter()
            .find(|r| &r.sku == sku && r.active)
            .ok_or_else(|| format!("unknown SKU {sku}"))?;
        subtotal += p.price_minor * q;
        priced.push((p, *q));
    }
    let fee = 1000i64;
    let currency = priced
        .first()
        .map(|(p, _)| p.currency.clone())
        .unwrap_or_else(|| "CNY".into());
    let demands: Vec<(Uuid, i64)> = priced.iter().map(|(p, q)| (p.product_id, *q)).collect();
    let Some(mut plan) = plan(&demands, &rows) else {
        tx.rollback().await?;
        return Err("out of stock (give the SKUs more stock)".into());
    };
    // Same global lock order as the service (no deadlocks on PostgreSQL).
    plan.sort_by_key(|a| (a.product_id, a.warehouse_id));

    // 2. the order, numbered by the database
    let now = Utc::now();
    let order_id = Uuid::now_v7();
    let number_expr = match b {
        DbBackend::Postgres => format!(
            "'SO-{}-' || lpad(nextval('order_number_seq')::text, 6, '0')",
            now.year()
        ),
        _ => format!(
            "'SO-{}-' || printf('%06d', (SELECT COALESCE(MAX(rowid), 0) + 1 FROM orders))",
            now.year()
        ),
    };
    let cols = [
        "id",
        "channel_id",
        "customer_id",
        "customer_email",
        "customer_name",
        "external_id",
        "status",
        "currency",
        "subtotal_minor",
        "shipping_fee_minor",
        "total_minor",
        "shipping_method",
        "ship_name",
        "ship_phone",
        "ship_line1",
        "ship_line2",
        "ship_city",
        "ship_region",
        "ship_postal_code",
        "ship_country",
        "note",
        "placed_by",
        "idempotency_scope",
        "idempotency_key",
        "request_hash",
        "placed_at",
        "updated_at",
    ];
    let vals: Vec<SqlValue> = vec![
        order_id.into(),
        channel_id.into(),
        Some(customer.id).into(),
        customer.email.clone().into(),
        customer.name.clone().into(),
        Option::<String>::None.into(),
        "PENDING_PAYMENT".into(),
        currency.into(),
        subtotal.into(),
        fee.into(),
        (subtotal + fee).into(),
        "POSTAL".into(),
        "Load Gen".into(),
        "+86 138 0000 0000".into(),
        "1 Nanjing Road".into(),
        Option::<String>::None.into(),
        "Shanghai".into(),
        Some("Shanghai".to_owned()).into(),
        "200001".into(),
        "CN".into(),
        Option::<String>::None.into(),
        format!("customer:{}", customer.id).into(),
        Some(customer.id.to_string()).into(),
        Some(format!("lgd-{}", Uuid::new_v4().simple())).into(),
        Some(Uuid::new_v4().simple().to_string()).into(),
        now.into(),
        now.into(),
    ];
    let sql = format!(
        "INSERT INTO orders (id, number, {}) VALUES ({}, {}, {}) RETURNING number",
        cols[1..].join(", "),
        ph(b, 1),
        number_expr,
        (2..=vals.len())
            .map(|i| ph(b, i))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(b, sql, vals))
        .await?
        .ok_or("order insert returned no row")?;
    let number: String = row.try_get("", "number")?;

    // 3. allocate: conditional update per (product, warehouse)
    for a in &plan {
        let sql = format!(
            "UPDATE stock_levels SET allocated = allocated + {}, updated_at = {} \
             WHERE product_id = {} AND warehouse_id = {} AND on_hand - allocated >= {}",
            ph(b, 1),
            ph(b, 2),
            ph(b, 3),
            ph(b, 4),
            ph(b, 5)
        );
        let done = tx
            .execute_raw(Statement::from_sql_and_values(
                b,
                sql,
                vec![
                    a.quantity.into(),
                    now.into(),
                    a.product_id.into(),
                    a.warehouse_id.into(),
                    a.quantity.into(),
                ],
            ))
            .await?
            .rows_affected();
        if done == 0 {
            tx.rollback().await?;
            return Ok(Outcome::Raced);
        }
    }

    // 4. ledger rows, one statement
    let actor = format!("customer:{}", customer.id);
    let sql = format!(
        "INSERT INTO stock_movements (product_id, warehouse_id, kind, delta_on_hand, delta_allocated, reason, actor, reference, created_at) VALUES {}",
        values_list(b, plan.len(), 9, 1)
    );
    let mut vals: Vec<SqlValue> = Vec::new();
    for a in &plan {
        vals.extend([
            a.product_id.into(),
            a.warehouse_id.into(),
            "allocate".into(),
            0i64.into(),
            a.quantity.into(),
            "order placed".into(),
            actor.clone().into(),
            Some(number.clone()).into(),
            now.into(),
        ]);
    }
    tx.execute_raw(Statement::from_sql_and_values(b, sql, vals))
        .await?;

    // 5. lines, one statement
    let sql = format!(
        "INSERT INTO order_lines (id, order_id, line_no, product_id, sku, name, quantity, unit_price_minor, line_total_minor) VALUES {}",
        values_list(b, priced.len(), 9, 1)
    );
    let mut vals: Vec<SqlValue> = Vec::new();
    for (i, (p, q)) in priced.iter().enumerate() {
        vals.extend([
            Uuid::now_v7().into(),
            order_id.into(),
            (i as i32 + 1).into(),
            p.product_id.into(),
            p.sku.clone().into(),
            p.name.clone().into(),
            (*q).into(),
            p.price_minor.into(),
            (p.price_minor * q).into(),
        ]);
    }
    tx.execute_raw(Statement::from_sql_and_values(b, sql, vals))
        .await?;

    // 6. the first event
    let sql = format!(
        "INSERT INTO order_events (order_id, kind, from_status, to_status, actor, note, at) VALUES {}",
        values_list(b, 1, 7, 1)
    );
    tx.execute_raw(Statement::from_sql_and_values(
        b,
        sql,
        vec![
            order_id.into(),
            "PLACED".into(),
            Option::<String>::None.into(),
            "PENDING_PAYMENT".into(),
            actor.into(),
            Option::<String>::None.into(),
            now.into(),
        ],
    ))
    .await?;
    tx.commit().await?;
    Ok(Outcome::Placed(5 + plan.len() as u64))
}

async fn direct_path(
    db: &DatabaseConnection,
    sqlite: bool,
    channel_id: Uuid,
    customers: Vec<Customer>,
    skus: &[String],
    orders: usize,
) -> PathResult {
    let write_lock = Arc::new(tokio::sync::Mutex::new(()));
    let next = Arc::new(AtomicUsize::new(0));
    let customers: Vec<Arc<Customer>> = customers.into_iter().map(Arc::new).collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, c) in customers.iter().enumerate() {
        let db = db.clone();
        let c = c.clone();
        let skus = skus.to_vec();
        let next = next.clone();
        let write_lock = write_lock.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(i as u64 + 1);
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut first_error = None;
            let mut statements = 0u64;
            while next.fetch_add(1, Ordering::Relaxed) < orders {
                let lines = random_lines(&mut rng, &skus);
                let t = Instant::now();
                let mut outcome = Err::<(), String>("raced 5 times".into());
                for _ in 0..5 {
                    let _guard = if sqlite {
                        Some(write_lock.lock().await)
                    } else {
                        None
                    };
                    match direct_attempt(&db, channel_id, &c, &lines).await {
                        Ok(Outcome::Placed(n)) => {
                            statements += n;
                            outcome = Ok(());
                            break;
                        }
                        Ok(Outcome::Raced) => continue,
                        Err(e) => {
                            outcome = Err(e.to_string());
                            break;
                        }
                    }
                }
                let took = t.elapsed();
                match outcome {
                    Ok(()) => lat.push(took),
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
            }
            (lat, errors, first_error, statements)
        }));
    }
    let mut result = PathResult {
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        errors: 0,
        first_error: None,
        statements: 0,
    };
    for t in tasks {
        match t.await {
            Ok((lat, errors, first, statements)) => {
                result.statements += statements;
                result.latencies.extend(lat);
                result.errors += errors;
                if result.first_error.is_none() {
                    result.first_error = first;
                }
            }
            Err(e) => {
                result.errors += 1;
                result.first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    result.elapsed = started.elapsed();
    result
}

async fn connect_direct(ws: &Workspace, pool: u32) -> Res<DatabaseConnection> {
    let mut opts = ConnectOptions::new(ws.db_url.clone());
    opts.sqlx_logging(false)
        .max_connections(pool)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30));
    if ws.is_sqlite() {
        opts.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    }
    Ok(Database::connect(opts).await?)
}

fn print_path(label: &str, r: &PathResult) {
    println!(
        "{label:<22} {:>9.1} orders/s   p50 {:>10}   p95 {:>10}   p99 {:>10}   ({} ok, {} failed, {:.2} s)",
        r.per_second(),
        ms(r.percentile(0.50)),
        ms(r.percentile(0.95)),
        ms(r.percentile(0.99)),
        r.ok(),
        r.errors,
        r.elapsed.as_secs_f64()
    );
    if let Some(e) = &r.first_error {
        println!("{:<22} first failure: {e}", "");
    }
}

async fn run(args: Args) -> Res<()> {
    oms_bin()?;
    let ws = Workspace::create(args.database_url.as_deref(), "loadgen").await?;
    let result = run_in(&args, &ws).await;
    ws.cleanup().await;
    result
}

async fn run_in(args: &Args, ws: &Workspace) -> Res<()> {
    let backend = if ws.is_sqlite() { "sqlite" } else { "postgres" };
    println!(
        "loadgen: {backend}, {} clients, {} orders per path (1-3 lines each), server {}",
        args.clients,
        args.orders,
        oms_bin()?.display()
    );
    let server = Server::start(ws, &[]).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients * 2)
        .build()?;
    let api = Api {
        client: client.clone(),
        url: format!("{}/graphql", server.addr),
    };

    // Stock: the first 8 SKUs of the catalog, plenty of units.
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
    let login = api
        .gql_ok(
            None,
            "mutation { login(email: \"warehouse@example.com\", password: \"warehouse-demo-2026\") { accessToken } }",
            json!({}),
        )
        .await?;
    let keeper = login["login"]["accessToken"]
        .as_str()
        .ok_or("no warehouse token")?
        .to_owned();
    let units = (args.orders as i64 * 2 * 9 / skus.len() as i64 + 1000).min(1_000_000);
    for sku in &skus {
        api.gql_ok(
            Some(&keeper),
            "mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }",
            json!({ "i": { "sku": sku, "warehouseCode": "SHA", "delta": units, "reason": "loadgen" } }),
        )
        .await?;
    }

    // Customers.
    let run = Uuid::new_v4().simple().to_string();
    let mut customers = Vec::new();
    for i in 0..args.clients {
        let email = format!("loadgen-{i}-{}@example.com", &run[..8]);
        let data = api
            .gql_ok(
                None,
                "mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id email name } } }",
                json!({ "i": { "email": email, "password": "loadgen-Pa55word!", "name": format!("Load Gen {i}") } }),
            )
            .await?;
        let reg = &data["register"];
        customers.push(Customer {
            id: Uuid::parse_str(reg["user"]["id"].as_str().ok_or("no user id")?)?,
            email: reg["user"]["email"].as_str().unwrap_or_default().to_owned(),
            name: reg["user"]["name"].as_str().unwrap_or_default().to_owned(),
            token: reg["accessToken"].as_str().ok_or("no token")?.to_owned(),
        });
    }
    println!(
        "setup: {} SKUs with +{units} units each at SHA, {} customers registered",
        skus.len(),
        customers.len()
    );

    // 1. GraphQL over HTTP.
    let before = sql_statements(&client, &server.addr).await?;
    let http = http_path(&api, &customers, &skus, args.orders).await;
    let after = sql_statements(&client, &server.addr).await?;
    server.stop().await;

    // 2. The same transaction in SQL, same database.
    let db = connect_direct(ws, if ws.is_sqlite() { 8 } else { 32 }).await?;
    let channel = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM channels WHERE code = 'web'",
        ))
        .await?
        .ok_or("no web channel")?;
    let channel_id: Uuid = channel.try_get("", "id")?;
    let direct = direct_path(
        &db,
        ws.is_sqlite(),
        channel_id,
        customers,
        &skus,
        args.orders,
    )
    .await;
    let oversold = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM stock_levels WHERE allocated > on_hand OR allocated < 0",
        ))
        .await?
        .ok_or("no count")?;
    let oversold: i64 = oversold.try_get("", "n")?;
    let _ = db.close().await;

    println!();
    print_path("GraphQL over HTTP:", &http);
    print_path("direct SQL:", &direct);
    let ratio = http.per_second() / direct.per_second();
    println!(
        "ratio (HTTP / direct): throughput {:.2}x, p50 latency {:.2}x, p99 latency {:.2}x",
        ratio,
        http.percentile(0.5).as_secs_f64() / direct.percentile(0.5).as_secs_f64(),
        http.percentile(0.99).as_secs_f64() / direct.percentile(0.99).as_secs_f64()
    );
    let requests = (http.ok() + http.errors) as f64;
    let delta = after.saturating_sub(before) as f64;
    println!(
        "SQL statements per placeOrder over HTTP: {:.2}, everything the server ran for the request (authentication is served from its session cache)  [{} statements / {} requests]",
        delta / requests,
        after.saturating_sub(before),
        requests
    );
    println!(
        "SQL statements per order, direct transaction: {:.2} (BEGIN/COMMIT not counted)",
        direct.statements as f64 / direct.ok().max(1) as f64
    );
    println!("stock levels with allocated > on hand after both paths: {oversold}");
    if http.errors > 0 || direct.errors > 0 || oversold > 0 {
        return Err("some orders failed or stock was oversold (see above)".into());
    }
    Ok(())
}
