//! What the bot heard from one subscribed list, as the runtime hands it to the core,
//! and how it changes what the bot knows of that list.

use super::{
    AdviceSettings, Entry, FeedCursor, ListReading, Listed, Skipped, Subscribed, Validators,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// One reading of a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub name: String,
    pub outcome: Outcome,
}

/// What the reading found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The whole list as it is now (a FIRES snapshot included).
    Whole {
        list: ListReading,
        validators: Validators,
        bytes: u64,
        /// FIRES: where the change feed starts after the snapshot.
        cursor: Option<FeedCursor>,
    },
    /// FIRES: the changes since the cursor, oldest first, and where the feed was read up to.
    Changes {
        changes: Vec<Change>,
        skipped: BTreeMap<Skipped, u32>,
        cursor: FeedCursor,
        bytes: u64,
    },
    /// Nothing changed since the last reading (a 304, or no new change).
    Unchanged,
    /// It could not be read or understood: why, in a sentence.
    Failed(String),
}

/// One change of a FIRES feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    List(Listed),
    Remove { domain: String, comment: String },
}

/// What a reading does to what the bot knows of its subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// The list's entries changed (or not): `removed` are the blocks it no longer advises.
    Read {
        subscribed: Subscribed,
        removed: Vec<String>,
        /// A failure spell ended.
        recovered: bool,
    },
    /// A failure, or a reading held back (too many removals): nothing it says is used.
    Failed {
        subscribed: Subscribed,
        reason: String,
        /// A new failure spell: the working group is told.
        began: bool,
    },
}

/// `earlier` after `reading` at `now`.
pub fn hear(
    settings: &AdviceSettings,
    earlier: Option<&Subscribed>,
    reading: &Reading,
    now: DateTime<Utc>,
) -> Heard {
    let mut subscribed = earlier
        .cloned()
        .unwrap_or_else(|| Subscribed::new(&reading.name));
    subscribed.read_at = Some(now);
    let (entries, removed_now, skipped) = match &reading.outcome {
        Outcome::Failed(reason) => return failed(subscribed, reason.clone(), now),
        Outcome::Unchanged => {
            let recovered = subscribed.failing.take().is_some();
            subscribed.good_at = Some(now);
            return Heard::Read {
                subscribed,
                removed: Vec::new(),
                recovered,
            };
        }
        Outcome::Whole {
            list,
            validators,
            bytes,
            cursor,
        } => {
            let entries = whole(&subscribed.entries, &list.entries, now);
            let removed = dropped(&subscribed.entries, &entries)
                .into_iter()
                .map(|domain| (domain, String::new()))
                .collect();
            subscribed.validators = validators.clone();
            subscribed.bytes = *bytes;
            subscribed.cursor = cursor.clone();
            (entries, removed, list.skipped.clone())
        }
        Outcome::Changes {
            changes,
            skipped,
            cursor,
            bytes,
        } => {
            let (entries, comments) = changed(&subscribed.entries, changes, now);
            let removed: Vec<(String, String)> = dropped(&subscribed.entries, &entries)
                .into_iter()
                .map(|domain| {
                    let comment = comments.get(&domain).cloned().unwrap_or_default();
                    (domain, comment)
                })
                .collect();
            subscribed.cursor = Some(cursor.clone());
            subscribed.bytes = *bytes;
            let mut all = subscribed.skipped.clone();
            for (why, count) in skipped {
                *all.entry(*why).or_default() += count;
            }
            (entries, removed, all)
        }
    };
    if removed_now.len() > settings.max_removals as usize {
        let reason = super::super::messages::advice::too_many_removals(
            removed_now.len(),
            settings.max_removals,
        );
        // The cursor is not moved either: the same changes are read again next time.
        let mut held = earlier
            .cloned()
            .unwrap_or_else(|| Subscribed::new(&reading.name));
        held.read_at = Some(now);
        return failed(held, reason, now);
    }
    for domain in entries.keys() {
        subscribed.removed.remove(domain);
    }
    let removed = removed_now.iter().map(|(d, _)| d.clone()).collect();
    subscribed.removed.extend(removed_now);
    subscribed.entries = entries;
    subscribed.skipped = skipped;
    subscribed.good_at = Some(now);
    let recovered = subscribed.failing.take().is_some();
    Heard::Read {
        subscribed,
        removed,
        recovered,
    }
}

fn failed(mut subscribed: Subscribed, reason: String, now: DateTime<Utc>) -> Heard {
    let began = subscribed.failing.is_none();
    if began {
        subscribed.failing = Some(super::Failing {
            since: now,
            reason: reason.clone(),
        });
    }
    Heard::Failed {
        subscribed,
        reason,
        began,
    }
}

/// A whole list's entries, each keeping when it was first listed.
fn whole(
    earlier: &BTreeMap<String, Entry>,
    listed: &[Listed],
    now: DateTime<Utc>,
) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    for (position, listed) in listed.iter().enumerate() {
        let since = earlier
            .get(&listed.domain)
            .filter(|entry| entry.listed.advice.severity() >= listed.advice.severity())
            .map_or(now, |entry| entry.since);
        entries.entry(listed.domain.clone()).or_insert(Entry {
            listed: listed.clone(),
            since,
            position: position as u32,
        });
    }
    entries
}

/// The entries after a feed's changes, and the comments given with each removal.
fn changed(
    earlier: &BTreeMap<String, Entry>,
    changes: &[Change],
    now: DateTime<Utc>,
) -> (BTreeMap<String, Entry>, BTreeMap<String, String>) {
    let mut entries = earlier.clone();
    let mut comments = BTreeMap::new();
    let mut position = entries.values().map(|e| e.position + 1).max().unwrap_or(0);
    for change in changes {
        match change {
            Change::List(listed) => {
                let since = entries
                    .get(&listed.domain)
                    .filter(|entry| entry.listed.advice.severity() >= listed.advice.severity())
                    .map_or(now, |entry| entry.since);
                comments.remove(&listed.domain);
                entries.insert(
                    listed.domain.clone(),
                    Entry {
                        listed: listed.clone(),
                        since,
                        position,
                    },
                );
                position += 1;
            }
            Change::Remove { domain, comment } => {
                entries.remove(domain);
                comments.insert(domain.clone(), comment.clone());
            }
        }
    }
    (entries, comments)
}

/// The domains `earlier` advised blocking that `now` no longer does.
fn dropped(earlier: &BTreeMap<String, Entry>, now: &BTreeMap<String, Entry>) -> Vec<String> {
    earlier
        .iter()
        .filter(|(_, entry)| entry.listed.advice.severity().is_some())
        .filter(|(domain, _)| {
            now.get(*domain)
                .is_none_or(|entry| entry.listed.advice.severity().is_none())
        })
        .map(|(domain, _)| domain.clone())
        .collect()
}

impl Outcome {
    /// The reading in words, for the log, `advice --dry-run` and `check`.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Whole { list, bytes, .. } => format!(
                "read {} ({} entries{})",
                size_words(*bytes),
                list.entries.len(),
                skipped_summary(&list.skipped)
            ),
            Outcome::Changes { changes, bytes, .. } => format!(
                "{} new changes in the feed ({})",
                changes.len(),
                size_words(*bytes)
            ),
            Outcome::Unchanged => "unchanged since the last reading".to_string(),
            Outcome::Failed(why) => format!("could not be used: {why}"),
        }
    }
}

/// What a reading left out, after its count: `; skipped: 3 not valid domain names`.
pub fn skipped_summary(skipped: &BTreeMap<Skipped, u32>) -> String {
    let parts: Vec<String> = skipped
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(why, n)| format!("{n} {}", why.words()))
        .collect();
    match parts.is_empty() {
        true => String::new(),
        false => format!("; skipped: {}", parts.join(", ")),
    }
}

/// A document's size as people read it.
pub fn size_words(bytes: u64) -> String {
    match bytes {
        0..=9_999 => format!("{bytes} bytes"),
        _ => format!("{:.1} kB", bytes as f64 / 1000.0),
    }
}
