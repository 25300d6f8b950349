//! The only module that knows sled: proposals, the notification cursor and the outbox.
//!
//! Everything one event changes (proposals, indexes, votes, the jury pool, new effects,
//! the cursor) is written in one transaction, so after a crash the store holds either all of it or none.

mod records;
mod writes;

use crate::governance::{id_order, AuditEntry, Effect, Proposal, Step};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};
use std::path::Path;
use writes::member_key;

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

/// The bot's durable state.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    meta: sled::Tree,
    proposals: sled::Tree,
    ballots: sled::Tree,
    requests: sled::Tree,
    outbox: sled::Tree,
    effect_keys: sled::Tree,
    /// Append-only history, keyed by proposal number (0 for none) then sequence.
    audit: sled::Tree,
    /// Answers given per account and UTC day: `YYYY-MM-DD/<account id>` → count.
    allowances: sled::Tree,
    /// Votes and favourites, keyed by proposal number then account id, apart from the
    /// proposal's record so that one vote writes one small key.
    votes: sled::Tree,
    favourites: sled::Tree,
    /// The jury's volunteers: account id → acct.
    jury_pool: sled::Tree,
    /// Members' reports about remote accounts: report id → `FiledReport`.
    reports: sled::Tree,
    /// Notifications handled (`handled_key(id)` → when), so that one arriving after a
    /// newer one (GoToSocial numbers a notification before it is delivered) is still
    /// handled, and none twice.
    handled: sled::Tree,
}

/// A notification id as a key that sorts as ids do (by length, then lexically).
fn handled_key(id: &str) -> Vec<u8> {
    let mut key = vec![u8::try_from(id.len()).unwrap_or(u8::MAX)];
    key.extend_from_slice(id.as_bytes());
    key
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Our own types always serialise: no maps with non-string keys, no failing impls.
    serde_json::to_vec(value).expect("stored types serialise to JSON")
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|error| StoreError::Corrupt(error.to_string()))
}

fn abort(error: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(error)
}

fn unwrap_transaction(result: Result<(), TransactionError<StoreError>>) -> Result<(), StoreError> {
    result.map_err(|error| match error {
        TransactionError::Abort(error) => error,
        TransactionError::Storage(error) => StoreError::Sled(error),
    })
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
        let store = Store {
            meta: db.open_tree("meta")?,
            proposals: db.open_tree("proposals")?,
            ballots: db.open_tree("ballots")?,
            requests: db.open_tree("requests")?,
            outbox: db.open_tree("outbox")?,
            effect_keys: db.open_tree("effect_keys")?,
            audit: db.open_tree("audit")?,
            allowances: db.open_tree("allowances")?,
            votes: db.open_tree("votes")?,
            favourites: db.open_tree("favourites")?,
            jury_pool: db.open_tree("jury_pool")?,
            reports: db.open_tree("reports")?,
            handled: db.open_tree("handled")?,
            db,
        };
        if store.meta.get(STORE_ID)?.is_none() {
            let id = format!(
                "{:x}{:x}",
                Utc::now().timestamp_micros(),
                std::process::id()
            );
            store
                .meta
                .compare_and_swap(STORE_ID, None as Option<&[u8]>, Some(id.as_bytes()))?
                .ok();
            store.db.flush()?;
        }
        Ok(store)
    }

    /// A name unique to this database, so idempotency keys of a new database never
    /// collide with those of an old one on the same account.
    /// `open` writes it, so its absence is damage, never an empty name.
    pub fn store_id(&self) -> Result<String, StoreError> {
        match self.meta.get(STORE_ID)? {
            Some(id) => Ok(String::from_utf8_lossy(&id).into_owned()),
            None => Err(StoreError::Corrupt(
                "the database has no store id".to_string(),
            )),
        }
    }

    /// Keeps the bot's acct (at every start), so that the public record published from a
    /// stopped bot's store can name it.
    pub fn remember_bot_acct(&self, acct: &str) -> Result<(), StoreError> {
        self.meta.insert(BOT_ACCT, acct.as_bytes())?;
        Ok(())
    }

    /// The bot's acct as it last started; `None` if no bot has kept it in this store yet.
    pub fn bot_acct(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .meta
            .get(BOT_ACCT)?
            .map(|acct| String::from_utf8_lossy(&acct).into_owned()))
    }

    /// The id of the last notification handled, if any.
    pub fn cursor(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .meta
            .get(CURSOR)?
            .map(|id| String::from_utf8_lossy(&id).into_owned()))
    }

    /// Whether the notification `id` was handled.
    pub fn was_handled(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.handled.contains_key(handled_key(id))?)
    }

    /// The oldest notification the store remembers handling: below it, the bot cannot
    /// tell a notification it handled from one it did not, so it leaves them alone.
    pub fn handled_floor(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .handled
            .first()?
            .map(|(key, _)| String::from_utf8_lossy(key.get(1..).unwrap_or_default()).into_owned()))
    }

    /// The newest notification handled by `at`: polling after it reads again what came
    /// since (skipped as handled) and whatever was numbered earlier but delivered late.
    /// The oldest remembered when all came after `at`; the cursor in a database that
    /// remembers none.
    pub fn cursor_as_of(&self, at: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        for item in self.handled.iter().rev() {
            let (key, handled_at) = item?;
            let handled_at = <[u8; 8]>::try_from(handled_at.as_ref())
                .map(i64::from_be_bytes)
                .unwrap_or(0);
            if handled_at <= at.timestamp() {
                return Ok(Some(
                    String::from_utf8_lossy(key.get(1..).unwrap_or_default()).into_owned(),
                ));
            }
        }
        match self.handled_floor()? {
            Some(floor) => Ok(Some(floor)),
            None => self.cursor(),
        }
    }

    /// Forgets notifications handled before `before`, keeping the newest one so the
    /// floor never falls back below the cursor.
    pub fn forget_handled_before(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut forgotten = 0;
        let newest = self.handled.last()?.map(|(key, _)| key);
        for item in self.handled.iter() {
            let (key, at) = item?;
            let at = <[u8; 8]>::try_from(at.as_ref())
                .map(i64::from_be_bytes)
                .unwrap_or(0);
            if at < before.timestamp() && Some(&key) != newest.as_ref() {
                self.handled.remove(&key)?;
                forgotten += 1;
            }
        }
        Ok(forgotten)
    }

    /// Writes a step, and the cursor when given, in one transaction. Effects whose key
    /// was enqueued before are dropped: handling an event twice does nothing twice.
    pub fn commit(
        &self,
        step: &Step,
        cursor: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.commit_with(step, cursor, None, at)
    }

    /// Marks the outbox entry `seq` done and writes its follow-up step, atomically.
    pub fn complete_effect(
        &self,
        seq: u64,
        follow_up: &Step,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.commit_with(follow_up, None, Some(seq), at)
    }

    fn commit_with(
        &self,
        step: &Step,
        cursor: Option<&str>,
        completed: Option<u64>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let history: Vec<(Vec<u8>, Vec<u8>)> = step
            .audit
            .iter()
            .map(|entry| {
                let mut key = entry.proposal.unwrap_or(0).to_be_bytes().to_vec();
                key.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
                let record = AuditRecord {
                    at,
                    entry: entry.clone(),
                };
                Ok((key, encode(&record)))
            })
            .collect::<Result<_, sled::Error>>()?;
        let new_effects: Vec<(u64, &Effect)> = step
            .effects
            .iter()
            .map(|effect| Ok((self.db.generate_id()?, effect)))
            .collect::<Result<_, sled::Error>>()?;
        let trees = (
            &self.meta,
            &self.proposals,
            &self.ballots,
            &self.requests,
            &self.outbox,
            &self.effect_keys,
            &self.audit,
            &self.allowances,
            &self.votes,
            &self.favourites,
            &self.jury_pool,
            &self.reports,
            &self.handled,
        );
        let (vote_writes, favourite_writes) = self.vote_writes(&step.votes)?;
        let pool_writes = writes::pool_writes(&step.pool);
        let report_writes: writes::Writes = step
            .reports
            .iter()
            .map(|report| (report.id.as_bytes().to_vec(), Some(encode(report))))
            .collect();
        let day = at.format("%Y-%m-%d").to_string();
        let result = trees.transaction(
            |(
                meta,
                proposals,
                ballots,
                requests,
                outbox,
                keys,
                audit,
                allowances,
                votes,
                favourites,
                jury_pool,
                reports,
                handled,
            )| {
                writes::write(votes, &vote_writes)?;
                writes::write(favourites, &favourite_writes)?;
                writes::write(jury_pool, &pool_writes)?;
                writes::write(reports, &report_writes)?;
                for account_id in &step.charged {
                    let key = format!("{day}/{account_id}");
                    let given = match allowances.get(key.as_bytes())? {
                        Some(bytes) => decode::<u32>(&bytes).map_err(abort)?,
                        None => 0,
                    };
                    allowances.insert(key.as_bytes(), encode(&(given + 1)))?;
                }
                for (key, record) in &history {
                    audit.insert(key.as_slice(), record.as_slice())?;
                }
                let mut next = match meta.get(NEXT_NUMBER)? {
                    Some(bytes) => decode::<u64>(&bytes).map_err(abort)?,
                    None => 1,
                };
                for proposal in &step.proposals {
                    let number = proposal.number.to_be_bytes();
                    proposals.insert(&number, encode(proposal))?;
                    requests.insert(proposal.request.status_id.as_bytes(), &number)?;
                    if let Some(ballot) = &proposal.ballot {
                        ballots.insert(ballot.status_id.as_bytes(), &number)?;
                    }
                    next = next.max(proposal.number + 1);
                }
                meta.insert(NEXT_NUMBER, encode(&next))?;
                for (seq, effect) in &new_effects {
                    let key = effect.key();
                    let key = key.as_bytes();
                    if keys.get(key)?.is_some() {
                        continue;
                    }
                    keys.insert(key, &seq.to_be_bytes())?;
                    let entry = OutboxEntry {
                        effect: (*effect).clone(),
                        attempts: 0,
                        not_before: None,
                        sent_at: None,
                    };
                    outbox.insert(&seq.to_be_bytes(), encode(&entry))?;
                }
                if let Some(id) = cursor {
                    handled.insert(handled_key(id), &at.timestamp().to_be_bytes())?;
                    // A late notification is handled without moving the cursor back.
                    let newer = match meta.get(CURSOR)? {
                        Some(current) => id_order(id, &String::from_utf8_lossy(&current)).is_gt(),
                        None => true,
                    };
                    if newer {
                        meta.insert(CURSOR, id.as_bytes())?;
                    }
                }
                if let Some(seq) = completed {
                    if let Some(bytes) = outbox.remove(&seq.to_be_bytes())? {
                        let entry: OutboxEntry = decode(&bytes).map_err(abort)?;
                        keys.insert(entry.effect.key().as_bytes(), DONE)?;
                    }
                }
                Ok(())
            },
        );
        unwrap_transaction(result)
    }

    /// Puts an entry back with its attempt count and the earliest time to try again.
    pub fn reschedule_effect(&self, seq: u64, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.outbox.insert(seq.to_be_bytes(), encode(entry))?;
        Ok(())
    }

    /// The outbox in the order the effects were decided.
    pub fn pending_effects(&self) -> Result<Vec<(u64, OutboxEntry)>, StoreError> {
        self.outbox
            .iter()
            .map(|item| {
                let (key, value) = item?;
                let seq = u64::from_be_bytes(key.as_ref().try_into().map_err(|_| {
                    StoreError::Corrupt("an outbox key is not a number".to_string())
                })?);
                Ok((seq, decode(&value)?))
            })
            .collect()
    }

    /// A proposal's history, oldest first.
    pub fn history(&self, number: u64) -> Result<Vec<AuditRecord>, StoreError> {
        self.audit
            .scan_prefix(number.to_be_bytes())
            .values()
            .map(|value| decode(&value?))
            .collect()
    }

    pub fn proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        self.proposals
            .iter()
            .values()
            .map(|value| decode(&value?))
            .collect()
    }

    /// Writes everything to disk now (before acting on the instance, and at shutdown).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
