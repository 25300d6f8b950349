//! Advice from other instances (SPEC §15): what the subscribed lists say, kept per
//! subscription, and which of it our members are asked to decide. A list is advice,
//! never a decision: nothing here blocks anything; it only chooses what is proposed.

mod listed;
pub mod reading;
mod select;

pub use listed::{Advice, Format, ListReading, Listed, Skipped};
pub use select::{select, Candidate, Known, Selection, WhyNot};

use super::kept::Kept;
use crate::model::Severity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long our members' decision about a server stands against a list's advice.
pub const DECISION_STANDS: Duration = Duration::from_secs(90 * 24 * 3600);

/// `[[subscriptions]]` and `[advice]`, as the core needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdviceSettings {
    pub subscriptions: Vec<Subscription>,
    /// An entry is proposed once this many subscriptions list it.
    pub min_sources: u32,
    /// Domains never proposed, nor their subdomains.
    pub exclude: Vec<String>,
    /// Proposals from subscriptions open at once; the rest wait their turn.
    pub max_open: u32,
    /// Entries in one batch ballot.
    pub batch_max: u32,
    /// More removals than this in one reading: nothing is proposed, the WG is told.
    pub max_removals: u32,
}

/// One list the cooperative follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Short name, shown in ballots and the record.
    pub name: String,
    pub url: String,
    pub format: Format,
    /// How often it is read (at least 15 minutes).
    pub every: Duration,
    /// Never propose more than this.
    pub max_severity: Severity,
    pub propose: Propose,
}

/// How what is new in a reading is put to the members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Propose {
    /// One proposal per entry.
    Each,
    /// One ballot for what is new in a reading.
    Batch,
}

impl AdviceSettings {
    pub fn subscription(&self, name: &str) -> Option<&Subscription> {
        self.subscriptions.iter().find(|s| s.name == name)
    }

    /// Whether `domain` is `[advice] exclude`d: listed there, or under one listed there.
    pub fn excludes(&self, domain: &str) -> bool {
        self.exclude.iter().any(|excluded| within(domain, excluded))
    }
}

/// Whether a list may be read from `url`: https to any host, plain http only to this
/// machine (a loopback address or `localhost`), so that nobody on the way can change
/// what the members are asked. Every redirect is held to it too.
pub fn readable_address(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        },
        _ => false,
    }
}

/// `domain` is `parent` or one of its subdomains.
pub fn within(domain: &str, parent: &str) -> bool {
    domain == parent
        || domain
            .strip_suffix(parent)
            .is_some_and(|head| head.ends_with('.'))
}

/// Conditional-request validators a list's server gave with its last answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// Where a FIRES dataset's change feed was last read up to: the page (as the documents
/// named it, never built) and the changes of it already applied, so a re-read of that
/// page applies nothing twice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedCursor {
    pub page: String,
    /// Ids of the changes applied from `page`, in order.
    #[serde(default)]
    pub applied: Vec<String>,
}

/// An entry as a subscription lists it now, with when it first listed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub listed: Listed,
    pub since: DateTime<Utc>,
    /// Its place in the list when first read, to keep the list's order among equals.
    #[serde(default)]
    pub position: u32,
}

/// A failure spell: the list could not be read or used since `since`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failing {
    pub since: DateTime<Utc>,
    pub reason: String,
}

/// What the bot knows of one subscription: kept under its name, in one record, written
/// in the same step as the proposals its reading opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscribed {
    pub name: String,
    /// What it listed at its last good reading, by domain.
    #[serde(default)]
    pub entries: BTreeMap<String, Entry>,
    /// What its last good reading left out, and why.
    #[serde(default)]
    pub skipped: BTreeMap<Skipped, u32>,
    #[serde(default)]
    pub validators: Validators,
    /// Domains it stopped listing, with what it said then (a Retraction's comment), until
    /// it lists them again: quoted when an unblock is proposed.
    #[serde(default)]
    pub removed: BTreeMap<String, String>,
    /// FIRES: where the change feed was read up to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<FeedCursor>,
    /// The last reading, good or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<DateTime<Utc>>,
    /// The last good reading (a 304 counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub good_at: Option<DateTime<Utc>>,
    /// The size of the last document read, in bytes.
    #[serde(default)]
    pub bytes: u64,
    /// Since when it cannot be read or used; the working group was told when it began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing: Option<Failing>,
}

impl Kept for Subscribed {
    const TABLE: &'static str = "subscriptions";
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Subscribed {
    pub fn new(name: &str) -> Subscribed {
        Subscribed {
            name: name.to_string(),
            entries: BTreeMap::new(),
            skipped: BTreeMap::new(),
            removed: BTreeMap::new(),
            validators: Validators::default(),
            cursor: None,
            read_at: None,
            good_at: None,
            bytes: 0,
            failing: None,
        }
    }

    /// The block it advises for `domain`, if it lists one.
    pub fn advises(&self, domain: &str) -> Option<(&Entry, Severity)> {
        let entry = self.entries.get(domain)?;
        Some((entry, entry.listed.advice.severity()?))
    }
}

/// What the members were asked (or not) about a domain a list advised on, so that the
/// same advice is never put to them twice: kept under the domain until it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Considered {
    pub domain: String,
    pub about: About,
    pub at: DateTime<Utc>,
    /// The proposal it led to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<u64>,
    /// Why nothing was proposed, when nothing was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_proposed: Option<String>,
}

/// What was considered: a block at a severity, or lifting one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "about", rename_all = "snake_case")]
pub enum About {
    Block { severity: Severity },
    Unblock,
}

impl Kept for Considered {
    const TABLE: &'static str = "advice_considered";
    fn key(&self) -> String {
        self.domain.clone()
    }
}
