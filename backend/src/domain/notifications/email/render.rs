//! Rendering email templates with minijinja: a subject line, a plain-text
//! body and an HTML body (auto-escaped, wrapped in one shared layout).
//! [`validate`] is what saving an edited template runs, so a template that
//! cannot render is refused when it is saved, not when it is sent.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::{Value, json};

/// A template's three parts as written (built-in or edited).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A rendered email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    /// A whole HTML document.
    pub html: String,
}

/// Which part failed (`subject`, `textBody`, `htmlBody`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub field: &'static str,
    pub message: String,
}

const SUBJECT_FIELD: &str = "subject";
const TEXT_FIELD: &str = "textBody";
const HTML_FIELD: &str = "htmlBody";

/// The longest part we accept (characters).
pub const MAX_PART_CHARS: usize = 20_000;

fn environment(escape: AutoEscape) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.set_auto_escape_callback(move |_| escape);
    // Deep recursion or huge loops in an edited template must not stall the sender.
    env.set_recursion_limit(50);
    env
}

fn render_part(
    field: &'static str,
    escape: AutoEscape,
    source: &str,
    ctx: &Value,
) -> Result<String, TemplateError> {
    let fail = |e: minijinja::Error| TemplateError {
        field,
        message: describe(&e),
    };
    if source.chars().count() > MAX_PART_CHARS {
        return Err(TemplateError {
            field,
            message: format!("is longer than {MAX_PART_CHARS} characters"),
        });
    }
    let env = environment(escape);
    let tmpl = env.template_from_str(source).map_err(fail)?;
    tmpl.render(ctx).map_err(fail)
}

/// The error's kind and detail with its line, without minijinja's
/// multi-line source excerpt.
fn describe(e: &minijinja::Error) -> String {
    let detail = e.detail().unwrap_or_default();
    let mut out = e.kind().to_string();
    if !detail.is_empty() {
        out.push_str(": ");
        out.push_str(detail);
    }
    if let Some(line) = e.line() {
        out.push_str(&format!(" (line {line})"));
    }
    out
}

/// Renders `src` with `ctx` (the variables of [`sample_context`]).
pub fn render(src: &Source, ctx: &Value) -> Result<Rendered, TemplateError> {
    let subject = render_part(SUBJECT_FIELD, AutoEscape::None, &src.subject, ctx)?;
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    if subject.is_empty() {
        return Err(TemplateError {
            field: SUBJECT_FIELD,
            message: "renders empty".into(),
        });
    }
    let text = render_part(TEXT_FIELD, AutoEscape::None, &src.text, ctx)?;
    let body = render_part(HTML_FIELD, AutoEscape::Html, &src.html, ctx)?;
    let layout = environment(AutoEscape::Html);
    let html = layout
        .template_from_str(LAYOUT)
        .and_then(|t| {
            let field =
                |k: &str| minijinja::Value::from_serialize(ctx.get(k).unwrap_or(&Value::Null));
            t.render(minijinja::context! {
                subject => subject,
                body => minijinja::Value::from_safe_string(body),
                lang => field("lang"),
                shop_name => field("shop_name"),
            })
        })
        .map_err(|e| TemplateError {
            field: HTML_FIELD,
            message: describe(&e),
        })?;
    Ok(Rendered {
        subject,
        text: text.trim().to_string() + "\n",
        html,
    })
}

/// Checks that every part compiles and renders with sample data; the
/// error names the part.
pub fn validate(src: &Source) -> Result<(), TemplateError> {
    render(src, &sample_context("en")).map(|_| ())
}

/// The HTML document every HTML body goes into.
const LAYOUT: &str = r#"<!DOCTYPE html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{ subject }}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;color:#18181b">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff">
<p style="font-size:18px;font-weight:600;margin:0 0 16px">{{ shop_name }}</p>
{{ body }}
</div>
</body>
</html>
"#;

/// The variables templates can use, filled with example values (the
/// console preview, and the check run when a template is saved).
pub fn sample_context(lang: &str) -> Value {
    json!({
        "lang": lang,
        "shop_name": "OMS",
        "customer_name": "Li Lei",
        "order_number": "SO-2026-000123",
        "order_url": "http://localhost:8080/orders/SO-2026-000123",
        "subtotal": "258.00 CNY",
        "shipping_fee": "12.00 CNY",
        "total": "270.00 CNY",
        "payment_method": "CARD",
        "shipment_number": "SH-2026-000045",
        "carrier": "SF",
        "tracking_number": "SF1234567890",
        "tracking_url": "https://www.kuaidi100.com/chaxun?com=shunfeng&nu=SF1234567890",
        "pickup_code": "482913",
        "pickup_point": "Shanghai Jing'an Store",
        "refund_amount": "129.00 CNY",
        "reference": "RMA-2026-000007",
        "message": "We have received your request and will reply within one working day.",
        "endpoint_url": "https://partner.example.com/oms-hooks",
        "reason": "every delivery failed for 24 hours (last: HTTP 503)",
    })
}
