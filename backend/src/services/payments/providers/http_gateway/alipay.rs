//! Alipay open API gateway: RSA2-signed form requests, JSON responses whose
//! `<method>_response` node Alipay signs with its key.

use chrono::Utc;
use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json as json_value};

use super::super::alipay::{beijing, format_yuan, parse_yuan, signed_form};
use super::super::gateway::{
    CaptureRequest, CreateRequest, CreateResponse, OpKind, QueryRequest, RefundRequest, VoidRequest,
};
use super::super::keys::verify_sha256_rsa;
use super::super::{CallError, CallOutcome, Gateway, Provider, Secret};
use super::{failed, json, send, status_error, str_field};

pub(super) struct AlipayGateway {
    pub(super) http: reqwest::Client,
    pub(super) url: String,
    pub(super) app_id: String,
    pub(super) key: Secret<RsaPrivateKey>,
    pub(super) alipay_key: RsaPublicKey,
}

/// A cleanly answered call: the response node, or a business refusal.
enum Reply {
    Success(Value),
    Refused(String),
}

/// The raw text of the top-level member `name`'s value (what Alipay signs).
fn raw_member<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let at = body.find(&format!("\"{name}\""))? + name.len() + 2;
    let rest = body.get(at..)?.trim_start().strip_prefix(':')?.trim_start();
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<serde::de::IgnoredAny>();
    values.next()?.ok()?;
    rest.get(..values.byte_offset())
}

fn amount(value: &Value, field: &str) -> Option<i64> {
    value
        .get(field)
        .and_then(Value::as_str)
        .and_then(|v| parse_yuan(field, v).ok())
}

impl AlipayGateway {
    /// The signed parameters of a call to `method`.
    fn signed(
        &self,
        method: &str,
        biz: &Value,
        extra: &[(&'static str, String)],
    ) -> Result<String, CallError> {
        let mut params: Vec<(&str, String)> = vec![
            ("app_id", self.app_id.clone()),
            ("method", method.to_string()),
            ("format", "JSON".into()),
            ("charset", "utf-8".into()),
            ("timestamp", beijing(Utc::now())),
            ("version", "1.0".into()),
            ("biz_content", biz.to_string()),
        ];
        params.extend(extra.iter().cloned());
        signed_form(self.key.expose(), &params)
            .map_err(|e| CallError::Rejected(format!("signing failed: {e}")))
    }

    async fn call(&self, method: &str, biz: Value) -> Result<Reply, CallError> {
        let body = self.signed(method, &biz, &[])?;
        let answer = send(
            self.http
                .post(&self.url)
                .header(
                    "Content-Type",
                    "application/x-www-form-urlencoded;charset=utf-8",
                )
                .body(body),
        )
        .await?;
        if !(200..300).contains(&answer.status) {
            return Err(status_error(
                &answer,
                answer.body.chars().take(200).collect(),
            ));
        }
        let node = format!("{}_response", method.replace('.', "_"));
        let value = json(&answer.body)?;
        let response = value
            .get(&node)
            .cloned()
            .ok_or_else(|| CallError::Unknown(format!("response without {node}")))?;
        let code = response
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let reason = || {
            let sub = str_field(&response, "/sub_code").unwrap_or_default();
            let msg = str_field(&response, "/sub_msg").or_else(|| str_field(&response, "/msg"));
            format!("{code} {sub}: {}", msg.unwrap_or_default())
        };
        match code {
            "10000" => {
                let signed = match (
                    value.get("sign").and_then(Value::as_str),
                    raw_member(&answer.body, &node),
                ) {
                    (Some(sign), Some(raw)) => {
                        verify_sha256_rsa(&self.alipay_key, raw.as_bytes(), sign)
                    }
                    _ => false,
                };
                if signed {
                    Ok(Reply::Success(response))
                } else {
                    Err(CallError::Unknown("response signature invalid".into()))
                }
            }
            // Business refusal, unless Alipay itself failed.
            "40004" if str_field(&response, "/sub_code").as_deref() == Some("ACQ.SYSTEM_ERROR") => {
                Err(CallError::Unknown(reason()))
            }
            "40004" => Ok(Reply::Refused(reason())),
            "20000" | "20001" => Err(CallError::Unknown(reason())),
            _ => Err(CallError::Rejected(reason())),
        }
    }

    fn trade(reference: &str, provider_reference: &Option<String>) -> Value {
        let mut biz = json_value!({ "out_trade_no": reference });
        if let Some(no) = provider_reference {
            biz["trade_no"] = Value::String(no.clone());
        }
        biz
    }
}

impl Gateway for AlipayGateway {
    fn create<'a>(
        &'a self,
        req: &'a CreateRequest,
    ) -> BoxFuture<'a, Result<CreateResponse, CallError>> {
        async move {
            if req.provider != Provider::Alipay {
                return Err(CallError::Rejected(format!(
                    "the alipay gateway cannot create a {} payment",
                    req.provider
                )));
            }
            if req.currency != "CNY" {
                return Err(CallError::Rejected(format!(
                    "alipay settles CNY, not {}",
                    req.currency
                )));
            }
            let biz = json_value!({
                "out_trade_no": req.reference,
                "total_amount": format_yuan(req.amount_minor),
                "subject": req.description,
                "product_code": "FAST_INSTANT_TRADE_PAY",
            });
            // alipay.trade.page.pay is a page the buyer opens, not a server call.
            let query = self.signed(
                "alipay.trade.page.pay",
                &biz,
                &[
                    ("notify_url", req.notify_url.clone()),
                    ("return_url", req.return_url.clone()),
                ],
            )?;
            let separator = if self.url.contains('?') { '&' } else { '?' };
            Ok(CreateResponse {
                provider_reference: None,
                redirect_url: format!("{}{separator}{query}", self.url),
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
                "alipay captures at payment; there is nothing to capture".into(),
            ))
        }
        .boxed()
    }

    fn void<'a>(&'a self, req: &'a VoidRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            Ok(
                match self
                    .call(
                        "alipay.trade.close",
                        Self::trade(&req.reference, &req.provider_reference),
                    )
                    .await?
                {
                    Reply::Success(r) => CallOutcome::Succeeded {
                        provider_reference: str_field(&r, "/trade_no"),
                        amount_minor: 0,
                    },
                    Reply::Refused(reason) => failed(reason),
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
            let mut biz = Self::trade(&req.reference, &req.provider_reference);
            biz["refund_amount"] = Value::String(format_yuan(req.amount_minor));
            biz["out_request_no"] = Value::String(super::super::request_no(&req.idempotency_key));
            biz["refund_reason"] = Value::String(req.reason.clone());
            Ok(match self.call("alipay.trade.refund", biz).await? {
                // Repeating an out_request_no answers 10000 with fund_change N: still this refund.
                Reply::Success(r) => CallOutcome::Succeeded {
                    provider_reference: str_field(&r, "/trade_no"),
                    amount_minor: req.amount_minor,
                },
                Reply::Refused(reason) => failed(reason),
            })
        }
        .boxed()
    }

    fn query<'a>(&'a self, req: &'a QueryRequest) -> BoxFuture<'a, Result<CallOutcome, CallError>> {
        async move {
            let biz = Self::trade(&req.reference, &req.provider_reference);
            match req.kind {
                OpKind::Capture => Err(CallError::Rejected("alipay has no captures".into())),
                OpKind::Refund => {
                    let mut biz = biz;
                    biz["out_request_no"] =
                        Value::String(super::super::request_no(&req.idempotency_key));
                    Ok(
                        match self.call("alipay.trade.fastpay.refund.query", biz).await? {
                            Reply::Success(r) => match amount(&r, "refund_amount") {
                                Some(amount_minor)
                                    if r.get("refund_status")
                                        .and_then(Value::as_str)
                                        .is_none_or(|s| s == "REFUND_SUCCESS") =>
                                {
                                    CallOutcome::Succeeded {
                                        provider_reference: str_field(&r, "/trade_no"),
                                        amount_minor,
                                    }
                                }
                                _ => failed("no refund with this request number"),
                            },
                            Reply::Refused(reason) => failed(reason),
                        },
                    )
                }
                OpKind::Create | OpKind::Void => {
                    let (status, r) = match self.call("alipay.trade.query", biz).await? {
                        Reply::Success(r) => {
                            (str_field(&r, "/trade_status").unwrap_or_default(), r)
                        }
                        // The trade exists only once the buyer opened the page.
                        Reply::Refused(reason) if reason.contains("ACQ.TRADE_NOT_EXIST") => {
                            return Ok(if req.kind == OpKind::Create {
                                CallOutcome::Pending {
                                    provider_reference: None,
                                }
                            } else {
                                failed(reason)
                            });
                        }
                        Reply::Refused(reason) => return Ok(failed(reason)),
                    };
                    let provider_reference = str_field(&r, "/trade_no");
                    Ok(match (req.kind, status.as_str()) {
                        (OpKind::Void, "TRADE_CLOSED") => CallOutcome::Succeeded {
                            provider_reference,
                            amount_minor: 0,
                        },
                        (OpKind::Void, other) => failed(format!("trade is {other}")),
                        (_, "TRADE_SUCCESS" | "TRADE_FINISHED") => CallOutcome::Succeeded {
                            provider_reference,
                            amount_minor: amount(&r, "total_amount").unwrap_or(0),
                        },
                        (_, "TRADE_CLOSED") => failed("trade closed"),
                        _ => CallOutcome::Pending { provider_reference },
                    })
                }
            }
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::raw_member;

    #[test]
    fn raw_member_is_the_signed_text() {
        let body = r#"{"alipay_trade_refund_response":{"code":"10000","msg":"Success","x":"}\""} ,"sign":"abc"}"#;
        assert_eq!(
            raw_member(body, "alipay_trade_refund_response"),
            Some(r#"{"code":"10000","msg":"Success","x":"}\""}"#)
        );
        assert_eq!(raw_member(body, "missing"), None);
    }
}
