//! The real gateway clients against mocks of the providers' APIs, since the
//! providers cannot be reached from here: the card processor's REST API
//! (Stripe's shape: form-encoded requests, Bearer key, `Idempotency-Key`)
//! and Alipay's open API gateway (RSA2-signed requests and answers). The mock speaks
//! the protocol the client must handle: it records every request, and
//! loses the answer to the first capture (HTTP 500), as a network or the
//! processor can. The server must ask again under the same key, never
//! capture under a new one.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{Role, TestApp, assert_ok};
use crate::order_helpers::{new_customer, new_key, order_input, place_order_ok};
use crate::payments_webhooks::{CARD_SECRET, card_event, post_card};

const API_KEY: &str = "sk_test_oms_mock_processor";

/// One request the mock processor received.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    authorization: String,
    idempotency_key: Option<String>,
    body: String,
}

#[derive(Default)]
struct Processor {
    seen: Vec<Seen>,
    /// Captured so far per PaymentIntent (the running total).
    received: i64,
    amount: i64,
    /// Answers per idempotency key, replayed for a repeated key.
    answers: Vec<(String, u16, Value)>,
    captures_failed: usize,
}

fn form(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn field(body: &str, name: &str) -> Option<String> {
    form(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn intent(p: &Processor, status: &str) -> Value {
    json!({
        "id": "pi_mock_0001", "object": "payment_intent", "amount": p.amount,
        "amount_capturable": p.amount - p.received, "amount_received": p.received,
        "currency": "cny", "status": status, "capture_method": "manual",
        "client_secret": "pi_mock_0001_secret_x",
    })
}

/// The processor's answer to one request: (HTTP status, JSON body).
fn answer(p: &mut Processor, req: &Seen) -> (u16, Value) {
    if let Some(key) = &req.idempotency_key
        && let Some((_, status, body)) = p.answers.iter().find(|(k, _, _)| k == key)
    {
        return (*status, body.clone());
    }
    let (status, body) = match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/v1/payment_intents") => {
            p.amount = field(&req.body, "amount")
                .and_then(|a| a.parse().ok())
                .unwrap_or(0);
            (200, intent(p, "requires_payment_method"))
        }
        ("POST", "/v1/payment_intents/pi_mock_0001/capture") => {
            // The processor captured, but the answer is lost on the way.
            let amount: i64 = field(&req.body, "amount_to_capture")
                .and_then(|a| a.parse().ok())
                .unwrap_or(0);
            p.received += amount;
            let done = intent(p, "requires_capture");
            if p.captures_failed == 0 {
                // Captured and stored under the key (a replay gets this
                // answer), but the answer is lost on the way back.
                p.captures_failed += 1;
                if let Some(key) = &req.idempotency_key {
                    p.answers.push((key.clone(), 200, done));
                }
                return (504, json!({"error": {"message": "gateway timeout"}}));
            }
            (200, done)
        }
        ("POST", "/v1/refunds") => {
            let amount: i64 = field(&req.body, "amount")
                .and_then(|a| a.parse().ok())
                .unwrap_or(0);
            (
                200,
                json!({"id": "re_mock_0001", "object": "refund", "amount": amount,
                    "status": "succeeded", "payment_intent": "pi_mock_0001",
                    "metadata": {"idempotency_key": field(&req.body, "metadata[idempotency_key]")}}),
            )
        }
        ("GET", path) if path.starts_with("/v1/payment_intents/pi_mock_0001") => {
            (200, intent(p, "requires_capture"))
        }
        _ => (
            404,
            json!({"error": {"message": format!("no route {}", req.path)}}),
        ),
    };
    if let Some(key) = &req.idempotency_key {
        p.answers.push((key.clone(), status, body.clone()));
    }
    (status, body)
}

/// What a mock provider answers a request with: HTTP status, extra
/// headers and JSON text.
type Handler = Arc<dyn Fn(&Seen) -> (u16, Vec<(String, String)>, String) + Send + Sync>;

/// The mock card processor as a handler.
fn card_handler(processor: Arc<Mutex<Processor>>) -> Handler {
    Arc::new(move |seen: &Seen| {
        let mut p = processor.lock().expect("processor");
        p.seen.push(seen.clone());
        let (status, json) = answer(&mut p, seen);
        (status, Vec::new(), json.to_string())
    })
}

/// Starts a mock provider (HTTP/1.1, keep-alive); returns its base URL.
async fn start(handler: Handler) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind mock");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let handler = handler.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut reader = BufReader::new(read);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut parts = line.split_whitespace();
                    let method = parts.next().unwrap_or_default().to_string();
                    let path = parts.next().unwrap_or_default().to_string();
                    let (mut length, mut authorization, mut key) = (0usize, String::new(), None);
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let h = h.trim_end();
                        if h.is_empty() {
                            break;
                        }
                        if let Some((name, value)) = h.split_once(':') {
                            let value = value.trim().to_string();
                            match name.to_ascii_lowercase().as_str() {
                                "content-length" => length = value.parse().unwrap_or(0),
                                "authorization" => authorization = value,
                                "idempotency-key" => key = Some(value),
                                _ => {}
                            }
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let seen = Seen {
                        method,
                        path,
                        authorization,
                        idempotency_key: key,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    };
                    let (status, headers, text) = handler(&seen);
                    let extra: String = headers
                        .iter()
                        .filter(|(k, _)| !k.eq_ignore_ascii_case("content-type"))
                        .map(|(k, v)| format!("{k}: {v}\r\n"))
                        .collect();
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\n\r\n{text}",
                        text.len()
                    );
                    if write.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

const PAYMENT: &str = "query($n: String!) { order(number: $n) { paymentStatus payments { id status \
captured { amount } refunded { amount } events { kind status amount { amount } } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_capture_answer_is_asked_again_under_the_same_key_never_a_new_one() {
    let processor = Arc::new(Mutex::new(Processor::default()));
    let url = start(card_handler(processor.clone())).await;
    let app = TestApp::builder()
        .env("OMS_CARD_GATEWAY_URL", url)
        .env("OMS_CARD_API_KEY", API_KEY)
        .env("OMS_CARD_WEBHOOK_SECRET", CARD_SECRET)
        .env("OMS_PAYMENT_SWEEP_SECS", "1")
        .spawn()
        .await;
    let customer = new_customer(&app).await.access_token;
    let order = place_order_ok(&app, &customer, order_input(&new_key(), &[("TEA-001", 1)])).await;
    let number = order["number"].as_str().expect("number").to_owned();

    // Creating the PaymentIntent: our key, our Bearer key, manual capture.
    let resp = app
        .gql_as(
            &customer,
            "mutation($n: String!) { startPayment(orderNumber: $n, method: CARD) { paymentId redirectUrl \
             payment { reference providerReference amount { amount } } } }",
            json!({ "n": number }),
        )
        .await;
    let session = assert_ok(&resp)["startPayment"].clone();
    let payment_id = session["paymentId"].as_str().expect("id").to_owned();
    assert_eq!(session["payment"]["providerReference"], "pi_mock_0001");
    assert!(
        session["redirectUrl"]
            .as_str()
            .is_some_and(|u| u.contains("payment_intent=pi_mock_0001")),
        "{session}"
    );
    let created = processor.lock().expect("p").seen[0].clone();
    assert_eq!(created.path, "/v1/payment_intents");
    assert_eq!(created.authorization, format!("Bearer {API_KEY}"));
    assert_eq!(
        created.idempotency_key.as_deref(),
        Some(format!("create:{payment_id}").as_str())
    );
    assert_eq!(
        field(&created.body, "capture_method").as_deref(),
        Some("manual")
    );
    let reference = session["payment"]["reference"]
        .as_str()
        .expect("ref")
        .to_owned();
    assert_eq!(
        field(&created.body, "metadata[reference]").as_deref(),
        Some(reference.as_str())
    );

    // The processor reports the authorization.
    let total = {
        let p = processor.lock().expect("p");
        p.amount
    };
    let authorized = card_event(
        "payment_intent.amount_capturable_updated",
        "pi_mock_0001",
        &reference,
        total,
        total,
        0,
    );
    let r = post_card(&app, &authorized, chrono::Utc::now().timestamp()).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Capture: the answer is lost (HTTP 500), so the capture stays requested.
    let finance = app.login_as(Role::Finance).await.access_token;
    let resp = app
        .gql_as(
            &finance,
            "mutation($p: ID!) { capturePayment(paymentId: $p, amount: 100, idempotencyKey: \"cap-mock-0001\") { status captured { amount } } }",
            json!({ "p": payment_id }),
        )
        .await;
    assert_eq!(
        assert_ok(&resp)["capturePayment"]["captured"]["amount"],
        "0.00"
    );

    // The sweeper asks again (after its retry delay), with the same key.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    let o = loop {
        let resp = app.gql_as(&finance, PAYMENT, json!({ "n": number })).await;
        let o = assert_ok(&resp)["order"].clone();
        if o["payments"][0]["captured"]["amount"] == "1.00" {
            break o;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the capture was never settled: {o}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let captures: Vec<Seen> = processor
        .lock()
        .expect("p")
        .seen
        .iter()
        .filter(|s| s.path.ends_with("/capture"))
        .cloned()
        .collect();
    assert!(!captures.is_empty());
    for c in &captures {
        assert_eq!(
            c.idempotency_key.as_deref(),
            Some("capture:cap-mock-0001"),
            "every attempt carries the operation's key: {captures:?}"
        );
        assert_eq!(field(&c.body, "amount_to_capture").as_deref(), Some("100"));
    }
    assert_eq!(
        processor.lock().expect("p").received,
        100,
        "the processor captured once"
    );
    let events = o["payments"][0]["events"]
        .as_array()
        .expect("events")
        .clone();
    let succeeded = events
        .iter()
        .filter(|e| e["kind"] == "CAPTURE" && e["status"] == "SUCCEEDED")
        .count();
    assert_eq!(succeeded, 1, "{events:?}");

    // A refund goes through at once, with its own key in the header and
    // in the refund's metadata (which a later query finds it by).
    let resp = app
        .gql_as(
            &finance,
            "mutation($p: ID!) { refundPayment(paymentId: $p, amount: 50, reason: \"damaged\", idempotencyKey: \"ref-mock-0001\") { status refunded { amount } } }",
            json!({ "p": payment_id }),
        )
        .await;
    let refunded = &assert_ok(&resp)["refundPayment"];
    assert_eq!(refunded["refunded"]["amount"], "0.50");
    let refund = processor
        .lock()
        .expect("p")
        .seen
        .iter()
        .find(|s| s.path == "/v1/refunds")
        .cloned()
        .expect("a refund request");
    assert_eq!(
        refund.idempotency_key.as_deref(),
        Some("refund:ref-mock-0001")
    );
    assert_eq!(
        field(&refund.body, "metadata[idempotency_key]").as_deref(),
        Some("refund:ref-mock-0001")
    );
    assert_eq!(
        field(&refund.body, "payment_intent").as_deref(),
        Some("pi_mock_0001")
    );
    assert_eq!(field(&refund.body, "amount").as_deref(), Some("50"));
}

/// Alipay's open API gateway, mocked: it checks the merchant's RSA2
/// signature on each request, answers `alipay.trade.refund` with the
/// `<method>_response` node signed by Alipay's key, and can be told to sign
/// wrongly (a forged or corrupted answer).
struct AlipayGatewayMock {
    seen: Vec<(Seen, bool)>,
    alipay_key: rsa::RsaPrivateKey,
    merchant_public: rsa::RsaPublicKey,
    forge: bool,
}

fn alipay_handler(mock: Arc<Mutex<AlipayGatewayMock>>) -> Handler {
    use base64::Engine as _;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier as _;
    Arc::new(move |seen: &Seen| {
        let mut m = mock.lock().expect("mock");
        let params = form(&seen.body);
        let sign = params
            .iter()
            .find(|(k, _)| k == "sign")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let unsigned: Vec<(&str, &str)> = params
            .iter()
            .filter(|(k, _)| k != "sign" && k != "sign_type")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let message = crate::payment_signing::alipay_string_to_sign(&unsigned);
        let verified = base64::engine::general_purpose::STANDARD
            .decode(&sign)
            .ok()
            .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
            .is_some_and(|sig| {
                VerifyingKey::<sha2::Sha256>::new(m.merchant_public.clone())
                    .verify(message.as_bytes(), &sig)
                    .is_ok()
            });
        m.seen.push((seen.clone(), verified));
        let biz: Value = params
            .iter()
            .find(|(k, _)| k == "biz_content")
            .and_then(|(_, v)| serde_json::from_str(v).ok())
            .unwrap_or(Value::Null);
        let method = params
            .iter()
            .find(|(k, _)| k == "method")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if !verified || method != "alipay.trade.refund" {
            let node = json!({"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"});
            return (
                200,
                Vec::new(),
                json!({ format!("{}_response", method.replace('.', "_")): node }).to_string(),
            );
        }
        let node = json!({
            "code": "10000", "msg": "Success",
            "trade_no": "2026112922001400000000000001",
            "out_trade_no": biz["out_trade_no"],
            "buyer_logon_id": "159****5620",
            "fund_change": "Y",
            "refund_fee": biz["refund_amount"],
        })
        .to_string();
        let signed_text = if m.forge {
            format!("{node} ")
        } else {
            node.clone()
        };
        let sign = crate::payment_signing::rsa_sha256_base64(&m.alipay_key, signed_text.as_bytes());
        (
            200,
            Vec::new(),
            format!("{{\"alipay_trade_refund_response\":{node},\"sign\":\"{sign}\"}}"),
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn alipay_refunds_go_to_the_gateway_signed_and_only_signed_answers_count() {
    use crate::payment_signing::{private_pem, test_keypair};
    use crate::payments_webhooks::{
        ALIPAY_APP_ID, alipay_body, alipay_paid_params, order_to_pay, post_alipay,
    };
    let (alipay_key, alipay_public_pem) = test_keypair();
    let merchant = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("merchant key");
    let mock = Arc::new(Mutex::new(AlipayGatewayMock {
        seen: Vec::new(),
        alipay_key,
        merchant_public: merchant.to_public_key(),
        forge: false,
    }));
    let base = start(alipay_handler(mock.clone())).await;
    let gateway = format!("{base}/gateway.do");
    let app = TestApp::builder()
        .env("OMS_ALIPAY_GATEWAY_URL", gateway.clone())
        .env("OMS_ALIPAY_PRIVATE_KEY", private_pem(&merchant))
        .env("OMS_ALIPAY_PUBLIC_KEY", alipay_public_pem)
        .spawn()
        .await;

    // The buyer is sent to Alipay's page: the gateway, with our signed
    // alipay.trade.page.pay request.
    let (_customer, number, total, payment) = order_to_pay(&app, "ALIPAY").await;
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let resp = app
        .gql_as(
            &app.login_as(Role::Finance).await.access_token,
            "query($n: String!) { order(number: $n) { payments { redirectUrl } } }",
            json!({ "n": number }),
        )
        .await;
    let redirect = assert_ok(&resp)["order"]["payments"][0]["redirectUrl"]
        .as_str()
        .expect("redirectUrl")
        .to_owned();
    assert!(redirect.starts_with(&format!("{gateway}?")), "{redirect}");
    let query = redirect.split_once('?').map(|(_, q)| q).unwrap_or_default();
    assert_eq!(
        field(query, "method").as_deref(),
        Some("alipay.trade.page.pay")
    );
    assert_eq!(field(query, "app_id").as_deref(), Some(ALIPAY_APP_ID));

    // Alipay notifies the payment.
    let paid = post_alipay(
        &app,
        &alipay_body(&alipay_paid_params(
            &reference,
            "2026112922001400000000000001",
            total,
        )),
    )
    .await;
    assert!(paid.alipay_success(), "{paid:?}");

    // A refund: one signed alipay.trade.refund with our request number.
    let finance = app.login_as(Role::Finance).await.access_token;
    let payment_id = payment["id"].as_str().expect("id").to_owned();
    let resp = app
        .gql_as(
            &finance,
            "mutation($p: ID!) { refundPayment(paymentId: $p, amount: 100, reason: \"damaged\", idempotencyKey: \"ali-refund-0001\") { refunded { amount } refundable { amount } } }",
            json!({ "p": payment_id }),
        )
        .await;
    assert_eq!(
        assert_ok(&resp)["refundPayment"]["refunded"]["amount"],
        "1.00",
        "{resp}"
    );
    let (request, verified) = mock.lock().expect("mock").seen[0].clone();
    assert!(verified, "the request is signed with our key: {request:?}");
    let biz: Value = serde_json::from_str(&field(&request.body, "biz_content").unwrap_or_default())
        .expect("biz_content");
    assert_eq!(biz["refund_amount"], "1.00");
    assert_eq!(biz["out_trade_no"], json!(reference));
    let no = biz["out_request_no"].as_str().expect("out_request_no");
    assert!(
        no.len() <= 64 && no.chars().all(|c| c.is_ascii_alphanumeric()),
        "Alipay's request number alphabet: {no}"
    );

    // An answer whose signature does not verify is not believed: the
    // refund stays requested (the sweeper asks again later).
    mock.lock().expect("mock").forge = true;
    let resp = app
        .gql_as(
            &finance,
            "mutation($p: ID!) { refundPayment(paymentId: $p, amount: 200, reason: \"damaged\", idempotencyKey: \"ali-refund-0002\") { refunded { amount } refundable { amount } events { kind status amount { amount } } } }",
            json!({ "p": payment_id }),
        )
        .await;
    let after = &assert_ok(&resp)["refundPayment"];
    assert_eq!(after["refunded"]["amount"], "1.00", "{after}");
    let pending = after["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "REFUND" && e["amount"]["amount"] == "2.00")
        .count();
    assert_eq!(pending, 1, "requested, not settled: {after}");
}

/// WeChat Pay API v3, mocked: it checks the merchant's
/// `WECHATPAY2-SHA256-RSA2048` Authorization on each call and signs its
/// answers with the platform key (or, when told to, with another key).
struct WechatGatewayMock {
    seen: Vec<(Seen, bool)>,
    platform_key: rsa::RsaPrivateKey,
    merchant_public: rsa::RsaPublicKey,
    forge: bool,
}

/// The `k="v"` pairs of a `WECHATPAY2-SHA256-RSA2048 …` Authorization value.
fn authorization_params(value: &str) -> Vec<(String, String)> {
    value
        .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
        .unwrap_or_default()
        .split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect()
}

fn wechat_handler(mock: Arc<Mutex<WechatGatewayMock>>) -> Handler {
    use base64::Engine as _;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier as _;
    Arc::new(move |seen: &Seen| {
        let mut m = mock.lock().expect("mock");
        let auth = authorization_params(&seen.authorization);
        let get = |k: &str| {
            auth.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let message = format!(
            "{}\n{}\n{}\n{}\n{}\n",
            seen.method,
            seen.path,
            get("timestamp"),
            get("nonce_str"),
            seen.body
        );
        let verified = get("mchid") == crate::payments_webhooks::WECHAT_MCH_ID
            && get("serial_no") == "MERCHANT0SERIAL0001"
            && base64::engine::general_purpose::STANDARD
                .decode(get("signature"))
                .ok()
                .and_then(|b| Signature::try_from(b.as_slice()).ok())
                .is_some_and(|sig| {
                    VerifyingKey::<sha2::Sha256>::new(m.merchant_public.clone())
                        .verify(message.as_bytes(), &sig)
                        .is_ok()
                });
        m.seen.push((seen.clone(), verified));
        if !verified {
            return (
                401,
                Vec::new(),
                json!({"code": "SIGN_ERROR", "message": "签名错误"}).to_string(),
            );
        }
        let body: Value = serde_json::from_str(&seen.body).unwrap_or(Value::Null);
        let answer = match seen.path.as_str() {
            "/v3/pay/transactions/native" => json!({"code_url": "weixin://wxpay/bizpayurl?pr=mock0001"}),
            "/v3/refund/domestic/refunds" => json!({
                "refund_id": "50300000012026112900000000001",
                "out_refund_no": body["out_refund_no"],
                "transaction_id": body["transaction_id"],
                "out_trade_no": body["out_trade_no"],
                "channel": "ORIGINAL",
                // A forged answer claims success: believed, it would settle
                // the refund.
                "status": if m.forge { "SUCCESS" } else { "PROCESSING" },
                "amount": { "total": body["amount"]["total"], "refund": body["amount"]["refund"],
                    "payer_total": body["amount"]["total"], "payer_refund": body["amount"]["refund"],
                    "currency": "CNY" },
            }),
            _ => json!({}),
        }
        .to_string();
        let signer = if m.forge {
            rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("another key")
        } else {
            m.platform_key.clone()
        };
        let headers = crate::payment_signing::wechatpay_headers(
            &signer,
            crate::payments_webhooks::WECHAT_SERIAL,
            chrono::Utc::now().timestamp(),
            &answer,
        );
        (200, headers, answer)
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn wechat_pay_calls_are_signed_by_the_merchant_and_answers_checked_against_the_platform() {
    use crate::payment_signing::{private_pem, test_keypair};
    use crate::payments_webhooks::{
        APIV3_KEY, WECHAT_SERIAL, order_to_pay, post_wechat, wechat_signed, wechat_transaction,
    };
    let (platform_key, platform_pem) = test_keypair();
    let merchant = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("merchant key");
    let mock = Arc::new(Mutex::new(WechatGatewayMock {
        seen: Vec::new(),
        platform_key,
        merchant_public: merchant.to_public_key(),
        forge: false,
    }));
    let base = start(wechat_handler(mock.clone())).await;
    let app = TestApp::builder()
        .env("OMS_WECHATPAY_GATEWAY_URL", base)
        .env("OMS_WECHATPAY_MCH_PRIVATE_KEY", private_pem(&merchant))
        .env("OMS_WECHATPAY_MCH_SERIAL", "MERCHANT0SERIAL0001")
        .env("OMS_WECHATPAY_PLATFORM_PUBLIC_KEY", platform_pem)
        .env("OMS_WECHATPAY_PLATFORM_SERIAL", WECHAT_SERIAL)
        .env(
            "OMS_WECHATPAY_APIV3_KEY",
            std::str::from_utf8(APIV3_KEY).expect("ascii"),
        )
        .spawn()
        .await;

    // Native pay: the order is created at WeChat Pay, which answers the
    // code the buyer scans.
    let (_customer, _number, total, payment) = order_to_pay(&app, "WECHAT_PAY").await;
    let reference = payment["reference"].as_str().expect("reference").to_owned();
    let (create, verified) = mock.lock().expect("mock").seen[0].clone();
    assert!(
        verified,
        "the call is signed with the merchant key: {create:?}"
    );
    assert_eq!(create.path, "/v3/pay/transactions/native");
    let body: Value = serde_json::from_str(&create.body).expect("json body");
    assert_eq!(body["out_trade_no"], json!(reference));
    assert_eq!(body["amount"]["total"], json!(total));
    assert_eq!(
        payment["redirectUrl"].as_str(),
        Some("weixin://wxpay/bizpayurl?pr=mock0001"),
        "{payment}"
    );

    let txid = "4200002026112900000000000002";
    let now = chrono::Utc::now().timestamp();
    let paid = post_wechat(
        &app,
        &wechat_signed(&wechat_transaction(&reference, txid, total), now),
    )
    .await;
    assert_eq!(paid.status, 204, "{}", paid.body);

    // A refund: accepted and processing (WeChat Pay refunds asynchronously).
    let finance = app.login_as(Role::Finance).await.access_token;
    let payment_id = payment["id"].as_str().expect("id").to_owned();
    let refund = |amount: i64, key: &'static str| {
        let (app, finance, payment_id) = (&app, finance.clone(), payment_id.clone());
        async move {
            let resp = app
                .gql_as(
                    &finance,
                    "mutation($p: ID!, $a: Int!, $k: String!) { refundPayment(paymentId: $p, amount: $a, reason: \"damaged\", idempotencyKey: $k) { refunded { amount } events { kind status amount { amount } providerReference } } }",
                    json!({ "p": payment_id, "a": amount, "k": key }),
                )
                .await;
            assert_ok(&resp)["refundPayment"].clone()
        }
    };
    let after = refund(100, "wx-gw-refund-0001").await;
    assert_eq!(
        after["refunded"]["amount"], "0.00",
        "processing, not refunded: {after}"
    );
    let (call, verified) = mock.lock().expect("mock").seen[1].clone();
    assert!(verified, "{call:?}");
    assert_eq!(call.path, "/v3/refund/domestic/refunds");
    let body: Value = serde_json::from_str(&call.body).expect("json body");
    assert_eq!(body["amount"]["refund"], 100);
    assert_eq!(body["transaction_id"], txid);
    let no = body["out_refund_no"].as_str().expect("out_refund_no");
    assert!(
        no.len() <= 64 && no.chars().all(|c| c.is_ascii_alphanumeric()),
        "WeChat Pay's request number alphabet: {no}"
    );

    // An answer not signed by the platform key is not believed either way:
    // the refund stays requested, as after a lost answer.
    mock.lock().expect("mock").forge = true;
    let after = refund(200, "wx-gw-refund-0002").await;
    let requested: Vec<&Value> = after["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "REFUND" && e["amount"]["amount"] == "2.00")
        .collect();
    assert_eq!(requested.len(), 1, "{after}");
    assert_eq!(requested[0]["status"], "REQUESTED");
}
