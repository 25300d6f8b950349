//! Advice from other instances (SPEC §15), as the working group and members meet it: a
//! neighbour's blocklist and a FIRES dataset, served over loopback HTTP, become proposals
//! the members decide; a list that breaks, cannot be reached or suddenly empties changes
//! nothing, and the working group is told once.

use crate::scenario::{text_of, Scenario, Setup};
use crate::support::lists::ListServer;
use crate::support::{id_of, secs, wait_for};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/advice/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn no_ballot(scenario: &Scenario, number: u64) -> bool {
    scenario
        .bot_posts_containing(&format!("Proposal #{number}:"))
        .await
        .is_empty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_neighbours_csv_opens_proposals_one_at_a_time_up_to_max_open_and_a_broken_list_changes_nothing(
) {
    let lists = ListServer::start().await;
    lists.put(
        "/blocklist.csv",
        "text/csv",
        &fixture("mastodon-blocklist.csv"),
    );
    let extra = format!(
        r#"[[subscriptions]]
name = "neighbours"
url = "{}"
format = "mastodon-csv"
propose = "each"

[advice]
max_open = 2
exclude = ["hidden.example.org"]
"#,
        lists.url("/blocklist.csv")
    );
    let mut scenario = Scenario::start_with(Setup {
        extra: &extra,
        ..Setup::default()
    })
    .await;

    let first = text_of(&scenario.ballot(1).await);
    let second = text_of(&scenario.ballot(2).await);
    assert!(
        first.contains("Proposal #1: suspend harassment-hub.example")
            && first.contains("From neighbours (1 of our 1 subscriptions lists it): “Coordinated harassment campaigns; admins unresponsive”"),
        "{first}"
    );
    assert!(
        second.contains("Proposal #2: limit (silence) noisy-bots.example.net")
            && second
                .contains("“Bot network posting \"breaking news\" spam, several times a minute”"),
        "{second}"
    );
    tokio::time::sleep(secs(3)).await;
    assert!(no_ballot(&scenario, 3).await, "max_open = 2");

    for number in [1, 2] {
        let ballot = scenario.ballot(number).await;
        scenario
            .reply_as("carol", &id_of(&ballot), "@coopbot agree")
            .await;
    }
    assert!(scenario.result(1).await.contains("PASSED"));
    let suspended = scenario.domain_block("harassment-hub.example").await;
    assert_eq!(suspended["severity"], "suspend");
    assert!(
        suspended["private_comment"]
            .as_str()
            .unwrap_or_default()
            .contains("from subscriptions: neighbours"),
        "{suspended}"
    );
    let silenced = scenario.domain_block("noisy-bots.example.net").await;
    assert_eq!(silenced["severity"], "silence");
    assert_eq!(silenced["reject_media"], true, "{silenced}");

    // With room again, the third entry opens; the excluded one never does.
    let third = text_of(&scenario.ballot(3).await);
    assert!(
        third.contains("Proposal #3: suspend scam-relay.example.com"),
        "{third}"
    );
    let show = scenario.cli(&["show", "1"]);
    assert!(show.contains("from subscriptions"), "{show}");
    let advice = scenario.cli(&["advice"]);
    assert!(
        advice.contains("holds 4 entries (1 silence, 3 suspend)")
            && advice.contains("hidden.example.org: excluded by [advice] exclude")
            && advice.contains("harassment-hub.example: already put to our members in proposal #1"),
        "{advice}"
    );

    // Read again at start: the server says nothing changed (304), nothing new opens.
    scenario.stop();
    let before = lists.requests("/blocklist.csv");
    scenario.restart();
    scenario.wait_for_log("unchanged").await;
    assert_eq!(lists.requests("/blocklist.csv"), before + 1);

    // A list that turns into something else changes nothing, and alice is told once.
    lists.put(
        "/blocklist.csv",
        "text/html",
        "<html><body>Maintenance</body></html>",
    );
    for _ in 0..2 {
        scenario.stop();
        scenario.restart();
        scenario.wait_for_log("list read").await;
    }
    let told = wait_for("the working group told", secs(20), || async {
        let told = scenario.dms_to("alice", "could not be used").await;
        (!told.is_empty()).then_some(told)
    })
    .await;
    tokio::time::sleep(secs(2)).await;
    assert_eq!(
        scenario.dms_to("alice", "could not be used").await.len(),
        1,
        "{told:?}"
    );
    assert!(told[0].contains("neighbours"), "{told:?}");
    assert!(no_ballot(&scenario, 4).await);
    let blocks = scenario.mock.domain_blocks().await;
    assert_eq!(blocks.len(), 2, "{blocks:?}");
}

/// The FIRES fixtures with their provider's address made this server's.
fn fires(lists: &ListServer, name: &str) -> String {
    fixture(name).replace("https://fires.example.org", &lists.base())
}

const DATASET: &str = "/datasets/01999eff-fa80-7277-bd62-3676a525c29b";

/// Page 1 of the feed as the snapshot the dataset first serves: its three
/// recommendations, newest first, with the next page as its cursor.
fn snapshot_of_page_one(lists: &ListServer) -> String {
    let page: serde_json::Value =
        serde_json::from_str(&fires(lists, "changes-page-1.json")).unwrap();
    let mut items = page["orderedItems"].as_array().unwrap().clone();
    items.reverse();
    serde_json::json!({
        "@context": page["@context"],
        "id": lists.url(&format!("{DATASET}/snapshot")),
        "type": "Collection",
        "totalItems": items.len(),
        "changes": page["next"],
        "orderedItems": items,
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fires_dataset_is_one_batch_a_member_takes_an_entry_out_it_passes_and_a_retraction_proposes_lifting_a_block(
) {
    let lists = ListServer::start().await;
    let json = "application/ld+json";
    lists.put(DATASET, json, &fires(&lists, "dataset.json"));
    lists.put("/labels", json, &fires(&lists, "labels.json"));
    lists.put(
        &format!("{DATASET}/snapshot"),
        json,
        &snapshot_of_page_one(&lists),
    );
    let page_two = "/datasets/01999eff-fa80-7277-bd62-3676a525c29b/changes?since=019a792c-3a48-7f3d-bcdf-3ed2b55d5d1a";
    let mut empty: serde_json::Value =
        serde_json::from_str(&fires(&lists, "changes-page-2.json")).unwrap();
    empty["orderedItems"] = serde_json::json!([]);
    lists.put(page_two, json, &empty.to_string());
    let extra = format!(
        r#"[[subscriptions]]
name = "denylist"
url = "{}"
format = "fires"
propose = "batch"

[[subscriptions]]
name = "faraway"
url = "http://127.0.0.1:9/blocklist.txt"
format = "plain"
"#,
        lists.url(DATASET)
    );
    let mut scenario = Scenario::start_with(Setup {
        extra: &extra,
        ..Setup::default()
    })
    .await;

    // One ballot for the whole reading, its entries listed under it.
    let batch = scenario.ballot(1).await;
    let text = text_of(&batch);
    assert!(
        text.contains("Proposal #1: adopt 3 entries from denylist (2 suspend, 1 silence)")
            && text.contains("exclude <domain> <reason>"),
        "{text}"
    );
    let entries = text_of(
        &scenario
            .post_containing("Entries of proposal #1 (1/1)")
            .await,
    );
    assert!(
        entries.contains("spam-farm.example.org (suspend): [Spam]")
            && entries.contains("harassment-hub.example (suspend): [Harassment, Hate Speech]")
            && entries.contains("noisy-bots.example.net (silence): [Spam]"),
        "{entries}"
    );

    // Bob takes noisy-bots out: it is put to the members on its own.
    scenario
        .reply_as(
            "bob",
            &id_of(&batch),
            "@coopbot exclude noisy-bots.example.net they cleaned up their bots",
        )
        .await;
    let own = text_of(&scenario.ballot(2).await);
    assert!(
        own.contains("Proposal #2: limit (silence) noisy-bots.example.net")
            && own.contains("they cleaned up their bots"),
        "{own}"
    );
    scenario
        .post_containing("noisy-bots.example.net is taken out of this batch")
        .await;

    // The batch passes: each remaining entry is blocked, naming the batch and the list.
    scenario
        .reply_as("carol", &id_of(&batch), "@coopbot agree")
        .await;
    assert!(scenario.result(1).await.contains("PASSED"));
    for domain in ["spam-farm.example.org", "harassment-hub.example"] {
        let block = scenario.domain_block(domain).await;
        assert_eq!(block["severity"], "suspend");
        assert!(
            block["private_comment"]
                .as_str()
                .unwrap_or_default()
                .contains("proposal #1 (batch), from subscriptions: denylist"),
            "{block}"
        );
    }
    scenario
        .post_containing("Done: 2 of the batch's 2 entries are now blocked")
        .await;
    tokio::time::sleep(secs(2)).await;
    assert!(
        !scenario
            .mock
            .domain_blocks()
            .await
            .iter()
            .any(|b| b["domain"] == "noisy-bots.example.net"),
        "the entry taken out is decided by its own vote"
    );
    // Anyone recounts the batch from its thread; bob's exclusion is not a vote.
    let url = batch["url"].as_str().expect("a ballot address");
    let (ok, report) = scenario.cli_status(&["verify", url], "");
    assert!(ok && report.contains("they agree"), "{report}");
    let export = scenario.cli(&["export", "--format", "mastodon-csv"]);
    assert!(
        export.contains("spam-farm.example.org") && export.contains("harassment-hub.example"),
        "{export}"
    );
    // The unreachable list is told once.
    wait_for("alice told of faraway", secs(20), || async {
        (!scenario.dms_to("alice", "“faraway”").await.is_empty()).then_some(())
    })
    .await;

    // The provider publishes its next page: an Advisory and the Retraction of spam-farm.
    lists.put(page_two, json, &fires(&lists, "changes-page-2.json"));
    scenario.stop();
    scenario.restart();
    let lift = wait_for("the unblock proposal", secs(60), || async {
        scenario
            .bot_posts_containing("lift the block on spam-farm.example.org")
            .await
            .into_iter()
            .find(|s| s["in_reply_to_id"].is_null())
    })
    .await;
    let lift = text_of(&lift);
    assert!(
        lift.contains("Domain changed hands; the spam accounts are gone."),
        "{lift}"
    );
    assert!(
        scenario
            .bot_posts_containing("watchlist.example.com")
            .await
            .is_empty(),
        "an Advisory proposes nothing"
    );
    assert_eq!(scenario.dms_to("alice", "“faraway”").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_loses_ten_entries_at_once_proposes_nothing_and_the_working_group_is_told() {
    let lists = ListServer::start().await;
    let domains: Vec<String> = (0..12).map(|i| format!("server{i}.example")).collect();
    lists.put(
        "/list.txt",
        "text/plain",
        &format!("{}\n", domains.join("\n")),
    );
    let extra = format!(
        r#"[[subscriptions]]
name = "garden"
url = "{}"
format = "plain"
propose = "each"

[advice]
max_open = 1
"#,
        lists.url("/list.txt")
    );
    let mut scenario = Scenario::start_with(Setup {
        extra: &extra,
        ..Setup::default()
    })
    .await;
    let first = text_of(&scenario.ballot(1).await);
    assert!(first.contains("suspend server0.example"), "{first}");
    let check = scenario.cli(&["check"]);
    assert!(
        check.contains("subscription garden (")
            && check.contains("bytes (12 entries); up to 12 of them could be put to the members"),
        "{check}"
    );
    let dry = scenario.cli(&["advice", "--dry-run"]);
    assert!(
        dry.contains("garden: unchanged since the last reading")
            && dry.contains("Waiting their turn (11):"),
        "{dry}"
    );
    let ballot = scenario.ballot(1).await;
    scenario
        .reply_as("carol", &id_of(&ballot), "@coopbot agree")
        .await;
    assert!(scenario.result(1).await.contains("PASSED"));
    scenario.domain_block("server0.example").await;
    scenario.ballot(2).await;

    // Ten entries vanish at once, server0 (which we blocked because of the list) among them.
    lists.put(
        "/list.txt",
        "text/plain",
        &format!("{}\n", domains[10..].join("\n")),
    );
    scenario.stop();
    scenario.restart();
    let told = wait_for("the working group told", secs(30), || async {
        let told = scenario.dms_to("alice", "max_removals").await;
        (!told.is_empty()).then_some(told)
    })
    .await;
    assert!(told[0].contains("dropped 10 entries at once"), "{told:?}");
    tokio::time::sleep(secs(12)).await;
    assert!(
        scenario
            .bot_posts_containing("lift the block on")
            .await
            .is_empty(),
        "nothing is proposed from a list that suddenly empties: {:?}",
        scenario
            .bot_posts_containing("lift the block on")
            .await
            .iter()
            .map(text_of)
            .collect::<Vec<_>>()
    );
    assert_eq!(scenario.mock.domain_blocks().await.len(), 1);
    assert!(
        no_ballot(&scenario, 3).await,
        "nor is anything else proposed from it while it is held"
    );
}
