//! WeChat Pay API v3: JSON calls signed `WECHATPAY2-SHA256-RSA2048` with the
//! merchant key; answers are checked against the platform key.

use chrono::Utc;
use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json as json_value};

use super::super::gateway::{
    CaptureRequest, CreateRequest, CreateResponse, OpKind, QueryRequest, RefundRequest, VoidRequest,
};
use super::super::keys::{sign_sha256_rsa, verify_sha256_rsa};
use super::super::wechatpay::message;
use super::super::{CallError, CallOutcome, Gateway, Provider, Secret, random_alphanumeric};
use super::{Answer, failed, int_field, json, segment, send, status_error, str_field};

pub(super) struct WechatPayGateway {
    pub(super) http: reqwest::Client,
    pub(super) url: String,
    pub(super) app_id: String,
    pub(super) mch_id: String,
    pub(super) key: Secret<RsaPrivateKey>,
    pub(super) serial: String,
    pub(super) platform_key: RsaPublicKey,
    pub(super) platform_serial: String,
}

/// The request line WeChat Pay signs: `METHOD\nPATH\nTS\nNONCE\nBODY\n`.
pub(super) fn request_message(
    method: &str,
    path: &str,
    timestamp: &str,
    nonce: &str,
    body: &str,
) -> String {
    format!("{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n")
}

fn refund_outcome(r: &Value) -> CallOutcome {
    let id = str_field(r, "/refund_id");
    match r.get("status").and_then(Value::as_str) {
        Some("SUCCESS") => CallOutcome::Succeeded {
            provider_reference: id,
            amount_minor: int_field(r, "/amount/refund").unwrap_or(0),
        },
        Some("PROCESSING") => CallOutcome::Pending {
            provider_reference: id,
        },
        other => failed(format!("refund {}", other.unwrap_or("unknown"))),
    }
}

impl WechatPayGateway {
    /// `Ok(None)` is a 204; a 404 is a clean "does not exist" refusal.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Result<Option<Value>, String>, CallError> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let timestamp = Utc::now().timestamp().to_string();
        let nonce = random_alphanumeric(32);
        let signature = sign_sha256_rsa(
            self.key.expose(),
            request_message(method.as_str(), path, &timestamp, &nonce, &body).as_bytes(),
        )
        .map_err(|e| CallError::Rejected(format!("signing failed: {e}")))?;
        let authorization = format!(
            "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
            self.mch_id, self.serial
        );
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.url))
            .header("Authorization", authorization)
            .header("Accept", "application/json");
        if method != reqwest::Method::GET {
            request = request
                .header("Content-Type", "application/json")
                .body(body);
        }
        let answer = send(request).await?;
        if !(200..300).contains(&answer.status) {
            let v = serde_json::from_str::<Value>(&answer.body).unwrap_or(Value::Null);
            let code = str_field(&v, "/code").unwrap_or_default();
            let message = format!("{code}: {}", str_field(&v, "/message").unwrap_or_default());
            return match (answer.status, code.as_str()) {
                (404, "ORDER_NOT_EXIST" | "RESOURCE_NOT_EXISTS") => Ok(Err(message)),
                (_, "SYSTEM_ERROR" | "FREQUENCY_LIMITED") => Err(CallError::Unknown(message)),
                _ => Err(status_error(&answer, message)),
            };
        }
        if !self.signed_by_platform(&answer) {
            return Err(CallError::Unknown("response signature invalid".into()));
        }
        if answer.body.is_empty() {
            return Ok(Ok(None));
        }
        json(&answer.body).map(|v| Ok(Some(v)))
    }

    fn signed_by_platform(&self, answer: &Answer) -> bool {
        let h = |name: &str| answer.headers.get(name).and_then(|v| v.to_str().ok());
        match (
            h("wechatpay-timestamp"),
            h("wechatpay-nonce"),
            h("wechatpay-signature"),
            h("wechatpay-serial"),
        ) {
            (Some(ts), Some(nonce), Some(signature), Some(serial)) => {
                serial == self.platform_serial
                    && verify_sha256_rsa(
                        &self.platform_key,
                        &message(ts, nonce, answer.body.as_bytes()),
                        signature,
                    )
            }
            _ => false,
        }
    }

    async fn order(&self, reference: &str) -> Result<Result<Value, String>, CallError> {
        let path = format!(
            "/v3/pay/transactions/out-trade-no/{}?mchid={}",
            segment(reference)?,
            segment(&self.mch_id)?
        );
        Ok(self
            .call(reqwest::Method::GET, &path, None)
            .await?
            .map(Option::unwrap_or_default))
    }
}

impl Gateway for WechatPayGateway {
    fn create<'a>(
        &'a self,
        req: &'a CreateRequest,
    ) -> BoxFuture<'a, Result<CreateResponse, CallError>> {
        async move {
            if req.provider != Provider::WechatPay {
                return Err(CallError::Rejected(format!(
                    "the wechatpay gateway cannot create a {} payment",
                    req.provider
                )));
            }
            let body = json_value!({
                "appid": self.app_id,
                "mchid": self.mch_id,
                "description": req.description,
                "out_trade_no": req.reference,
                "notify_url": req.notify_url,
                "amount": { "total": req.amount_minor, "currency": req.currency },
            });
            let answer = self
                .call(
                    reqwest::Method::POST,
                    "/v3/pay/transactions/native",
                    Some(body),
                )
                .await?;
            let code_url = answer
                .ok()
                .flatten()
                .and_then(|v| str_field(&v, "/code_url"))
                .ok_or_else(|| CallError::Unknown("answer without code_url".into()))?;
            Ok(CreateResponse {
                provider_reference: None,
                redirect_url: code_url,
            })
        }
        .boxed()
    }

    fn capture<'a>(
        &'a self,
        _req: &'a CaptureRequest,
    ) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            Err(CallError::Rejected(
                "wechatpay captures at payment; there is nothing to capture".into(),
            ))
        }
        .boxed()
    }

    fn void<'a>(&'a self, req: &'a VoidRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            let path = format!(
                "/v3/pay/transactions/out-trade-no/{}/close",
                segment(&req.reference)?
            );
            let body = json_value!({ "mchid": self.mch_id });
            Ok(
                match self.call(reqwest::Method::POST, &path, Some(body)).await? {
                    Ok(_) => CallOutcome::Succeeded {
                        provider_reference: req.provider_reference.clone(),
                        amount_minor: 0,
                    },
                    Err(reason) => failed(reason),
                },
            )
        }
        .boxed()
    }

    fn refund<'a>(
        &'a self,
        req: &'a RefundRequest,
    ) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            let mut body = json_value!({
                "out_trade_no": req.reference,
                "out_refund_no": super::super::request_no(&req.idempotency_key),
                "reason": req.reason,
                "amount": { "refund": req.amount_minor, "total": req.total_minor, "currency": req.currency },
            });
            if let Some(transaction_id) = &req.provider_reference {
                body["transaction_id"] = Value::String(transaction_id.clone());
            }
            Ok(match self.call(reqwest::Method::POST, "/v3/refund/domestic/refunds", Some(body)).await? {
                Ok(Some(r)) => refund_outcome(&r),
                Ok(None) => return Err(CallError::Unknown("empty refund answer".into())),
                Err(reason) => failed(reason),
            })
        }
        .boxed()
    }

    fn query<'a>(&'a self, req: &'a QueryRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            match req.kind {
                OpKind::Capture => Err(CallError::Rejected("wechatpay has no captures".into())),
                OpKind::Refund => {
                    let path = format!(
                        "/v3/refund/domestic/refunds/{}",
                        segment(&super::super::request_no(&req.idempotency_key))?
                    );
                    Ok(match self.call(reqwest::Method::GET, &path, None).await? {
                        Ok(Some(r)) => refund_outcome(&r),
                        Ok(None) => failed("empty refund answer"),
                        Err(reason) => failed(reason),
                    })
                }
                OpKind::Create | OpKind::Void => {
                    let order = match self.order(&req.reference).await? {
                        Ok(order) => order,
                        Err(reason) => return Ok(failed(reason)),
                    };
                    let provider_reference = str_field(&order, "/transaction_id");
                    let state = str_field(&order, "/trade_state").unwrap_or_default();
                    Ok(match (req.kind, state.as_str()) {
                        (OpKind::Void, "CLOSED" | "REVOKED") => CallOutcome::Succeeded {
                            provider_reference,
                            amount_minor: 0,
                        },
                        (OpKind::Void, other) => failed(format!("order is {other}")),
                        (_, "SUCCESS" | "REFUND") => CallOutcome::Succeeded {
                            provider_reference,
                            amount_minor: int_field(&order, "/amount/total").unwrap_or(0),
                        },
                        (_, "CLOSED" | "REVOKED" | "PAYERROR") => {
                            failed(format!("order is {state}"))
                        }
                        _ => CallOutcome::Pending { provider_reference },
                    })
                }
            }
        }
        .boxed()
    }
}
