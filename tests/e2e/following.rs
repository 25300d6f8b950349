//! Publishing for other instances (SPEC §16): a cooperative's decisions become a FIRES
//! dataset and GoToSocial's lists, and a second cooperative subscribed to the first's
//! `fires/dataset.json` proposes exactly what the first decided.

use crate::scenario::{text_of, Scenario, Setup};
use crate::support::lists::ListServer;
use crate::support::{id_of, secs, wait_for};
use serde_json::Value;
use std::path::Path;

/// `who` asks for `request`, carol agrees, and it passes.
async fn decide(scenario: &Scenario, who: &str, request: &str, number: u64) {
    scenario
        .member(who)
        .post(&format!("@coopbot {request}"))
        .await;
    let ballot = scenario.ballot(number).await;
    scenario
        .reply_as("carol", &id_of(&ballot), "@coopbot agree")
        .await;
}

fn json(folder: &Path, path: &str) -> Value {
    let text = std::fs::read_to_string(folder.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// (type, server) of each change of a page.
fn changes(page: &Value) -> Vec<(String, String)> {
    page["orderedItems"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            (
                item["type"].as_str().unwrap_or_default().to_string(),
                item["entityKey"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_cooperative_follows_the_first_s_fires_dataset_and_proposes_what_it_decided() {
    let lists = ListServer::start().await;
    let base = format!("{}/", lists.base());
    let extra = format!("[publish]\ndir = \"site\"\nbase_url = \"{base}\"\n");
    let first = Scenario::start_with(Setup {
        extra: &extra,
        ..Setup::default()
    })
    .await;
    // Two suspensions and a silence, decided at once; then one suspension lifted.
    decide(
        &first,
        "bob",
        "propose suspend one.example they host spam",
        1,
    )
    .await;
    decide(
        &first,
        "bob",
        "propose suspend two.example they host raids",
        2,
    )
    .await;
    decide(
        &first,
        "dave",
        "propose silence three.example noisy bots",
        3,
    )
    .await;
    for number in 1..=3 {
        assert!(first.result(number).await.contains("PASSED"));
    }
    first.domain_block("three.example").await;
    first.domain_block("one.example").await;
    decide(
        &first,
        "alice",
        "propose unblock one.example they changed hands",
        4,
    )
    .await;
    assert!(first.result(4).await.contains("PASSED"));
    wait_for("one.example unblocked", secs(20), || async {
        (!first
            .mock
            .domain_blocks()
            .await
            .iter()
            .any(|b| b["domain"] == "one.example"))
        .then_some(())
    })
    .await;

    // Written again with pages of two: three Recommendations and a Retraction, in order.
    let paged = first.dir.path().join("paged");
    let output = first.cli_output(
        &["publish", "--out", paged.to_str().expect("a path")],
        &[("COOPGOV_FIRES_PAGE_SIZE", "2")],
    );
    assert!(output.status.success(), "{output:?}");
    let page0 = json(&paged, "fires/changes/0.json");
    let page1 = json(&paged, "fires/changes/1.json");
    let pair = |kind: &str, domain: &str| (kind.to_string(), domain.to_string());
    assert_eq!(
        changes(&page0),
        [
            pair("Recommendation", "one.example"),
            pair("Recommendation", "two.example")
        ]
    );
    assert_eq!(
        changes(&page1),
        [
            pair("Recommendation", "three.example"),
            pair("Retraction", "one.example")
        ]
    );
    assert_eq!(page0["next"], format!("{base}fires/changes/1.json"));
    assert!(page1.get("next").is_none(), "{page1}");
    assert_eq!(page1["orderedItems"][0]["recommendedPolicy"], "filter");
    assert_eq!(page0["orderedItems"][0]["url"], format!("{base}p/1.html"));
    let snapshot = json(&paged, "fires/snapshot.json");
    assert_eq!(
        changes(&snapshot),
        [
            pair("Retraction", "one.example"),
            pair("Recommendation", "three.example"),
            pair("Recommendation", "two.example")
        ]
    );
    let listed = json(&paged, "blocklist.json");
    let domains: Vec<&str> = listed
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|entry| entry["domain"].as_str())
        .collect();
    assert_eq!(domains, ["two.example"]);
    let plain = std::fs::read_to_string(paged.join("blocklist.txt")).expect("the plain list");
    assert_eq!(plain, "two.example\n");

    // The running bot's own site (pages of 100), served as a web server would.
    let site = first.dir.path().join("site");
    wait_for("the site with the unblock", secs(30), || async {
        let feed = std::fs::read_to_string(site.join("fires/changes/0.json")).ok()?;
        feed.contains("Retraction").then_some(())
    })
    .await;
    for path in [
        "fires/dataset.json",
        "fires/snapshot.json",
        "fires/changes.json",
        "fires/changes/0.json",
        "fires/labels.json",
    ] {
        let text = std::fs::read_to_string(site.join(path)).expect(path);
        lists.put(&format!("/{path}"), "application/ld+json", &text);
    }

    // The second cooperative follows it: it proposes what stands, and nothing lifted.
    let follow = format!(
        "[[subscriptions]]\nname = \"first-coop\"\nurl = \"{base}fires/dataset.json\"\nformat = \"fires\"\npropose = \"each\"\n"
    );
    let second = Scenario::start_with(Setup {
        extra: &follow,
        ..Setup::default()
    })
    .await;
    let mut asked = Vec::new();
    for number in [1, 2] {
        asked.push(text_of(&second.ballot(number).await));
    }
    let asked = asked.join("\n---\n");
    assert!(
        asked.contains("Proposal #1: suspend two.example")
            && asked.contains("Proposal #2: limit (silence) three.example")
            && asked.contains("From first-coop (1 of our 1 subscriptions lists it): [Suspend]"),
        "{asked}"
    );
    tokio::time::sleep(secs(4)).await;
    assert!(
        second.bot_posts_containing("one.example").await.is_empty(),
        "the block the first lifted is not proposed"
    );
    drop(first);
}
