//! Token buckets per operation and per authorization (Amazon meters each
//! application and selling partner pair separately). Rates are integers in
//! millionths of a request per second, so `0.016` and `0.0222` are exact.
//!
//! The buckets live in the process: a sandbox served by several processes
//! meters each process separately, which is the sandbox's simplification.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// An SP-API operation's default usage plan.
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    /// Requests per second, in millionths (16_000 = 0.016 requests/second).
    pub rate_micro_per_s: u64,
    pub burst: u64,
}

impl Operation {
    /// The `x-amzn-RateLimit-Limit` value: the rate in requests per second.
    pub fn rate_header(&self) -> String {
        let whole = self.rate_micro_per_s / MICRO;
        let fraction = self.rate_micro_per_s % MICRO;
        if fraction == 0 {
            whole.to_string()
        } else {
            format!("{whole}.{fraction:06}")
                .trim_end_matches('0')
                .to_string()
        }
    }
}

const MICRO: u64 = 1_000_000;

struct Bucket {
    /// Tokens in millionths, up to `burst * MICRO`.
    micro_tokens: u64,
    refilled_at: Instant,
}

#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<(&'static str, String), Bucket>>,
}

impl RateLimiter {
    /// Takes one token for `caller` if the bucket has one.
    pub fn try_take(&self, operation: &Operation, caller: &str) -> bool {
        let now = Instant::now();
        let capacity = operation.burst * MICRO;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets
            .entry((operation.name, caller.to_string()))
            .or_insert(Bucket {
                micro_tokens: capacity,
                refilled_at: now,
            });
        let elapsed_ms =
            u64::try_from(now.duration_since(bucket.refilled_at).as_millis()).unwrap_or(u64::MAX);
        // rate (micro-requests/s) × elapsed (ms) / 1000 = micro-tokens gained.
        let gained = operation.rate_micro_per_s.saturating_mul(elapsed_ms) / 1000;
        if gained > 0 {
            bucket.micro_tokens = (bucket.micro_tokens + gained).min(capacity);
            bucket.refilled_at = now;
        }
        if bucket.micro_tokens >= MICRO {
            bucket.micro_tokens -= MICRO;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_header_is_requests_per_second() {
        let sellers = Operation {
            name: "a",
            rate_micro_per_s: 16_000,
            burst: 15,
        };
        let payment_methods = Operation {
            name: "b",
            rate_micro_per_s: 500_000,
            burst: 30,
        };
        let whole = Operation {
            name: "c",
            rate_micro_per_s: 2_000_000,
            burst: 15,
        };
        assert_eq!(sellers.rate_header(), "0.016");
        assert_eq!(payment_methods.rate_header(), "0.5");
        assert_eq!(whole.rate_header(), "2");
        let reports = Operation {
            name: "d",
            rate_micro_per_s: 22_200,
            burst: 10,
        };
        assert_eq!(reports.rate_header(), "0.0222");
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refuses() {
        let limiter = RateLimiter::default();
        let operation = Operation {
            name: "op",
            rate_micro_per_s: 16_000,
            burst: 3,
        };
        assert!((0..3).all(|_| limiter.try_take(&operation, "caller")));
        assert!(!limiter.try_take(&operation, "caller"));
        assert!(limiter.try_take(&operation, "another caller"));
    }
}
