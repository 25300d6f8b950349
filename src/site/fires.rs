//! Our decisions as a FIRES dataset (SPEC §16), static files under `fires/`: the dataset,
//! its labels, a snapshot (the latest change per server), and the change feed as pages
//! of at most `page_size` changes, oldest first. Changes are in the order they were
//! applied, so a new decision only ever adds to the end: a full page never changes, and
//! each change's id (its page's address and its place there) stays valid for ever.
//! Nothing private goes in: servers, what was decided, when, and the decision's page.

use super::Site;
use crate::governance::proposal::{Application, Origin, Proposal};
use crate::governance::{Action, Outcome, Severity};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Changes a page holds (the FIRES reference server's page size).
pub const PAGE_SIZE: usize = 100;

const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/activitystreams",
    "https://fires.fedimod.org/context/fires.jsonld",
];

/// What a decision recommended about one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Advice {
    Block {
        severity: Severity,
        reject_media: bool,
    },
    Lift,
}

/// One change of the feed.
struct Change<'a> {
    domain: &'a str,
    advice: Advice,
    decision: &'a Proposal,
    applied_at: DateTime<Utc>,
}

/// Every change our decisions made, in the order they were applied.
fn changes<'a>(proposals: &'a [Proposal]) -> Vec<Change<'a>> {
    let mut changes: Vec<(usize, Change)> = Vec::new();
    for proposal in proposals {
        let Some(closing) = proposal.closing() else {
            continue;
        };
        let Application::Applied { at } = closing.application else {
            continue;
        };
        let passed = closing.outcome == Outcome::Passed;
        let mut add = |domain: &'a str, advice: Advice| {
            let order = changes.len();
            changes.push((
                order,
                Change {
                    domain,
                    advice,
                    decision: proposal,
                    applied_at: at,
                },
            ));
        };
        let refuses_media = proposal.origin.advised().is_some_and(|a| a.reject_media);
        match (&proposal.action, &proposal.origin) {
            // An urgent action the members did not back was undone.
            (action, Origin::Ratification(_)) if !passed => {
                if let Some(domain) = action.domain() {
                    add(domain, Advice::Lift);
                }
            }
            (Action::Suspend { domain } | Action::Silence { domain }, _) => add(
                domain,
                Advice::Block {
                    severity: proposal.action.severity().unwrap_or(Severity::Suspend),
                    reject_media: refuses_media,
                },
            ),
            (Action::Unblock { domain }, _) => add(domain, Advice::Lift),
            (Action::Adopt { .. }, _) => {
                for entry in proposal
                    .origin
                    .advised()
                    .map(|a| a.batch.as_slice())
                    .unwrap_or(&[])
                {
                    if entry.excluded.is_none() && matches!(entry.applied, Some(Ok(()))) {
                        add(
                            &entry.domain,
                            Advice::Block {
                                severity: entry.severity,
                                reject_media: entry.reject_media,
                            },
                        );
                    }
                }
            }
            (Action::Motion, _) => {}
        }
    }
    changes.sort_by_key(|(order, change)| (change.applied_at, change.decision.number, *order));
    changes.into_iter().map(|(_, change)| change).collect()
}

/// The dataset's files, paths under the site: `fires/dataset.json`, `fires/labels.json`,
/// `fires/snapshot.json`, `fires/changes.json` and `fires/changes/<k>.json`.
pub(super) fn files(site: &Site, base: &str, page_size: usize) -> Vec<(String, String)> {
    let page_size = page_size.max(1);
    let changes = changes(&site.input.proposals);
    let at = |path: &str| format!("{base}fires/{path}");
    let page_url = |k: usize| at(&format!("changes/{k}.json"));
    let pages = changes.len().div_ceil(page_size).max(1);
    let mut labels: BTreeMap<String, &'static str> = BTreeMap::new();
    let items: Vec<Value> = changes
        .iter()
        .enumerate()
        .map(|(index, change)| {
            let id = format!("{}#{}", page_url(index / page_size), index % page_size);
            item(site, base, change, id, &mut labels)
        })
        .collect();
    let mut files = Vec::new();
    for k in 0..pages {
        let start = (k * page_size).min(items.len());
        let end = ((k + 1) * page_size).min(items.len());
        let mut page = json!({
            "@context": CONTEXT,
            "id": page_url(k),
            "type": "OrderedCollectionPage",
            "partOf": at("changes.json"),
            "first": page_url(0),
            "orderedItems": &items[start..end],
        });
        if k + 1 < pages {
            page["next"] = Value::String(page_url(k + 1));
        }
        files.push((format!("fires/changes/{k}.json"), text(&page)));
    }
    let collection = json!({
        "@context": CONTEXT,
        "id": at("changes.json"),
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "first": page_url(0),
        "last": page_url(pages - 1),
    });
    files.push(("fires/changes.json".to_string(), text(&collection)));
    // The latest change per server, newest first; the cursor is the last page, whose
    // changes up to the newest here the snapshot already holds.
    let mut latest: Vec<&Value> = Vec::new();
    let mut seen = BTreeSet::new();
    for (item, change) in items.iter().zip(&changes).rev() {
        if seen.insert(change.domain) {
            latest.push(item);
        }
    }
    let snapshot = json!({
        "@context": CONTEXT,
        "id": at("snapshot.json"),
        "type": "Collection",
        "dataset": at("dataset.json"),
        "totalItems": latest.len(),
        "changes": page_url(pages - 1),
        "orderedItems": latest,
    });
    files.push(("fires/snapshot.json".to_string(), text(&snapshot)));
    let label_items: Vec<Value> = labels
        .iter()
        .map(|(slug, name)| {
            json!({
                "type": "fires:Label",
                "id": format!("{}#{slug}", at("labels.json")),
                "name": name,
                "summary": label_summary(slug),
            })
        })
        .collect();
    let label_collection = json!({
        "@context": CONTEXT,
        "id": at("labels.json"),
        "type": "Collection",
        "totalItems": label_items.len(),
        "items": label_items,
    });
    files.push(("fires/labels.json".to_string(), text(&label_collection)));
    let host = site.host();
    let dataset = json!({
        "@context": CONTEXT,
        "type": "Dataset",
        "id": at("dataset.json"),
        "url": base,
        "name": format!("Decisions of {host}’s members"),
        "summary": format!(
            "The servers the members of {host} decided, by vote, to suspend or limit, and the blocks they lifted. Each change links the decision that made it."
        ),
        "endpoints": {
            "snapshot": at("snapshot.json"),
            "changes": at("changes.json"),
        },
    });
    files.push(("fires/dataset.json".to_string(), text(&dataset)));
    files
}

fn item(
    site: &Site,
    base: &str,
    change: &Change,
    id: String,
    labels: &mut BTreeMap<String, &'static str>,
) -> Value {
    let decision = change.decision;
    let published = decision
        .closing()
        .map_or(change.applied_at, |closing| closing.closed_at)
        .to_rfc3339_opts(SecondsFormat::Secs, true);
    let page = match super::has_page(decision) {
        true => Value::String(format!("{base}{}", super::page_path(decision.number))),
        false => Value::Null,
    };
    let mut used = Vec::new();
    let mut label = |slug: &str, name: &'static str| {
        labels.insert(slug.to_string(), name);
        used.push(Value::String(format!("{base}fires/labels.json#{slug}")));
    };
    let mut value = match change.advice {
        Advice::Block {
            severity,
            reject_media,
        } => {
            let (policy, filters) = match severity {
                Severity::Suspend => ("drop", Vec::new()),
                _ => {
                    let mut filters = vec![
                        "auto-unlisted",
                        "prevent-trending",
                        "prevent-recommendations",
                    ];
                    if reject_media {
                        filters.push("reject-media");
                    }
                    ("filter", filters)
                }
            };
            match severity {
                Severity::Suspend => label("suspend", "Suspend"),
                _ => label("silence", "Silence"),
            }
            if let Origin::Reports(case) = &decision.origin {
                for category in case.categories.keys() {
                    if let Some((slug, name)) = category_label(category) {
                        label(slug, name);
                    }
                }
            }
            json!({
                "id": id,
                "type": "Recommendation",
                "published": published,
                "entityKind": "domain",
                "entityKey": change.domain,
                "recommendedPolicy": policy,
                "recommendedFilters": filters,
                "labels": used,
            })
        }
        Advice::Lift => {
            let comment = match decision.origin {
                Origin::Ratification(_) => format!(
                    "An urgent block was undone: the members of {} did not back it (proposal #{}).",
                    site.host(),
                    decision.number
                ),
                _ => format!(
                    "The members of {} lifted the block (proposal #{}).",
                    site.host(),
                    decision.number
                ),
            };
            json!({
                "id": id,
                "type": "Retraction",
                "published": published,
                "entityKind": "domain",
                "entityKey": change.domain,
                "comment": comment,
            })
        }
    };
    if !page.is_null() {
        value["url"] = page;
    }
    value
}

fn category_label(category: &str) -> Option<(&'static str, &'static str)> {
    match category {
        "spam" => Some(("spam", "Spam")),
        "violation" => Some(("violation", "Rule violation")),
        "legal" => Some(("legal", "Legal")),
        "other" => Some(("other", "Other")),
        _ => None,
    }
}

fn label_summary(slug: &str) -> &'static str {
    match slug {
        "suspend" => "Our members decided to suspend the server.",
        "silence" => "Our members decided to limit (silence) the server.",
        "spam" => "Opened from members’ reports of spam.",
        "violation" => "Opened from members’ reports of rule violations.",
        "legal" => "Opened from members’ reports of legal concerns.",
        _ => "Opened from members’ reports.",
    }
}

fn text(value: &Value) -> String {
    // Plain data written to memory: serialising cannot fail.
    let mut text = serde_json::to_string_pretty(value).expect("JSON written to memory");
    text.push('\n');
    text
}
