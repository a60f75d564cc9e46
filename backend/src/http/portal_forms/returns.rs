//! Return forms, so they work with JavaScript off:
//! `POST /orders/{number}/return` (rows of sku, quantity, reason,
//! exchangeSku; resolution, note, idempotencyKey) requests a return and
//! goes on to its page; `POST /returns/{id}/cancel` withdraws it; the
//! console's `POST /console/service/returns/{id}/approve`, `…/reject`
//! (reason), `…/receive` (rows of sku, restock, damaged, missing,
//! warehouse) and `…/refund` (idempotencyKey) run the desk's steps and
//! come back to the return's console page with `?saved=1` or
//! `?error=CODE&field=..`. Each runs one mutation of
//! `frontend::api::returns` in-process as the caller.

use super::orders::idempotency_key;
use super::*;
use frontend::api::returns as docs;
use frontend::pages::console_returns::console_return_path;
use frontend::pages::returns::{request_path, return_path};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/orders/{number}/return", web::post().to(request))
        .route("/returns/{id}/cancel", web::post().to(cancel))
        .route(
            "/console/service/returns/{id}/{step}",
            web::post().to(desk_step),
        );
}

/// The posted rows: each starts at a `first` field and takes the fields
/// after it until the next `first`.
fn rows<'a>(form: &'a [(String, String)], first: &str) -> Vec<Vec<(&'a str, &'a str)>> {
    let mut out: Vec<Vec<(&str, &str)>> = Vec::new();
    for (k, v) in form {
        if k == first {
            out.push(Vec::new());
        }
        if let Some(row) = out.last_mut() {
            row.push((k.as_str(), v.trim()));
        }
    }
    out
}

fn get<'a>(row: &[(&str, &'a str)], name: &str) -> &'a str {
    row.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v)
}

fn units(row: &[(&str, &str)], name: &str) -> i64 {
    get(row, name).parse().unwrap_or(0)
}

/// The request's input: rows with units to send back.
fn request_input(form: &[(String, String)]) -> Value {
    let exchange = field(form, "resolution").eq_ignore_ascii_case("EXCHANGE");
    let chosen: Vec<_> = rows(form, "sku")
        .into_iter()
        .filter(|r| units(r, "quantity") != 0)
        .collect();
    let lines: Vec<Value> = chosen
        .iter()
        .map(|r| {
            json!({
                "sku": get(r, "sku"),
                "quantity": units(r, "quantity"),
                "reason": match get(r, "reason") { "" => "OTHER", x => x },
            })
        })
        .collect();
    let exchange_skus: Vec<&str> = match exchange {
        true => chosen.iter().map(|r| get(r, "exchangeSku")).collect(),
        false => Vec::new(),
    };
    json!({
        "lines": lines,
        "resolution": if exchange { "EXCHANGE" } else { "REFUND" },
        "exchangeSkus": exchange_skus,
        "note": optional(form, "note"),
    })
}

/// The receipt's items: per row, restocked, damaged and missing units.
fn receive_items(form: &[(String, String)]) -> Vec<Value> {
    let mut items = Vec::new();
    for r in rows(form, "sku") {
        let warehouse = get(&r, "warehouse");
        for (name, disposition) in [
            ("restock", "RESTOCK"),
            ("damaged", "DAMAGED"),
            ("missing", "MISSING"),
        ] {
            let n = units(&r, name);
            if n != 0 {
                items.push(json!({
                    "sku": get(&r, "sku"),
                    "quantity": n,
                    "disposition": disposition,
                    "warehouseCode": (disposition != "MISSING").then_some(warehouse),
                }));
            }
        }
    }
    items
}

/// Appends `extra` to `base`'s query string.
fn with_query(base: &str, extra: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{extra}")
}

/// POST /orders/{number}/return.
async fn request(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let number = path.into_inner();
    let page = request_path(&number);
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let vars = json!({
        "number": number,
        "input": request_input(&form),
        "key": idempotency_key(&form),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::REQUEST_RETURN,
        vars,
    )
    .await;
    match outcome(&resp, "requestReturn") {
        Ok(r) => {
            let id = r["id"].as_str().unwrap_or_default();
            see_other(&with_query(&return_path(id), "requested=1")).finish()
        }
        Err(f) => see_other(&with_query(&page, &f.query())).finish(),
    }
}

/// POST /returns/{id}/cancel.
async fn cancel(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
) -> HttpResponse {
    let id = path.into_inner();
    let page = return_path(&id);
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::CANCEL_RETURN,
        json!({ "id": id }),
    )
    .await;
    match outcome(&resp, "cancelReturn") {
        Ok(_) => see_other(&with_query(&page, "saved=1")).finish(),
        Err(f) => see_other(&with_query(&page, &f.query())).finish(),
    }
}

/// POST /console/service/returns/{id}/{approve|reject|receive|refund}.
async fn desk_step(
    http: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let (id, step) = path.into_inner();
    let page = console_return_path(&id);
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let (doc, root, vars) = match step.as_str() {
        "approve" => (docs::APPROVE_RETURN, "approveReturn", json!({ "id": id })),
        "reject" => (
            docs::REJECT_RETURN,
            "rejectReturn",
            json!({ "id": id, "reason": field(&form, "reason") }),
        ),
        "receive" => (
            docs::RECEIVE_RETURN,
            "receiveReturn",
            json!({ "id": id, "items": receive_items(&form) }),
        ),
        "refund" => (
            docs::REFUND_RETURN,
            "refundReturn",
            json!({ "id": id, "key": idempotency_key(&form) }),
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    let resp = run(&http, &state, &schema, principal, doc, vars).await;
    match outcome(&resp, root) {
        Ok(_) => see_other(&with_query(&page, "saved=1")).finish(),
        Err(f) => see_other(&with_query(&page, &f.query())).finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn rows_with_units_become_lines_and_receipts_become_items() {
        let form = pairs(&[
            ("idempotencyKey", "k"),
            ("sku", "A-1"),
            ("quantity", "0"),
            ("reason", "DEFECTIVE"),
            ("exchangeSku", ""),
            ("sku", "B-2"),
            ("quantity", "2"),
            ("reason", "SIZE_FIT"),
            ("exchangeSku", "B-3"),
            ("resolution", "EXCHANGE"),
            ("note", ""),
        ]);
        let input = request_input(&form);
        assert_eq!(
            input["lines"],
            json!([{ "sku": "B-2", "quantity": 2, "reason": "SIZE_FIT" }])
        );
        assert_eq!(input["exchangeSkus"], json!(["B-3"]));
        assert_eq!(input["resolution"], "EXCHANGE");
        assert_eq!(input["note"], Value::Null);

        let form = pairs(&[
            ("sku", "A-1"),
            ("restock", "1"),
            ("damaged", "1"),
            ("missing", "0"),
            ("warehouse", "SHA"),
        ]);
        assert_eq!(
            receive_items(&form),
            vec![
                json!({ "sku": "A-1", "quantity": 1, "disposition": "RESTOCK", "warehouseCode": "SHA" }),
                json!({ "sku": "A-1", "quantity": 1, "disposition": "DAMAGED", "warehouseCode": "SHA" }),
            ]
        );
    }
}
