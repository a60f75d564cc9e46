//! Stripe-shaped REST API: form-encoded requests, Bearer key, `Idempotency-Key`.

use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use serde_json::Value;

use super::super::gateway::{
    CaptureRequest, CreateRequest, CreateResponse, OpKind, QueryRequest, RefundRequest, VoidRequest,
};
use super::super::{CallError, CallOutcome, Gateway, Provider, Secret};
use super::{failed, int_field, json, segment, send, status_error, str_field};

pub(super) struct CardGateway {
    pub(super) http: reqwest::Client,
    pub(super) url: String,
    pub(super) api_key: Secret<String>,
}

fn form(params: &[(&str, String)]) -> String {
    let mut f = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        f.append_pair(k, v);
    }
    f.finish()
}

fn intent_id(provider_reference: &Option<String>) -> Result<&str, CallError> {
    let id = provider_reference
        .as_deref()
        .ok_or_else(|| CallError::Rejected("no PaymentIntent id".into()))?;
    segment(id)
}

/// A refund object's outcome.
fn refund_outcome(refund: &Value) -> CallOutcome {
    let id = str_field(refund, "/id");
    match refund.get("status").and_then(Value::as_str) {
        Some("succeeded") => CallOutcome::Succeeded {
            provider_reference: id,
            amount_minor: int_field(refund, "/amount").unwrap_or(0),
        },
        Some("pending" | "requires_action") => CallOutcome::Pending {
            provider_reference: id,
        },
        other => failed(format!(
            "refund {}",
            str_field(refund, "/failure_reason")
                .or(other.map(str::to_string))
                .unwrap_or_default()
        )),
    }
}

impl CardGateway {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<(String, &str)>,
    ) -> Result<Value, CallError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(self.api_key.expose());
        if let Some((body, idempotency_key)) = body {
            request = request
                .header("Idempotency-Key", idempotency_key)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let answer = send(request).await?;
        if !(200..300).contains(&answer.status) {
            let message = serde_json::from_str::<Value>(&answer.body)
                .ok()
                .and_then(|v| str_field(&v, "/error/message"))
                .unwrap_or_else(|| answer.body.chars().take(200).collect());
            return Err(status_error(&answer, message));
        }
        json(&answer.body)
    }

    async fn intent(&self, id: &str) -> Result<Value, CallError> {
        self.call(
            reqwest::Method::GET,
            &format!("/v1/payment_intents/{id}"),
            None,
        )
        .await
    }

    async fn find_intent(&self, req: &QueryRequest) -> Result<Option<Value>, CallError> {
        if let Some(id) = &req.provider_reference {
            return self.intent(segment(id)?).await.map(Some);
        }
        let query = form(&[(
            "query",
            format!("metadata['reference']:'{}'", segment(&req.reference)?),
        )]);
        let found = self
            .call(
                reqwest::Method::GET,
                &format!("/v1/payment_intents/search?{query}"),
                None,
            )
            .await?;
        Ok(found.pointer("/data/0").cloned())
    }
}

impl Gateway for CardGateway {
    fn create<'a>(
        &'a self,
        req: &'a CreateRequest,
    ) -> BoxFuture<'a, Result<CreateResponse, CallError>> {
        async move {
            if req.provider != Provider::Card {
                return Err(CallError::Rejected(format!(
                    "the card gateway cannot create a {} payment",
                    req.provider
                )));
            }
            let body = form(&[
                ("amount", req.amount_minor.to_string()),
                ("currency", req.currency.to_ascii_lowercase()),
                ("capture_method", "manual".into()),
                ("description", req.description.clone()),
                ("metadata[reference]", req.reference.clone()),
            ]);
            let pi = self
                .call(
                    reqwest::Method::POST,
                    "/v1/payment_intents",
                    Some((body, &req.idempotency_key)),
                )
                .await?;
            let id = str_field(&pi, "/id")
                .ok_or_else(|| CallError::Unknown("PaymentIntent without id".into()))?;
            let secret = str_field(&pi, "/client_secret").unwrap_or_default();
            // The checkout page confirms the PaymentIntent with its client secret.
            let separator = if req.return_url.contains('?') {
                '&'
            } else {
                '?'
            };
            let query = form(&[
                ("payment_intent", id.clone()),
                ("payment_intent_client_secret", secret),
            ]);
            Ok(CreateResponse {
                provider_reference: Some(id),
                redirect_url: format!("{}{separator}{query}", req.return_url),
            })
        }
        .boxed()
    }

    fn capture<'a>(
        &'a self,
        req: &'a CaptureRequest,
    ) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            let id = intent_id(&req.provider_reference)?;
            let body = form(&[
                ("amount_to_capture", req.amount_minor.to_string()),
                ("final_capture", req.final_capture.to_string()),
            ]);
            let pi = self
                .call(
                    reqwest::Method::POST,
                    &format!("/v1/payment_intents/{id}/capture"),
                    Some((body, &req.idempotency_key)),
                )
                .await?;
            // The capture asked for is what this call captured; the
            // PaymentIntent only knows the running total.
            Ok(match captured(&pi) {
                CallOutcome::Succeeded {
                    provider_reference, ..
                } => CallOutcome::Succeeded {
                    provider_reference,
                    amount_minor: req.amount_minor,
                },
                other => other,
            })
        }
        .boxed()
    }

    fn void<'a>(&'a self, req: &'a VoidRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            let id = intent_id(&req.provider_reference)?;
            let pi = self
                .call(
                    reqwest::Method::POST,
                    &format!("/v1/payment_intents/{id}/cancel"),
                    Some((String::new(), &req.idempotency_key)),
                )
                .await?;
            Ok(canceled(&pi))
        }
        .boxed()
    }

    fn refund<'a>(
        &'a self,
        req: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            let id = intent_id(&req.provider_reference)?;
            let body = form(&[
                ("payment_intent", id.to_string()),
                ("amount", req.amount_minor.to_string()),
                ("reason", "requested_by_customer".into()),
                ("metadata[idempotency_key]", req.idempotency_key.clone()),
                ("metadata[reference]", req.reference.clone()),
                ("metadata[reason]", req.reason.clone()),
            ]);
            let refund = self
                .call(
                    reqwest::Method::POST,
                    "/v1/refunds",
                    Some((body, &req.idempotency_key)),
                )
                .await?;
            Ok(refund_outcome(&refund))
        }
        .boxed()
    }

    fn query<'a>(&'a self, req: &'a QueryRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            let Some(pi) = self.find_intent(req).await? else {
                return Ok(failed("no PaymentIntent for this reference"));
            };
            let id = str_field(&pi, "/id");
            let status = pi.get("status").and_then(Value::as_str).unwrap_or_default();
            Ok(match req.kind {
                OpKind::Create => match status {
                    "canceled" => failed("PaymentIntent canceled"),
                    "requires_capture" | "succeeded" => CallOutcome::Succeeded {
                        provider_reference: id,
                        amount_minor: int_field(&pi, "/amount").unwrap_or(0),
                    },
                    _ => CallOutcome::Pending {
                        provider_reference: id,
                    },
                },
                // The running total cannot tell which capture went through:
                // replaying the request under the same Idempotency-Key
                // returns the first answer (Stripe keeps it 24 hours).
                OpKind::Capture => {
                    return Err(CallError::Rejected(
                        "replay the capture under the same Idempotency-Key".into(),
                    ));
                }
                OpKind::Void => canceled(&pi),
                OpKind::Refund => {
                    let Some(id) = id else {
                        return Ok(failed("PaymentIntent without id"));
                    };
                    let query = form(&[("payment_intent", id), ("limit", "100".into())]);
                    let list = self
                        .call(reqwest::Method::GET, &format!("/v1/refunds?{query}"), None)
                        .await?;
                    let mine = list
                        .get("data")
                        .and_then(Value::as_array)
                        .and_then(|refunds| {
                            refunds.iter().find(|r| {
                                r.pointer("/metadata/idempotency_key")
                                    .and_then(Value::as_str)
                                    == Some(req.idempotency_key.as_str())
                            })
                        });
                    match mine {
                        Some(refund) => refund_outcome(refund),
                        None => failed("no refund with this idempotency key"),
                    }
                }
            })
        }
        .boxed()
    }
}

/// Whether a PaymentIntent has captured anything (`amount_minor` is the
/// cumulative `amount_received`).
fn captured(pi: &Value) -> CallOutcome {
    let id = str_field(pi, "/id");
    let received = int_field(pi, "/amount_received").unwrap_or(0);
    match pi.get("status").and_then(Value::as_str) {
        Some("processing") => CallOutcome::Pending {
            provider_reference: id,
        },
        _ if received > 0 => CallOutcome::Succeeded {
            provider_reference: id,
            amount_minor: received,
        },
        other => failed(format!(
            "not captured (status {})",
            other.unwrap_or("unknown")
        )),
    }
}

fn canceled(pi: &Value) -> CallOutcome {
    match pi.get("status").and_then(Value::as_str) {
        Some("canceled") => CallOutcome::Succeeded {
            provider_reference: str_field(pi, "/id"),
            amount_minor: 0,
        },
        other => failed(format!(
            "not canceled (status {})",
            other.unwrap_or("unknown")
        )),
    }
}
