//! Order forms: checkout, cancel, staff actions and staff order entry.

use super::*;

/// `AddressInput` from the address fields shared by checkout and order entry.
pub(super) fn address(form: &[(String, String)]) -> Value {
    json!({
        "name": field(form, "name"),
        "phone": field(form, "phone"),
        "line1": field(form, "line1"),
        "line2": optional(form, "line2"),
        "city": field(form, "city"),
        "region": optional(form, "region"),
        "postalCode": field(form, "postalCode"),
        "country": field(form, "country"),
    })
}

/// The posted key, or a fresh one if the page could not make one.
pub(super) fn idempotency_key(form: &[(String, String)]) -> String {
    match field(form, "idempotencyKey") {
        "" => uuid::Uuid::new_v4().simple().to_string(),
        k => k.to_owned(),
    }
}

/// POST /orders/{number}/cancel (reason): the customer cancels.
pub(super) async fn cancel_order(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let number = path.into_inner();
    let page = format!("/orders/{}", enc_segment(&number));
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let vars = json!({ "number": number, "reason": optional(&form, "reason") });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::CANCEL_ORDER,
        vars,
    )
    .await;
    match outcome(&resp, "cancelOrder") {
        Ok(_) => see_other(&format!("{page}?done=CANCEL")).finish(),
        Err(f) => see_other(&format!("{page}?{}", f.query())).finish(),
    }
}

/// POST /console/orders/{number}/action (action, note): a staff action.
pub(super) async fn order_action(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let number = path.into_inner();
    let page = format!("/console/orders/{}", enc_segment(&number));
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let action = field(&form, "action").to_ascii_uppercase();
    if !OrderAction::ALL.iter().any(|a| a.as_str() == action) {
        return see_other(&format!(
            "{page}?{}",
            Failure::new("INVALID_INPUT", "action").query()
        ))
        .finish();
    }
    let note = optional(&form, "note");
    let (doc, root, vars) = if action == "CANCEL" {
        (
            queries::CANCEL_ORDER,
            "cancelOrder",
            json!({ "number": number, "reason": note }),
        )
    } else {
        (
            queries::ADVANCE_ORDER,
            "advanceOrder",
            json!({ "number": number, "action": action, "note": note }),
        )
    };
    let resp = run(&http, &state, &schema, principal, doc, vars).await;
    match outcome(&resp, root) {
        Ok(_) => see_other(&format!("{page}?done={}", enc(&action))).finish(),
        Err(f) => see_other(&format!("{page}?{}", f.query())).finish(),
    }
}

/// `OrderLineInput`s from the new-order form's `sku`/`quantity` rows
/// (rows without a SKU are skipped; a bad quantity is sent as 0 so the
/// API names the line).
pub(super) fn order_lines(form: &[(String, String)]) -> Vec<Value> {
    let skus = form
        .iter()
        .filter(|(k, _)| k == "sku")
        .map(|(_, v)| v.trim());
    let qtys = form
        .iter()
        .filter(|(k, _)| k == "quantity")
        .map(|(_, v)| v.trim());
    skus.zip(qtys.chain(std::iter::repeat("")))
        .filter(|(sku, _)| !sku.is_empty())
        .map(|(sku, qty)| {
            let qty = match qty {
                "" => 1,
                q => quantity(q).and_then(|q| i32::try_from(q).ok()).unwrap_or(0),
            };
            json!({ "sku": sku, "quantity": qty })
        })
        .collect()
}

/// The `pickupPoint` of a PICKUP order. The form shows the pickup point
/// select whatever the method (with JavaScript off it cannot hide it), so
/// its value counts only when PICKUP is chosen: other methods refuse one.
pub(super) fn pickup_point(form: &[(String, String)]) -> Value {
    if field(form, "shippingMethod").eq_ignore_ascii_case("PICKUP") {
        optional(form, "pickupPoint")
    } else {
        Value::Null
    }
}

/// POST /console/orders/new: staff enter an order for a customer.
pub(super) async fn new_order(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let principal = match signed_in_caller(&state, &http, "/console/orders/new").await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let input = json!({
        "idempotencyKey": idempotency_key(&form),
        "customerEmail": optional(&form, "customerEmail"),
        "channel": optional(&form, "channel"),
        "lines": order_lines(&form),
        "shippingAddress": address(&form),
        "shippingMethod": field(&form, "shippingMethod"),
        "pickupPoint": pickup_point(&form),
        "note": optional(&form, "note"),
    });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        queries::PLACE_ORDER,
        json!({ "input": input }),
    )
    .await;
    match outcome(&resp, "placeOrder") {
        Ok(order) => match order.get("number").and_then(Value::as_str) {
            Some(number) => see_other(&format!(
                "/console/orders/{}?done=PLACED",
                enc_segment(number)
            ))
            .finish(),
            None => see_other(&format!(
                "/console/orders/new?{}",
                Failure::new("INTERNAL", "").query()
            ))
            .finish(),
        },
        Err(f) => see_other(&format!("/console/orders/new?{}", f.query())).finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_pickup_point_goes_only_with_pickup() {
        let pickup = form(&[
            ("shippingMethod", "pickup"),
            ("pickupPoint", " PEK-PICKUP "),
        ]);
        assert_eq!(pickup_point(&pickup), json!("PEK-PICKUP"));
        let express = form(&[("shippingMethod", "EXPRESS"), ("pickupPoint", "PEK-PICKUP")]);
        assert_eq!(pickup_point(&express), Value::Null);
        let none = form(&[("shippingMethod", "PICKUP"), ("pickupPoint", "")]);
        assert_eq!(pickup_point(&none), Value::Null);
    }
}
