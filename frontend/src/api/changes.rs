//! Order changes as the pages read them: a change priced before it is
//! made (the portal's preview step), and the service desk's queue of
//! change requests. Writes (request a change, cancel items, approve,
//! reject) are plain form posts handled by the backend
//! (`backend/src/http/portal_forms/changes.rs`), which run the mutations
//! below in-process. [`change_input`] turns the change form's fields into
//! an `OrderChangeInput`, for the preview and the confirming post alike.

use super::{ApiError, request};
use crate::api::types::Money;
use crate::schema::{ChangeRequestKind, ChangeRequestStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::future::Future;

/// A change priced.
pub const PREVIEW_ORDER_CHANGE: &str = "query PreviewOrderChange($number: String!, $input: OrderChangeInput!) { \
     previewOrderChange(number: $number, input: $input) { \
     amountDelta { amount currencyCode } refund { amount currencyCode } \
     totalBefore { amount currencyCode } totalAfter { amount currencyCode } \
     needsApproval approvalReasons \
     lines { sku name before after added unitPrice { amount currencyCode } } \
     stockEffects { sku warehouse delta } } }";

/// Asks for a change.
pub const REQUEST_ORDER_CHANGE: &str = "mutation RequestOrderChange($number: String!, $input: OrderChangeInput!, $key: String!) { \
     requestOrderChange(number: $number, input: $input, idempotencyKey: $key) { id status } }";

/// Cancels some units.
pub const CANCEL_ORDER_LINES: &str = "mutation CancelOrderLines($number: String!, $lines: [ChangeLineInput!]!, $reason: String, $key: String!) { \
     cancelOrderLines(number: $number, lines: $lines, reason: $reason, idempotencyKey: $key) { number status } }";

/// The desk's queue, PENDING first, with counts per status.
pub const CHANGE_QUEUE: &str = "query ChangeQueue($filter: ChangeRequestFilter, $first: Int!) { \
     changeRequests(filter: $filter, first: $first) { totalCount counts { status count } \
     edges { node { id orderNumber kind status reason createdAt requestedBy { kind name } \
     preview { amountDelta { amount currencyCode } approvalReasons lines { sku before after added } } } } } }";

/// Support approves.
pub const APPROVE_CHANGE_REQUEST: &str =
    "mutation ApproveChangeRequest($id: ID!) { approveChangeRequest(id: $id) { id status } }";

/// Support rejects.
pub const REJECT_CHANGE_REQUEST: &str = "mutation RejectChangeRequest($id: ID!, $reason: String!) { \
     rejectChangeRequest(id: $id, reason: $reason) { id status } }";

/// `(operation name, document)` for every document above (a backend test
/// validates them against the schema).
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("PreviewOrderChange", PREVIEW_ORDER_CHANGE),
    ("RequestOrderChange", REQUEST_ORDER_CHANGE),
    ("CancelOrderLines", CANCEL_ORDER_LINES),
    ("ChangeQueue", CHANGE_QUEUE),
    ("ApproveChangeRequest", APPROVE_CHANGE_REQUEST),
    ("RejectChangeRequest", REJECT_CHANGE_REQUEST),
];

/// The change form's address fields (also the API's names).
pub const ADDRESS_FIELDS: [&str; 8] = [
    "name",
    "phone",
    "line1",
    "line2",
    "city",
    "region",
    "postalCode",
    "country",
];

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// The `OrderChangeInput` of the change form: `qty_<SKU>` (new quantity)
/// against `was_<SKU>` (the current one) for each line, `addSku` and
/// `addQty` for a line to add, `method` against `wasMethod`, and the
/// address fields when `changeAddress` is ticked. Unchanged parts are left
/// out.
pub fn change_input(fields: &[(String, String)]) -> Value {
    let mut set = Vec::new();
    for (k, v) in fields {
        let Some(sku) = k.strip_prefix("qty_") else {
            continue;
        };
        let (new, was) = (v.trim(), get(fields, &format!("was_{sku}")));
        if new != was {
            set.push(json!({ "sku": sku, "quantity": new.parse::<i64>().unwrap_or(-1) }));
        }
    }
    let mut input = json!({ "setQuantities": set });
    let add = get(fields, "addSku");
    if !add.is_empty() {
        let qty = get(fields, "addQty").parse::<i64>().unwrap_or(1);
        input["addLines"] = json!([{ "sku": add, "quantity": qty }]);
    }
    let method = get(fields, "method");
    if !method.is_empty() && method != get(fields, "wasMethod") {
        input["deliveryMethod"] = json!(method);
    }
    if !get(fields, "changeAddress").is_empty() {
        let mut a = json!({});
        for f in ADDRESS_FIELDS {
            let v = get(fields, f);
            a[f] = if v.is_empty() && matches!(f, "line2" | "region") {
                Value::Null
            } else {
                json!(v)
            };
        }
        input["shippingAddress"] = a;
    }
    input
}

/// One line before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeLine {
    pub sku: String,
    #[serde(default)]
    pub name: String,
    pub before: i64,
    pub after: i64,
    pub added: bool,
    #[serde(default)]
    pub unit_price: Option<Money>,
}

/// Stock a change moves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockEffect {
    pub sku: String,
    pub warehouse: String,
    pub delta: i64,
}

/// A change, priced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub amount_delta: Money,
    #[serde(default)]
    pub refund: Option<Money>,
    #[serde(default)]
    pub total_before: Option<Money>,
    #[serde(default)]
    pub total_after: Option<Money>,
    #[serde(default)]
    pub needs_approval: bool,
    #[serde(default)]
    pub approval_reasons: Vec<String>,
    pub lines: Vec<ChangeLine>,
    #[serde(default)]
    pub stock_effects: Vec<StockEffect>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreviewData {
    preview_order_change: Preview,
}

/// `previewOrderChange` for the change form's fields.
pub fn preview(
    number: String,
    fields: Vec<(String, String)>,
) -> impl Future<Output = Result<Preview, ApiError>> + Send + 'static {
    let fut = request::<PreviewData>(
        PREVIEW_ORDER_CHANGE,
        json!({ "number": number, "input": change_input(&fields) }),
    );
    async move { fut.await.map(|d| d.preview_order_change) }
}

/// Who asked for a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub name: Option<String>,
}

/// A change request as the queue shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRequest {
    pub id: String,
    pub order_number: String,
    pub kind: ChangeRequestKind,
    pub status: ChangeRequestStatus,
    pub reason: Option<String>,
    pub created_at: String,
    pub requested_by: Requester,
    pub preview: Preview,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEdge {
    pub node: ChangeRequest,
}

/// Requests in one status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCount {
    pub status: ChangeRequestStatus,
    pub count: i64,
}

/// A page of the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangePage {
    pub total_count: i64,
    pub counts: Vec<ChangeCount>,
    pub edges: Vec<ChangeEdge>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueueData {
    change_requests: ChangePage,
}

/// The desk's queue, optionally of one status.
pub fn queue(
    status: Option<ChangeRequestStatus>,
) -> impl Future<Output = Result<ChangePage, ApiError>> + Send + 'static {
    let filter = status.map(|s| json!({ "status": s.as_str() }));
    let fut = request::<QueueData>(CHANGE_QUEUE, json!({ "filter": filter, "first": 100 }));
    async move { fut.await.map(|d| d.change_requests) }
}
