//! Outbound webhooks as the console reads them: the endpoints with the
//! newest deliveries of each. Writes (register, redeliver) are plain form
//! posts handled by the backend (`backend/src/http/portal_forms/webhooks.rs`),
//! which run the mutations below in-process.

use super::{ApiError, request};
use crate::schema::WebhookDeliveryStatus;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::future::Future;

/// Deliveries shown per endpoint.
pub const RECENT_DELIVERIES: i64 = 10;

/// The endpoints the caller manages.
pub const WEBHOOK_ENDPOINTS: &str = "query WebhookEndpoints { webhookEndpoints { id url \
description eventTypeNames enabled disabledReason failingSince createdAt channel { code } } }";

/// The newest deliveries of one endpoint.
pub const WEBHOOK_DELIVERIES: &str = "query WebhookDeliveries($endpointId: ID!, $first: Int!) { \
webhookDeliveries(endpointId: $endpointId, first: $first) { totalCount edges { node { id eventId \
eventTypeName status attempts responseCode latencyMs error createdAt deliveredAt nextAttemptAt \
redeliveryOf } } } }";

/// Registers an endpoint (the console's form).
pub const CREATE_WEBHOOK_ENDPOINT: &str = "mutation CreateWebhookEndpoint(\
$input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret \
endpoint { id } } }";

/// Sends a delivery again (the console's Redeliver button).
pub const REDELIVER_WEBHOOK: &str = "mutation RedeliverWebhook($deliveryId: ID!) { redeliverWebhook(deliveryId: $deliveryId) { id } }";

/// `(operation name, document)` for every document above (a backend test
/// validates them against the schema).
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("WebhookEndpoints", WEBHOOK_ENDPOINTS),
    ("WebhookDeliveries", WEBHOOK_DELIVERIES),
    ("CreateWebhookEndpoint", CREATE_WEBHOOK_ENDPOINT),
    ("RedeliverWebhook", REDELIVER_WEBHOOK),
];

/// A channel as an endpoint names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCode {
    pub code: String,
}

/// One endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    pub event_type_names: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<String>,
    pub created_at: String,
    pub channel: Option<ChannelCode>,
}

/// One line of an endpoint's delivery log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub id: String,
    pub event_id: Option<i64>,
    pub event_type_name: String,
    pub status: WebhookDeliveryStatus,
    pub attempts: i32,
    pub response_code: Option<i32>,
    pub latency_ms: Option<i64>,
    pub error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub next_attempt_at: Option<String>,
    pub redelivery_of: Option<String>,
}

/// An endpoint with its newest deliveries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointWithLog {
    pub endpoint: Endpoint,
    pub deliveries: Vec<Delivery>,
    pub total: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EndpointsData {
    webhook_endpoints: Vec<Endpoint>,
}

#[derive(Deserialize)]
struct DeliveryEdge {
    node: Delivery,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryConnection {
    total_count: i64,
    edges: Vec<DeliveryEdge>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveriesData {
    webhook_deliveries: DeliveryConnection,
}

/// The caller's endpoints, each with its [`RECENT_DELIVERIES`] newest deliveries.
pub fn endpoints_with_log()
-> impl Future<Output = Result<Vec<EndpointWithLog>, ApiError>> + Send + 'static {
    let list = request::<EndpointsData>(WEBHOOK_ENDPOINTS, json!({}));
    async move {
        let mut out = Vec::new();
        for endpoint in list.await?.webhook_endpoints {
            let log = request::<DeliveriesData>(
                WEBHOOK_DELIVERIES,
                json!({ "endpointId": endpoint.id, "first": RECENT_DELIVERIES }),
            )
            .await?
            .webhook_deliveries;
            out.push(EndpointWithLog {
                endpoint,
                total: log.total_count,
                deliveries: log.edges.into_iter().map(|e| e.node).collect(),
            });
        }
        Ok(out)
    }
}
