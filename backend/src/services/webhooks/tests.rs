use std::collections::HashMap;

use super::WebhookSettings;

fn settings(pairs: &[(&str, &str)]) -> Result<WebhookSettings, String> {
    let vars: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    WebhookSettings::from_lookup(&|k: &str| vars.get(k).cloned()).map_err(|e| e.to_string())
}

#[test]
fn defaults_retry_for_a_day_from_ten_seconds_and_disable_after_a_day() {
    let s = settings(&[]).expect("defaults");
    assert_eq!(s.retry.base, chrono::Duration::seconds(10));
    assert_eq!(s.retry.window, chrono::Duration::hours(24));
    assert_eq!(s.disable_after, chrono::Duration::hours(24));
    assert_eq!(s.timeout, std::time::Duration::from_secs(10));
}

#[test]
fn settings_are_read_and_bad_values_name_the_variable() {
    let s = settings(&[
        ("OMS_WEBHOOK_RETRY_BASE_MS", "100"),
        ("OMS_WEBHOOK_RETRY_WINDOW_SECS", "3"),
        ("OMS_WEBHOOK_DISABLE_AFTER_SECS", "1"),
        ("OMS_WEBHOOK_TIMEOUT_MS", "700"),
    ])
    .expect("valid");
    assert_eq!(s.retry.base, chrono::Duration::milliseconds(100));
    assert_eq!(s.retry.window, chrono::Duration::seconds(3));
    assert_eq!(s.disable_after, chrono::Duration::seconds(1));
    assert_eq!(s.timeout, std::time::Duration::from_millis(700));
    let e = settings(&[("OMS_WEBHOOK_TIMEOUT_MS", "soon")]).expect_err("not a number");
    assert!(e.starts_with("OMS_WEBHOOK_TIMEOUT_MS"), "{e}");
    let e = settings(&[("OMS_WEBHOOK_RETRY_BASE_MS", "0")]).expect_err("too small");
    assert!(e.starts_with("OMS_WEBHOOK_RETRY_BASE_MS"), "{e}");
}
