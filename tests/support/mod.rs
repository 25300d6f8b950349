//! Shared integration-test harness: a real mastodon_mock server, seeded members, the bot binary.
//!
//! ```ignore
//! let mock = Mock::start(&[Seed::local("alice")]).await;
//! let post = mock.member("alice").post("@coopbot hello").await;   // a bare @coopbot mentions the bot
//! wait_for("the mention", secs(5), || async { … Some(()) }).await;
//! ```
//! Every HTTP helper panics with the status and body on a non-2xx answer.
#![allow(dead_code, unused_imports)] // each test binary uses a different subset

pub mod bot;
pub mod install;
pub mod lists;
pub mod member;
pub mod mock;
pub mod process;
pub mod proxy;
pub mod sealed;
pub mod shipped;

use std::future::Future;
use std::time::{Duration, Instant};

pub use bot::BotProcess;
pub use member::{id_of, Member};
pub use mock::{token_for, Mock, Seed, BOT_USERNAME};
pub use process::TempDir;

/// How often [`wait_for`] probes.
const POLL_EVERY: Duration = Duration::from_millis(200);

/// Probes until it returns `Some`, every 200 ms; panics "timed out waiting for {what}".
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        if Instant::now() >= deadline {
            panic!("timed out waiting for {what} (after {timeout:?})");
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// `Duration::from_secs`, shorter to read in deadlines.
pub fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}
