//! The ticket forms, so "Get help", replies and the desk's work run with
//! JavaScript off. Portal: `POST /tickets/new` (orderNumber, category,
//! subject, message) opens a ticket and goes to its page with
//! `?done=OPENED`; `POST /tickets/{number}/reply` (id, message) and
//! `POST /tickets/{number}/close` (id). Console:
//! `POST /console/service/tickets/{number}/{reply|assign|resolve|close}`
//! (id, and message or assigneeId — empty unassigns). Each runs one
//! mutation of `frontend::api::tickets` in-process as the caller and comes
//! back with `?done=ACTION` or `?error=CODE&field=..`.

use super::*;
use frontend::api::tickets as docs;
use frontend::pages::console_tickets::{QUEUE_PATH, console_ticket_href};
use frontend::pages::tickets::{NEW_TICKET_PATH, ticket_href};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(NEW_TICKET_PATH, web::post().to(open))
        .route("/tickets/{number}/{action}", web::post().to(portal_action))
        .route(
            &format!("{QUEUE_PATH}/{{number}}/{{action}}"),
            web::post().to(console_action),
        );
}

/// POST /tickets/new.
async fn open(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let order = field(&form, "orderNumber").to_owned();
    let back = match order.as_str() {
        "" => format!("{NEW_TICKET_PATH}?"),
        n => format!("{NEW_TICKET_PATH}?order={}&", enc(n)),
    };
    let principal = match signed_in_caller(&state, &http, &back).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let vars = json!({ "input": {
        "orderNumber": optional(&form, "orderNumber"),
        "category": field(&form, "category"),
        "subject": field(&form, "subject"),
        "message": field(&form, "message"),
    }});
    let resp = run(&http, &state, &schema, principal, docs::OPEN_TICKET, vars).await;
    match outcome(&resp, "openTicket") {
        Ok(t) => {
            let number = t["number"].as_str().unwrap_or_default();
            see_other(&format!("{}?done=OPENED", ticket_href(number))).finish()
        }
        Err(f) => see_other(&format!("{back}{}", f.query())).finish(),
    }
}

/// Which mutation a posted action runs: (document, root field, variables).
fn mutation(
    action: &str,
    form: &[(String, String)],
) -> Option<(&'static str, &'static str, Value)> {
    let id = field(form, "id");
    Some(match action {
        "reply" => (
            docs::REPLY_TO_TICKET,
            "replyToTicket",
            json!({ "id": id, "message": field(form, "message") }),
        ),
        "assign" => (
            docs::ASSIGN_TICKET,
            "assignTicket",
            json!({ "id": id, "assigneeId": optional(form, "assigneeId") }),
        ),
        "resolve" => (docs::RESOLVE_TICKET, "resolveTicket", json!({ "id": id })),
        "close" => (docs::CLOSE_TICKET, "closeTicket", json!({ "id": id })),
        _ => return None,
    })
}

async fn act(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
    page: String,
    action: String,
    allowed: &[&str],
) -> HttpResponse {
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let Some((doc, root, vars)) =
        mutation(&action, &form).filter(|_| allowed.contains(&action.as_str()))
    else {
        return HttpResponse::NotFound().finish();
    };
    let resp = run(&http, &state, &schema, principal, doc, vars).await;
    match outcome(&resp, root) {
        Ok(_) => see_other(&format!("{page}?done={}", action.to_ascii_uppercase())).finish(),
        Err(f) => see_other(&format!("{page}?{}", f.query())).finish(),
    }
}

/// POST /tickets/{number}/{reply|close}.
async fn portal_action(
    http: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let (number, action) = path.into_inner();
    let page = ticket_href(&number);
    act(http, state, schema, form, page, action, &["reply", "close"]).await
}

/// POST /console/service/tickets/{number}/{reply|assign|resolve|close}.
async fn console_action(
    http: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let (number, action) = path.into_inner();
    let page = console_ticket_href(&number);
    act(
        http,
        state,
        schema,
        form,
        page,
        action,
        &["reply", "assign", "resolve", "close"],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn posted_actions_become_their_mutations() {
        let form = pairs(&[("id", "t1"), ("message", " hi "), ("assigneeId", "")]);
        let (_, root, vars) = mutation("reply", &form).unwrap_or(("", "", Value::Null));
        assert_eq!(
            (root, vars),
            ("replyToTicket", json!({"id": "t1", "message": "hi"}))
        );
        let (_, root, vars) = mutation("assign", &form).unwrap_or(("", "", Value::Null));
        assert_eq!(
            (root, vars),
            ("assignTicket", json!({"id": "t1", "assigneeId": null}))
        );
        assert!(mutation("delete", &form).is_none());
    }
}
