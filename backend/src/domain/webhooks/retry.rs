//! When a failed delivery is tried again, when it is given up, and when a
//! failing endpoint is disabled.
//!
//! Backoff: `base × 3^(n-1)` after the n-th failed attempt (10 s, 30 s,
//! 1.5 min, 4.5 min… with the default base), capped at `base × 360` (one
//! hour), each delay spread by ±20 % of jitter so that endpoints that failed
//! together do not all come back at once. Attempts go on until `window`
//! (24 hours) after the delivery was planned; the last one is made at the
//! end of the window, then the delivery is FAILED.

use chrono::{DateTime, Duration, Utc};

/// A delivery's state in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Given up: the window ended, the address was refused, or the
    /// endpoint was disabled or deleted.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Succeeded => "SUCCEEDED",
            DeliveryStatus::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Succeeded,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// Backoff and give-up window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first retry's delay.
    pub base: Duration,
    /// How long after the first attempt deliveries are still tried.
    pub window: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::seconds(10),
            window: Duration::hours(24),
        }
    }
}

/// Growth factor between consecutive delays.
const FACTOR: i64 = 3;
/// The longest delay, in bases.
const CAP_BASES: i64 = 360;

impl RetryPolicy {
    /// The delay after `failed` failed attempts (1 = the first failed),
    /// with `jitter` in [0, 1) spreading it over ±20 %.
    pub fn delay(&self, failed: u32, jitter: f64) -> Duration {
        let mut bases: i64 = 1;
        for _ in 1..failed.max(1) {
            bases = (bases * FACTOR).min(CAP_BASES);
        }
        let ms = self.base.num_milliseconds().max(1) * bases;
        let spread = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
        Duration::milliseconds(((ms as f64) * spread).round() as i64)
    }

    /// When to try again after `failed` failed attempts of a delivery
    /// first planned at `first`; `None` when the window is over.
    pub fn next_attempt(
        &self,
        first: DateTime<Utc>,
        now: DateTime<Utc>,
        failed: u32,
        jitter: f64,
    ) -> Option<DateTime<Utc>> {
        let deadline = first + self.window;
        if now >= deadline {
            return None;
        }
        Some((now + self.delay(failed, jitter)).min(deadline))
    }
}

/// An endpoint whose deliveries have failed without a success since
/// `failing_since` is disabled once that is `after` ago.
pub fn should_disable(
    failing_since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    after: Duration,
) -> bool {
    failing_since.is_some_and(|since| now - since >= after)
}
