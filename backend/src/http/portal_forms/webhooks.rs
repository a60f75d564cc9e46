//! The console's webhook forms, so they work with JavaScript off:
//! `POST /console/webhooks` registers an endpoint (back to the page with
//! `?created=<id>` and the secret in a short-lived cookie for the page to
//! show once, or `?error=CODE&field=..`), and
//! `POST /console/webhooks/deliveries/{id}/redeliver` sends a delivery
//! again (`?redelivered=1` or `?redeliverError=CODE`). Each runs one
//! mutation of `frontend::api::webhooks` in-process as the caller.

use super::*;
use frontend::api::webhooks as docs;
use frontend::pages::console_webhooks::{SECRET_COOKIE, WEBHOOKS_PATH};

/// How long the secret's cookie lives: enough to follow the redirect.
const SECRET_COOKIE_SECS: i64 = 120;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(WEBHOOKS_PATH, web::post().to(register)).route(
        "/console/webhooks/deliveries/{id}/redeliver",
        web::post().to(redeliver),
    );
}

/// The register form's fields as `CreateWebhookEndpointInput` (one
/// `eventType` checkbox per type ticked).
fn endpoint_input(form: &[(String, String)]) -> Value {
    let types: Vec<&str> = form
        .iter()
        .filter(|(k, v)| k == "eventType" && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
        .collect();
    json!({
        "url": field(form, "url"),
        "eventTypes": types,
        "description": optional(form, "description"),
    })
}

/// POST /console/webhooks (url, description, eventType…).
async fn register(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let principal = match signed_in_caller(&state, &http, WEBHOOKS_PATH).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let vars = json!({ "input": endpoint_input(&form) });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::CREATE_WEBHOOK_ENDPOINT,
        vars,
    )
    .await;
    match outcome(&resp, "createWebhookEndpoint") {
        Ok(created) => {
            let id = created["endpoint"]["id"].as_str().unwrap_or_default();
            let secret = created["secret"].as_str().unwrap_or_default().to_owned();
            let cookie = Cookie::build(SECRET_COOKIE, secret)
                .path(WEBHOOKS_PATH)
                .same_site(SameSite::Strict)
                .secure(secure(&state))
                .max_age(CookieDuration::seconds(SECRET_COOKIE_SECS))
                .finish();
            see_other(&format!("{WEBHOOKS_PATH}?created={}", enc(id)))
                .cookie(cookie)
                .finish()
        }
        Err(f) => see_other(&format!("{WEBHOOKS_PATH}?{}", f.query())).finish(),
    }
}

/// POST /console/webhooks/deliveries/{id}/redeliver.
async fn redeliver(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
) -> HttpResponse {
    let id = path.into_inner();
    let principal = match signed_in_caller(&state, &http, WEBHOOKS_PATH).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::REDELIVER_WEBHOOK,
        json!({ "deliveryId": id }),
    )
    .await;
    match outcome(&resp, "redeliverWebhook") {
        Ok(_) => see_other(&format!("{WEBHOOKS_PATH}?redelivered=1")).finish(),
        Err(f) => see_other(&format!("{WEBHOOKS_PATH}?redeliverError={}", enc(&f.code))).finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticked_event_types_and_a_blank_description_become_the_input() {
        let form: Vec<(String, String)> = [
            ("url", " https://example.com/hook "),
            ("eventType", "ORDER_PLACED"),
            ("eventType", "SHIPMENT_SHIPPED"),
            ("description", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            endpoint_input(&form),
            json!({
                "url": "https://example.com/hook",
                "eventTypes": ["ORDER_PLACED", "SHIPMENT_SHIPPED"],
                "description": null,
            })
        );
    }
}
