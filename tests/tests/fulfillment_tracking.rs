//! Parcels after they leave: signed Kuaidi100 pushes to
//! `POST /webhooks/carriers/kuaidi100` (accepted, refused, repeated, out of
//! order), delivery moving the order along, the money that follows the
//! parcels (a card captured per shipment, cash on delivery recorded when
//! delivered), and the built-in sandbox carrier delivering on its own.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::fulfillment::{
    confirmed_order, first_shipment_id, input, lines_of, order_of, place, ship, ship_all,
    shipment_of, shipments, to_packed, tracking_number,
};
use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{
    minor, new_customer, pay_online, payment_settled, set_available, wait_for_order,
};

const SALT: &str = "fulfillment-test-salt";

/// A server whose carrier pushes are signed with [`SALT`], without the
/// sandbox carrier (these tests push by hand).
async fn spawn() -> TestApp {
    TestApp::builder()
        .env("OMS_CARRIER_CALLBACK_SALT", SALT)
        .env("OMS_CARRIER_SANDBOX", "false")
        .spawn()
        .await
}

/// Upper-case hex MD5 of `param` followed by the salt.
pub(crate) fn sign(param: &str, salt: &str) -> String {
    let digest = Md5::new().chain_update(param).chain_update(salt).finalize();
    digest.iter().map(|b| format!("{b:02X}")).collect()
}

/// One carrier scan: when, what, where, and its state code.
#[derive(Clone)]
pub(crate) struct Scan {
    pub at: DateTime<Utc>,
    pub context: &'static str,
    pub area: &'static str,
    pub code: &'static str,
}

/// The `param` of a push: parcel `nu` in state `state` with the whole
/// history, newest first, times in UTC+8 as `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn push_param(nu: &str, state: &str, scans: &[Scan]) -> String {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    let mut scans = scans.to_vec();
    scans.sort_by_key(|s| std::cmp::Reverse(s.at));
    let data: Vec<Value> = scans
        .iter()
        .map(|s| {
            let t =
                s.at.with_timezone(&china)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string();
            json!({ "time": t, "ftime": t, "context": s.context, "areaName": s.area,
                    "status": "在途", "statusCode": s.code })
        })
        .collect();
    json!({
        "status": "polling", "billstatus": "got", "message": "",
        "autoCheck": "0", "comOld": "", "comNew": "",
        "lastResult": {
            "message": "ok", "nu": nu, "ischeck": if state == "3" { "1" } else { "0" },
            "condition": "00", "com": "shunfeng", "status": "200", "state": state,
            "data": data,
        },
    })
    .to_string()
}

/// POSTs a push with this `sign`; returns the HTTP status and JSON reply.
pub(crate) async fn post_push(app: &TestApp, param: &str, sign: &str) -> (u16, Value) {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("param", param)
        .append_pair("sign", sign)
        .finish();
    let resp = app
        .http()
        .post(app.url("/webhooks/carriers/kuaidi100"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("POST the carrier push");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("read the reply");
    let reply = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("non-JSON reply ({status}, {e}): {text}"));
    (status, reply)
}

/// Posts a correctly signed push and asserts it was accepted.
async fn push_ok(app: &TestApp, param: &str) {
    let (status, reply) = post_push(app, param, &sign(param, SALT)).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        reply,
        json!({ "result": true, "returnCode": "200", "message": "成功" })
    );
}

/// The shipment's tracking events from the carrier.
fn carrier_events(s: &Value) -> Vec<Value> {
    s["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["source"] == "CARRIER")
        .cloned()
        .collect()
}

fn instant(at: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(at.as_str().expect("a time"))
        .unwrap_or_else(|e| panic!("{at}: {e}"))
        .with_timezone(&Utc)
}

/// A whole second, `minutes` after `base`.
fn at(base: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    base + Duration::minutes(minutes)
}

#[tokio::test(flavor = "multi_thread")]
async fn signed_pushes_move_the_parcel_and_repeated_or_older_snapshots_change_nothing() {
    let app = spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "DSK-002", &[("SHA", 5)]).await;
    let (customer, number) = confirmed_order(&app, &[("DSK-002", 1)], "EXPRESS").await;
    let id = first_shipment_id(&app, &clerk, &number).await;
    let shipped = ship_all(&app, &clerk, &id, "SF").await;
    let nu = shipped["trackingNumber"]
        .as_str()
        .expect("tracking")
        .to_owned();
    let events_after_ship = shipped["events"].as_array().map_or(0, Vec::len);

    let base =
        DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now") - Duration::hours(2);
    let collected = Scan {
        at: base,
        context: "[上海市] 顺丰速运 已收取快件",
        area: "上海市",
        code: "1",
    };
    let sorted = Scan {
        at: at(base, 30),
        context: "[上海市] 快件已到达 上海转运中心",
        area: "上海市",
        code: "0",
    };
    let out = Scan {
        at: at(base, 40),
        context: "[北京市] 快件交给李师傅，正在派送途中",
        area: "北京市",
        code: "5",
    };
    let signed = Scan {
        at: at(base, 50),
        context: "[北京市] 已签收，签收人：本人",
        area: "北京市",
        code: "3",
    };
    let in_transit = push_param(&nu, "0", &[collected.clone(), sorted.clone()]);

    // Refused pushes change nothing.
    let mut tampered = sign(&in_transit, SALT);
    let flipped = if tampered.starts_with('0') { "1" } else { "0" };
    tampered.replace_range(0..1, flipped);
    let (status, reply) = post_push(&app, &in_transit, &tampered).await;
    assert_eq!(status, 401, "{reply}");
    assert_eq!(reply["result"], false, "{reply}");
    let other = push_param(&nu, "3", &[collected.clone(), signed.clone()]);
    let (status, _) = post_push(&app, &other, &sign(&in_transit, SALT)).await;
    assert_eq!(status, 401, "a signature for another param");
    let (status, _) = post_push(&app, &in_transit, &sign(&in_transit, "another salt")).await;
    assert_eq!(status, 401, "signed with another salt");
    let unknown = push_param("SF000000000000000", "0", std::slice::from_ref(&collected));
    let (status, reply) = post_push(&app, &unknown, &sign(&unknown, SALT)).await;
    assert_eq!(status, 404, "{reply}");
    assert_eq!(
        (&reply["result"], &reply["returnCode"]),
        (&json!(false), &json!("404"))
    );
    let unchanged = shipment_of(&app, &clerk, &id).await;
    assert_eq!(unchanged["status"], "SHIPPED", "{unchanged}");
    assert_eq!(
        unchanged["events"].as_array().map_or(0, Vec::len),
        events_after_ship
    );

    // Accepted: in transit, with the carrier's history in UTC.
    push_ok(&app, &in_transit).await;
    let s = shipment_of(&app, &clerk, &id).await;
    assert_eq!(s["status"], "IN_TRANSIT", "{s}");
    let got = carrier_events(&s);
    assert_eq!(got.len(), 2, "{s}");
    assert_eq!(
        got[0]["description"], collected.context,
        "oldest first: {s}"
    );
    assert_eq!(got[1]["description"], sorted.context, "{s}");
    assert_eq!(got[1]["location"], "上海市", "{s}");
    assert_eq!(got[1]["status"], "IN_TRANSIT", "{s}");
    assert_eq!(
        instant(&got[0]["at"]),
        collected.at,
        "UTC+8 read as such: {s}"
    );
    assert_eq!(instant(&got[1]["at"]), sorted.at, "{s}");
    assert_eq!(
        s["events"].as_array().map_or(0, Vec::len),
        events_after_ship + 2
    );
    assert_eq!(
        order_of(&app, &customer, &number).await["status"],
        "SHIPPED"
    );

    // The same snapshot again: accepted, nothing new.
    push_ok(&app, &in_transit).await;
    assert_eq!(
        carrier_events(&shipment_of(&app, &clerk, &id).await).len(),
        2
    );

    // Newer, then the older one arriving late: the newer one stands.
    let out_for_delivery = push_param(&nu, "5", &[collected.clone(), sorted.clone(), out.clone()]);
    push_ok(&app, &out_for_delivery).await;
    let s = shipment_of(&app, &clerk, &id).await;
    assert_eq!(s["status"], "OUT_FOR_DELIVERY", "{s}");
    assert_eq!(carrier_events(&s).len(), 3, "{s}");
    push_ok(&app, &in_transit).await;
    let s = shipment_of(&app, &clerk, &id).await;
    assert_eq!(s["status"], "OUT_FOR_DELIVERY", "{s}");
    assert_eq!(carrier_events(&s).len(), 3, "{s}");

    // Delivered: the shipment and its order.
    let delivered = push_param(&nu, "3", &[collected, sorted, out, signed.clone()]);
    push_ok(&app, &delivered).await;
    let s = shipment_of(&app, &customer, &id).await;
    assert_eq!(s["status"], "DELIVERED", "{s}");
    assert_eq!(carrier_events(&s).len(), 4, "{s}");
    assert_eq!(instant(&s["deliveredAt"]), signed.at, "{s}");
    let order = order_of(&app, &customer, &number).await;
    assert_eq!(order["status"], "DELIVERED", "{order}");
    // Its last word, once more: nothing changes.
    push_ok(&app, &delivered).await;
    assert_eq!(
        carrier_events(&shipment_of(&app, &clerk, &id).await).len(),
        4
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cash_on_delivery_is_recorded_as_paid_when_the_carrier_delivers() {
    let app = spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "FIT-003", &[("SHA", 5)]).await;
    let customer = new_customer(&app).await.access_token;
    let mut cod = input(&[("FIT-003", 2)], "POSTAL");
    cod["paymentMethod"] = json!("CASH_ON_DELIVERY");
    let number = place(&app, &customer, cod).await;
    let order = order_of(&app, &clerk, &number).await;
    assert_eq!(
        order["status"], "CONFIRMED",
        "confirmed at placement: {order}"
    );
    assert_eq!(order["paymentStatus"], "UNPAID", "{order}");
    let total = minor(&order["total"]["amount"]);
    let id = shipments(&order)[0]["id"].as_str().expect("id").to_owned();
    let shipped = ship_all(&app, &clerk, &id, "SF").await;
    let nu = shipped["trackingNumber"]
        .as_str()
        .expect("tracking")
        .to_owned();
    let order = order_of(&app, &clerk, &number).await;
    assert_eq!(
        order["paymentStatus"], "UNPAID",
        "paid at the door: {order}"
    );

    let base =
        DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now") - Duration::hours(1);
    let scans = [
        Scan {
            at: base,
            context: "已收取快件",
            area: "上海市",
            code: "1",
        },
        Scan {
            at: at(base, 20),
            context: "已签收，代收货款已收",
            area: "上海市",
            code: "3",
        },
    ];
    push_ok(&app, &push_param(&nu, "3", &scans)).await;
    let paid = wait_for_order(&app, &customer, &number, "paid on delivery", |o| {
        o["paymentStatus"] == "PAID"
    })
    .await;
    assert_eq!(paid["status"], "DELIVERED", "{paid}");
    assert_eq!(minor(&paid["amountDue"]["amount"]), 0, "{paid}");
    let payments = paid["payments"].as_array().expect("payments");
    assert_eq!(payments.len(), 1, "{paid}");
    assert_eq!(payments[0]["method"], "CASH_ON_DELIVERY", "{paid}");
    assert_eq!(minor(&payments[0]["captured"]["amount"]), total, "{paid}");
}

/// What the order's payments captured in all, in minor units.
fn captured(o: &Value) -> i64 {
    o["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| minor(&p["captured"]["amount"]))
        .sum()
}

/// Waits until the order's payments captured more than `than` and every
/// operation requested has its outcome.
async fn wait_captured(app: &TestApp, token: &str, number: &str, than: i64) -> Value {
    wait_for_order(app, token, number, "captured", |o| {
        captured(o) > than
            && o["payments"]
                .as_array()
                .into_iter()
                .flatten()
                .all(payment_settled)
    })
    .await
}

/// `unitPrice` of a line, in minor units.
fn unit_price(order: &Value, sku: &str) -> i64 {
    order["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["sku"] == sku)
        .map(|l| minor(&l["unitPrice"]["amount"]))
        .unwrap_or_else(|| panic!("no line {sku} in {order}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_card_is_captured_per_parcel_for_its_lines_and_the_fee_with_the_first_parcel() {
    let app = spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "MUG-003", &[("SHA", 5)]).await;
    set_available(&app, &clerk, "BAG-001", &[("CAN", 5)]).await;
    let customer = new_customer(&app).await.access_token;
    let lines = [("MUG-003", 1), ("BAG-001", 2)];
    let number = place(&app, &customer, input(&lines, "EXPRESS")).await;
    pay_online(&app, &customer, &number, "CARD").await;
    let order = order_of(&app, &clerk, &number).await;
    assert_eq!(order["status"], "CONFIRMED", "{order}");
    assert_eq!(order["paymentStatus"], "AUTHORIZED", "{order}");
    assert_eq!(
        captured(&order),
        0,
        "nothing captured before shipping: {order}"
    );
    let fee = minor(&order["shippingFee"]["amount"]);
    let total = minor(&order["total"]["amount"]);
    assert!(fee > 0, "a fee to capture with the first parcel: {order}");
    let (mug, bag) = (unit_price(&order, "MUG-003"), unit_price(&order, "BAG-001"));
    assert_eq!(total, mug + 2 * bag + fee, "{order}");
    let s = shipments(&order);
    assert_eq!(s.len(), 2, "{order}");
    assert_eq!(lines_of(&s[1]), vec![("BAG-001".to_owned(), 2)], "{order}");

    // The second shipment leaves first, and only one of its bags: that
    // bag and the whole fee.
    let can = s[1]["id"].as_str().expect("id");
    to_packed(&app, &clerk, can).await;
    let one = json!([{ "sku": "BAG-001", "quantity": 1 }]);
    assert_ok(&ship(&app, &clerk, can, "SF", &tracking_number("SF"), Some(one)).await);
    let o = wait_captured(&app, &customer, &number, 0).await;
    assert_eq!(captured(&o), bag + fee, "{o}");
    assert_eq!(o["status"], "PARTIALLY_SHIPPED", "{o}");

    // The other bag, split off into a parcel of its own: its value only.
    let rest = shipments(&order_of(&app, &clerk, &number).await)[2].clone();
    assert_eq!(lines_of(&rest), vec![("BAG-001".to_owned(), 1)], "{rest}");
    let rest_id = rest["id"].as_str().expect("id");
    assert_ok(&ship(&app, &clerk, rest_id, "SF", &tracking_number("SF"), None).await);
    let o = wait_captured(&app, &customer, &number, bag + fee).await;
    assert_eq!(captured(&o), 2 * bag + fee, "{o}");

    ship_all(&app, &clerk, s[0]["id"].as_str().expect("id"), "SF").await;
    let o = wait_captured(&app, &customer, &number, 2 * bag + fee).await;
    assert_eq!(captured(&o), total, "{o}");
    assert_eq!(o["paymentStatus"], "PAID", "{o}");
    assert_eq!(o["status"], "SHIPPED", "{o}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cash_on_delivery_over_two_parcels_is_paid_parcel_by_parcel_as_each_is_delivered() {
    let app = spawn().await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "MUG-003", &[("SHA", 5)]).await;
    set_available(&app, &clerk, "BAG-001", &[("CAN", 5)]).await;
    let customer = new_customer(&app).await.access_token;
    let mut cod = input(&[("MUG-003", 1), ("BAG-001", 1)], "POSTAL");
    cod["paymentMethod"] = json!("CASH_ON_DELIVERY");
    let number = place(&app, &customer, cod).await;
    let order = order_of(&app, &clerk, &number).await;
    let (fee, total) = (
        minor(&order["shippingFee"]["amount"]),
        minor(&order["total"]["amount"]),
    );
    assert!(fee > 0, "{order}");
    let s = shipments(&order);
    assert_eq!(s.len(), 2, "{order}");
    // SHA's parcel leaves first (it carries the fee); CAN's arrives first.
    let sha = ship_all(&app, &clerk, s[0]["id"].as_str().expect("id"), "SF").await;
    let can = ship_all(&app, &clerk, s[1]["id"].as_str().expect("id"), "SF").await;
    let base =
        DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now") - Duration::hours(1);
    let scans = [Scan {
        at: base,
        context: "已签收",
        area: "上海市",
        code: "3",
    }];
    let nu = |s: &Value| s["trackingNumber"].as_str().expect("tracking").to_owned();
    push_ok(&app, &push_param(&nu(&can), "3", &scans)).await;
    let o = wait_captured(&app, &customer, &number, 0).await;
    assert_eq!(captured(&o), unit_price(&order, "BAG-001"), "{o}");
    assert_eq!(o["paymentStatus"], "PARTIALLY_PAID", "{o}");
    assert_eq!(
        o["status"], "SHIPPED",
        "one parcel is still on its way: {o}"
    );

    push_ok(&app, &push_param(&nu(&sha), "3", &scans)).await;
    let o = wait_captured(&app, &customer, &number, unit_price(&order, "BAG-001")).await;
    assert_eq!(captured(&o), total, "{o}");
    assert_eq!(o["paymentStatus"], "PAID", "{o}");
    assert_eq!(minor(&o["amountDue"]["amount"]), 0, "{o}");
    assert_eq!(o["status"], "DELIVERED", "{o}");
    // Each remittance is a payment of what the courier collected, captured
    // in full (none left part-captured), and together they are the total.
    let cod: Vec<&Value> = o["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["method"] == "CASH_ON_DELIVERY")
        .collect();
    assert_eq!(cod.len(), 2, "{o}");
    assert!(cod.iter().all(|p| p["status"] == "CAPTURED"), "{o}");
    let sum: i64 = cod.iter().map(|p| minor(&p["captured"]["amount"])).sum();
    assert_eq!(sum, total, "{o}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_carrier_delivers_sandbox_parcels_step_by_step_and_leaves_others_alone() {
    let app = TestApp::builder()
        .env("OMS_CARRIER_SANDBOX_STEP_SECS", "1")
        .env("OMS_FULFILLMENT_SWEEP_SECS", "1")
        .env("OMS_RETURN_WINDOW_SECS", "2")
        .spawn()
        .await;
    let clerk = app.login_as(Role::Warehouse).await.access_token;
    set_available(&app, &clerk, "PHN-002", &[("SHA", 5)]).await;
    let (customer, number) = confirmed_order(&app, &[("PHN-002", 1)], "EXPRESS").await;
    let id = first_shipment_id(&app, &clerk, &number).await;
    let (_, other) = confirmed_order(&app, &[("PHN-002", 1)], "EXPRESS").await;
    let other_id = first_shipment_id(&app, &clerk, &other).await;
    ship_all(&app, &clerk, &id, "SANDBOX").await;
    to_packed(&app, &clerk, &other_id).await;
    let resp = ship(&app, &clerk, &other_id, "SF", &tracking_number("SF"), None).await;
    assert_ok(&resp);

    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    let s = loop {
        let s = shipment_of(&app, &customer, &id).await;
        if s["status"] == "DELIVERED" {
            break s;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sandbox parcel was not delivered within 60 s: {s}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    let steps: Vec<(&Value, &Value)> = s["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["source"] == "CARRIER")
        .map(|e| (&e["status"], &e["description"]))
        .collect();
    let want = [
        ("IN_TRANSIT", "Parcel collected by the courier"),
        ("IN_TRANSIT", "Arrived at the regional sorting centre"),
        ("OUT_FOR_DELIVERY", "Out for delivery with the courier"),
        ("DELIVERED", "Delivered, signed for by the recipient"),
    ];
    let want: Vec<(Value, Value)> = want.iter().map(|(a, b)| (json!(a), json!(b))).collect();
    let steps: Vec<(Value, Value)> = steps
        .into_iter()
        .map(|(a, b)| (a.clone(), b.clone()))
        .collect();
    assert_eq!(steps, want, "{s}");

    // The order is delivered, then completes when the return window closes.
    let o = wait_for_order(&app, &customer, &number, "completed", |o| {
        o["status"] == "COMPLETED"
    })
    .await;
    let moves: Vec<&Value> = o["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"] == "STATUS_CHANGED")
        .map(|e| &e["to"])
        .collect();
    assert!(moves.contains(&&json!("DELIVERED")), "{o}");

    // Not a sandbox parcel: untouched.
    let o = shipment_of(&app, &clerk, &other_id).await;
    assert_eq!(o["status"], "SHIPPED", "{o}");
    assert!(carrier_events(&o).is_empty(), "{o}");
}
