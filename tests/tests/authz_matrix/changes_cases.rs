//! The order change cases of the authorization matrix: who may preview,
//! request and cancel lines of an order (its customer, support, admins;
//! someone else's order looks missing), who decides a change request
//! (support and admins), and who reads them. Every case acts on a fresh
//! paid order of the owner's of [`CHANGE_SKU`] × 2 (not observed by the
//! snapshot); an allowed call must change the order exactly as the command
//! says, a refused one leaves it (and its change requests) as they were.

use serde_json::{Value, json};

use super::{Expect, Fixture, Op, Who, World};
use crate::helpers::{assert_ok, error_code};
use crate::order_helpers::{new_key, order_input};

/// ¥129.00, not observed by the snapshot.
const CHANGE_SKU: &str = "FIT-001";
/// A change request id nobody has.
const MISSING_CHANGE: &str = "00000000-0000-7000-8000-000000000000";

/// The expectations of the change ops (`None` for other ops).
pub(super) fn expect(op: Op, who: Who) -> Option<Expect> {
    use Who::*;
    Some(match op {
        Op::PreviewOrderChange | Op::RequestOrderChange | Op::CancelOrderLines => match who {
            Anonymous => Expect::Unauthenticated,
            Owner | Support | Admin => Expect::Allow,
            OtherCustomer => Expect::NotFound,
            _ => Expect::Forbidden,
        },
        Op::ApproveChangeRequest | Op::RejectChangeRequest | Op::ChangeRequests => {
            super::by_role(who, &[Support, Admin])
        }
        Op::ChangeRequest => match who {
            Anonymous => Expect::Unauthenticated,
            Owner | Support | Warehouse | Finance | Admin => Expect::Allow,
            _ => Expect::NotFound,
        },
        _ => return None,
    })
}

impl World {
    /// A fresh paid order of the owner's: two units of [`CHANGE_SKU`].
    async fn change_order(&self) -> String {
        // Enough stock for the order and one more unit, wherever it routes.
        for w in ["SHA", "CAN"] {
            self.admin(
                "mutation($s: String!, $w: String!) { receiveStock(input: {sku: $s, warehouseCode: $w, quantity: 3, reference: \"matrix changes\"}) { onHand } }",
                json!({ "s": CHANGE_SKU, "w": w }),
            )
            .await;
        }
        let number = self
            .place_as_owner(order_input(&new_key(), &[(CHANGE_SKU, 2)]))
            .await;
        self.pay(&number).await;
        number
    }

    /// A PENDING change of `number` asked by the owner: one more unit (an
    /// increase waits for support; it joins the order's PENDING shipment).
    async fn pending_change(&self, number: &str) -> String {
        let resp = self
            .call(
                self.token(Who::Owner),
                "mutation($n: String!, $i: OrderChangeInput!, $k: String!) { requestOrderChange(number: $n, input: $i, idempotencyKey: $k) { id status } }",
                json!({ "n": number, "k": new_key(), "i": { "addLines": [{ "sku": CHANGE_SKU, "quantity": 1 }] } }),
            )
            .await;
        let r = assert_ok(&resp)["requestOrderChange"].clone();
        assert_eq!(r["status"], "PENDING", "{resp}");
        r["id"].as_str().unwrap_or_default().to_owned()
    }

    /// The order and its change requests as admin sees them.
    async fn change_state(&self, number: &str) -> Value {
        self.admin(
            "query($n: String!) { order(number: $n) { total { amount } lines { sku quantity } changeRequests { id status } } }",
            json!({ "n": number }),
        )
        .await["order"]
            .clone()
    }

    /// Prepares a change case (nothing for other ops).
    pub(super) async fn prepare_changes(&self, op: Op, fx: &mut Fixture) {
        if expect(op, Who::Admin).is_none() {
            return;
        }
        let number = self.change_order().await;
        if matches!(
            op,
            Op::ApproveChangeRequest
                | Op::RejectChangeRequest
                | Op::ChangeRequest
                | Op::ChangeRequests
        ) {
            fx.chg = Some(self.pending_change(&number).await);
        }
        fx.chg_before = self.change_state(&number).await;
        fx.chg_order = Some(number);
    }

    /// The document of a change case.
    pub(super) fn changes_document(&self, op: Op, fx: &Fixture) -> Option<(&'static str, Value)> {
        let id = json!({ "id": fx.chg });
        let decrease = json!({ "setQuantities": [{ "sku": CHANGE_SKU, "quantity": 1 }] });
        Some(match op {
            Op::PreviewOrderChange => (
                "query($n: String!, $i: OrderChangeInput!) { previewOrderChange(number: $n, input: $i) { amountDelta { amount } needsApproval } }",
                json!({ "n": fx.chg_order, "i": decrease }),
            ),
            Op::RequestOrderChange => (
                "mutation($n: String!, $i: OrderChangeInput!, $k: String!) { requestOrderChange(number: $n, input: $i, idempotencyKey: $k) { id status orderNumber } }",
                json!({ "n": fx.chg_order, "i": decrease, "k": new_key() }),
            ),
            Op::CancelOrderLines => (
                "mutation($n: String!, $s: String!, $k: String!) { cancelOrderLines(number: $n, lines: [{sku: $s, quantity: 1}], idempotencyKey: $k) { number total { amount } } }",
                json!({ "n": fx.chg_order, "s": CHANGE_SKU, "k": new_key() }),
            ),
            Op::ApproveChangeRequest => (
                "mutation($id: ID!) { approveChangeRequest(id: $id) { id status orderNumber } }",
                id,
            ),
            Op::RejectChangeRequest => (
                "mutation($id: ID!) { rejectChangeRequest(id: $id, reason: \"matrix\") { id status orderNumber } }",
                id,
            ),
            Op::ChangeRequest => (
                "query($id: ID!) { changeRequest(id: $id) { id status orderNumber } }",
                id,
            ),
            Op::ChangeRequests => (
                "{ changeRequests(first: 100) { totalCount counts { status count } edges { node { id status } } } }",
                json!({}),
            ),
            _ => return None,
        })
    }

    /// Checks an allowed change call; false for other ops.
    pub(super) async fn changes_allowed(
        &self,
        op: Op,
        fx: &Fixture,
        resp: &Value,
        ctx: &str,
    ) -> bool {
        let Some(number) = fx.chg_order.as_deref() else {
            return false;
        };
        let data = &resp["data"][op.field()];
        let now = self.change_state(number).await;
        let mut want = fx.chg_before.clone();
        let added = |w: &mut Value, status: &str| {
            for r in w["changeRequests"].as_array_mut().into_iter().flatten() {
                r["status"] = json!(status);
            }
        };
        match op {
            Op::PreviewOrderChange => {
                assert_eq!(data["amountDelta"]["amount"], "-129.00", "{ctx}: {resp}");
            }
            Op::ChangeRequest => {
                assert_eq!(data["id"].as_str(), fx.chg.as_deref(), "{ctx}: {resp}");
            }
            Op::ChangeRequests => {
                assert!(data["totalCount"].as_i64() >= Some(1), "{ctx}: {resp}");
            }
            Op::RequestOrderChange | Op::CancelOrderLines => {
                if op == Op::RequestOrderChange {
                    assert_eq!(data["status"], "APPLIED", "{ctx}: {resp}");
                }
                assert_eq!(
                    now["lines"],
                    json!([{ "sku": CHANGE_SKU, "quantity": 1 }]),
                    "{ctx}: wrong effect"
                );
                let before = crate::order_helpers::minor(&fx.chg_before["total"]["amount"]);
                assert_eq!(
                    crate::order_helpers::minor(&now["total"]["amount"]),
                    before - 12_900,
                    "{ctx}: wrong total"
                );
                assert_eq!(
                    now["changeRequests"].as_array().map(Vec::len),
                    Some(1),
                    "{ctx}: one change recorded"
                );
                return true;
            }
            Op::ApproveChangeRequest => {
                assert_eq!(data["status"], "APPROVED", "{ctx}: {resp}");
                added(&mut want, "APPROVED");
                want["lines"] = json!([{ "sku": CHANGE_SKU, "quantity": 3 }]);
                let before = crate::order_helpers::minor(&fx.chg_before["total"]["amount"]);
                let after = before + 12_900;
                want["total"]["amount"] = json!(format!("{}.{:02}", after / 100, after % 100));
            }
            Op::RejectChangeRequest => {
                assert_eq!(data["status"], "REJECTED", "{ctx}: {resp}");
                added(&mut want, "REJECTED");
            }
            _ => return false,
        }
        assert_eq!(now, want, "{ctx}: wrong effect on the order");
        true
    }

    /// Checks a refused change call; false for other ops.
    pub(super) async fn changes_refused(
        &self,
        op: Op,
        who: Who,
        fx: &Fixture,
        resp: &Value,
        ctx: &str,
    ) -> bool {
        let Some(number) = fx.chg_order.as_deref() else {
            return false;
        };
        assert_eq!(
            self.change_state(number).await,
            fx.chg_before,
            "{ctx}: the order or its change requests changed"
        );
        if op.expect(who) == Expect::NotFound {
            // Someone else's order or request answers exactly like a missing one.
            let (query, mut vars) = self.changes_document(op, fx).unwrap_or(("", json!({})));
            let (var, target, absent) = match fx.chg.as_deref() {
                Some(id) => ("id", id.to_owned(), MISSING_CHANGE),
                None => ("n", number.to_owned(), super::MISSING_ORDER),
            };
            vars[var] = json!(absent);
            let missing = self.call(self.bearer_for(op, who, fx), query, vars).await;
            assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{ctx}: {missing}");
            assert_eq!(
                resp["errors"][0]["message"]
                    .as_str()
                    .map(|m| m.replace(&target, absent)),
                missing["errors"][0]["message"].as_str().map(str::to_owned),
                "{ctx}: someone else's order or change request must look missing"
            );
        }
        true
    }
}
