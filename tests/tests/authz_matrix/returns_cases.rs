//! The returns (RMA) cases of the authorization matrix: who may request,
//! approve, reject, cancel, receive and refund a return, and read them.
//! Every case acts on returns of one delivered order of the owner's (the
//! "pool", [`RETURN_SKU`] × [`POOL_UNITS`], made once), prepared by admin in
//! the status the command starts from; an allowed call must move the
//! return exactly as the command says, a refused one leaves it as it was,
//! and someone else's return (or order) answers like a missing one.

use serde_json::{Value, json};

use super::{Expect, Fixture, Op, World};
use crate::helpers::{assert_ok, error_code};
use crate::order_helpers::{fulfil, new_key, order_input};

/// Not observed by the snapshot; ¥189.00, so a CHANGED_MIND request waits
/// for support instead of approving itself.
const RETURN_SKU: &str = "DSK-002";
/// Units of the pool order: one per return the run makes, with room.
const POOL_UNITS: i64 = 90;
/// Where received units go.
const RETURN_WAREHOUSE: &str = "SHA";
/// A return id nobody has.
const MISSING_RETURN: &str = "00000000-0000-7000-8000-000000000000";

impl World {
    /// The owner's delivered pool order (made on first use).
    async fn return_pool(&self) -> String {
        self.return_pool
            .get_or_init(|| async {
                self.admin(
                    "mutation($s: String!, $w: String!, $q: Int!) { receiveStock(input: {sku: $s, warehouseCode: $w, quantity: $q, reference: \"matrix returns\"}) { onHand } }",
                    json!({ "s": RETURN_SKU, "w": RETURN_WAREHOUSE, "q": POOL_UNITS }),
                )
                .await;
                let number = self
                    .place_as_owner(order_input(&new_key(), &[(RETURN_SKU, POOL_UNITS)]))
                    .await;
                self.pay(&number).await;
                let keeper = self.token(super::Who::Admin).unwrap_or_default();
                assert_eq!(
                    fulfil(&self.app, keeper, &number, "DELIVERED").await,
                    "DELIVERED"
                );
                number
            })
            .await
            .clone()
    }

    /// A new return of one unit of the pool, requested by the owner and
    /// moved by admin to `status` (REQUESTED, APPROVED or INSPECTED).
    async fn pool_return(&self, status: &str) -> String {
        let number = self.return_pool().await;
        let resp = self
            .call(
                self.token(super::Who::Owner),
                "mutation($n: String!, $i: ReturnRequestInput!, $k: String!) { requestReturn(number: $n, input: $i, idempotencyKey: $k) { id status } }",
                json!({ "n": number, "k": new_key(), "i": {
                    "lines": [{ "sku": RETURN_SKU, "quantity": 1, "reason": "CHANGED_MIND" }],
                    "resolution": "REFUND" } }),
            )
            .await;
        let r = assert_ok(&resp)["requestReturn"].clone();
        assert_eq!(r["status"], "REQUESTED", "{resp}");
        let id = r["id"].as_str().unwrap_or_default().to_owned();
        if status != "REQUESTED" {
            self.admin(
                "mutation($id: ID!) { approveReturn(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        }
        if status == "INSPECTED" {
            self.admin(
                "mutation($id: ID!, $w: String!, $s: String!) { receiveReturn(id: $id, items: [{sku: $s, quantity: 1, disposition: RESTOCK, warehouseCode: $w}]) { status } }",
                json!({ "id": id, "w": RETURN_WAREHOUSE, "s": RETURN_SKU }),
            )
            .await;
        }
        id
    }

    /// A return as admin sees it.
    async fn return_as_admin(&self, id: &str) -> Value {
        self.admin(
            "query($id: ID!) { return(id: $id) { id status refundAmount { amount } refundedAmount { amount } rejectionReason lines { receivedRestocked } } }",
            json!({ "id": id }),
        )
        .await["return"]
            .clone()
    }

    /// How many returns the pool order has.
    async fn pool_return_count(&self) -> usize {
        let number = self.return_pool().await;
        self.admin(
            "query($n: String!) { order(number: $n) { returns { id } } }",
            json!({ "n": number }),
        )
        .await["order"]["returns"]
            .as_array()
            .map_or(0, Vec::len)
    }

    /// Prepares a returns case (nothing for other ops).
    pub(super) async fn prepare_returns(&self, op: Op, fx: &mut Fixture) {
        let status = match op {
            Op::RequestReturn | Op::Returns | Op::MyReturns => {
                fx.rma_order = Some(self.return_pool().await);
                fx.rma_count = self.pool_return_count().await;
                return;
            }
            Op::ApproveReturn | Op::RejectReturn | Op::CancelReturn | Op::Return => "REQUESTED",
            Op::ReceiveReturn => "APPROVED",
            Op::RefundReturn => "INSPECTED",
            _ => return,
        };
        let id = self.pool_return(status).await;
        fx.rma_before = self.return_as_admin(&id).await;
        fx.rma = Some(id);
        fx.rma_order = Some(self.return_pool().await);
    }

    /// The document of a returns case.
    pub(super) fn returns_document(&self, op: Op, fx: &Fixture) -> Option<(&'static str, Value)> {
        let id = json!({ "id": fx.rma });
        Some(match op {
            Op::Returns => (
                "{ returns(first: 100) { totalCount counts { status count } edges { node { id status orderNumber } } } }",
                json!({}),
            ),
            Op::MyReturns => (
                "{ myReturns(first: 100) { totalCount edges { node { id status } } } }",
                json!({}),
            ),
            Op::Return => (
                "query($id: ID!) { return(id: $id) { id status orderNumber } }",
                id,
            ),
            Op::RequestReturn => (
                "mutation($n: String!, $i: ReturnRequestInput!, $k: String!) { requestReturn(number: $n, input: $i, idempotencyKey: $k) { id status orderNumber } }",
                json!({ "n": fx.rma_order, "k": new_key(), "i": {
                    "lines": [{ "sku": RETURN_SKU, "quantity": 1, "reason": "CHANGED_MIND" }],
                    "resolution": "REFUND" } }),
            ),
            Op::ApproveReturn => (
                "mutation($id: ID!) { approveReturn(id: $id) { id status orderNumber } }",
                id,
            ),
            Op::RejectReturn => (
                "mutation($id: ID!) { rejectReturn(id: $id, reason: \"matrix\") { id status orderNumber } }",
                id,
            ),
            Op::CancelReturn => (
                "mutation($id: ID!) { cancelReturn(id: $id) { id status orderNumber } }",
                id,
            ),
            Op::ReceiveReturn => (
                "mutation($id: ID!, $s: String!, $w: String!) { receiveReturn(id: $id, items: [{sku: $s, quantity: 1, disposition: RESTOCK, warehouseCode: $w}]) { id status orderNumber } }",
                json!({ "id": fx.rma, "s": RETURN_SKU, "w": RETURN_WAREHOUSE }),
            ),
            Op::RefundReturn => (
                "mutation($id: ID!, $k: String!) { refundReturn(id: $id, idempotencyKey: $k) { id status orderNumber } }",
                json!({ "id": fx.rma, "k": new_key() }),
            ),
            _ => return None,
        })
    }

    /// Checks an allowed returns call; false for other ops.
    pub(super) async fn returns_allowed(
        &self,
        op: Op,
        who: super::Who,
        fx: &Fixture,
        resp: &Value,
        ctx: &str,
    ) -> bool {
        let data = &resp["data"][op.field()];
        let moved_to = match op {
            Op::Returns => {
                assert!(data["totalCount"].as_i64() >= Some(1), "{ctx}: {resp}");
                return true;
            }
            Op::MyReturns => {
                let n = data["totalCount"].as_i64().unwrap_or(-1);
                match who {
                    super::Who::Owner => assert!(n >= 1, "{ctx}: {resp}"),
                    _ => assert_eq!(n, 0, "{ctx}: {resp}"),
                }
                return true;
            }
            Op::Return => {
                assert_eq!(data["id"].as_str(), fx.rma.as_deref(), "{ctx}: {resp}");
                assert_eq!(
                    self.return_as_admin(fx.rma.as_deref().unwrap_or_default())
                        .await,
                    fx.rma_before,
                    "{ctx}"
                );
                return true;
            }
            Op::RequestReturn => {
                assert_eq!(data["status"], "REQUESTED", "{ctx}: {resp}");
                assert_eq!(
                    data["orderNumber"].as_str(),
                    fx.rma_order.as_deref(),
                    "{ctx}"
                );
                assert_eq!(self.pool_return_count().await, fx.rma_count + 1, "{ctx}");
                return true;
            }
            Op::ApproveReturn => "APPROVED",
            Op::RejectReturn => "REJECTED",
            Op::CancelReturn => "CANCELLED",
            Op::ReceiveReturn => "INSPECTED",
            Op::RefundReturn => "REFUNDED",
            _ => return false,
        };
        let now = self
            .return_as_admin(fx.rma.as_deref().unwrap_or_default())
            .await;
        let mut want = fx.rma_before.clone();
        want["status"] = json!(moved_to);
        match op {
            Op::RejectReturn => want["rejectionReason"] = json!("matrix"),
            Op::ReceiveReturn => want["lines"][0]["receivedRestocked"] = json!(1),
            Op::RefundReturn => want["refundedAmount"] = want["refundAmount"].clone(),
            _ => {}
        }
        assert_eq!(now, want, "{ctx}: wrong effect on the return");
        true
    }

    /// Checks a refused returns call; false for other ops.
    pub(super) async fn returns_refused(
        &self,
        op: Op,
        who: super::Who,
        fx: &Fixture,
        resp: &Value,
        ctx: &str,
    ) -> bool {
        let (Some(_), true) = (
            fx.rma_order.as_deref(),
            self.returns_document(op, fx).is_some(),
        ) else {
            return false;
        };
        match fx.rma.as_deref() {
            Some(id) => assert_eq!(
                self.return_as_admin(id).await,
                fx.rma_before,
                "{ctx}: the return changed"
            ),
            None => assert_eq!(
                self.pool_return_count().await,
                fx.rma_count,
                "{ctx}: a return was made"
            ),
        }
        if op.expect(who) == Expect::NotFound {
            // Someone else's return or order answers exactly like a missing one.
            let (query, mut vars) = self.returns_document(op, fx).unwrap_or(("", json!({})));
            let (var, target, absent) = match fx.rma.as_deref() {
                Some(id) => ("id", id.to_owned(), MISSING_RETURN),
                None => (
                    "n",
                    fx.rma_order.clone().unwrap_or_default(),
                    super::MISSING_ORDER,
                ),
            };
            vars[var] = json!(absent);
            let missing = self.call(self.bearer_for(op, who, fx), query, vars).await;
            assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{ctx}: {missing}");
            assert_eq!(
                resp["errors"][0]["message"]
                    .as_str()
                    .map(|m| m.replace(&target, absent)),
                missing["errors"][0]["message"].as_str().map(str::to_owned),
                "{ctx}: someone else's return must look missing"
            );
        }
        true
    }
}
