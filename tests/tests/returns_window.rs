//! The return window is a channel setting an admin changes over the API
//! (`setChannelReturnWindow`, `Channel.returnWindowDays`): closed (0
//! days), a delivered order offers no return and a request is refused;
//! opened again, the same order can be returned. Out-of-range values and
//! other roles are refused and change nothing.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, assert_ok, error_code};
use crate::order_helpers::{error_field, new_customer, new_key};
use crate::returns::{delivered_order, refund_input, request_raw};

async fn set_window(app: &TestApp, token: &str, days: i64) -> Value {
    app.gql_as(
        token,
        "mutation($d: Int!) { setChannelReturnWindow(code: \"web\", days: $d) { code returnWindowDays } }",
        json!({ "d": days }),
    )
    .await
}

async fn web_window(app: &TestApp, admin: &str) -> i64 {
    let resp = app
        .gql_as(admin, "{ channels { code returnWindowDays } }", json!({}))
        .await;
    assert_ok(&resp)["channels"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["code"] == "web")
        .and_then(|c| c["returnWindowDays"].as_i64())
        .expect("the web channel")
}

async fn offers_return(app: &TestApp, token: &str, number: &str) -> bool {
    let resp = app
        .gql_as(
            token,
            "query($n: String!) { order(number: $n) { serviceActions } }",
            json!({ "n": number }),
        )
        .await;
    assert_ok(&resp)["order"]["serviceActions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|a| a == "RETURN_OR_EXCHANGE")
}

#[tokio::test]
async fn an_admin_closes_and_reopens_a_channels_return_window() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::Admin).await.access_token;
    let c = new_customer(&app).await;
    let number = delivered_order(&app, &c, &[("AUD-001", 1)]).await;
    assert_eq!(web_window(&app, &admin).await, 7, "the default window");
    assert!(offers_return(&app, &c.access_token, &number).await);

    let closed = set_window(&app, &admin, 0).await;
    assert_eq!(
        assert_ok(&closed)["setChannelReturnWindow"]["returnWindowDays"],
        0
    );
    assert!(!offers_return(&app, &c.access_token, &number).await);
    let input = refund_input(&[("AUD-001", 1, "CHANGED_MIND")]);
    let refused = request_raw(&app, &c.access_token, &number, input.clone(), &new_key()).await;
    assert!(
        matches!(error_code(&refused), Some("INVALID_INPUT" | "CONFLICT")),
        "{refused}"
    );

    // Out of range, or not an admin: refused, and the window stays closed.
    let bad = set_window(&app, &admin, 400).await;
    assert_eq!(error_code(&bad), Some("INVALID_INPUT"), "{bad}");
    assert_eq!(error_field(&bad), Some("days"), "{bad}");
    let support = app.login_as(Role::Support).await.access_token;
    assert_eq!(
        error_code(&set_window(&app, &support, 30).await),
        Some("FORBIDDEN")
    );
    assert_eq!(web_window(&app, &admin).await, 0);

    assert_ok(&set_window(&app, &admin, 30).await);
    assert!(offers_return(&app, &c.access_token, &number).await);
    let resp = request_raw(&app, &c.access_token, &number, input, &new_key()).await;
    assert_eq!(
        assert_ok(&resp)["requestReturn"]["status"],
        "REQUESTED",
        "{resp}"
    );
}
