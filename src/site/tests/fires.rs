//! The FIRES dataset and GoToSocial's lists (SPEC §16): the changes in the order they were
//! applied, pages that never change once full, a snapshot of the latest per server, and
//! all of it read back by the subscription reader's own parsers as exactly our decisions.

use super::*;
use crate::advice::formats::{self, FeedStep};
use crate::governance::advice::{Advice, Format};
use crate::governance::{Action, Severity};

const BASE: &str = "https://social.example/governance/";

fn suspend(domain: &str) -> Action {
    Action::Suspend {
        domain: domain.to_string(),
    }
}

/// Two suspensions and a silence, then one suspension lifted by an unblock vote.
fn decisions() -> Vec<Proposal> {
    vec![
        decided(1, suspend("one.example"), 1),
        decided(
            2,
            Action::Silence {
                domain: "two.example".to_string(),
            },
            2,
        ),
        decided(3, suspend("three.example"), 3),
        decided(
            4,
            Action::Unblock {
                domain: "one.example".to_string(),
            },
            4,
        ),
    ]
}

fn published(proposals: Vec<Proposal>, page_size: usize) -> BTreeMap<String, String> {
    site(&SiteInput {
        proposals,
        base_url: Some(BASE.to_string()),
        fires_page_size: page_size,
        ..input()
    })
}

/// What a reader of the feed ends with, from page 0 along `next`: (type, server) in order.
fn read_feed(site: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    let mut page = format!("{BASE}fires/changes/0.json");
    loop {
        let path = page.strip_prefix(BASE).expect("a page of ours");
        let document = formats::parse_feed(&site[path]).expect("a page");
        for change in &document.items {
            let step = formats::read_change(change, &BTreeMap::new());
            seen.push(match step {
                FeedStep::List(listed) => (format!("{:?}", listed.advice), listed.domain),
                FeedStep::Remove { domain, .. } => ("Retraction".to_string(), domain),
                FeedStep::Skip(why) => (format!("{why:?}"), String::new()),
            });
        }
        match document.next {
            Some(next) => page = next,
            None => return seen,
        }
    }
}

#[test]
fn three_recommendations_and_a_retraction_in_order_across_pages() {
    let site = published(decisions(), 3);
    let dataset = formats::parse_dataset(&site["fires/dataset.json"]).expect("a dataset");
    assert_eq!(dataset.snapshot, format!("{BASE}fires/snapshot.json"));
    assert_eq!(dataset.changes, format!("{BASE}fires/changes.json"));
    let block = |severity| {
        format!(
            "{:?}",
            Advice::Block {
                severity,
                reject_media: false,
                reject_reports: false
            }
        )
    };
    let feed = read_feed(&site);
    assert_eq!(
        feed,
        [
            (block(Severity::Suspend), "one.example".to_string()),
            (block(Severity::Silence), "two.example".to_string()),
            (block(Severity::Suspend), "three.example".to_string()),
            ("Retraction".to_string(), "one.example".to_string()),
        ]
    );
    let first =
        formats::parse_feed(&site["fires/changes/0.json"]).expect("a readable feed document");
    assert_eq!(first.items.len(), 3);
    assert_eq!(
        first.next.as_deref(),
        Some(&*format!("{BASE}fires/changes/1.json"))
    );
    assert_eq!(
        first.part_of.as_deref(),
        Some(&*format!("{BASE}fires/changes.json"))
    );
    assert!(site["fires/changes/0.json"].contains(&format!("\"url\": \"{BASE}p/1.html\"")));
    let collection: serde_json::Value =
        serde_json::from_str(&site["fires/changes.json"]).expect("JSON the site wrote");
    assert_eq!(collection["totalItems"], 4);
    assert_eq!(collection["first"], format!("{BASE}fires/changes/0.json"));

    // The snapshot: the latest change per server, newest first.
    let snapshot =
        formats::parse_feed(&site["fires/snapshot.json"]).expect("a readable feed document");
    let latest: Vec<(&str, &str)> = snapshot
        .items
        .iter()
        .map(|c| {
            let kind = match c.kind {
                formats::ChangeKind::Retraction { .. } => "Retraction",
                _ => "Recommendation",
            };
            (
                kind,
                c.entity
                    .as_ref()
                    .expect("a change about a server")
                    .key
                    .as_str(),
            )
        })
        .collect();
    assert_eq!(
        latest,
        [
            ("Retraction", "one.example"),
            ("Recommendation", "three.example"),
            ("Recommendation", "two.example")
        ]
    );
    assert_eq!(
        snapshot.changes.as_deref(),
        Some(&*format!("{BASE}fires/changes/1.json"))
    );
    let labels =
        formats::parse_labels(&site["fires/labels.json"]).expect("a readable labels collection");
    assert_eq!(
        labels[&format!("{BASE}fires/labels.json#suspend")],
        "Suspend"
    );

    // GoToSocial's lists: the one suspension that stands.
    for (path, format) in [
        ("blocklist.json", Format::GotosocialJson),
        ("blocklist.txt", Format::Plain),
    ] {
        let list = formats::parse_list(format, &site[path]).expect(path);
        let domains: Vec<&str> = list.entries.iter().map(|e| e.domain.as_str()).collect();
        assert_eq!(domains, ["three.example"], "{path}");
    }
    assert_eq!(site["blocklist.txt"], "three.example\n");
}

#[test]
fn a_full_page_never_changes_and_a_rewrite_without_a_decision_changes_no_byte() {
    let feed = |site: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        site.iter()
            .filter(|(path, _)| path.starts_with("fires/changes/"))
            .map(|(path, text)| (path.clone(), text.clone()))
            .collect()
    };
    let before = published(decisions(), 3);
    for minutes in 1..=50 {
        let again = site(&SiteInput {
            proposals: decisions(),
            base_url: Some(BASE.to_string()),
            fires_page_size: 3,
            generated_at: input().generated_at + chrono::Duration::minutes(minutes),
            ..input()
        });
        assert_eq!(feed(&again), feed(&before), "rewrite {minutes}");
    }
    // A new decision adds to the last page; the full one stays byte for byte.
    let mut more = decisions();
    more.push(decided(5, suspend("five.example"), 5));
    let after = published(more, 3);
    assert_eq!(
        after["fires/changes/0.json"],
        before["fires/changes/0.json"]
    );
    assert_ne!(
        after["fires/changes/1.json"],
        before["fires/changes/1.json"]
    );
}

#[test]
fn without_base_url_there_is_no_dataset_and_nothing_private_is_in_it() {
    let without = site(&SiteInput {
        base_url: None,
        ..input()
    });
    assert!(!without.keys().any(|path| path.starts_with("fires/")));
    assert!(without.contains_key("blocklist.json") && without.contains_key("blocklist.txt"));
    let with = site(&SiteInput {
        base_url: Some(BASE.to_string()),
        ..input()
    });
    let fires: String = with
        .iter()
        .filter(|(path, _)| path.starts_with("fires/"))
        .map(|(_, text)| text.as_str())
        .collect();
    // The fixture's case from reports: its report ids never leave the bot.
    assert!(!fires.contains("report-id-r1"), "{fires}");
    assert!(!fires.contains(HOSTILE), "members' words stay on the pages");
}
