//! Payment edges: provider webhooks (raw bytes in, the provider's reply
//! out) and the built-in sandbox's payment page. Both only translate; the
//! payments service decides.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::identity::LANG_COOKIE;
use crate::domain::money::{Currency, Money};
use crate::services::payments::providers::{Provider, Providers};
use crate::services::payments::{sandbox, webhook};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/webhooks/payments/{provider}", web::post().to(receive))
        .service(
            web::resource("/sandbox/pay/{reference}")
                .route(web::get().to(sandbox_page))
                .route(web::post().to(sandbox_submit)),
        );
}

/// `POST /webhooks/payments/{alipay|wechatpay|card}`.
async fn receive(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(provider) = Provider::parse(&path) else {
        return HttpResponse::NotFound().body("unknown payment provider");
    };
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let reply = match webhook::receive(&state, provider, &headers, &body).await {
        webhook::WebhookOutcome::Applied(_) | webhook::WebhookOutcome::Duplicate => {
            Providers::success_reply(provider)
        }
        webhook::WebhookOutcome::Refused(why) => Providers::failure_reply(provider, &why),
    };
    let status = actix_web::http::StatusCode::from_u16(reply.status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(status)
        .content_type(reply.content_type)
        .body(reply.body)
}

fn chinese(req: &HttpRequest) -> bool {
    req.cookie(LANG_COOKIE).is_some_and(|c| c.value() == "zh")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /sandbox/pay/{reference}`: the provider's payment page, played by
/// the sandbox.
async fn sandbox_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let zh = chinese(&req);
    let page = match sandbox::page(&state, &path).await {
        Ok(p) => p,
        Err(e) => {
            return HttpResponse::NotFound()
                .content_type("text/html; charset=utf-8")
                .body(format!(
                    "<!doctype html><title>Sandbox</title><p>{}</p>",
                    escape(&e.public_message())
                ));
        }
    };
    let (brand, color) = match page.provider {
        Provider::Alipay => (if zh { "支付宝" } else { "Alipay" }, "#1677ff"),
        Provider::WechatPay => (if zh { "微信支付" } else { "WeChat Pay" }, "#07c160"),
        Provider::Card => (if zh { "银行卡" } else { "card" }, "#635bff"),
    };
    let amount = match Currency::parse(&page.currency) {
        Some(c) => {
            let sym = if c.as_str() == "CNY" { "¥" } else { "" };
            format!("{sym}{}", Money::new(page.amount_minor, c).amount())
        }
        None => format!("{} {}", page.amount_minor, page.currency),
    };
    let t = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    let title = if zh {
        format!("使用{brand}支付 {amount}")
    } else {
        format!("Pay {amount} with {brand}")
    };
    let card_field = if page.provider == Provider::Card {
        format!(
            r#"<label>{}<br><input name="card" value="4242 4242 4242 4242" autocomplete="off"></label>"#,
            t("Card number", "卡号")
        )
    } else {
        String::new()
    };
    let body = if page.settled {
        format!(
            r#"<p>{}</p><p><a href="/orders/{}">{}</a></p>"#,
            t("This payment is already complete.", "此笔支付已完成。"),
            escape(&page.order_number),
            t("Back to the order", "返回订单")
        )
    } else {
        format!(
            r#"<form method="post">{card_field}
<p><button name="action" value="pay" class="pay">{}</button>
<button name="action" value="cancel" class="cancel">{}</button></p></form>"#,
            t("Pay", "支付"),
            t("Cancel", "取消")
        )
    };
    let html = format!(
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}
header{{background:{color};color:#fff;padding:1rem;border-radius:.5rem}}
.pay{{background:{color};color:#fff;border:0;padding:.6rem 1.4rem;border-radius:.3rem;font-size:1rem}}
.cancel{{padding:.6rem 1.4rem;font-size:1rem}} small{{color:#666}}</style></head>
<body><header><strong>{brand}</strong> · {sandbox}</header>
<h1>{title}</h1><p>{order_label} {order}</p><p><small>{ref_label} {reference}</small></p>
{body}</body></html>"#,
        lang = if zh { "zh-CN" } else { "en" },
        title = escape(&title),
        sandbox = t("Sandbox: no real money moves", "沙箱：不会产生真实扣款"),
        order_label = t("Order", "订单"),
        order = escape(&page.order_number),
        ref_label = t("Trade reference", "交易号"),
        reference = escape(&page.reference),
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html)
}

#[derive(serde::Deserialize)]
struct SandboxForm {
    action: String,
}

/// `POST /sandbox/pay/{reference}`: Pay sends the provider's notification
/// to our webhook, then returns the customer to the order page; Cancel
/// returns at once.
async fn sandbox_submit(
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<SandboxForm>,
) -> HttpResponse {
    let result = match form.action.as_str() {
        "pay" => sandbox::pay(&state, &path).await,
        _ => sandbox::page(&state, &path)
            .await
            .map(|p| format!("/orders/{}", p.order_number)),
    };
    match result {
        Ok(back) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, back))
            .finish(),
        Err(e) => HttpResponse::build(e.http_status())
            .content_type("text/plain; charset=utf-8")
            .body(e.public_message()),
    }
}
