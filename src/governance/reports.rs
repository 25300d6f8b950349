//! Members' reports (SPEC §11): which reports count toward a case about a remote domain.

use super::proposal::Author;
use super::ActionKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `[reports]`, as the core needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSettings {
    /// Distinct local reporters about accounts of one remote domain...
    pub open_after: u32,
    /// ...within this time, open a case.
    pub within: Duration,
    /// The action a case proposes (`suspend` or `silence`).
    pub propose: ActionKind,
    /// Resolve the case's reports when it closes.
    pub resolve: bool,
}

/// An unresolved report as the instance lists it to staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// `spam`, `violation`, `legal` or `other` (GoToSocial: always `other`).
    pub category: String,
    /// The reporter's words: never posted publicly.
    pub comment: String,
    /// Who filed it: never named publicly.
    pub reporter: Author,
    /// The reported account as the instance writes it: `user@host` when remote.
    pub target_acct: String,
    /// The reported account's domain; `None` for a local account.
    pub target_domain: Option<String>,
    /// Links to the reported posts.
    pub status_urls: Vec<String>,
}

/// A report the bot keeps: it counts toward a case, and goes into the case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledReport {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub category: String,
    pub comment: String,
    pub reporter_id: String,
    /// The reported account's domain, lowercase.
    pub domain: String,
    pub target_acct: String,
    pub status_urls: Vec<String>,
    /// The case it belongs to, once one was opened or it was added to one.
    #[serde(default)]
    pub case: Option<u64>,
}
