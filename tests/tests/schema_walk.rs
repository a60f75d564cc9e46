//! One test for the whole schema: it reads the schema the way client tools
//! do (graphql-js' exact introspection query), and for every root query
//! field builds a document selecting every field reachable from it (to a
//! bounded depth) with valid arguments, then runs it as every kind of
//! caller against a database holding an order in each status.
//!
//! Nothing here names a field of ours except to choose argument values, so
//! a field added later is covered without editing the test. It asserts
//! that no answer is `INTERNAL`, no connection drops, and every error
//! carries a documented code.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{
    advance_raw, cancel_raw, capture_raw, create_api_key, fulfil, minor, new_customer, new_key,
    order_input, order_payments, pay_online, pay_order_as, place_order_ok, refund_raw,
    wait_payments_settled,
};

/// The codes README documents; anything else is a defect.
const DOCUMENTED_CODES: &[&str] = &[
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "INVALID_INPUT",
    "CONFLICT",
    "RATE_LIMITED",
    "OUT_OF_STOCK",
    "UNAVAILABLE",
];

/// How deep the walk selects below a root field. The server allows 10.
const MAX_SELECTION_DEPTH: usize = 6;

/// The exact document graphql-js 16.11 `getIntrospectionQuery()` returns.
pub const GRAPHQL_JS_INTROSPECTION: &str =
    include_str!("../fixtures/introspection-graphql-js-16.graphql");

/// Type references as introspection returns them.
#[derive(Clone, Debug)]
enum TypeRef {
    Named(String),
    List(Box<TypeRef>),
    NonNull(Box<TypeRef>),
}

impl TypeRef {
    fn parse(v: &Value) -> TypeRef {
        match v["kind"].as_str() {
            Some("NON_NULL") => TypeRef::NonNull(Box::new(TypeRef::parse(&v["ofType"]))),
            Some("LIST") => TypeRef::List(Box::new(TypeRef::parse(&v["ofType"]))),
            _ => TypeRef::Named(v["name"].as_str().unwrap_or_default().to_owned()),
        }
    }

    fn named(&self) -> &str {
        match self {
            TypeRef::Named(n) => n,
            TypeRef::List(t) | TypeRef::NonNull(t) => t.named(),
        }
    }

    /// As written in a variable definition: `[String!]!`.
    fn sdl(&self) -> String {
        match self {
            TypeRef::Named(n) => n.clone(),
            TypeRef::List(t) => format!("[{}]", t.sdl()),
            TypeRef::NonNull(t) => format!("{}!", t.sdl()),
        }
    }
}

#[derive(Clone, Debug)]
struct Arg {
    name: String,
    ty: TypeRef,
    has_default: bool,
}

#[derive(Clone, Debug)]
struct Field {
    name: String,
    args: Vec<Arg>,
    ty: TypeRef,
}

#[derive(Debug, Default)]
struct Schema {
    kinds: BTreeMap<String, String>,
    fields: BTreeMap<String, Vec<Field>>,
    input_fields: BTreeMap<String, Vec<Arg>>,
    enum_values: BTreeMap<String, Vec<String>>,
    query_type: String,
}

impl Schema {
    fn from_introspection(data: &Value) -> Schema {
        let schema = &data["__schema"];
        let mut s = Schema {
            query_type: schema["queryType"]["name"]
                .as_str()
                .expect("queryType")
                .to_owned(),
            ..Schema::default()
        };
        let args_of = |v: &Value| -> Vec<Arg> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| Arg {
                            name: x["name"].as_str().unwrap_or_default().to_owned(),
                            ty: TypeRef::parse(&x["type"]),
                            has_default: !x["defaultValue"].is_null(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        for t in schema["types"].as_array().expect("types") {
            let name = t["name"].as_str().unwrap_or_default().to_owned();
            s.kinds
                .insert(name.clone(), t["kind"].as_str().unwrap_or("").to_owned());
            if let Some(fields) = t["fields"].as_array() {
                s.fields.insert(
                    name.clone(),
                    fields
                        .iter()
                        .map(|f| Field {
                            name: f["name"].as_str().unwrap_or_default().to_owned(),
                            args: args_of(&f["args"]),
                            ty: TypeRef::parse(&f["type"]),
                        })
                        .collect(),
                );
            }
            if t["inputFields"].is_array() {
                s.input_fields
                    .insert(name.clone(), args_of(&t["inputFields"]));
            }
            if let Some(values) = t["enumValues"].as_array() {
                s.enum_values.insert(
                    name.clone(),
                    values
                        .iter()
                        .filter_map(|v| v["name"].as_str().map(str::to_owned))
                        .collect(),
                );
            }
        }
        s
    }

    fn kind(&self, name: &str) -> &str {
        self.kinds.get(name).map(String::as_str).unwrap_or("")
    }

    /// The selection set for a value of type `name`, every field to `depth`
    /// levels; records each `Type.field` it selects in `covered`. A field
    /// leading back to a type already on the path (an order's returns'
    /// order) is left out: the type's fields are selected where it first
    /// appears, and following the cycle would only multiply the document
    /// past the server's complexity limit.
    fn selection(
        &self,
        name: &str,
        depth: usize,
        vars: &mut Vec<(String, TypeRef, Value)>,
        values: &Values,
        covered: &mut BTreeSet<String>,
    ) -> Option<String> {
        let mut path = Vec::new();
        self.selection_on(name, depth, vars, values, covered, &mut path)
    }

    fn selection_on(
        &self,
        name: &str,
        depth: usize,
        vars: &mut Vec<(String, TypeRef, Value)>,
        values: &Values,
        covered: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<String> {
        let fields = self.fields.get(name)?;
        path.push(name.to_owned());
        let mut parts = Vec::new();
        for f in fields {
            if f.name.starts_with("__") {
                continue;
            }
            let leaf = matches!(self.kind(f.ty.named()), "SCALAR" | "ENUM");
            if !leaf && (depth <= 1 || path.iter().any(|t| t == f.ty.named())) {
                continue;
            }
            let mut args = Vec::new();
            for a in &f.args {
                let required = matches!(a.ty, TypeRef::NonNull(_)) && !a.has_default;
                if let Some(v) = values.for_arg(self, &a.name, &a.ty, required) {
                    let var = format!("v{}", vars.len());
                    args.push(format!("{}: ${var}", a.name));
                    vars.push((var, a.ty.clone(), v));
                }
            }
            let args = if args.is_empty() {
                String::new()
            } else {
                format!("({})", args.join(", "))
            };
            if leaf {
                parts.push(format!("{}{args}", f.name));
            } else if let Some(sub) =
                self.selection_on(f.ty.named(), depth - 1, vars, values, covered, path)
            {
                parts.push(format!("{}{args} {sub}", f.name));
            } else {
                continue;
            }
            covered.insert(format!("{name}.{}", f.name));
        }
        path.pop();
        if parts.is_empty() {
            // A union or an object whose every field is deeper than allowed.
            return Some("{ __typename }".into());
        }
        Some(format!("{{ {} }}", parts.join(" ")))
    }

    /// A value for an input of type `ty` built from nothing but the schema.
    fn generic_value(&self, ty: &TypeRef, depth: usize) -> Value {
        match ty {
            TypeRef::NonNull(t) => self.generic_value(t, depth),
            TypeRef::List(t) => json!([self.generic_value(t, depth)]),
            TypeRef::Named(n) => match (n.as_str(), self.kind(n)) {
                ("Int", _) => json!(1),
                ("Float", _) => json!(1.5),
                ("Boolean", _) => json!(true),
                ("ID", _) => json!("00000000-0000-0000-0000-000000000000"),
                ("DateTime", _) => json!("2026-01-01T00:00:00Z"),
                (_, "ENUM") => json!(
                    self.enum_values
                        .get(n)
                        .and_then(|v| v.first())
                        .cloned()
                        .unwrap_or_default()
                ),
                (_, "INPUT_OBJECT") if depth > 0 => {
                    let mut obj = Map::new();
                    for f in self.input_fields.get(n).into_iter().flatten() {
                        obj.insert(f.name.clone(), self.generic_value(&f.ty, depth - 1));
                    }
                    Value::Object(obj)
                }
                _ => json!("walk"),
            },
        }
    }
}

/// Argument values that reach real data: a seeded order number, a real
/// SKU. One variant of a walk uses the seeded order `number`; optional
/// arguments are either all left out or all filled.
struct Values {
    number: String,
    /// A shipment the owner and staff can see (`shipment(id:)`).
    shipment_id: String,
    /// A webhook endpoint the admin registered (`webhookDeliveries`).
    webhook_id: String,
    /// The `id` (or `number`) argument of root fields reading one
    /// after-sales record (`return`, `ticket`, `ticketByNumber`, `review`,
    /// `changeRequest`); other roots get the shipment's id and the order's
    /// number.
    ids: BTreeMap<String, String>,
    /// The root field being walked.
    root: String,
    fill_optional: bool,
}

impl Values {
    fn for_arg(&self, schema: &Schema, name: &str, ty: &TypeRef, required: bool) -> Option<Value> {
        if !required && !self.fill_optional {
            return None;
        }
        let known = match name {
            "number" => Some(json!(self.ids.get(&self.root).unwrap_or(&self.number))),
            "sku" => Some(json!("AUD-001")),
            "skus" => Some(json!(["AUD-001", "BAG-002", "NOPE-404"])),
            "first" => Some(json!(5)),
            "search" => Some(json!("a")),
            "after" => Some(json!("bm90LWEtY3Vyc29y")),
            "channel" => Some(json!("web")),
            "warehouseCode" => Some(json!("SHA")),
            "id" => Some(json!(self.ids.get(&self.root).unwrap_or(&self.shipment_id))),
            "endpointId" => Some(json!(self.webhook_id)),
            "input" if ty.named() == "OrderChangeInput" => {
                let mut moved = crate::order_helpers::address();
                moved["line1"] = json!("2 Walk Street");
                Some(json!({ "shippingAddress": moved }))
            }
            "input" => Some(json!({
                "lines": [{"sku": "AUD-001", "quantity": 1}],
                "method": "EXPRESS",
            })),
            "email" | "customerEmail" => Some(json!("customer@example.com")),
            _ => None,
        };
        Some(known.unwrap_or_else(|| schema.generic_value(ty, 3)))
    }
}

/// One request's outcome, as a client library would see it.
async fn post(app: &TestApp, token: Option<&str>, query: &str, variables: &Value) -> Value {
    let mut req = app
        .http()
        .post(app.url("/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => panic!("the connection dropped ({e}) for:\n{query}\n{variables}"),
    };
    let status = resp.status();
    let text = match resp.text().await {
        Ok(t) => t,
        Err(e) => panic!("the body was cut off ({e}) for:\n{query}\n{variables}"),
    };
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("HTTP {status} with a non-JSON body ({e}): {text:?} for:\n{query}\n{variables}")
    })
}

/// Seeds an order in every status, owned by `customer`, on the web channel,
/// and one imported through a marketplace key. Returns (status, number).
async fn orders_in_every_status(
    app: &TestApp,
    customer: &str,
    admin: &str,
    marketplace_key: &str,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let paths: &[(&str, &[&str])] = &[
        ("PENDING_PAYMENT", &[]),
        ("CONFIRMED", &["PAY"]),
        ("PROCESSING", &["PAY", "PROCESSING"]),
        ("SHIPPED", &["PAY", "SHIPPED"]),
        ("DELIVERED", &["PAY", "DELIVERED"]),
        ("COMPLETED", &["PAY", "DELIVERED", "COMPLETE"]),
    ];
    for (status, actions) in paths {
        let order = place_order_ok(
            app,
            customer,
            order_input(&new_key(), &[("AUD-001", 1), ("BAG-002", 1)]),
        )
        .await;
        let number = order["number"].as_str().expect("number").to_owned();
        for action in *actions {
            if *action == "PAY" {
                // Paying confirms: finance (here admin) records a transfer.
                pay_order_as(app, admin, &number).await;
            } else if *action == "COMPLETE" {
                assert_ok(&advance_raw(app, admin, &number, action).await);
            } else {
                // The warehouse (here admin) works the shipments.
                assert_eq!(fulfil(app, admin, &number, action).await, *action);
            }
        }
        out.push(((*status).to_owned(), number));
    }
    out.extend(orders_with_payments(app, customer, admin).await);
    let cancelled = place_order_ok(app, customer, order_input(&new_key(), &[("AUD-001", 1)])).await;
    let number = cancelled["number"].as_str().expect("number").to_owned();
    assert_ok(&cancel_raw(app, customer, &number, Some("walk")).await);
    out.push(("CANCELLED".into(), number));

    let mut import = order_input(&new_key(), &[("BAG-002", 1)]);
    import["externalId"] = json!("WALK-1");
    import["customerEmail"] = json!("walker@example.net");
    let imported = place_order_ok(app, marketplace_key, import).await;
    out.push((
        "CONFIRMED (imported)".into(),
        imported["number"].as_str().expect("number").to_owned(),
    ));
    out
}

/// One record of each after-sales area on the owner's orders, so their
/// fields are walked on real data: an applied change request (a new
/// address on the confirmed order), a return, a ticket and a review on the
/// delivered one. Returns the root field reading each by id → its id.
async fn after_sales_records(
    app: &TestApp,
    owner: &str,
    admin: &str,
    orders: &[(String, String)],
) -> BTreeMap<String, String> {
    let number = |status: &str| {
        orders
            .iter()
            .find(|(s, _)| s == status)
            .map(|(_, n)| n.clone())
            .expect("an order in that status")
    };
    let (confirmed, delivered) = (number("CONFIRMED"), number("DELIVERED"));
    let id = |resp: &Value, field: &str| {
        assert_ok(resp)[field]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{field}: {resp}"))
            .to_owned()
    };
    let mut ids = BTreeMap::new();
    let mut moved = crate::order_helpers::address();
    moved["line1"] = json!("1 Walk Street");
    let change = app
        .gql_as(
            owner,
            "mutation($n: String!, $i: OrderChangeInput!, $k: String!) { \
             requestOrderChange(number: $n, input: $i, idempotencyKey: $k) { id } }",
            json!({ "n": confirmed, "k": new_key(), "i": { "shippingAddress": moved } }),
        )
        .await;
    ids.insert("changeRequest".into(), id(&change, "requestOrderChange"));
    let ret = app
        .gql_as(
            owner,
            "mutation($n: String!, $i: ReturnRequestInput!, $k: String!) { \
             requestReturn(number: $n, input: $i, idempotencyKey: $k) { id } }",
            json!({ "n": delivered, "k": new_key(), "i": {
                "lines": [{ "sku": "BAG-002", "quantity": 1, "reason": "SIZE_FIT" }],
                "resolution": "REFUND" } }),
        )
        .await;
    ids.insert("return".into(), id(&ret, "requestReturn"));
    let ticket = app
        .gql_as(
            owner,
            "mutation($n: String!) { openTicket(input: { orderNumber: $n, category: DELIVERY, \
             subject: \"Walk\", message: \"Where is it?\" }) { id number } }",
            json!({ "n": delivered }),
        )
        .await;
    let ticket_id = id(&ticket, "openTicket");
    let ticket_number = ticket["data"]["openTicket"]["number"]
        .as_str()
        .map(str::to_owned);
    ids.insert(
        "ticketByNumber".into(),
        ticket_number.expect("ticket number"),
    );
    let reply = app
        .gql_as(
            admin,
            "mutation($id: ID!) { replyToTicket(id: $id, message: \"On its way\") { id } }",
            json!({ "id": ticket_id }),
        )
        .await;
    assert_ok(&reply);
    ids.insert("ticket".into(), ticket_id);
    let review = app
        .gql_as(
            owner,
            "mutation($n: String!) { writeReview(orderNumber: $n, sku: \"AUD-001\", rating: 5, \
             title: \"Walk\", body: \"Fine\") { id } }",
            json!({ "n": delivered }),
        )
        .await;
    let review_id = id(&review, "writeReview");
    let published = app
        .gql_as(
            admin,
            "mutation($id: ID!) { moderateReview(id: $id, decision: PUBLISH) { id } }",
            json!({ "id": review_id }),
        )
        .await;
    assert_ok(&published);
    ids.insert("review".into(), review_id);
    ids
}

/// Orders whose payments are in several states, so `Order.payments`,
/// `Payment.events` and their actors are walked on real data: paid with
/// Alipay, paid with WeChat Pay and refunded in full, a card authorization,
/// a card captured in part and refunded in part, an Alipay payment given
/// back when the customer cancelled, and cash on delivery.
async fn orders_with_payments(app: &TestApp, customer: &str, admin: &str) -> Vec<(String, String)> {
    let place = |method: Option<&'static str>| async move {
        let mut input = order_input(&new_key(), &[("BAG-002", 1)]);
        if let Some(m) = method {
            input["paymentMethod"] = json!(m);
        }
        let order = place_order_ok(app, customer, input).await;
        order["number"].as_str().expect("number").to_owned()
    };
    let mut out = Vec::new();

    let alipay = place(None).await;
    pay_online(app, customer, &alipay, "ALIPAY").await;
    out.push(("PAID (alipay)".to_owned(), alipay));

    let wechat = place(None).await;
    let id = pay_online(app, customer, &wechat, "WECHAT_PAY").await;
    let due = minor(&order_payments(app, admin, &wechat).await["total"]["amount"]);
    assert_ok(&refund_raw(app, admin, &id, due, "walk: refunded", &new_key()).await);
    out.push(("REFUNDED (wechat)".to_owned(), wechat));

    let card = place(None).await;
    pay_online(app, customer, &card, "CARD").await;
    out.push(("AUTHORIZED (card)".to_owned(), card));

    let card = place(None).await;
    let id = pay_online(app, customer, &card, "CARD").await;
    assert_ok(&capture_raw(app, admin, &id, 1000, &new_key()).await);
    assert_ok(&refund_raw(app, admin, &id, 300, "walk: partly", &new_key()).await);
    out.push(("PARTIALLY_REFUNDED (card)".to_owned(), card));

    let cancelled = place(None).await;
    pay_online(app, customer, &cancelled, "ALIPAY").await;
    assert_ok(&cancel_raw(app, customer, &cancelled, Some("walk: changed my mind")).await);
    out.push(("CANCELLED after payment".to_owned(), cancelled));

    let cod = place(Some("CASH_ON_DELIVERY")).await;
    out.push(("CONFIRMED (cash on delivery)".to_owned(), cod));

    // Real data: the admin sees payments in each of these states, with
    // events (refunds are sent to the provider after commit: wait for them).
    for (_, number) in &out {
        wait_payments_settled(app, admin, number).await;
    }
    let mut statuses = BTreeSet::new();
    for (_, number) in &out {
        let order = order_payments(app, admin, number).await;
        for p in order["payments"].as_array().into_iter().flatten() {
            statuses.insert(p["status"].as_str().unwrap_or_default().to_owned());
            if p["method"] != "CASH_ON_DELIVERY" {
                assert!(
                    p["events"].as_array().is_some_and(|e| !e.is_empty()),
                    "{number}: a payment without events: {p}"
                );
            }
        }
    }
    for s in ["CAPTURED", "AUTHORIZED", "PARTIALLY_REFUNDED", "REFUNDED"] {
        assert!(statuses.contains(s), "no {s} payment among {statuses:?}");
    }
    out
}

/// Ships one of the order's units: its shipment splits, the order is
/// PARTIALLY_SHIPPED (the way a real warehouse gets there).
async fn ship_one_unit(app: &TestApp, admin: &str, number: &str, sku: &str) {
    let q = "query($n: String!) { order(number: $n) { shipments { id status } } }";
    let o = app.gql_as(admin, q, json!({ "n": number })).await;
    let id = assert_ok(&o)["order"]["shipments"][0]["id"]
        .as_str()
        .expect("a shipment")
        .to_owned();
    for m in [
        "mutation($id: ID!) { startPicking(shipmentId: $id) { status } }",
        "mutation($id: ID!) { packShipment(shipmentId: $id, weightGrams: 500) { status } }",
    ] {
        assert_ok(&app.gql_as(admin, m, json!({ "id": id })).await);
    }
    let ship = "mutation($id: ID!, $sku: String!) { shipShipment(shipmentId: $id, carrier: \"SF\", \
        trackingNumber: \"SFWALK0001\", lines: [{sku: $sku, quantity: 1}]) { status } }";
    assert_ok(
        &app.gql_as(admin, ship, json!({ "id": id, "sku": sku }))
            .await,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_query_field_answers_every_caller_without_internal_errors() {
    // A webhook endpoint on loopback gives `webhookDeliveries` a log to walk.
    let app = TestApp::builder()
        .env("OMS_WEBHOOKS_ALLOW_PRIVATE", "1")
        .spawn()
        .await;

    // Read the schema as GraphiQL, Apollo or graphql-codegen would.
    let intro = post(&app, None, GRAPHQL_JS_INTROSPECTION, &json!({})).await;
    let schema = Schema::from_introspection(assert_ok(&intro));

    let admin = app.login_as(Role::Admin).await.access_token;
    let owner = new_customer(&app).await.access_token;
    let web_key = create_api_key(&app, "web").await;
    let marketplace_key = create_api_key(&app, "marketplace").await;
    let hook = app
        .gql_as(
            &admin,
            "mutation { createWebhookEndpoint(input: {url: \"http://127.0.0.1:9/walk\", eventTypes: [ORDER_PLACED, ORDER_PAID]}) { endpoint { id } } }",
            json!({}),
        )
        .await;
    let webhook_id = assert_ok(&hook)["createWebhookEndpoint"]["endpoint"]["id"]
        .as_str()
        .expect("endpoint id")
        .to_owned();
    let mut orders = orders_in_every_status(&app, &owner, &admin, &marketplace_key).await;
    let processing = orders
        .iter()
        .find(|(s, _)| s == "PROCESSING")
        .map(|(_, n)| n.clone())
        .expect("a processing order");
    let partial = place_order_ok(&app, &owner, order_input(&new_key(), &[("AUD-001", 2)])).await;
    let partial = partial["number"].as_str().expect("number").to_owned();
    pay_order_as(&app, &admin, &partial).await;
    ship_one_unit(&app, &admin, &partial, "AUD-001").await;
    orders.push(("PARTIALLY_SHIPPED".into(), partial));
    let q = "query($n: String!) { order(number: $n) { shipments { id } } }";
    let o = app.gql_as(&admin, q, json!({ "n": processing })).await;
    let shipment_id = assert_ok(&o)["order"]["shipments"][0]["id"]
        .as_str()
        .expect("the processing order's shipment")
        .to_owned();
    let after_sales = after_sales_records(&app, &owner, &admin, &orders).await;
    orders.push(("unknown".into(), "SO-0000-000000".into()));
    assert!(orders.iter().any(|(s, _)| s == "PROCESSING") && !processing.is_empty());

    let mut callers: Vec<(String, Option<String>)> = vec![
        ("anonymous".into(), None),
        ("owner".into(), Some(owner.clone())),
        (
            "another customer".into(),
            Some(new_customer(&app).await.access_token),
        ),
        ("web integration".into(), Some(web_key)),
        ("marketplace integration".into(), Some(marketplace_key)),
    ];
    for role in [
        Role::Customer,
        Role::Support,
        Role::Warehouse,
        Role::Finance,
        Role::Admin,
    ] {
        callers.push((
            role.name().into(),
            Some(app.login_as(role).await.access_token),
        ));
    }

    let roots = schema
        .fields
        .get(&schema.query_type)
        .expect("the query root")
        .clone();
    assert!(roots.len() >= 10, "the walk found too few roots: {roots:?}");
    let mut covered = BTreeSet::new();
    let mut answered_with_data = BTreeSet::new();
    let mut runs = 0;
    let mut failures = Vec::new();
    for root in &roots {
        let uses_number = root.args.iter().any(|a| a.name == "number");
        let numbers: Vec<&str> = if uses_number {
            orders.iter().map(|(_, n)| n.as_str()).collect()
        } else {
            vec![orders[0].1.as_str()]
        };
        for number in numbers {
            for fill_optional in [false, true] {
                let values = Values {
                    number: number.to_owned(),
                    shipment_id: shipment_id.clone(),
                    webhook_id: webhook_id.clone(),
                    ids: after_sales.clone(),
                    root: root.name.clone(),
                    fill_optional,
                };
                let mut vars = Vec::new();
                let mut args = Vec::new();
                for a in &root.args {
                    let required = matches!(a.ty, TypeRef::NonNull(_)) && !a.has_default;
                    if let Some(v) = values.for_arg(&schema, &a.name, &a.ty, required) {
                        let var = format!("v{}", vars.len());
                        args.push(format!("{}: ${var}", a.name));
                        vars.push((var, a.ty.clone(), v));
                    }
                }
                let leaf = matches!(schema.kind(root.ty.named()), "SCALAR" | "ENUM");
                let selection = if leaf {
                    String::new()
                } else {
                    schema
                        .selection(
                            root.ty.named(),
                            MAX_SELECTION_DEPTH,
                            &mut vars,
                            &values,
                            &mut covered,
                        )
                        .unwrap_or_default()
                };
                covered.insert(format!("{}.{}", schema.query_type, root.name));
                let defs: Vec<String> = vars
                    .iter()
                    .map(|(n, t, _)| format!("${n}: {}", t.sdl()))
                    .collect();
                let defs = if defs.is_empty() {
                    String::new()
                } else {
                    format!("({})", defs.join(", "))
                };
                let args = if args.is_empty() {
                    String::new()
                } else {
                    format!("({})", args.join(", "))
                };
                let query = format!("query Walk{defs} {{ {}{args} {selection} }}", root.name);
                let variables: Value = Value::Object(
                    vars.iter()
                        .map(|(n, _, v)| (n.clone(), v.clone()))
                        .collect(),
                );
                for (who, token) in &callers {
                    let resp = post(&app, token.as_deref(), &query, &variables).await;
                    runs += 1;
                    let errors = resp["errors"].as_array().cloned().unwrap_or_default();
                    for e in &errors {
                        let code = e["extensions"]["code"].as_str().unwrap_or("(none)");
                        let message = e["message"].as_str().unwrap_or_default();
                        if !DOCUMENTED_CODES.contains(&code) {
                            failures.push(format!(
                                "{}: {who} got code {code} ({message}) with {variables}",
                                root.name
                            ));
                        }
                        if message.contains("too deep") || message.contains("too complex") {
                            failures.push(format!(
                                "{}: the walk's own document broke a shape limit: {message}",
                                root.name
                            ));
                        }
                    }
                    if errors.is_empty() && !resp["data"][&root.name].is_null() {
                        answered_with_data.insert((root.name.clone(), who.clone()));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {runs} answers were wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // The walk really reached the data: the admin read every root field,
    // and every object type reachable from the root had its fields selected.
    for root in &roots {
        if root.name == "me" {
            continue; // null for integrations; checked for admin below
        }
        assert!(
            answered_with_data.contains(&(root.name.clone(), "admin".into()))
                || answered_with_data.contains(&(root.name.clone(), "owner".into())),
            "nobody got data from {}: the walk did not reach it",
            root.name
        );
    }
    for must in [
        "OrderLine.product",
        "Order.events",
        "Order.allocations",
        "Order.payments",
        "Order.paymentStatus",
        "Order.amountDue",
        "Payment.events",
        "PaymentEvent.actor",
        "PaymentConnection.edges",
        "Order.serviceActions",
        "Order.returns",
        "Return.lines",
        "Return.order",
        "Order.tickets",
        "Ticket.messages",
        "Order.changeRequests",
        "ChangeRequest.preview",
        "Product.reviews",
        "Product.rating",
    ] {
        assert!(
            covered.contains(must),
            "{must} was never selected: {covered:?}"
        );
    }
    eprintln!(
        "schema walk: {runs} requests, {} fields selected",
        covered.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_graphql_js_introspection_query_passes_and_a_deep_data_query_does_not() {
    let app = TestApp::spawn().await;
    for doc in [
        GRAPHQL_JS_INTROSPECTION,
        include_str!("../fixtures/introspection-graphql-js-16-all-options.graphql"),
    ] {
        let resp = post(&app, None, doc, &json!({})).await;
        let data = assert_ok(&resp);
        let types = data["__schema"]["types"].as_array().expect("types");
        assert!(
            types.iter().any(|t| t["name"] == "Order"),
            "the schema lists Order"
        );
    }

    // Data fields keep the depth limit: an order's lines' product is depth 4,
    // so a limit of 3 refuses it and names the limit.
    let strict = TestApp::builder()
        .env("OMS_GRAPHQL_MAX_DEPTH", "3")
        .spawn()
        .await;
    let admin = strict.login_as(Role::Admin).await.access_token;
    let deep = post(
        &strict,
        Some(&admin),
        "{ orders(first: 1) { edges { node { lines { product { name } } } } } }",
        &json!({}),
    )
    .await;
    assert_eq!(
        deep["errors"][0]["extensions"]["code"], "INVALID_INPUT",
        "{deep}"
    );
    assert!(
        deep["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("too deep"),
        "{deep}"
    );
    assert!(deep["data"].is_null(), "nothing runs: {deep}");
    let shallow = post(
        &strict,
        Some(&admin),
        "{ orders(first: 1) { totalCount } }",
        &json!({}),
    )
    .await;
    assert_ok(&shallow);
    // The standard introspection query still passes under that limit.
    assert_ok(&post(&strict, None, GRAPHQL_JS_INTROSPECTION, &json!({})).await);

    // Hostile documents: data nested far past the limit, directly and
    // through a long chain of fragments; both are refused before anything
    // resolves, and the server stays up.
    let mut deep = String::new();
    for _ in 0..25 {
        deep.push_str("{ orders ");
    }
    deep.push_str("{ number }");
    for _ in 0..25 {
        deep.push_str(" }");
    }
    let mut chain = String::from("query { ...F0 } ");
    for i in 0..300 {
        chain.push_str(&format!(
            "fragment F{i} on Query {{ me {{ ...F{} }} }} ",
            i + 1
        ));
    }
    chain.push_str("fragment F300 on Query { me { email } }");
    for doc in [deep, chain] {
        let resp = post(&app, None, &doc, &json!({})).await;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"], "INVALID_INPUT",
            "{resp}"
        );
        // Our limit ("nested too deep") or the parser's own recursion limit.
        let message = resp["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("too deep") || message.contains("recursion depth"),
            "{resp}"
        );
    }
    assert_ok(&post(&app, None, "{ __typename }", &json!({})).await);

    // Recursive introspection (each level multiplies the answer by the
    // number of types) is refused.
    let recursive =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let resp = post(&app, None, recursive, &json!({})).await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"], "INVALID_INPUT",
        "{resp}"
    );
    assert!(resp["data"].is_null(), "{resp}");

    // Too many fields: the complexity limit still holds for data.
    let tight = TestApp::builder()
        .env("OMS_GRAPHQL_MAX_COMPLEXITY", "5")
        .spawn()
        .await;
    let wide = post(
        &tight,
        None,
        "{ products(first: 1) { totalCount edges { cursor node { sku name description } } } }",
        &json!({}),
    )
    .await;
    assert!(
        wide["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("too complex"),
        "{wide}"
    );
    assert_ok(&post(&tight, None, GRAPHQL_JS_INTROSPECTION, &json!({})).await);
}
