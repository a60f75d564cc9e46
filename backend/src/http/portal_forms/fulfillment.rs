//! The console's shipment forms, so the warehouse works with JavaScript
//! off: `POST /console/shipments/{id}/{action}` for pick, pack, ship,
//! ready, handover, unlock, move and track, and `POST /console/pickup`,
//! the pickup desk's "shipment number (or id) + code" form.
//!
//! Like every portal form, each handler only translates: fields →
//! GraphQL variables → one in-process operation as the caller (the
//! documents of `frontend::api::shipments_console`) → 303 back to the
//! shipment's page (or to the pickup desk when the form says
//! `from=pickup`), with `?done=ACTION` or `?error=CODE[&field=..]`
//! (`&attemptsLeft=N` after a wrong pickup code), which the pages
//! translate with the fulfillment texts.

use super::*;
use frontend::api::shipments_console as docs;
use frontend::schema::ShipmentStatus;

/// Pages of ready-for-pickup shipments the desk searches for a number.
const DESK_SEARCH_PAGES: usize = 50;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/console/pickup", web::post().to(pickup_desk))
        .route(
            "/console/shipments/{id}/{action}",
            web::post().to(shipment_action),
        );
}

/// Where a shipment form goes back to.
#[derive(Debug, PartialEq, Eq)]
struct Back {
    page: String,
    /// The pickup desk: its notices name the parcel (`&shipment=`).
    desk: bool,
}

impl Back {
    fn of(form: &[(String, String)], id: &str) -> Back {
        match field(form, "from") {
            "pickup" => Back {
                page: "/console/pickup".to_owned(),
                desk: true,
            },
            _ => Back {
                page: format!("/console/shipments/{}", enc_segment(id)),
                desk: false,
            },
        }
    }

    /// `&shipment=NUMBER` on the desk, else nothing.
    fn naming(&self, number: &str) -> String {
        match (self.desk, number) {
            (true, n) if !n.is_empty() => format!("&shipment={}", enc(n)),
            _ => String::new(),
        }
    }

    fn done(&self, done: &str, number: &str) -> HttpResponse {
        see_other(&format!("{}?done={done}{}", self.page, self.naming(number))).finish()
    }

    fn failed(&self, f: &Failure, attempts_left: Option<i64>, number: &str) -> HttpResponse {
        let attempts = attempts_left
            .map(|n| format!("&attemptsLeft={n}"))
            .unwrap_or_default();
        let to = format!(
            "{}?{}{attempts}{}",
            self.page,
            f.query(),
            self.naming(number)
        );
        see_other(&to).finish()
    }
}

/// `extensions.attemptsLeft` of a refused handover.
fn attempts_left(response: &Value) -> Option<i64> {
    response
        .get("errors")?
        .get(0)?
        .get("extensions")?
        .get("attemptsLeft")?
        .as_i64()
}

/// The typed weight in grams (the API checks the range).
fn weight(form: &[(String, String)]) -> Option<i64> {
    field(form, "weightGrams")
        .parse::<i64>()
        .ok()
        .filter(|w| *w > 0)
}

/// The ship form's `sku`/`held`/`quantity` rows → the `lines` to ship:
/// `None` (everything) when every quantity is what the shipment holds,
/// else the SKUs with a positive quantity. A quantity that is not a
/// whole number ≥ 0, or nothing to ship at all, is INVALID_INPUT.
fn ship_lines(form: &[(String, String)]) -> Result<Option<Vec<Value>>, Failure> {
    let mut rows: Vec<(String, Option<i64>, Option<&str>)> = Vec::new();
    for (k, v) in form {
        match (k.as_str(), rows.last_mut()) {
            ("sku", _) => rows.push((v.trim().to_owned(), None, None)),
            ("held", Some(row)) => row.1 = v.trim().parse().ok(),
            ("quantity", Some(row)) => row.2 = Some(v.trim()),
            _ => {}
        }
    }
    let mut lines = Vec::new();
    let mut all = true;
    for (i, (sku, held, typed)) in rows.into_iter().enumerate() {
        let quantity =
            match typed.filter(|t| !t.is_empty()) {
                None => held.unwrap_or(0),
                Some(t) => t.parse::<i64>().ok().filter(|q| *q >= 0).ok_or_else(|| {
                    Failure::new("INVALID_INPUT", &format!("lines[{i}].quantity"))
                })?,
            };
        all &= held == Some(quantity);
        if quantity > 0 {
            lines.push(json!({ "sku": sku, "quantity": quantity }));
        }
    }
    match (all, lines.is_empty()) {
        (true, _) => Ok(None),
        (false, true) => Err(Failure::new("INVALID_INPUT", "lines")),
        (false, false) => Ok(Some(lines)),
    }
}

/// A status a tracking event may report by hand.
fn tracking_status(form: &[(String, String)]) -> Option<&'static str> {
    let typed = ShipmentStatus::parse(field(form, "status"))?;
    frontend::i18n::TRACKABLE
        .contains(&typed)
        .then(|| typed.as_str())
}

/// POST /console/shipments/{id}/{pick|pack|ship|ready|handover|unlock|move|track}
/// (weightGrams; carrier, trackingNumber, sku/held/quantity rows;
/// pickupCode; warehouseCode; status, description, location; `from=pickup`
/// and `number` from the pickup desk).
async fn shipment_action(
    http: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let (id, action) = path.into_inner();
    let back = Back::of(&form, &id);
    let principal = match signed_in_caller(&state, &http, &back.page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let number = field(&form, "number");
    let invalid = |name: &str| back.failed(&Failure::new("INVALID_INPUT", name), None, number);
    let (doc, root, done, vars) = match action.as_str() {
        "pick" => (
            docs::START_PICKING,
            "startPicking",
            "START_PICKING",
            json!({ "id": id }),
        ),
        "pack" => {
            let Some(grams) = weight(&form) else {
                return invalid("weightGrams");
            };
            let vars = json!({ "id": id, "weightGrams": grams });
            (docs::PACK_SHIPMENT, "packShipment", "PACK", vars)
        }
        "ship" => {
            let lines = match ship_lines(&form) {
                Ok(lines) => lines,
                Err(f) => return back.failed(&f, None, number),
            };
            let done = if lines.is_some() { "SHIP_PART" } else { "SHIP" };
            let vars = json!({
                "id": id,
                "carrier": field(&form, "carrier"),
                "trackingNumber": field(&form, "trackingNumber"),
                "lines": lines,
            });
            (docs::SHIP_SHIPMENT, "shipShipment", done, vars)
        }
        "ready" => (
            docs::MARK_READY_FOR_PICKUP,
            "markReadyForPickup",
            "MARK_READY",
            json!({ "id": id }),
        ),
        "handover" => {
            let vars = json!({ "id": id, "pickupCode": field(&form, "pickupCode") });
            (docs::HAND_OVER_PICKUP, "handOverPickup", "HAND_OVER", vars)
        }
        "unlock" => (
            docs::UNLOCK_PICKUP,
            "unlockPickup",
            "UNLOCK",
            json!({ "id": id }),
        ),
        "move" => {
            let vars = json!({ "id": id, "warehouseCode": field(&form, "warehouseCode") });
            (docs::MOVE_SHIPMENT, "moveShipment", "MOVE", vars)
        }
        "track" => {
            let Some(status) = tracking_status(&form) else {
                return invalid("status");
            };
            let vars = json!({
                "id": id,
                "status": status,
                "description": field(&form, "description"),
                "location": optional(&form, "location"),
            });
            (
                docs::RECORD_TRACKING_EVENT,
                "recordTrackingEvent",
                "RECORD_TRACKING_EVENT",
                vars,
            )
        }
        _ => return HttpResponse::NotFound().finish(),
    };
    let resp = run(&http, &state, &schema, principal, doc, vars).await;
    match outcome(&resp, root) {
        Ok(moved) => {
            let moved_number = moved.get("number").and_then(Value::as_str);
            back.done(done, moved_number.unwrap_or(number))
        }
        Err(f) if f.code == "UNAUTHENTICATED" => login_then(&back.page),
        Err(f) => back.failed(&f, attempts_left(&resp), number),
    }
}

/// A shipment's opaque id (a UUID) rather than its number.
fn looks_like_id(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// In one page of the queue (`data`): the id and number of the shipment
/// numbered `number` (case-insensitive), and the next page's cursor if any.
fn find_number(data: &Value, number: &str) -> (Option<(String, String)>, Option<String>) {
    let page = data.get("shipments");
    let found = page
        .and_then(|p| p.get("edges"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("node"))
        .find_map(|n| {
            let found = n.get("number").and_then(Value::as_str)?;
            let id = n.get("id").and_then(Value::as_str)?;
            found
                .eq_ignore_ascii_case(number)
                .then(|| (id.to_owned(), found.to_owned()))
        });
    let info = page.and_then(|p| p.get("pageInfo"));
    let more = info
        .and_then(|i| i.get("hasNextPage"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let next = info
        .and_then(|i| i.get("endCursor"))
        .and_then(Value::as_str)
        .filter(|_| more)
        .map(str::to_owned);
    (found, next)
}

/// POST /console/pickup (shipment: a number or an id, pickupCode): finds
/// the ready-for-pickup shipment with that number, then hands it over.
async fn pickup_desk(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let back = Back {
        page: "/console/pickup".to_owned(),
        desk: true,
    };
    let principal = match signed_in_caller(&state, &http, &back.page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let wanted = field(&form, "shipment");
    if wanted.is_empty() {
        return back.failed(&Failure::new("INVALID_INPUT", "shipmentNumber"), None, "");
    }
    let (id, number) = if looks_like_id(wanted) {
        (wanted.to_owned(), wanted.to_owned())
    } else {
        let mut after: Option<String> = None;
        let mut found = None;
        for _ in 0..DESK_SEARCH_PAGES {
            let vars = json!({
                "filter": { "status": ShipmentStatus::ReadyForPickup.as_str() },
                "first": 100,
                "after": after,
            });
            let resp = run(
                &http,
                &state,
                &schema,
                principal.clone(),
                docs::SHIPMENT_QUEUE,
                vars,
            )
            .await;
            if let Err(f) = outcome(&resp, "shipments") {
                return back.failed(&f, None, wanted);
            }
            let data = resp.get("data").unwrap_or(&Value::Null);
            let (hit, next) = find_number(data, wanted);
            if hit.is_some() || next.is_none() {
                found = hit;
                break;
            }
            after = next;
        }
        match found {
            Some(found) => found,
            None => {
                let f = Failure::new("NOT_FOUND", "shipmentNumber");
                return back.failed(&f, None, wanted);
            }
        }
    };
    let vars = json!({ "id": id, "pickupCode": field(&form, "pickupCode") });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::HAND_OVER_PICKUP,
        vars,
    )
    .await;
    match outcome(&resp, "handOverPickup") {
        Ok(moved) => back.done(
            "HAND_OVER",
            moved
                .get("number")
                .and_then(Value::as_str)
                .unwrap_or(&number),
        ),
        Err(f) if f.code == "UNAUTHENTICATED" => login_then(&back.page),
        Err(f) => back.failed(&f, attempts_left(&resp), &number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn location(resp: &HttpResponse) -> Option<&str> {
        resp.headers()
            .get(actix_web::http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    #[test]
    fn all_units_ship_without_lines_and_fewer_ship_part() {
        let all = pairs(&[
            ("carrier", "SANDBOX"),
            ("sku", "AUD-001"),
            ("held", "2"),
            ("quantity", "2"),
            ("sku", "TEA-001"),
            ("held", "1"),
            ("quantity", " 1 "),
        ]);
        assert_eq!(ship_lines(&all), Ok(None));
        let part = pairs(&[
            ("sku", "AUD-001"),
            ("held", "2"),
            ("quantity", "1"),
            ("sku", "TEA-001"),
            ("held", "1"),
            ("quantity", "0"),
        ]);
        assert_eq!(
            ship_lines(&part),
            Ok(Some(vec![json!({"sku": "AUD-001", "quantity": 1})]))
        );
        let none = pairs(&[("sku", "AUD-001"), ("held", "2"), ("quantity", "0")]);
        assert_eq!(
            ship_lines(&none),
            Err(Failure::new("INVALID_INPUT", "lines"))
        );
        let bad = pairs(&[("sku", "AUD-001"), ("held", "2"), ("quantity", "-1")]);
        assert_eq!(
            ship_lines(&bad),
            Err(Failure::new("INVALID_INPUT", "lines[0].quantity"))
        );
        // No rows at all (an old form): ship everything.
        assert_eq!(ship_lines(&pairs(&[("carrier", "SF")])), Ok(None));
    }

    #[test]
    fn forms_go_back_to_the_shipment_or_the_desk() {
        let page = Back::of(&pairs(&[]), "ab/c");
        assert_eq!(page.page, "/console/shipments/ab%2Fc");
        assert_eq!(
            location(&page.done("PACK", "SO-1-1")),
            Some("/console/shipments/ab%2Fc?done=PACK")
        );
        let desk = Back::of(&pairs(&[("from", "pickup")]), "x");
        let f = Failure::new("WRONG_PICKUP_CODE", "");
        assert_eq!(
            location(&desk.failed(&f, Some(3), "SO-1-2")),
            Some("/console/pickup?error=WRONG_PICKUP_CODE&attemptsLeft=3&shipment=SO-1-2")
        );
        let resp = json!({"errors": [{"message": "wrong",
            "extensions": {"code": "WRONG_PICKUP_CODE", "attemptsLeft": 2}}]});
        assert_eq!(attempts_left(&resp), Some(2));
        assert_eq!(attempts_left(&json!({"data": {}})), None);
    }

    #[test]
    fn typed_fields_are_read_strictly() {
        assert_eq!(weight(&pairs(&[("weightGrams", " 1200 ")])), Some(1200));
        assert_eq!(weight(&pairs(&[("weightGrams", "1.5")])), None);
        assert_eq!(weight(&pairs(&[("weightGrams", "0")])), None);
        assert_eq!(
            tracking_status(&pairs(&[("status", "IN_TRANSIT")])),
            Some("IN_TRANSIT")
        );
        assert_eq!(tracking_status(&pairs(&[("status", "PACKED")])), None);
        assert_eq!(tracking_status(&pairs(&[])), None);
    }

    #[test]
    fn the_desk_finds_a_shipment_by_number() {
        assert!(looks_like_id("0196b3c2-7d1e-7a00-8f00-1234567890ab"));
        assert!(!looks_like_id("SO-2026-000123-1"));
        let data = json!({"shipments": {"pageInfo": {"hasNextPage": true, "endCursor": "c1"},
            "edges": [{"node": {"id": "s1", "number": "SO-2026-000123-1"}},
                      {"node": {"id": "s2", "number": "SO-2026-000124-1"}}]}});
        assert_eq!(
            find_number(&data, "so-2026-000124-1"),
            (
                Some(("s2".to_owned(), "SO-2026-000124-1".to_owned())),
                Some("c1".to_owned())
            )
        );
        assert_eq!(find_number(&data, "SO-9"), (None, Some("c1".to_owned())));
        assert_eq!(find_number(&json!({}), "SO-9"), (None, None));
    }
}
