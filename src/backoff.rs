//! How long to wait before trying again, for every loop that retries: the outbox, the
//! stream's reconnects, start-up, a store another process holds, the public record, a
//! ballot's thread at its close, a question to a busy store, the question socket.
//! Pure functions of the attempt number, so one table shows every schedule; the one
//! random part, jitter, takes its randomness from the operating system.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// The wait before retry `attempt` (1-based) of an effect's transient failure: doubling
/// from 2 s, capped at 10 minutes.
pub fn retry_delay(attempt: u32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempt.clamp(1, 10))).min(Duration::from_secs(600))
}

/// When to retry an effect after its `attempts`th transient failure: at the reset the
/// server named for its rate limit, when that is still ahead, else after `retry_delay`.
pub fn retry_at(
    attempts: u32,
    server_reset: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    match server_reset {
        Some(reset) if reset > now => reset,
        _ => now + chrono::Duration::from_std(retry_delay(attempts)).unwrap_or_default(),
    }
}

/// The delay before stream reconnect attempt `attempt` (0-based): doubling from 1 s,
/// capped at 60 s.
pub fn reconnect_delay(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.min(6)).min(Duration::from_secs(60))
}

/// Up to a quarter more than `delay`, drawn from the operating system's random source,
/// so many bots cut off at once do not all come back in the same second.
pub fn jittered(delay: Duration) -> Duration {
    // Without randomness (an OS that cannot give any), no jitter: the delay still holds.
    with_jitter(delay, getrandom::u32().unwrap_or(0))
}

/// Up to a quarter more than `delay`, chosen by `salt`.
pub fn with_jitter(delay: Duration, salt: u32) -> Duration {
    let quarter = delay.as_millis() as u64 / 4;
    let extra = if quarter == 0 {
        0
    } else {
        u64::from(salt) % (quarter + 1)
    };
    delay + Duration::from_millis(extra)
}

/// The wait after failed try `attempt` (0-based) of a start-up step, `None` once it has
/// been tried six times: 1, 2, 4, 8 and 16 s, about half a minute for an instance that
/// is restarting.
pub fn start_up_delay(attempt: u32) -> Option<Duration> {
    (attempt < 5).then(|| Duration::from_secs(1 << attempt))
}

/// The wait after failed try `attempt` (0-based) to open a store that a command is
/// reading, `None` after twenty: a `coopgov list` holds it for a moment only.
pub fn store_in_use_delay(attempt: u32) -> Option<Duration> {
    (attempt < 20).then_some(Duration::from_millis(500))
}

/// The wait before a ballot's close is tried again, after its thread could not be read.
pub fn close_retry_delay() -> Duration {
    Duration::from_secs(5)
}

/// The wait after try `attempt` (0-based) to read a store that a starting bot holds for
/// a moment, `None` after ten: then the question says the store is held.
pub fn busy_store_delay(attempt: u32) -> Option<Duration> {
    (attempt < 10).then_some(Duration::from_millis(500))
}

/// The wait after the question socket failed to accept one (out of file handles, say).
pub fn accept_retry_delay() -> Duration {
    Duration::from_millis(200)
}

/// The wait after the public record failed to be written `failures` times in a row
/// (1-based): a minute, doubling to half an hour. A full disk or a folder the bot may not
/// write is fixed by a person, so there is no hurry; the log says each time what failed.
pub fn publish_retry_delay(failures: u32) -> Duration {
    Duration::from_secs(60u64 << failures.saturating_sub(1).min(5)).min(Duration::from_secs(1800))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_and_stop_at_their_cap() {
        let retries = [
            (0, 2),
            (1, 2),
            (2, 4),
            (3, 8),
            (9, 512),
            (10, 600),
            (50, 600),
        ];
        for (attempt, seconds) in retries {
            assert_eq!(
                retry_delay(attempt),
                Duration::from_secs(seconds),
                "retry {attempt}"
            );
        }
        let reconnects = [(0, 1), (1, 2), (5, 32), (6, 60), (7, 60), (40, 60)];
        for (attempt, seconds) in reconnects {
            assert_eq!(
                reconnect_delay(attempt),
                Duration::from_secs(seconds),
                "reconnect {attempt}"
            );
        }
        let start_up = [
            (0, Some(1)),
            (1, Some(2)),
            (4, Some(16)),
            (5, None),
            (9, None),
        ];
        for (attempt, seconds) in start_up {
            assert_eq!(
                start_up_delay(attempt),
                seconds.map(Duration::from_secs),
                "start-up {attempt}"
            );
        }
        let publish = [
            (0, 60),
            (1, 60),
            (2, 120),
            (5, 960),
            (6, 1800),
            (7, 1800),
            (99, 1800),
        ];
        for (failures, seconds) in publish {
            assert_eq!(
                publish_retry_delay(failures),
                Duration::from_secs(seconds),
                "publish {failures}"
            );
        }
        let store = [(0, Some(500)), (19, Some(500)), (20, None)];
        for (attempt, millis) in store {
            assert_eq!(
                store_in_use_delay(attempt),
                millis.map(Duration::from_millis),
                "store {attempt}"
            );
        }
        let busy = [(0, Some(500)), (9, Some(500)), (10, None)];
        for (attempt, millis) in busy {
            assert_eq!(
                busy_store_delay(attempt),
                millis.map(Duration::from_millis),
                "busy {attempt}"
            );
        }
        assert_eq!(close_retry_delay(), Duration::from_secs(5));
        assert_eq!(accept_retry_delay(), Duration::from_millis(200));
    }

    #[test]
    fn a_rate_limit_waits_for_the_reset_the_server_named() {
        let now = DateTime::from_timestamp(1_796_000_000, 0).expect("a time");
        let seconds = |s| now + chrono::Duration::seconds(s);
        let cases = [
            (1, None, seconds(2)),
            (3, None, seconds(8)),
            (3, Some(seconds(90)), seconds(90)),
            (3, Some(now), seconds(8)),
            (3, Some(seconds(-5)), seconds(8)),
        ];
        for (attempts, reset, expected) in cases {
            assert_eq!(
                retry_at(attempts, reset, now),
                expected,
                "{attempts} {reset:?}"
            );
        }
    }

    #[test]
    fn jitter_adds_at_most_a_quarter() {
        for salt in [0, 1, 999, 250_000, u32::MAX] {
            let delay = with_jitter(Duration::from_secs(8), salt);
            assert!(
                delay >= Duration::from_secs(8) && delay <= Duration::from_secs(10),
                "{delay:?}"
            );
        }
        assert_eq!(with_jitter(Duration::ZERO, 7), Duration::ZERO);
        let drawn: std::collections::BTreeSet<Duration> =
            (0..20).map(|_| jittered(Duration::from_secs(8))).collect();
        assert!(drawn
            .iter()
            .all(|d| *d >= Duration::from_secs(8) && *d <= Duration::from_secs(10)));
        assert!(
            drawn.len() > 1,
            "the operating system's randomness varies: {drawn:?}"
        );
    }
}
