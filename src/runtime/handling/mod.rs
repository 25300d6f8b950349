//! One notification into the store: the core's step and the new cursor in one
//! transaction, or nothing at all. A read that fails leaves the proposal and the cursor
//! as they were, so the notification is still "after the cursor" on the instance and the
//! next catch-up reads it again.

use super::outbox::priority;
use crate::backoff;
use crate::governance::engine::{self, Event};
use crate::governance::sealed::Draw;
use crate::governance::{Settings, Step};
use crate::mastodon::events::Incoming;
use crate::mastodon::rate_limit::Priority;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use tracing::debug;

/// Records `incoming` unless it was handled already; returns how urgent the most urgent
/// effect it led to is, if it led to any. A notification older than the
/// cursor is still handled when it is newer than the oldest one the store remembers
/// handling: GoToSocial numbers a notification before it stores and delivers it, so one
/// can arrive after a newer one has moved the cursor.
pub fn record(
    settings: &Settings,
    store: &Store,
    incoming: &Incoming,
    now: DateTime<Utc>,
) -> Result<Option<Priority>, StoreError> {
    if store.was_handled(incoming.id())? {
        return Ok(None);
    }
    // Below the floor (or, in a database from before the floor was kept, at or before
    // the cursor) the store cannot tell handled from not: such a notification is old.
    let known_from = match store.handled_floor()? {
        Some(floor) => Some(floor),
        None => store.cursor()?,
    };
    if known_from.is_some_and(|from| !incoming.is_after(&from)) {
        return Ok(None);
    }
    // Drawn for every post, used by a sealed vote only: the core holds no randomness.
    let draw = getrandom::u64()
        .map(Draw)
        .map_err(|error| StoreError::Random(error.to_string()))?;
    let step = match event_of(incoming, draw) {
        Some(event) => engine::decide(settings, store, event, now)?,
        None => Step::default(),
    };
    debug!(
        notification = incoming.id(),
        kind = incoming.kind(),
        effects = step.effects.len(),
        "handled"
    );
    store.commit(&step, Some(incoming.id()), now)?;
    Ok(most_urgent(&step))
}

/// The priority of the most urgent effect `step` leads to.
pub fn most_urgent(step: &Step) -> Option<Priority> {
    step.effects.iter().map(priority).min()
}

/// What a notification is to the core: the one place the wire's notifications become
/// the core's events. `draw` is used only by a vote on a sealed ballot.
fn event_of(incoming: &Incoming, draw: Draw) -> Option<Event<'_>> {
    match incoming {
        Incoming::Post { post, .. } => Some(Event::Post(post, draw)),
        Incoming::Favourite {
            status_id, author, ..
        } => Some(Event::Favourite { status_id, author }),
        Incoming::Other { .. } => None,
    }
}

/// A notification that could not be recorded. Until a catch-up has recorded everything
/// after the cursor, the stream's notifications wait for it: recording a later one would
/// move the cursor past the one that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behind {
    pub failures: u32,
    /// When the catch-up is tried again.
    pub retry_at: DateTime<Utc>,
}

impl Behind {
    /// One more failure, `now`; the wait doubles as for an effect.
    pub fn after(previous: Option<Behind>, now: DateTime<Utc>) -> Behind {
        let failures = previous.map_or(1, |behind| behind.failures + 1);
        Behind {
            failures,
            retry_at: backoff::retry_at(failures, None, now),
        }
    }
}

#[cfg(test)]
mod tests;
