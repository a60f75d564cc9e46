//! A webhook receiver on loopback for the webhook tests: records every
//! request (path, headers, body) and answers from a script (a status, or
//! a hang longer than the sender's timeout), then 200 once the script is
//! used up. Also the README's verification, in Rust.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the receiver answers one request with.
#[derive(Clone, Copy, Debug)]
pub enum Reply {
    Status(u16),
    /// Waits this long before answering 200 (the sender gives up first).
    Hang(Duration),
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

#[derive(Default)]
struct Inner {
    seen: Vec<Received>,
    script: VecDeque<Reply>,
    /// After the script: this status for every request (default 200).
    then: Option<u16>,
}

/// The receiver; clones share it.
#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl Receiver {
    /// Listens on 127.0.0.1 (a port of its own).
    pub async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let addr = listener.local_addr().expect("addr");
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = inner.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let inner = shared.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut reader = BufReader::new(read);
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let path = line
                            .split_whitespace()
                            .nth(1)
                            .unwrap_or_default()
                            .to_string();
                        let mut headers = HashMap::new();
                        loop {
                            let mut h = String::new();
                            if reader.read_line(&mut h).await.unwrap_or(0) == 0 {
                                return;
                            }
                            let h = h.trim_end();
                            if h.is_empty() {
                                break;
                            }
                            if let Some((k, v)) = h.split_once(':') {
                                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                            }
                        }
                        let length: usize = headers
                            .get("content-length")
                            .and_then(|l| l.parse().ok())
                            .unwrap_or(0);
                        let mut body = vec![0; length];
                        if reader.read_exact(&mut body).await.is_err() {
                            return;
                        }
                        let reply = {
                            let mut i = inner.lock().expect("receiver");
                            i.seen.push(Received {
                                path,
                                headers,
                                body: String::from_utf8_lossy(&body).into_owned(),
                            });
                            let then = i.then.unwrap_or(200);
                            i.script.pop_front().unwrap_or(Reply::Status(then))
                        };
                        let status = match reply {
                            Reply::Status(s) => s,
                            Reply::Hang(d) => {
                                tokio::time::sleep(d).await;
                                200
                            }
                        };
                        let text = "{}";
                        let out = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{text}",
                            text.len()
                        );
                        if write.write_all(out.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Receiver {
            base: format!("http://{addr}"),
            inner,
        }
    }

    /// The URL of `path` on this receiver.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Answers the next requests from `script`, then `then` for the rest.
    pub fn script(&self, script: &[Reply], then: u16) {
        let mut i = self.inner.lock().expect("receiver");
        i.script = script.iter().copied().collect();
        i.then = Some(then);
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Received> {
        self.inner.lock().expect("receiver").seen.clone()
    }

    /// Requests to `path`.
    pub fn seen_at(&self, path: &str) -> Vec<Received> {
        self.seen().into_iter().filter(|r| r.path == path).collect()
    }
}

/// The README's verification: `X-OMS-Signature: t=<unix>,v1=<hex>` where
/// hex = HMAC-SHA256(secret, "<t>.<raw body>"); compare in constant time
/// and refuse timestamps older than five minutes.
pub fn verify_signature(secret: &str, header: &str, body: &str) -> bool {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if (chrono::Utc::now().timestamp() - t).abs() > 300 {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    sigs.iter().any(|s| {
        s.len() == expected.len()
            && s.bytes()
                .zip(expected.bytes())
                .fold(0u8, |a, (x, y)| a | (x ^ y))
                == 0
    })
}

/// Polls `check` every 50 ms until it returns `Some`, or panics after 60 s
/// with `what`.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The README's verification sample in `lang` (`python` or `js`), dedented.
fn readme_sample(lang: &str) -> String {
    let readme = std::fs::read_to_string(crate::helpers::workspace_root().join("README.md"))
        .expect("read README.md");
    let section = readme
        .split("\n## Webhooks")
        .nth(1)
        .expect("README has a Webhooks section");
    let start = section
        .find(&format!("```{lang}\n"))
        .unwrap_or_else(|| panic!("no {lang} sample under Webhooks"));
    let code = &section[start..];
    let code = &code[code.find('\n').expect("fence line") + 1..];
    let code = &code[..code.find("```").expect("closing fence")];
    let lines: Vec<&str> = code.lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the README's Python and Node samples, as written, on a received
/// request; returns what each answered (`None`: that runtime is missing).
pub fn readme_samples_verify(
    secret: &str,
    header: &str,
    body: &str,
) -> Vec<(String, Option<bool>)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let body_path = dir.path().join("body");
    std::fs::write(&body_path, body).expect("write body");
    let runs = [
        (
            "python3",
            "python",
            "verify.py",
            "\nimport sys\nprint(verify(sys.argv[1], sys.argv[2], open(sys.argv[3], 'rb').read()))\n",
        ),
        (
            "node",
            "js",
            "verify.js",
            "\nconst fs = require('fs');\nconsole.log(verifyOmsSignature(process.argv[2], process.argv[3], fs.readFileSync(process.argv[4])) ? 'True' : 'False');\n",
        ),
    ];
    runs.iter()
        .map(|(program, lang, file, tail)| {
            let script = dir.path().join(file);
            std::fs::write(&script, readme_sample(lang) + tail).expect("write script");
            let out = std::process::Command::new(program)
                .arg(&script)
                .arg(secret)
                .arg(header)
                .arg(&body_path)
                .output();
            let answer = match out {
                Err(_) => None,
                Ok(o) => {
                    let text = String::from_utf8_lossy(&o.stdout).trim().to_string();
                    assert!(
                        o.status.success() && (text == "True" || text == "False"),
                        "the README's {lang} sample failed: {text} {}",
                        String::from_utf8_lossy(&o.stderr)
                    );
                    Some(text == "True")
                }
            };
            (program.to_string(), answer)
        })
        .collect()
}
