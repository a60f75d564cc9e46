//! Stock forms of the console: adjust on hand, set reorder points.

use super::*;

/// Where the inventory forms come back to: that product's row and forms.
pub(super) fn inventory_page(sku: &str, query: &str) -> String {
    format!(
        "/console/inventory?q={}&sku={}&{query}#stock-forms",
        enc(sku),
        enc(sku)
    )
}

/// POST /console/inventory/adjust (sku, warehouseCode, delta, reason).
pub(super) async fn adjust_stock(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let sku = field(&form, "sku");
    let principal = match signed_in_caller(&state, &http, "/console/inventory").await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let Some(delta) = quantity(field(&form, "delta")).and_then(|d| i32::try_from(d).ok()) else {
        let f = Failure::new("INVALID_INPUT", "delta");
        return see_other(&inventory_page(sku, &f.query())).finish();
    };
    let input = json!({
        "sku": sku,
        "warehouseCode": field(&form, "warehouseCode"),
        "delta": delta,
        "reason": field(&form, "reason"),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::ADJUST_STOCK,
        json!({ "input": input }),
    )
    .await;
    match outcome(&resp, "adjustStock") {
        Ok(_) => see_other(&inventory_page(sku, "done=ADJUST")).finish(),
        Err(f) => see_other(&inventory_page(sku, &f.query())).finish(),
    }
}

/// POST /console/inventory/reorder (sku, warehouseCode, reorderPoint).
pub(super) async fn set_reorder_point(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let sku = field(&form, "sku");
    let principal = match signed_in_caller(&state, &http, "/console/inventory").await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let Some(point) = quantity(field(&form, "reorderPoint")).and_then(|d| i32::try_from(d).ok())
    else {
        let f = Failure::new("INVALID_INPUT", "reorderPoint");
        return see_other(&inventory_page(sku, &f.query())).finish();
    };
    let vars = json!({
        "sku": sku,
        "warehouseCode": field(&form, "warehouseCode"),
        "reorderPoint": point,
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::SET_REORDER_POINT,
        vars,
    )
    .await;
    match outcome(&resp, "setReorderPoint") {
        Ok(_) => see_other(&inventory_page(sku, "done=REORDER")).finish(),
        Err(f) => see_other(&inventory_page(sku, &f.query())).finish(),
    }
}
