//! Reading a FIRES dataset as the running bot does (`coopgov::advice::read`), from a
//! loopback server holding the fixtures: the snapshot first, then the change feed from
//! the kept cursor, a page read again applying nothing twice, and a page whose `next`
//! leads back to itself ending the reading instead of looping. No instance is involved.

use crate::support::lists::ListServer;
use coopgov::advice::fetch::{Limits, ListReader};
use coopgov::advice::{read, ReadOptions};
use coopgov::governance::advice::reading::{Change, Outcome};
use coopgov::governance::advice::{Advice, FeedCursor, Format, Propose, Subscribed, Subscription};
use coopgov::model::Severity;
use std::time::Duration;

const DATASET: &str = "/datasets/01999eff-fa80-7277-bd62-3676a525c29b";
const JSON: &str = "application/ld+json";

fn fixture(lists: &ListServer, name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/advice/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .replace("https://fires.example.org", &lists.base())
}

fn subscription(lists: &ListServer) -> Subscription {
    Subscription {
        name: "denylist".to_string(),
        url: lists.url(DATASET),
        format: Format::Auto,
        every: Duration::from_secs(3600),
        max_severity: Severity::Suspend,
        propose: Propose::Each,
    }
}

fn reader() -> ListReader {
    ListReader::new(Limits::default()).expect("a reader")
}

#[tokio::test]
async fn the_first_reading_takes_the_snapshot_and_keeps_its_cursor() {
    let lists = ListServer::start().await;
    lists.put(DATASET, JSON, &fixture(&lists, "dataset.json"));
    lists.put("/labels", JSON, &fixture(&lists, "labels.json"));
    lists.put(
        &format!("{DATASET}/snapshot"),
        JSON,
        &fixture(&lists, "snapshot.json"),
    );
    let reading = read(
        &reader(),
        &subscription(&lists),
        None,
        ReadOptions::default(),
    )
    .await;
    let Outcome::Whole { list, cursor, .. } = reading.outcome else {
        panic!("{:?}", reading.outcome);
    };
    let domains: Vec<(&str, Advice)> = list
        .entries
        .iter()
        .map(|e| (e.domain.as_str(), e.advice))
        .collect();
    // Oldest first; spam-farm's latest change is its Retraction: it is not listed.
    assert_eq!(
        domains,
        [
            (
                "harassment-hub.example",
                Advice::Block {
                    severity: Severity::Suspend,
                    reject_media: false,
                    reject_reports: false
                }
            ),
            (
                "noisy-bots.example.net",
                Advice::Block {
                    severity: Severity::Silence,
                    reject_media: true,
                    reject_reports: false
                }
            ),
            ("watchlist.example.com", Advice::Advisory),
        ]
    );
    assert_eq!(list.entries[0].labels, ["Harassment", "Hate Speech"]);
    let cursor = cursor.expect("a cursor");
    assert!(cursor
        .page
        .ends_with("changes?since=019aa0c2-9ca0-7736-ad03-fc4669153053"));
    assert_eq!(lists.requests(DATASET), 1);
}

#[tokio::test]
async fn the_feed_is_followed_from_the_cursor_and_a_page_read_again_applies_nothing_twice() {
    let lists = ListServer::start().await;
    lists.put("/labels", JSON, &fixture(&lists, "labels.json"));
    let page_one = format!("{DATASET}/changes?since=00000000-0000-7000-A000-000000000000");
    let page_two = format!("{DATASET}/changes?since=019a792c-3a48-7f3d-bcdf-3ed2b55d5d1a");
    lists.put(&page_one, JSON, &fixture(&lists, "changes-page-1.json"));
    lists.put(&page_two, JSON, &fixture(&lists, "changes-page-2.json"));
    let mut earlier = Subscribed::new("denylist");
    earlier.cursor = Some(FeedCursor {
        page: lists.url(&page_one),
        applied: Vec::new(),
    });
    let reading = read(
        &reader(),
        &subscription(&lists),
        Some(&earlier),
        ReadOptions::default(),
    )
    .await;
    let Outcome::Changes {
        changes, cursor, ..
    } = reading.outcome
    else {
        panic!("{:?}", reading.outcome);
    };
    let said: Vec<String> = changes
        .iter()
        .map(|change| match change {
            Change::List(listed) => format!("list {}", listed.domain),
            Change::Remove { domain, comment } => format!("remove {domain}: {comment}"),
        })
        .collect();
    assert_eq!(
        said,
        [
            "list spam-farm.example.org",
            "list harassment-hub.example",
            "list noisy-bots.example.net",
            "list watchlist.example.com",
            "remove spam-farm.example.org: Domain changed hands; the spam accounts are gone.",
        ]
    );
    assert_eq!(cursor.page, lists.url(&page_two));
    assert_eq!(cursor.applied.len(), 2);

    // Read again from that cursor: the page holds only what was applied.
    earlier.cursor = Some(cursor);
    let again = read(
        &reader(),
        &subscription(&lists),
        Some(&earlier),
        ReadOptions::default(),
    )
    .await;
    assert_eq!(again.outcome, Outcome::Unchanged);
}

#[tokio::test]
async fn a_page_whose_next_leads_back_to_itself_ends_the_reading() {
    let lists = ListServer::start().await;
    lists.put("/labels", JSON, &fixture(&lists, "labels.json"));
    let page = format!("{DATASET}/changes?since=loop");
    let mut looping: serde_json::Value =
        serde_json::from_str(&fixture(&lists, "changes-page-1.json")).unwrap();
    looping["next"] = serde_json::Value::String(lists.url(&page));
    lists.put(&page, JSON, &looping.to_string());
    let mut earlier = Subscribed::new("denylist");
    earlier.cursor = Some(FeedCursor {
        page: lists.url(&page),
        applied: Vec::new(),
    });
    let reading = tokio::time::timeout(
        Duration::from_secs(20),
        read(
            &reader(),
            &subscription(&lists),
            Some(&earlier),
            ReadOptions::default(),
        ),
    )
    .await
    .expect("the reading ends");
    let Outcome::Changes { changes, .. } = reading.outcome else {
        panic!("{:?}", reading.outcome);
    };
    assert_eq!(changes.len(), 3, "each change once");
    assert_eq!(lists.requests(&page), 1);
}

#[tokio::test]
async fn a_list_that_is_not_there_is_a_failed_reading_with_a_sentence() {
    let lists = ListServer::start().await;
    let mut gone = subscription(&lists);
    gone.url = lists.url("/nothing.csv");
    let reading = read(&reader(), &gone, None, ReadOptions::default()).await;
    let Outcome::Failed(why) = reading.outcome else {
        panic!("{:?}", reading.outcome);
    };
    assert!(why.contains("/nothing.csv") && why.contains("404"), "{why}");
}
