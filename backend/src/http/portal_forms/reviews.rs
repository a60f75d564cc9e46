//! Review forms, so they work with JavaScript off:
//! `POST /orders/{number}/review` (sku, rating, title, body) writes a
//! review, `POST /orders/{number}/review/{id}/edit` changes one (both back
//! to the order's review page with `?written=SKU` or `?error=CODE&field=..`);
//! `POST /console/service/reviews/{id}/moderate` (decision, reason) and
//! `…/{id}/reply` (body) moderate and reply, back to the queue (`back`, a
//! path under it) with `?saved=ID` or `?error=CODE&field=..&form=..`.
//! Each runs one mutation of `frontend::api::reviews` in-process as the caller.

use super::*;
use frontend::api::reviews as docs;
use frontend::pages::console_reviews::QUEUE_PATH;
use frontend::pages::reviews::review_path;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/orders/{number}/review", web::post().to(write))
        .route("/orders/{number}/review/{id}/edit", web::post().to(edit))
        .route(
            "/console/service/reviews/{id}/moderate",
            web::post().to(moderate),
        )
        .route("/console/service/reviews/{id}/reply", web::post().to(reply));
}

/// The rating field as a number (anything else is 0, which the API refuses
/// naming `rating`).
fn rating(form: &[(String, String)]) -> i64 {
    field(form, "rating").parse().unwrap_or(0)
}

/// Appends `extra` to `base`'s query string.
fn with_query(base: &str, extra: &str) -> String {
    let (path, frag) = base.split_once('#').unwrap_or((base, ""));
    let sep = if path.contains('?') { '&' } else { '?' };
    let frag = if frag.is_empty() {
        String::new()
    } else {
        format!("#{frag}")
    };
    format!("{path}{sep}{extra}{frag}")
}

/// POST /orders/{number}/review.
async fn write(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let number = path.into_inner();
    let page = review_path(&number);
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let sku = field(&form, "sku").to_owned();
    let vars = json!({
        "orderNumber": number,
        "sku": sku,
        "rating": rating(&form),
        "title": field(&form, "title"),
        "body": field(&form, "body"),
    });
    let resp = run(&http, &state, &schema, principal, docs::WRITE_REVIEW, vars).await;
    match outcome(&resp, "writeReview") {
        Ok(_) => see_other(&with_query(&page, &format!("written={}", enc(&sku)))).finish(),
        Err(f) => see_other(&with_query(&page, &f.query())).finish(),
    }
}

/// POST /orders/{number}/review/{id}/edit.
async fn edit(
    http: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let (number, id) = path.into_inner();
    let page = review_path(&number);
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let vars = json!({
        "id": id,
        "rating": rating(&form),
        "title": field(&form, "title"),
        "body": field(&form, "body"),
    });
    let resp = run(&http, &state, &schema, principal, docs::EDIT_REVIEW, vars).await;
    match outcome(&resp, "editReview") {
        Ok(_) => see_other(&with_query(&page, "written=1")).finish(),
        Err(f) => see_other(&with_query(&page, &f.query())).finish(),
    }
}

/// Where a queue form goes back to: `back` if it is the queue, else the queue.
fn back_to(form: &[(String, String)]) -> String {
    let back = safe_next(Some(field(form, "back")));
    if back == QUEUE_PATH || back.starts_with(&format!("{QUEUE_PATH}?")) {
        back
    } else {
        QUEUE_PATH.to_owned()
    }
}

/// POST /console/service/reviews/{id}/moderate (decision, reason).
async fn moderate(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let id = path.into_inner();
    let back = back_to(&form);
    let principal = match signed_in_caller(&state, &http, &back).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let decision = match field(&form, "decision").to_ascii_uppercase().as_str() {
        "REJECT" => "REJECT",
        _ => "PUBLISH",
    };
    let vars = json!({ "id": id, "decision": decision, "reason": optional(&form, "reason") });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::MODERATE_REVIEW,
        vars,
    )
    .await;
    match outcome(&resp, "moderateReview") {
        Ok(_) => see_other(&with_query(&back, &format!("saved={}", enc(&id)))).finish(),
        Err(f) => see_other(&with_query(&back, &format!("{}&form=moderate", f.query()))).finish(),
    }
}

/// POST /console/service/reviews/{id}/reply (body).
async fn reply(
    http: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let id = path.into_inner();
    let back = back_to(&form);
    let principal = match signed_in_caller(&state, &http, &back).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let vars = json!({ "id": id, "body": field(&form, "body") });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::REPLY_TO_REVIEW,
        vars,
    )
    .await;
    match outcome(&resp, "replyToReview") {
        Ok(_) => see_other(&with_query(&back, &format!("saved={}", enc(&id)))).finish(),
        Err(f) => see_other(&with_query(&back, &format!("{}&form=reply", f.query()))).finish(),
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
    fn queries_join_and_the_way_back_stays_in_the_queue() {
        assert_eq!(with_query("/a", "x=1"), "/a?x=1");
        assert_eq!(with_query("/a?s=P", "x=1"), "/a?s=P&x=1");
        assert_eq!(
            back_to(&pairs(&[(
                "back",
                "/console/service/reviews?status=PENDING"
            )])),
            "/console/service/reviews?status=PENDING"
        );
        assert_eq!(
            back_to(&pairs(&[("back", "https://evil.example/")])),
            QUEUE_PATH
        );
        assert_eq!(back_to(&pairs(&[("back", "/orders")])), QUEUE_PATH);
        assert_eq!(rating(&pairs(&[("rating", "x")])), 0);
        assert_eq!(rating(&pairs(&[("rating", "4")])), 4);
    }
}
