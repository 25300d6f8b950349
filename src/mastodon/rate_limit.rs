//! The instance's request budget, read from `X-RateLimit-*` on every response.
//!
//! When the budget runs short, it is spent in priority order: announcements and admin
//! actions first, then answers, then receipts.

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

/// How much an effect matters when requests are scarce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Ballots, results, admin calls: the decisions themselves.
    Critical,
    /// Answers to requests and commands, explanations, reminders.
    Answer,
    /// Favourites marking counted votes.
    Receipt,
}

impl Priority {
    /// Requests that must stay in the budget for more important work.
    fn reserve(self) -> u32 {
        match self {
            Priority::Critical => 0,
            Priority::Answer => 10,
            Priority::Receipt => 30,
        }
    }
}

/// The last budget the instance announced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Budget {
    pub remaining: Option<u32>,
    pub reset: Option<DateTime<Utc>>,
}

impl Budget {
    /// Reads the headers of a response; headers that are absent leave the budget as it was.
    pub fn update(&mut self, headers: &HeaderMap) {
        let remaining = headers
            .get("x-ratelimit-remaining")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<f64>().ok());
        if let Some(remaining) = remaining {
            self.remaining = Some(remaining.max(0.0) as u32);
            self.reset = headers
                .get("x-ratelimit-reset")
                .and_then(|value| value.to_str().ok())
                .and_then(parse_reset);
        }
    }

    /// When work of `priority` may go ahead: `None` now, else the budget's reset.
    pub fn wait_for(&self, priority: Priority, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (remaining, reset) = (self.remaining?, self.reset?);
        (reset > now && remaining <= priority.reserve()).then_some(reset)
    }
}

/// `X-RateLimit-Reset`: Mastodon sends an ISO 8601 time; some servers send epoch seconds.
pub fn parse_reset(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if let Some(time) = super::types::parse_time(value) {
        return Some(time);
    }
    let seconds = value.parse::<f64>().ok()?;
    DateTime::from_timestamp(seconds as i64, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    #[test]
    fn reset_times_in_both_formats() {
        let at = DateTime::from_timestamp(1_796_000_000, 0);
        let cases = [
            ("2026-11-30T00:53:20.000Z", at),
            ("2026-11-30T00:53:20Z", at),
            ("2026-11-30T00:53:20+00:00", at),
            ("1796000000", at),
            ("1796000000.0", at),
            (" 1796000000 ", at),
            ("soon", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_reset(text), expected, "{text:?}");
        }
    }

    #[test]
    fn the_budget_is_kept_for_what_matters_most() {
        let now = DateTime::from_timestamp(1_796_000_000, 0).expect("a time");
        let reset = "2026-11-30T00:58:20.000Z";
        let mut budget = Budget::default();
        budget.update(&headers(&[
            ("x-ratelimit-remaining", "100"),
            ("x-ratelimit-reset", reset),
        ]));
        let later = parse_reset(reset);
        let cases = [
            (100, None, None, None),
            (30, None, None, later),
            (10, None, later, later),
            (1, None, later, later),
            (0, later, later, later),
        ];
        for (remaining, critical, answer, receipt) in cases {
            budget.remaining = Some(remaining);
            assert_eq!(
                budget.wait_for(Priority::Critical, now),
                critical,
                "{remaining} critical"
            );
            assert_eq!(
                budget.wait_for(Priority::Answer, now),
                answer,
                "{remaining} answer"
            );
            assert_eq!(
                budget.wait_for(Priority::Receipt, now),
                receipt,
                "{remaining} receipt"
            );
        }
        // Once the reset has passed, the old figure no longer holds anything back.
        let after = parse_reset(reset).expect("a time") + chrono::Duration::seconds(1);
        assert_eq!(budget.wait_for(Priority::Critical, after), None);
        // A response without the headers leaves the budget alone.
        budget.update(&HeaderMap::new());
        assert_eq!(budget.remaining, Some(0));
    }
}
