//! Start-up's patience: a store a command holds for a moment, a step that fails for a
//! passing reason.

use crate::backoff;
use crate::mastodon::ApiError;
use crate::store::{Store, StoreError};
use std::path::Path;
use tracing::warn;

/// Opens the store, waiting a few seconds if a command is reading it (a `coopgov list`
/// run while the bot was stopped holds it for a moment).
pub async fn open_store(path: &Path) -> anyhow::Result<Store> {
    let mut attempt = 0;
    loop {
        match (Store::open(path), backoff::store_in_use_delay(attempt)) {
            (Err(StoreError::InUse { .. }), Some(delay)) => {
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            (result, _) => return Ok(result?),
        }
    }
}

/// Runs a start-up step again while it fails for a passing reason (the instance
/// restarting, a 503, a timeout): up to six tries over about half a minute.
pub async fn patiently<T, F, Fut>(what: &str, mut step: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut attempt = 0;
    loop {
        let error = match step().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        match backoff::start_up_delay(attempt).filter(|_| is_transient(&error)) {
            Some(delay) => {
                warn!(what, error = %format!("{error:#}"), retry_in = ?delay, "start-up step failed; trying again");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            None => return Err(error),
        }
    }
}

pub(crate) fn is_transient(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<ApiError>()
            .is_some_and(ApiError::is_transient)
    })
}

#[cfg(test)]
mod tests;
