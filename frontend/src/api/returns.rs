//! Returns (RMA) as the pages read them: the order's lines for the return
//! form, the customer's returns, one return, the service desk's queue.
//! Writes (request, cancel, approve, reject, receive, refund) are plain form
//! posts handled by the backend (`backend/src/http/portal_forms/returns.rs`),
//! which run the mutations below in-process.

use super::types::{Money, PageInfo};
use super::{ApiError, request};
use crate::schema::{ReturnAction, ReturnReason, ReturnResolution, ReturnStatus, ServiceAction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::future::Future;

/// Returns per page in lists.
pub const PAGE: i64 = 20;

/// An order's lines and returns (the return form).
pub const ORDER_FOR_RETURN: &str = "query OrderForReturn($number: String!) { order(number: $number) { \
number status serviceActions lines { sku name quantity unitPrice { amount currencyCode } } \
returns { id number status resolution refundAmount { amount currencyCode } createdAt } } }";

/// Requests a return (the order's return form).
pub const REQUEST_RETURN: &str = "mutation RequestReturn($number: String!, $input: ReturnRequestInput!, \
$key: String!) { requestReturn(number: $number, input: $input, idempotencyKey: $key) { id number status } }";

/// One return with everything the pages show.
pub const RETURN: &str = "query Return($id: ID!) { return(id: $id) { id number status resolution reason \
note orderNumber refundAmount { amount currencyCode } shippingRefund { amount currencyCode } \
refundedAmount { amount currencyCode } rejectionReason availableActions createdAt approvedAt receivedAt \
refundedAt exchangeShipment { number status } lines { sku name quantity reason unitPrice { amount currencyCode } \
refund { amount currencyCode } exchangeSku receivedRestocked receivedDamaged receivedMissing \
restockWarehouseCode } } }";

/// One return and the warehouses to receive it into (the console).
pub const RETURN_FOR_STAFF: &str = "query ReturnForStaff($id: ID!) { return(id: $id) { id number status \
resolution reason note orderNumber refundAmount { amount currencyCode } shippingRefund { amount \
currencyCode } refundedAmount { amount currencyCode } rejectionReason availableActions createdAt \
approvedAt receivedAt refundedAt exchangeShipment { number status } lines { sku name quantity reason \
unitPrice { amount currencyCode } refund { amount currencyCode } exchangeSku receivedRestocked \
receivedDamaged receivedMissing restockWarehouseCode } } warehouses { code name } }";

/// The signed-in customer's returns.
pub const MY_RETURNS: &str = "query MyReturns($first: Int!, $after: String) { myReturns(first: $first, \
after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id number status resolution \
orderNumber refundAmount { amount currencyCode } refundedAmount { amount currencyCode } createdAt } } } }";

/// The service desk's queue with counts per status.
pub const RETURN_QUEUE: &str = "query ReturnQueue($status: ReturnStatus, $orderNumber: String, $first: Int!, \
$after: String) { returns(filter: { status: $status, orderNumber: $orderNumber }, first: $first, \
after: $after) { totalCount counts { status count } pageInfo { hasNextPage endCursor } edges { node { id \
number status resolution orderNumber refundAmount { amount currencyCode } refundedAmount { amount \
currencyCode } createdAt } } } }";

/// The customer withdraws a return.
pub const CANCEL_RETURN: &str =
    "mutation CancelReturn($id: ID!) { cancelReturn(id: $id) { id status } }";
/// Support approves.
pub const APPROVE_RETURN: &str =
    "mutation ApproveReturn($id: ID!) { approveReturn(id: $id) { id status } }";
/// Support rejects.
pub const REJECT_RETURN: &str = "mutation RejectReturn($id: ID!, $reason: String!) { rejectReturn(id: $id, \
reason: $reason) { id status } }";
/// The warehouse receives and inspects.
pub const RECEIVE_RETURN: &str = "mutation ReceiveReturn($id: ID!, $items: [ReceiveReturnItemInput!]!) { \
receiveReturn(id: $id, items: $items) { id status } }";
/// Finance refunds.
pub const REFUND_RETURN: &str = "mutation RefundReturn($id: ID!, $key: String!) { refundReturn(id: $id, \
idempotencyKey: $key) { id status } }";

/// `(operation name, document)` for every document above (a backend test
/// validates them against the schema).
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("OrderForReturn", ORDER_FOR_RETURN),
    ("RequestReturn", REQUEST_RETURN),
    ("Return", RETURN),
    ("ReturnForStaff", RETURN_FOR_STAFF),
    ("MyReturns", MY_RETURNS),
    ("ReturnQueue", RETURN_QUEUE),
    ("CancelReturn", CANCEL_RETURN),
    ("ApproveReturn", APPROVE_RETURN),
    ("RejectReturn", REJECT_RETURN),
    ("ReceiveReturn", RECEIVE_RETURN),
    ("RefundReturn", REFUND_RETURN),
];

/// A line of the order, for the return form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: Money,
}

/// A return as lists show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnSummary {
    pub id: String,
    pub number: String,
    pub status: ReturnStatus,
    pub resolution: ReturnResolution,
    #[serde(default)]
    pub order_number: Option<String>,
    pub refund_amount: Money,
    #[serde(default)]
    pub refunded_amount: Option<Money>,
    pub created_at: String,
}

/// An order with its lines and returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderForReturn {
    pub number: String,
    pub service_actions: Vec<ServiceAction>,
    pub lines: Vec<OrderLine>,
    pub returns: Vec<ReturnSummary>,
}

#[derive(Deserialize)]
struct OrderData {
    order: Option<OrderForReturn>,
}

/// Order `number`'s lines and returns.
pub fn order_for_return(
    number: String,
) -> impl Future<Output = Result<OrderForReturn, ApiError>> + Send + 'static {
    let fut = request::<OrderData>(ORDER_FOR_RETURN, json!({ "number": number }));
    async move { fut.await?.order.ok_or(ApiError::NotFound) }
}

/// One line of a return.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub reason: ReturnReason,
    pub unit_price: Money,
    pub refund: Money,
    pub exchange_sku: Option<String>,
    pub received_restocked: i64,
    pub received_damaged: i64,
    pub received_missing: i64,
    pub restock_warehouse_code: Option<String>,
}

/// A replacement shipment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shipment {
    pub number: String,
    pub status: String,
}

/// A return with everything the pages show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Return {
    pub id: String,
    pub number: String,
    pub status: ReturnStatus,
    pub resolution: ReturnResolution,
    pub reason: ReturnReason,
    pub note: Option<String>,
    pub order_number: String,
    pub refund_amount: Money,
    pub shipping_refund: Money,
    pub refunded_amount: Money,
    pub rejection_reason: Option<String>,
    pub available_actions: Vec<ReturnAction>,
    pub created_at: String,
    pub approved_at: Option<String>,
    pub received_at: Option<String>,
    pub refunded_at: Option<String>,
    pub exchange_shipment: Option<Shipment>,
    pub lines: Vec<ReturnLine>,
}

/// A warehouse to receive into.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Warehouse {
    pub code: String,
    pub name: String,
}

#[derive(Deserialize)]
struct ReturnData {
    r#return: Return,
    #[serde(default)]
    warehouses: Option<Vec<Warehouse>>,
}

/// Return `id` (the customer's page).
pub fn find_return(
    id: String,
) -> impl Future<Output = Result<(Return, Vec<Warehouse>), ApiError>> + Send + 'static {
    let fut = request::<ReturnData>(RETURN, json!({ "id": id }));
    async move {
        fut.await
            .map(|d| (d.r#return, d.warehouses.unwrap_or_default()))
    }
}

/// Return `id` and the warehouses to receive it into (the console).
pub fn find_return_for_staff(
    id: String,
) -> impl Future<Output = Result<(Return, Vec<Warehouse>), ApiError>> + Send + 'static {
    let fut = request::<ReturnData>(RETURN_FOR_STAFF, json!({ "id": id }));
    async move {
        fut.await
            .map(|d| (d.r#return, d.warehouses.unwrap_or_default()))
    }
}

/// A page of returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnEdge {
    pub node: ReturnSummary,
}

/// How many returns are in a status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: ReturnStatus,
    pub count: i64,
}

/// A page of returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnConnection {
    pub total_count: i64,
    #[serde(default)]
    pub counts: Vec<StatusCount>,
    pub page_info: PageInfo,
    pub edges: Vec<ReturnEdge>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MyData {
    my_returns: ReturnConnection,
}

/// A page of the signed-in customer's returns.
pub fn my_returns(
    after: Option<String>,
) -> impl Future<Output = Result<ReturnConnection, ApiError>> + Send + 'static {
    let fut = request::<MyData>(MY_RETURNS, json!({ "first": PAGE, "after": after }));
    async move { fut.await.map(|d| d.my_returns) }
}

#[derive(Deserialize)]
struct QueueData {
    returns: ReturnConnection,
}

/// A page of the service desk's returns.
pub fn return_queue(
    status: Option<ReturnStatus>,
    order_number: Option<String>,
    after: Option<String>,
) -> impl Future<Output = Result<ReturnConnection, ApiError>> + Send + 'static {
    let fut = request::<QueueData>(
        RETURN_QUEUE,
        json!({ "status": status, "orderNumber": order_number, "first": PAGE, "after": after }),
    );
    async move { fut.await.map(|d| d.returns) }
}
