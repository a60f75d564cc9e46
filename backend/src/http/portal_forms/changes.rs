//! The change forms, so "Change order", "Cancel items" and the desk's
//! decisions run with JavaScript off. Portal: `POST /orders/{number}/change`
//! (the change form's fields, see `frontend::api::changes::change_input`,
//! and `idempotencyKey`) and `POST /orders/{number}/cancel-items`
//! (`cancel_<SKU>` units per line, `reason`, `idempotencyKey`). Console:
//! `POST /console/service/changes/{id}/{approve|reject}` (`reason`). Each
//! runs one mutation of `frontend::api::changes` in-process as the caller
//! and comes back with `?done=…` or `?error=CODE&field=..`.

use super::*;
use frontend::api::changes as docs;
use frontend::pages::changes::{cancel_items_href, change_href};
use frontend::pages::console_changes::CHANGES_PATH;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/orders/{number}/change", web::post().to(request_change))
        .route(
            "/orders/{number}/cancel-items",
            web::post().to(cancel_items),
        )
        .route(
            &format!("{CHANGES_PATH}/{{id}}/{{action}}"),
            web::post().to(decide),
        );
}

/// POST /orders/{number}/change.
async fn request_change(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let number = path.into_inner();
    let page = change_href(&number);
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let vars = json!({
        "number": number,
        "input": docs::change_input(&form),
        "key": idempotency_key(&form),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::REQUEST_ORDER_CHANGE,
        vars,
    )
    .await;
    match outcome(&resp, "requestOrderChange") {
        Ok(r) => {
            let done = if r["status"] == "PENDING" {
                "PENDING"
            } else {
                "APPLIED"
            };
            see_other(&format!("{page}?done={done}")).finish()
        }
        Err(f) => see_other(&format!("{page}?{}", f.query())).finish(),
    }
}

/// POST /orders/{number}/cancel-items.
async fn cancel_items(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let number = path.into_inner();
    let page = cancel_items_href(&number);
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let lines: Vec<Value> = form
        .iter()
        .filter_map(|(k, v)| {
            let sku = k.strip_prefix("cancel_")?;
            let q = v.trim().parse::<i64>().unwrap_or(-1);
            (q != 0).then(|| json!({ "sku": sku, "quantity": q }))
        })
        .collect();
    let vars = json!({
        "number": number,
        "lines": lines,
        "reason": optional(&form, "reason"),
        "key": idempotency_key(&form),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::CANCEL_ORDER_LINES,
        vars,
    )
    .await;
    match outcome(&resp, "cancelOrderLines") {
        Ok(_) => see_other(&format!("{page}?done=CANCELLED")).finish(),
        Err(f) => see_other(&format!("{page}?{}", f.query())).finish(),
    }
}

/// POST /console/service/changes/{id}/{approve|reject}.
async fn decide(
    http: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let (id, action) = path.into_inner();
    let principal = match signed_in_caller(&state, &http, CHANGES_PATH).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let (doc, root, vars) = match action.as_str() {
        "approve" => (
            docs::APPROVE_CHANGE_REQUEST,
            "approveChangeRequest",
            json!({ "id": id }),
        ),
        "reject" => (
            docs::REJECT_CHANGE_REQUEST,
            "rejectChangeRequest",
            json!({ "id": id, "reason": field(&form, "reason") }),
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    let resp = run(&http, &state, &schema, principal, doc, vars).await;
    match outcome(&resp, root) {
        Ok(_) => see_other(&format!(
            "{CHANGES_PATH}?done={}",
            action.to_ascii_uppercase()
        ))
        .finish(),
        Err(f) => see_other(&format!("{CHANGES_PATH}?{}", f.query())).finish(),
    }
}
