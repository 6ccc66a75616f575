//! Fault injection (sandbox only): the operator asks the SP-API to answer
//! the next calls with a server error, so that a client's retries and its
//! seller-facing message for an unavailable marketplace can be tried
//! against the real thing. Amazon answers 500 `InternalFailure` and 503
//! `ServiceUnavailable` now and then; here they come on request.
//!
//! **Sandbox model:** the pending faults live in the process, like the rate
//! limiter's buckets, and apply to every caller.

use axum::http::StatusCode;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    pub status: StatusCode,
    pub remaining: u32,
}

#[derive(Debug, Default)]
pub struct Faults {
    pending: Mutex<Option<Pending>>,
}

impl Faults {
    /// The next `count` SP-API calls answer `status` (replacing what was
    /// pending; a count of 0 clears it).
    pub fn inject(&self, status: StatusCode, count: u32) {
        *self.lock() = (count > 0).then_some(Pending {
            status,
            remaining: count,
        });
    }

    pub fn pending(&self) -> Option<Pending> {
        *self.lock()
    }

    /// Uses up one pending fault, if any: the status this call answers.
    pub fn take(&self) -> Option<StatusCode> {
        let mut pending = self.lock();
        let fault = pending.as_mut()?;
        fault.remaining -= 1;
        let status = fault.status;
        if fault.remaining == 0 {
            *pending = None;
        }
        Some(status)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Pending>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_injected_fault_is_answered_once() {
        let faults = Faults::default();
        assert_eq!(faults.take(), None);
        faults.inject(StatusCode::SERVICE_UNAVAILABLE, 2);
        assert_eq!(faults.take(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(faults.pending().map(|p| p.remaining), Some(1));
        assert_eq!(faults.take(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(faults.take(), None);
        faults.inject(StatusCode::INTERNAL_SERVER_ERROR, 1);
        faults.inject(StatusCode::INTERNAL_SERVER_ERROR, 0);
        assert_eq!(faults.take(), None);
    }
}
