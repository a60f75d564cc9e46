//! Helpers of the email tests: a real SMTP server on loopback
//! (`tests/smtp_sink.py`, aiosmtpd) that keeps every message decoded, and
//! the order's notification log read over GraphQL.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::helpers::{TestApp, TestAppBuilder, assert_ok, workspace_root};

/// The longest a test waits for mail to arrive before it fails.
pub(crate) const MAIL_WAIT: Duration = Duration::from_secs(60);

/// A python with aiosmtpd: Debian's (python3-aiosmtpd) before whatever is
/// first on PATH.
pub(crate) fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// A port nothing listens on (right now).
pub(crate) fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

/// One received email, decoded by the sink.
#[derive(Clone, Debug)]
pub(crate) struct Mail {
    pub(crate) rcpt: Vec<String>,
    pub(crate) subject: String,
    pub(crate) message_id: String,
    pub(crate) text: String,
    pub(crate) html: String,
}

impl Mail {
    fn from_json(v: &Value) -> Mail {
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        Mail {
            rcpt: v["rcpt"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str().map(str::to_lowercase))
                .collect(),
            subject: s("subject"),
            message_id: s("message_id"),
            text: s("text"),
            html: s("html"),
        }
    }
}

/// `tests/smtp_sink.py serve`: an SMTP server on 127.0.0.1 that keeps
/// every message (and refuses recipients starting with `bounce`).
pub(crate) struct SmtpSink {
    _child: tokio::process::Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl SmtpSink {
    pub(crate) async fn start() -> SmtpSink {
        Self::start_on(free_port()).await
    }

    pub(crate) async fn start_on(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().expect("sink dir");
        let script = workspace_root().join("tests").join("smtp_sink.py");
        let mut child = tokio::process::Command::new(python())
            .arg(&script)
            .arg("serve")
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start tests/smtp_sink.py (needs python3-aiosmtpd)");
        let stdout = child.stdout.take().expect("sink stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("listening") {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(
            ready.ok(),
            Some(true),
            "the SMTP sink did not start (is python3-aiosmtpd installed?)"
        );
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        SmtpSink {
            _child: child,
            dir,
            port,
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub(crate) fn mails(&self) -> Vec<Mail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("read sink dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).expect("read mail");
                Mail::from_json(&serde_json::from_str(&text).expect("mail json"))
            })
            .collect()
    }

    /// The mail to `to` whose subject contains `subject`, waiting for it.
    pub(crate) async fn wait_for(&self, to: &str, subject: &str) -> Mail {
        let to = to.to_lowercase();
        let deadline = tokio::time::Instant::now() + MAIL_WAIT;
        loop {
            if let Some(m) = self
                .mails()
                .into_iter()
                .find(|m| m.rcpt.contains(&to) && m.subject.contains(subject))
            {
                return m;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no mail to {to} about {subject:?}; got {:?}",
                self.mails()
                    .iter()
                    .map(|m| (&m.rcpt, &m.subject))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub(crate) fn count_to(&self, to: &str) -> usize {
        let to = to.to_lowercase();
        self.mails().iter().filter(|m| m.rcpt.contains(&to)).count()
    }
}

pub(crate) const LOG_FIELDS: &str = "id channel template language status recipient subject sentAt error attempts createdAt resendOf";

/// The order's notification log as `token` sees it.
pub(crate) async fn log_of(app: &TestApp, token: &str, number: &str) -> Vec<Value> {
    let q = format!(
        "query($n: String!) {{ order(number: $n) {{ notifications {{ {LOG_FIELDS} }} }} }}"
    );
    let resp = app.gql_as(token, &q, json!({ "n": number })).await;
    assert_ok(&resp)["order"]["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits until the log has an entry of `template` satisfying `ok`.
pub(crate) async fn wait_log(
    app: &TestApp,
    token: &str,
    number: &str,
    template: &str,
    ok: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + MAIL_WAIT;
    loop {
        let log = log_of(app, token, number).await;
        if let Some(n) = log.iter().find(|n| n["template"] == template && ok(n)) {
            return n.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {template} entry as expected in {log:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) fn email_of(customer: &crate::helpers::Tokens) -> String {
    customer.user["email"].as_str().expect("email").to_string()
}

pub(crate) async fn set_preferences(app: &TestApp, token: &str, input: Value) -> Value {
    let resp = app
        .gql_as(
            token,
            "mutation($i: NotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { language shippingUpdates serviceUpdates } }",
            json!({ "i": input }),
        )
        .await;
    assert_ok(&resp)["updateNotificationPreferences"].clone()
}

pub(crate) fn mailing(sink: &SmtpSink) -> TestAppBuilder {
    TestApp::builder().env("OMS_SMTP_URL", sink.url())
}

/// A new customer with one order placed (an AUD-001 by post): (customer,
/// order number).
pub(crate) async fn customer_with_order(app: &TestApp) -> (crate::helpers::Tokens, String) {
    let customer = crate::order_helpers::new_customer(app).await;
    let number = crate::fulfillment::place(
        app,
        &customer.access_token,
        crate::fulfillment::input(&[("AUD-001", 1)], "POSTAL"),
    )
    .await;
    (customer, number)
}

/// The emails the issue asks for (the list may grow: every template is
/// listed in both languages).
pub(crate) const ISSUE_TEMPLATES: [&str; 11] = [
    "ORDER_PLACED",
    "PAYMENT_RECEIVED",
    "SHIPMENT_SHIPPED",
    "SHIPMENT_OUT_FOR_DELIVERY",
    "SHIPMENT_DELIVERED",
    "READY_FOR_PICKUP",
    "ORDER_CANCELLED",
    "REFUND_ISSUED",
    "RETURN_APPROVED",
    "RETURN_RECEIVED",
    "TICKET_REPLIED",
];

/// `(template, language)` of every entry of an `emailTemplates` list.
pub(crate) fn listed(list: &[Value]) -> std::collections::BTreeSet<(String, String)> {
    list.iter()
        .map(|t| {
            let text = |k: &str| t[k].as_str().unwrap_or_default().to_owned();
            (text("template"), text("language"))
        })
        .collect()
}

/// Every template of the issue, and every template at all, in English and Chinese.
pub(crate) fn assert_every_template_in_both_languages(list: &[Value]) {
    let listed = listed(list);
    assert_eq!(listed.len(), list.len(), "listed twice: {list:?}");
    for (template, _) in &listed {
        for lang in ["EN", "ZH"] {
            assert!(
                listed.contains(&(template.clone(), lang.to_owned())),
                "{template} lacks {lang}"
            );
        }
    }
    for t in ISSUE_TEMPLATES {
        assert!(
            listed.contains(&(t.to_owned(), "EN".to_owned())),
            "{t} not listed"
        );
    }
}
