//! Members' reports as staff read them: the admin reports list of Mastodon and GoToSocial,
//! each report read on its own and turned into the core's `Report`, and resolving a
//! report once its case is closed.

use super::client::{path_segment, Client};
use super::convert;
use super::server::Capabilities;
use super::types::{decode_items, lenient_bool, lenient_text, parse_time, Account};
use super::ApiError;
use crate::commands::normalize_domain;
use crate::governance::reports::Report;
use crate::model::id_order;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use tracing::{info, warn};

/// A page of reports both servers give whole: GoToSocial's largest, Mastodon's default.
const REPORT_PAGE_LIMIT: u32 = 100;

/// A report as staff read it (`/api/v1/admin/reports`): Mastodon's Admin::Report,
/// GoToSocial's admin report.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminReport {
    pub id: String,
    /// Required: a report that cannot be placed in time cannot count toward a case.
    #[serde(deserialize_with = "required_time")]
    pub created_at: DateTime<Utc>,
    /// Resolved.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub action_taken: bool,
    #[serde(default, deserialize_with = "lenient_text")]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub comment: Option<String>,
    /// The reporter.
    pub account: AdminAccount,
    pub target_account: AdminAccount,
    /// The reported statuses, whole; only their addresses are read.
    #[serde(default, deserialize_with = "lenient_list")]
    pub statuses: Vec<Value>,
}

/// An account as staff see it: the public account inside, and what only staff see.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminAccount {
    /// The account's server; `null` for a local account.
    #[serde(default, deserialize_with = "lenient_text")]
    pub domain: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub suspended: bool,
    pub account: Account,
}

/// How a case file links a reported post: by an address that names no account, since a
/// server may read `@name` inside a link as a mention and send the private file to `name`.
#[derive(Debug, Clone, Copy)]
pub enum PostLinks<'a> {
    /// The instance's own page of any status it holds: `<instance>/statuses/<id>`.
    ById { instance: &'a str },
    /// The post's own address (`url`, else `uri`), whichever names no account.
    AsPublished,
}

impl PostLinks<'_> {
    /// How `capabilities`' server at `instance` links a post.
    pub fn of<'a>(instance: &'a str, capabilities: &Capabilities) -> PostLinks<'a> {
        match capabilities.status_page_by_id {
            true => PostLinks::ById { instance },
            false => PostLinks::AsPublished,
        }
    }

    /// The address of the reported `status`, or words that find it on the instance when
    /// every address it has names an account.
    fn link(self, status: &Value, report_id: &str) -> Option<String> {
        let text = |key: &str| {
            status
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|text| !text.is_empty())
        };
        let id = text("id").filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric()));
        if let (PostLinks::ById { instance }, Some(id)) = (self, id) {
            return Some(format!("{}/statuses/{id}", instance.trim_end_matches('/')));
        }
        let published = ["url", "uri"]
            .into_iter()
            .filter_map(text)
            .find(|link| !link.contains('@'));
        match (published, id) {
            (Some(link), _) => Some(link.to_string()),
            (None, Some(id)) => Some(format!("post {id} of report {report_id}")),
            (None, None) => None,
        }
    }
}

impl AdminReport {
    /// The report as the core reads it, its posts linked as `links` says.
    pub fn into_report(self, links: PostLinks<'_>) -> Report {
        let mut reporter = convert::author(&self.account.account);
        // Staff see a suspension the public account may not show (GoToSocial's says nothing).
        reporter.suspended |= self.account.suspended;
        let target_domain = target_domain(&self.target_account);
        let status_urls = self
            .statuses
            .iter()
            .filter_map(|status| links.link(status, &self.id))
            .collect();
        Report {
            id: self.id,
            created_at: self.created_at,
            category: self
                .category
                .filter(|category| !category.is_empty())
                .unwrap_or_else(|| "other".to_string()),
            comment: self.comment.unwrap_or_default(),
            reporter,
            target_acct: self.target_account.account.acct,
            target_domain,
            status_urls,
        }
    }
}

/// The reported account's server: its `domain`, else the host of its `acct`; `None` for
/// a local account. In punycode and lowercase, as proposals name domains.
fn target_domain(target: &AdminAccount) -> Option<String> {
    let named = target.domain.as_deref().map(str::trim);
    let from_acct = || {
        let (_, host) = target.account.acct.rsplit_once('@')?;
        Some(host.trim())
    };
    let host = named
        .filter(|domain| !domain.is_empty())
        .or_else(from_acct)
        .filter(|host| !host.is_empty())?;
    // A host the bot could not propose to block (one with a port, say) is still told apart.
    Some(normalize_domain(host).unwrap_or_else(|_| host.to_lowercase()))
}

/// The unresolved reports among `reports`, oldest first. Resolved ones are dropped
/// whatever the server was asked, so a server that ignores the filter changes nothing.
pub(super) fn unresolved_oldest_first(
    reports: Vec<AdminReport>,
    links: PostLinks<'_>,
) -> Vec<Report> {
    let mut unresolved: Vec<Report> = reports
        .into_iter()
        .filter(|report| !report.action_taken)
        .map(|report| report.into_report(links))
        .collect();
    // GoToSocial cuts times to the second: reports of one second are told apart by id.
    unresolved.sort_by(|left, right| {
        left.created_at
            .cmp(&right.created_at)
            .then_with(|| id_order(&left.id, &right.id))
    });
    unresolved
}

/// The query of the first page of unresolved reports.
fn unresolved_query(capabilities: &Capabilities) -> String {
    if capabilities.resolved_filter {
        format!("resolved=false&limit={REPORT_PAGE_LIMIT}")
    } else {
        // Mastodon before 4.6 answers any `resolved` with the resolved reports.
        format!("limit={REPORT_PAGE_LIMIT}")
    }
}

/// The comment a resolution carries: only where the server takes one, never empty.
fn resolution_comment<'a>(
    comment: Option<&'a str>,
    capabilities: &Capabilities,
) -> Option<&'a str> {
    comment.filter(|comment| capabilities.report_comment && !comment.trim().is_empty())
}

impl Client {
    /// Every unresolved report on the instance, oldest first. A report that cannot be
    /// read is skipped with a warning; it never hides the others.
    pub async fn unresolved_reports(
        &self,
        capabilities: &Capabilities,
    ) -> Result<Vec<Report>, ApiError> {
        let first = format!(
            "{}/api/v1/admin/reports?{}",
            self.base_url(),
            unresolved_query(capabilities)
        );
        let pages = self.all_pages("listing unresolved reports", first).await?;
        let (reports, unreadable) = decode_items::<AdminReport>(pages);
        for error in unreadable {
            warn!(%error, "skipped a report that could not be read");
        }
        let links = PostLinks::of(self.base_url(), capabilities);
        Ok(unresolved_oldest_first(reports, links))
    }

    /// Resolves a report, with `comment` where the server takes one (it is shown to the
    /// reporter). A report already resolved, or gone, leaves nothing to do.
    pub async fn resolve_report(
        &self,
        id: &str,
        comment: Option<&str>,
        capabilities: &Capabilities,
    ) -> Result<(), ApiError> {
        let path = format!("/api/v1/admin/reports/{}/resolve", path_segment(id));
        let mut request = self.request(Method::POST, &path);
        if let Some(comment) = resolution_comment(comment, capabilities) {
            request = request.form(&[("action_taken_comment", comment)]);
        }
        match self.send("resolving a report", request).await {
            Ok(_) => Ok(()),
            // The id came from the admin list, so a 404 means the report, not the API, is gone.
            Err(ApiError::Http { status: 404, .. }) => {
                info!(report = id, "the report is gone; nothing left to resolve");
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}

fn required_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_time(&text)
        .ok_or_else(|| serde::de::Error::custom(format!("created_at is not a time: {text:?}")))
}

/// A list, or empty for `null`, a missing field or anything that is not a list.
fn lenient_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Value>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(match value {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mastodon::Software;
    use serde_json::json;

    /// A report as Mastodon's admin API writes it, with only the fields read.
    fn wire(id: &str, created_at: &str, target: Value) -> Value {
        json!({
            "id": id,
            "created_at": created_at,
            "action_taken": false,
            "category": "spam",
            "comment": "spam links in replies",
            "account": {
                "domain": null,
                "suspended": false,
                "account": {"id": "7", "username": "alice", "acct": "alice", "bot": false},
            },
            "target_account": target,
            "statuses": [
                {"id": "101", "url": "https://evil.example/@troll/1", "uri": "https://evil.example/users/troll/statuses/1"},
                {"id": "102", "url": null, "uri": "https://evil.example/users/troll/statuses/2"},
                {"id": "103", "url": "https://evil.example/@troll/3", "uri": "https://evil.example/@troll@evil.example/3"},
            ],
        })
    }

    fn target(domain: Value, acct: &str) -> Value {
        json!({"domain": domain, "account": {"id": "9", "username": "troll", "acct": acct}})
    }

    fn read_linked(value: Value, links: PostLinks<'_>) -> Report {
        serde_json::from_value::<AdminReport>(value)
            .expect("the report parses")
            .into_report(links)
    }

    fn read(value: Value) -> Report {
        read_linked(value, PostLinks::AsPublished)
    }

    #[test]
    fn the_target_domain_comes_from_domain_else_from_the_acct() {
        let cases = [
            (
                json!("evil.example"),
                "troll@evil.example",
                Some("evil.example"),
            ),
            (
                json!("Evil.Example"),
                "troll@Evil.Example",
                Some("evil.example"),
            ),
            (Value::Null, "troll@EVIL.example", Some("evil.example")),
            (json!(""), "troll@evil.example", Some("evil.example")),
            (
                json!("bücher.example"),
                "troll@bücher.example",
                Some("xn--bcher-kva.example"),
            ),
            (
                json!("localhost:3000"),
                "troll@localhost:3000",
                Some("localhost:3000"),
            ),
            (Value::Null, "troll", None),
        ];
        for (domain, acct, expected) in cases {
            let report = read(wire("1", "2026-08-01T13:49:58.485Z", target(domain, acct)));
            assert_eq!(report.target_domain.as_deref(), expected, "{acct}");
            assert_eq!(report.target_acct, acct);
        }
    }

    #[test]
    fn a_report_reads_as_the_core_needs_it() {
        let report = read(wire(
            "1",
            "2026-08-01T13:49:58.485Z",
            target(json!("evil.example"), "troll@evil.example"),
        ));
        assert_eq!(report.reporter.identity.acct, "alice");
        assert_eq!(report.reporter.identity.account_id, "7");
        assert!(!report.reporter.suspended);
        assert_eq!(report.category, "spam");
        assert_eq!(report.comment, "spam links in replies");
        assert_eq!(
            report.status_urls,
            [
                "https://evil.example/users/troll/statuses/1",
                "https://evil.example/users/troll/statuses/2",
                "post 103 of report 1",
            ]
        );
    }

    /// A server may read `@troll` in a link as a mention and send the case file to the
    /// reported account: no link to a reported post names an account.
    #[test]
    fn reported_posts_are_linked_by_addresses_that_name_no_account() {
        let value = wire(
            "1",
            "2026-08-01T13:49:58.485Z",
            target(json!("evil.example"), "troll@evil.example"),
        );
        let mastodon = Software::Mastodon.capabilities();
        let by_id = PostLinks::of("https://social.example/", &mastodon);
        assert_eq!(
            read_linked(value.clone(), by_id).status_urls,
            [
                "https://social.example/statuses/101",
                "https://social.example/statuses/102",
                "https://social.example/statuses/103",
            ]
        );
        let gotosocial = Software::GoToSocial.capabilities();
        let published = PostLinks::of("https://social.example", &gotosocial);
        for link in read_linked(value, published).status_urls {
            assert!(!link.contains('@'), "{link}");
        }
    }

    #[test]
    fn gotosocial_s_nulls_and_a_suspension_staff_see_are_read() {
        let mut value = wire(
            "01M8SFHPGHWQYHJGVYWW0793RY",
            "2026-12-01T18:58:19.000Z",
            target(Value::Null, "bob"),
        );
        value["statuses"] = Value::Null;
        value["status_ids"] = Value::Null;
        value["category"] = json!("other");
        value["comment"] = Value::Null;
        value["account"]["suspended"] = json!(true);
        let report = read(value);
        assert!(report.status_urls.is_empty());
        assert_eq!(report.comment, "");
        assert_eq!(report.category, "other");
        assert!(report.reporter.suspended);
    }

    #[test]
    fn a_report_without_a_readable_time_or_reporter_is_skipped_alone() {
        let good = wire(
            "2",
            "2026-08-01T13:49:58Z",
            target(Value::Null, "troll@evil.example"),
        );
        let mut no_time = good.clone();
        no_time["created_at"] = json!("yesterday");
        let mut no_reporter = good.clone();
        no_reporter["account"] = Value::Null;
        let (reports, unreadable) = decode_items::<AdminReport>(vec![no_time, good, no_reporter]);
        assert_eq!(reports.len(), 1);
        assert_eq!(unreadable.len(), 2);
        assert!(unreadable[0].contains("created_at"), "{unreadable:?}");
    }

    #[test]
    fn unresolved_reports_come_oldest_first_and_resolved_ones_are_dropped() {
        let someone = || target(Value::Null, "troll@evil.example");
        let mut resolved = wire("4", "2026-08-01T10:00:00Z", someone());
        resolved["action_taken"] = json!(true);
        let reports = [
            wire("20", "2026-08-01T12:00:00Z", someone()),
            wire("117", "2026-08-01T12:00:00Z", someone()),
            wire("3", "2026-08-01T11:00:00Z", someone()),
            resolved,
        ];
        let (reports, unreadable) = decode_items::<AdminReport>(reports.to_vec());
        assert!(unreadable.is_empty());
        let ids: Vec<String> = unresolved_oldest_first(reports, PostLinks::AsPublished)
            .into_iter()
            .map(|report| report.id)
            .collect();
        assert_eq!(ids, ["3", "20", "117"]);
    }

    #[test]
    fn only_gotosocial_is_asked_for_unresolved_reports_and_given_a_comment() {
        let mastodon = Software::Mastodon.capabilities();
        let gotosocial = Software::GoToSocial.capabilities();
        assert_eq!(unresolved_query(&mastodon), "limit=100");
        assert_eq!(unresolved_query(&gotosocial), "resolved=false&limit=100");
        let comment = Some("proposal #4 passed: evil.example is suspended");
        assert_eq!(resolution_comment(comment, &mastodon), None);
        assert_eq!(resolution_comment(comment, &gotosocial), comment);
        assert_eq!(resolution_comment(Some("  "), &gotosocial), None);
        assert_eq!(resolution_comment(None, &gotosocial), None);
    }
}
