//! Every role against every guarded operation: default deny, staff rights
//! by role. An allowed caller may still fail for business reasons, but never
//! with FORBIDDEN or UNAUTHENTICATED; a denied one always does, and the
//! operation has no effect.

use serde_json::{Value, json};

use crate::helpers::{Role, TestApp, error_code};

const ALL: &[Role] = &[
    Role::Customer,
    Role::Support,
    Role::Warehouse,
    Role::Finance,
    Role::Admin,
];
const STAFF: &[Role] = &[Role::Support, Role::Warehouse, Role::Finance, Role::Admin];
const STOCK: &[Role] = &[Role::Warehouse, Role::Admin];
const ADMIN: &[Role] = &[Role::Admin];

struct Case {
    op: &'static str,
    vars: Value,
    allowed: &'static [Role],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "{ warehouses { code } }",
            vars: json!({}),
            allowed: STAFF,
        },
        Case {
            op: "{ stockLevels(sku: \"AUD-001\") { onHand } }",
            vars: json!({}),
            allowed: STAFF,
        },
        Case {
            op: "{ channels { code } }",
            vars: json!({}),
            allowed: STAFF,
        },
        Case {
            op: "{ users { email } }",
            vars: json!({}),
            allowed: ADMIN,
        },
        Case {
            op: "{ lowStock { sku } }",
            vars: json!({}),
            allowed: STAFF,
        },
        Case {
            op: "{ inventoryCheck { balanced } }",
            vars: json!({}),
            allowed: STAFF,
        },
        Case {
            op: "{ inventory(first: 2) { totalCount } }",
            vars: json!({}),
            allowed: STAFF,
        },
        Case {
            op: "{ orders(first: 2) { totalCount } }",
            vars: json!({}),
            allowed: STAFF,
        },
        Case {
            op: "{ apiKeys { name } }",
            vars: json!({}),
            allowed: ADMIN,
        },
        Case {
            op: "mutation($e: String!) { createStaffUser(input: {email: $e, password: \"a-long-password-1\", name: \"N\", role: SUPPORT}) { id } }",
            vars: json!({ "e": "new-staff@example.com" }),
            allowed: ADMIN,
        },
        Case {
            op: "mutation { adjustStock(input: {sku: \"AUD-001\", warehouseCode: \"SHA\", delta: 1, reason: \"matrix\"}) { onHand } }",
            vars: json!({}),
            allowed: STOCK,
        },
        Case {
            op: "mutation { receiveStock(input: {sku: \"AUD-001\", warehouseCode: \"SHA\", quantity: 1}) { onHand } }",
            vars: json!({}),
            allowed: STOCK,
        },
        Case {
            op: "mutation { setReorderPoint(sku: \"AUD-001\", warehouseCode: \"SHA\", reorderPoint: 3) { reorderPoint } }",
            vars: json!({}),
            allowed: STOCK,
        },
        Case {
            op: "mutation { setProductActive(sku: \"BAG-001\", active: true) { sku } }",
            vars: json!({}),
            allowed: ADMIN,
        },
        Case {
            op: "mutation { createApiKey(name: \"matrix\", channel: \"marketplace\") { key } }",
            vars: json!({}),
            allowed: ADMIN,
        },
    ]
}

fn is_denial(resp: &Value) -> bool {
    matches!(error_code(resp), Some("FORBIDDEN" | "UNAUTHENTICATED"))
}

#[tokio::test]
async fn every_role_meets_default_deny_on_every_guarded_operation() {
    let app = TestApp::spawn().await;
    let mut tokens = Vec::new();
    for role in ALL {
        tokens.push((*role, app.login_as(*role).await.access_token));
    }
    let mut checked = 0;
    for case in cases() {
        // Anonymous: always UNAUTHENTICATED.
        let resp = app.gql(case.op, case.vars.clone()).await;
        assert_eq!(
            error_code(&resp),
            Some("UNAUTHENTICATED"),
            "anonymous on {}: {resp}",
            case.op
        );
        for (role, token) in &tokens {
            let resp = app.gql_as(token, case.op, case.vars.clone()).await;
            if case.allowed.contains(role) {
                assert!(
                    !is_denial(&resp),
                    "{role:?} should be allowed {}: {resp}",
                    case.op
                );
            } else {
                assert_eq!(
                    error_code(&resp),
                    Some("FORBIDDEN"),
                    "{role:?} should be forbidden {}: {resp}",
                    case.op
                );
                assert!(
                    resp["data"].is_null(),
                    "a denied call returned data: {resp}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, cases().len() * ALL.len());

    // Denied writes had no effect: only the two allowed roles adjusted stock
    // (+1 each) and received (+1 each) on top of the seeded level.
    let admin = &tokens[4].1;
    let ledger = app
        .gql_as(
            admin,
            "{ inventoryCheck { balanced } stockLevels(sku: \"AUD-001\") { warehouse { code } onHand } apiKeys { name } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ledger["data"]["inventoryCheck"]["balanced"], true,
        "{ledger}"
    );
    assert_eq!(
        ledger["data"]["apiKeys"].as_array().map(Vec::len),
        Some(1),
        "{ledger}"
    );
}
