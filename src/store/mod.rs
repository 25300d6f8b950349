//! The only module that knows sled: proposals, the notification cursor and the outbox.
//!
//! Everything one event changes (proposals, indexes, votes, the jury pool, the records
//! kept by key, new effects, the cursor) is written in one transaction, so after a crash
//! the store holds either all of it or none. The store is written over a `Backend`: sled
//! on disk for the bot, memory for the core's tests, which so go through the same commit
//! path (`commit.rs`) and reads (`records.rs`).

mod backend;
mod commit;
mod records;
mod writes;

pub use backend::{Backend, InMemory, Sled};

use crate::governance::{AuditEntry, Effect, Proposal};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The tables of the store's own records. A kind of record the core keeps by key
/// (`governance::kept::Kept`) needs no line here: its table is named by the kind.
mod table {
    pub const META: &str = "meta";
    pub const PROPOSALS: &str = "proposals";
    /// Ballot status id → proposal number.
    pub const BALLOTS: &str = "ballots";
    /// Request status id → proposal number.
    pub const REQUESTS: &str = "requests";
    pub const OUTBOX: &str = "outbox";
    /// Every effect key ever enqueued, so that none is enqueued twice.
    pub const EFFECT_KEYS: &str = "effect_keys";
    /// Append-only history, keyed by proposal number (0 for none) then sequence.
    pub const AUDIT: &str = "audit";
    /// Answers given per account and UTC day: `YYYY-MM-DD/<account id>` → count.
    pub const ALLOWANCES: &str = "allowances";
    /// Votes and favourites, keyed by proposal number then account id, apart from the
    /// proposal's record so that one vote writes one small key.
    pub const VOTES: &str = "votes";
    pub const FAVOURITES: &str = "favourites";
    /// The jury's volunteers: account id → acct.
    pub const JURY_POOL: &str = "jury_pool";
    /// Notifications handled (`handled_key(id)` → when), so that one arriving after a
    /// newer one (GoToSocial numbers a notification before it is delivered) is still
    /// handled, and none twice.
    pub const HANDLED: &str = "handled";

    /// Every one of them, as a transaction lists its tables.
    pub const ALL: [&str; 12] = [
        META,
        PROPOSALS,
        BALLOTS,
        REQUESTS,
        OUTBOX,
        EFFECT_KEYS,
        AUDIT,
        ALLOWANCES,
        VOTES,
        FAVOURITES,
        JURY_POOL,
        HANDLED,
    ];
}

const CURSOR: &[u8] = b"notification_cursor";
/// sled's page cache: enough for the open proposals, small enough for a shared host.
const CACHE_BYTES: u64 = 8 * 1024 * 1024;
const NEXT_NUMBER: &[u8] = b"next_number";
const STORE_ID: &[u8] = b"store_id";
/// The bot's acct as it last started, for a site published while it is stopped.
const BOT_ACCT: &[u8] = b"bot_acct";
/// Marks an effect key whose effect was carried out (or given up on).
const DONE: &[u8] = b"done";

/// A storage failure; the bot cannot go on safely without its store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database at {path} could not be opened ({source}); check that the folder is writable"
    )]
    Open { path: String, source: sled::Error },
    #[error("the database at {path} is in use by another process (a coopgov running with it, or a command reading it); stop that process and try again")]
    InUse { path: String },
    #[error("the database failed: {0}")]
    Sled(#[from] sled::Error),
    #[error("the database holds a record that cannot be read ({0}); restore it from a backup or report this")]
    Corrupt(String),
    /// Not the database's fault, but it stops a notification's record the same way: it is
    /// read again from the instance later.
    #[error("the operating system's secure random source failed ({0}), so a sealed vote's receipt could not be drawn; the notification will be read again")]
    Random(String),
}

impl From<crate::governance::kept::Unreadable> for StoreError {
    fn from(unreadable: crate::governance::kept::Unreadable) -> StoreError {
        StoreError::Corrupt(unreadable.to_string())
    }
}

/// An effect waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub effect: Effect,
    pub attempts: u32,
    pub not_before: Option<DateTime<Utc>>,
    /// When a post was first sent: set (and flushed) before it goes, so that a later
    /// attempt knows an earlier one may have reached the server.
    #[serde(default)]
    pub sent_at: Option<DateTime<Utc>>,
}

/// A line of history as stored: when, and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub entry: AuditEntry,
}

/// The bot's durable state, over its tables.
#[derive(Clone)]
pub struct Stored<B> {
    backend: B,
}

/// The bot's store, on disk.
pub type Store = Stored<Sled>;

/// A store in memory: the core's tests keep their records in it.
pub type Memory = Stored<InMemory>;

impl Default for Memory {
    fn default() -> Memory {
        Stored {
            backend: InMemory::default(),
        }
    }
}

/// A notification id as a key that sorts as ids do (by length, then lexically).
fn handled_key(id: &str) -> Vec<u8> {
    let mut key = vec![u8::try_from(id.len()).unwrap_or(u8::MAX)];
    key.extend_from_slice(id.as_bytes());
    key
}

/// The notification id a `handled_key` holds.
fn handled_id(key: &[u8]) -> String {
    String::from_utf8_lossy(key.get(1..).unwrap_or_default()).into_owned()
}

/// When a handled notification was handled (seconds since the epoch).
fn handled_at(value: &[u8]) -> i64 {
    <[u8; 8]>::try_from(value)
        .map(i64::from_be_bytes)
        .unwrap_or(0)
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Our own types always serialise: no maps with non-string keys, no failing impls.
    serde_json::to_vec(value).expect("stored types serialise to JSON")
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|error| StoreError::Corrupt(error.to_string()))
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        // sled's page cache defaults to 1 GiB; the bot's working set is far smaller.
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|source| {
                let path = path.display().to_string();
                // sled 0.34.7's words when its exclusive file lock is taken (pinned in Cargo.toml).
                if source.to_string().contains("could not acquire lock") {
                    StoreError::InUse { path }
                } else {
                    StoreError::Open { path, source }
                }
            })?;
        let store = Stored {
            backend: Sled::new(db),
        };
        if store.backend.get(table::META, STORE_ID)?.is_none() {
            let id = format!(
                "{:x}{:x}",
                Utc::now().timestamp_micros(),
                std::process::id()
            );
            store.backend.insert(table::META, STORE_ID, id.as_bytes())?;
            store.backend.flush()?;
        }
        Ok(store)
    }
}

impl<B: Backend> Stored<B> {
    /// A name unique to this database, so idempotency keys of a new database never
    /// collide with those of an old one on the same account.
    /// `open` writes it, so its absence is damage, never an empty name.
    pub fn store_id(&self) -> Result<String, StoreError> {
        match self.backend.get(table::META, STORE_ID)? {
            Some(id) => Ok(String::from_utf8_lossy(&id).into_owned()),
            None => Err(StoreError::Corrupt(
                "the database has no store id".to_string(),
            )),
        }
    }

    /// Keeps the bot's acct (at every start), so that the public record published from a
    /// stopped bot's store can name it.
    pub fn remember_bot_acct(&self, acct: &str) -> Result<(), StoreError> {
        self.backend.insert(table::META, BOT_ACCT, acct.as_bytes())
    }

    /// The bot's acct as it last started; `None` if no bot has kept it in this store yet.
    pub fn bot_acct(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .backend
            .get(table::META, BOT_ACCT)?
            .map(|acct| String::from_utf8_lossy(&acct).into_owned()))
    }

    /// The id of the last notification handled, if any.
    pub fn cursor(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .backend
            .get(table::META, CURSOR)?
            .map(|id| String::from_utf8_lossy(&id).into_owned()))
    }

    /// Whether the notification `id` was handled.
    pub fn was_handled(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .backend
            .get(table::HANDLED, &handled_key(id))?
            .is_some())
    }

    /// The oldest notification the store remembers handling: below it, the bot cannot
    /// tell a notification it handled from one it did not, so it leaves them alone.
    pub fn handled_floor(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .backend
            .scan(table::HANDLED, &[])?
            .first()
            .map(|(key, _)| handled_id(key)))
    }

    /// The newest notification handled by `at`: polling after it reads again what came
    /// since (skipped as handled) and whatever was numbered earlier but delivered late.
    /// The oldest remembered when all came after `at`; the cursor in a database that
    /// remembers none.
    pub fn cursor_as_of(&self, at: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        let handled = self.backend.scan(table::HANDLED, &[])?;
        if let Some((key, _)) = handled
            .iter()
            .rev()
            .find(|(_, when)| handled_at(when) <= at.timestamp())
        {
            return Ok(Some(handled_id(key)));
        }
        match handled.first() {
            Some((key, _)) => Ok(Some(handled_id(key))),
            None => self.cursor(),
        }
    }

    /// Forgets notifications handled before `before`, keeping the newest one so the
    /// floor never falls back below the cursor.
    pub fn forget_handled_before(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let handled = self.backend.scan(table::HANDLED, &[])?;
        let newest = handled.last().map(|(key, _)| key.clone());
        let mut forgotten = 0;
        for (key, when) in &handled {
            if handled_at(when) < before.timestamp() && Some(key) != newest.as_ref() {
                self.backend.remove(table::HANDLED, key)?;
                forgotten += 1;
            }
        }
        Ok(forgotten)
    }

    /// Puts an entry back with its attempt count and the earliest time to try again.
    pub fn reschedule_effect(&self, seq: u64, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.backend
            .insert(table::OUTBOX, &seq.to_be_bytes(), &encode(entry))
    }

    /// The outbox in the order the effects were decided.
    pub fn pending_effects(&self) -> Result<Vec<(u64, OutboxEntry)>, StoreError> {
        self.backend
            .scan(table::OUTBOX, &[])?
            .into_iter()
            .map(|(key, value)| {
                let seq = u64::from_be_bytes(key.as_slice().try_into().map_err(|_| {
                    StoreError::Corrupt("an outbox key is not a number".to_string())
                })?);
                Ok((seq, decode(&value)?))
            })
            .collect()
    }

    /// Whether an effect with this key was ever enqueued (it is never enqueued again).
    pub fn was_enqueued(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self
            .backend
            .get(table::EFFECT_KEYS, key.as_bytes())?
            .is_some())
    }

    /// A proposal's history, oldest first.
    pub fn history(&self, number: u64) -> Result<Vec<AuditRecord>, StoreError> {
        self.backend
            .scan(table::AUDIT, &number.to_be_bytes())?
            .iter()
            .map(|(_, value)| decode(value))
            .collect()
    }

    pub fn proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        self.backend
            .scan(table::PROPOSALS, &[])?
            .iter()
            .map(|(_, value)| decode(value))
            .collect()
    }

    /// Writes everything to disk now (before acting on the instance, and at shutdown).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.backend.flush()
    }
}

#[cfg(test)]
mod tests;
