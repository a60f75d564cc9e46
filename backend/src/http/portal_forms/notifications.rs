//! Customer email forms, so they work with JavaScript off:
//! `POST /account/notifications` saves the signed-in customer's email
//! preferences (back to the page with `?saved=1` or `?error=CODE`), and
//! `POST /console/orders/{number}/notifications/{id}/resend` sends a
//! logged email again (back to the console's order page with `?resent=1`
//! or `?resendError=CODE`). Each runs one mutation of
//! `frontend::api::notifications` in-process as the caller.

use super::*;
use frontend::api::notifications as docs;
use frontend::pages::notifications::PREFERENCES_PATH;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PREFERENCES_PATH, web::post().to(save_preferences))
        .route(
            "/console/orders/{number}/notifications/{id}/resend",
            web::post().to(resend),
        );
}

/// The preferences form's fields as `NotificationPreferencesInput`: an
/// unchecked box is absent from the post, so it means "off".
fn preferences_input(form: &[(String, String)]) -> Value {
    let checked = |name: &str| !field(form, name).is_empty();
    let mut input = json!({
        "shippingUpdates": checked("shippingUpdates"),
        "serviceUpdates": checked("serviceUpdates"),
    });
    if let language @ ("EN" | "ZH") = field(form, "language").to_ascii_uppercase().as_str() {
        input["language"] = json!(language);
    }
    input
}

/// POST /account/notifications (language, shippingUpdates, serviceUpdates).
async fn save_preferences(
    http: HttpRequest,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
    form: Fields,
) -> HttpResponse {
    let principal = match signed_in_caller(&state, &http, PREFERENCES_PATH).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let vars = json!({ "input": preferences_input(&form) });
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::UPDATE_NOTIFICATION_PREFERENCES,
        vars,
    )
    .await;
    match outcome(&resp, "updateNotificationPreferences") {
        Ok(_) => see_other(&format!("{PREFERENCES_PATH}?saved=1")).finish(),
        Err(f) => see_other(&format!("{PREFERENCES_PATH}?{}", f.query())).finish(),
    }
}

/// POST /console/orders/{number}/notifications/{id}/resend.
async fn resend(
    http: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
    schema: web::Data<OmsSchema>,
) -> HttpResponse {
    let (number, id) = path.into_inner();
    let page = format!("/console/orders/{}", enc_segment(&number));
    let principal = match signed_in_caller(&state, &http, &page).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let resp = run(
        &http,
        &state,
        &schema,
        principal,
        docs::RESEND_NOTIFICATION,
        json!({ "id": id }),
    )
    .await;
    match outcome(&resp, "resendNotification") {
        Ok(_) => see_other(&format!("{page}?resent=1#notifications")).finish(),
        Err(f) => see_other(&format!(
            "{page}?resendError={}#notifications",
            enc(&f.code)
        ))
        .finish(),
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
    fn unchecked_boxes_turn_updates_off_and_the_language_is_read_in_any_case() {
        assert_eq!(
            preferences_input(&pairs(&[("language", "zh"), ("shippingUpdates", "on")])),
            json!({ "language": "ZH", "shippingUpdates": true, "serviceUpdates": false })
        );
        assert_eq!(
            preferences_input(&pairs(&[("language", "fr")])),
            json!({ "shippingUpdates": false, "serviceUpdates": false })
        );
    }
}
