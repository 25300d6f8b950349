//! Members' reports (SPEC §11): which reports count toward a case about a remote domain.

use super::kept::Kept;
use super::proposal::Author;
use super::ActionKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
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

/// Kept by report id, in the table `reports` (its name since reports were first kept).
impl Kept for FiledReport {
    const TABLE: &'static str = "reports";
    fn key(&self) -> String {
        self.id.clone()
    }
}

impl FiledReport {
    /// The report kept, when it is about an account of another server than `own_domain`
    /// (reports about local accounts are left to people).
    pub fn from_report(report: &Report, own_domain: &str) -> Option<FiledReport> {
        let domain = report.target_domain.as_deref()?.trim().to_lowercase();
        let own = own_domain.to_lowercase();
        if domain.is_empty() || domain == own || domain.ends_with(&format!(".{own}")) {
            return None;
        }
        Some(FiledReport {
            id: report.id.clone(),
            created_at: report.created_at,
            category: report.category.clone(),
            comment: report.comment.clone(),
            reporter_id: report.reporter.identity.account_id.clone(),
            domain,
            target_acct: report.target_acct.clone(),
            status_urls: report.status_urls.clone(),
            case: None,
        })
    }
}

/// The domains a case should open for now: reports not yet part of a case, filed within
/// `within` before `now` and still unresolved, from at least `open_after` distinct
/// reporters. A reporter who reported one domain twice counts once.
pub fn due_cases<'a>(
    reports: impl IntoIterator<Item = &'a FiledReport>,
    unresolved: &BTreeSet<&str>,
    settings: &ReportSettings,
    now: DateTime<Utc>,
) -> BTreeMap<String, Vec<&'a FiledReport>> {
    let window = chrono::Duration::from_std(settings.within).unwrap_or(chrono::Duration::MAX);
    let since = now
        .checked_sub_signed(window)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut by_domain: BTreeMap<String, Vec<&FiledReport>> = BTreeMap::new();
    for report in reports {
        if report.case.is_none()
            && report.created_at > since
            && report.created_at <= now
            && unresolved.contains(report.id.as_str())
        {
            by_domain
                .entry(report.domain.clone())
                .or_default()
                .push(report);
        }
    }
    by_domain.retain(|_, reports| {
        let reporters: BTreeSet<&str> = reports.iter().map(|r| r.reporter_id.as_str()).collect();
        reporters.len() >= settings.open_after as usize
    });
    by_domain
}

/// Reports per category, as the public ballot may state them.
pub fn categories<'a>(reports: impl IntoIterator<Item = &'a FiledReport>) -> BTreeMap<String, u32> {
    let mut counts = BTreeMap::new();
    for report in reports {
        *counts.entry(report.category.clone()).or_insert(0) += 1;
    }
    counts
}

/// Distinct reporters among `reports`.
pub fn reporters<'a>(reports: impl IntoIterator<Item = &'a FiledReport>) -> u32 {
    let distinct: BTreeSet<&str> = reports
        .into_iter()
        .map(|report| report.reporter_id.as_str())
        .collect();
    u32::try_from(distinct.len()).unwrap_or(u32::MAX)
}
