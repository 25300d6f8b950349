//! A sealed ballot lived on the mock (SPEC §14): members vote by direct message and get
//! receipts, one changes their vote, one votes in public and is told, the bot is killed
//! while a receipt is on its way (and sends it once), only counts show while voting
//! runs, the lists come at the close, `verify` agrees and `verify --receipt` finds each
//! current receipt and not the void one; and nothing the bot wrote in public, on its
//! pages, in its exports or in its log at `RUST_LOG=trace` puts a voter beside a position.

use crate::scenario::{text_of, Scenario, Setup};
use crate::support::{id_of, secs, wait_for};
use serde_json::json;
use std::collections::BTreeMap;

/// The receipt code in the bot's receipt DM to `acct` whose text contains `position`.
async fn receipt(scenario: &Scenario, acct: &str, position: &str) -> String {
    let needle = format!("is counted: {position}");
    let text = wait_for(
        &format!("@{acct}'s receipt for {position}"),
        secs(30),
        || async { scenario.dms_to(acct, &needle).await.into_iter().next() },
    )
    .await;
    crate::support::sealed::code_in(&text)
}

/// The words of `text`, split at anything not a letter, digit or `_`.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .collect()
}

/// Lines of `text` (named `what`) that hold a voter's name and that voter's position. A
/// page's elements count as lines: a page may be written on one line.
fn voter_beside_position(what: &str, text: &str, votes: &BTreeMap<&str, &str>) -> Vec<String> {
    text.replace('<', "\n<")
        .lines()
        .filter_map(|line| {
            let words = words(line);
            let (voter, position) = votes
                .iter()
                .find(|(voter, position)| words.contains(voter) && words.contains(position))?;
            Some(format!("{what}: @{voter} beside {position}: {line}"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_suspension_voted_by_direct_message_with_receipts_and_recounted() {
    let mut scenario = Scenario::start_with(Setup {
        extra: "[rules.suspend]\nsealed = true\n\n[publish]\ndir = \"site\"\n",
        rust_log: "trace",
        ..Setup::default()
    })
    .await;
    let (_, check) = scenario.cli_status(&["check"], scenario.mock.bot_token());
    assert!(
        check.contains("ok    sealed ballots for suspend: members vote by direct message"),
        "{check}"
    );
    scenario
        .member("bob")
        .post("@coopbot propose suspend harass.example 45s they host the harassers")
        .await;
    let ballot = scenario.ballot(1).await;
    let ballot_id = id_of(&ballot);
    let ballot_text = text_of(&ballot);
    assert!(
        ballot_text.contains("SEALED: vote by direct message"),
        "{ballot_text}"
    );
    let how = text_of(
        &scenario
            .post_containing("How to vote on sealed proposal #1")
            .await,
    );
    assert!(
        how.contains("direct message") && how.contains("operators can"),
        "{how}"
    );

    // carol votes while the instance is slow: her receipt is on its way when the bot is
    // killed. After the restart she has exactly one receipt, and it is the one counted.
    scenario
        .mock
        .add_fault(json!({
            "match": {"methods": ["POST"], "path": "/api/v1/statuses"},
            "effect": {"type": "latency", "delay_ms": 6000},
            "count": 2
        }))
        .await;
    scenario
        .member("carol")
        .reply_direct(&ballot_id, "@coopbot disagree")
        .await;
    tokio::time::sleep(secs(2)).await;
    scenario.kill();
    scenario.mock.clear_faults().await;
    scenario.restart();
    let void = receipt(&scenario, "carol", "disagree").await;
    tokio::time::sleep(secs(3)).await;
    assert_eq!(
        scenario.dms_to("carol", "Your receipt:").await.len(),
        1,
        "one receipt for one vote, across the crash"
    );

    let mut codes = BTreeMap::new();
    for (name, position) in [
        ("alice", "agree"),
        ("dave", "agree"),
        ("erin", "abstain"),
        ("frank", "disagree"),
    ] {
        scenario
            .member(name)
            .reply_direct(&ballot_id, &format!("@coopbot {position}"))
            .await;
        codes.insert(name, (position, receipt(&scenario, name, position).await));
    }
    // carol changes her mind: a new receipt, the first one void.
    scenario
        .member("carol")
        .reply_direct(&ballot_id, "@coopbot agree")
        .await;
    let changed = receipt(&scenario, "carol", "agree").await;
    assert_ne!(changed, void);
    codes.insert("carol", ("agree", changed));

    // bob votes in public: not counted, and told once how to vote instead.
    let public = scenario
        .member("bob")
        .reply(&ballot_id, "@coopbot agree")
        .await;
    let told = scenario.answer_to(&public).await;
    assert!(
        told.contains("is sealed") && told.contains("delete your public reply"),
        "{told}"
    );
    scenario
        .member("bob")
        .reply(&ballot_id, "@coopbot agree, really")
        .await;

    // While voting runs, only the number of voters shows.
    let asked = scenario.member("erin").post("@coopbot status 1").await;
    let status = scenario.answer_to(&asked).await;
    assert!(status.contains("5 voters"), "{status}");
    assert!(!status.contains("agree 3"), "{status}");
    let open = scenario.dir.path().join("while open");
    scenario.cli(&["publish", "--out", open.to_str().expect("a path")]);
    let page = std::fs::read_to_string(open.join("p/1.html")).expect("the open page");
    assert!(
        page.contains("5 voters") && !page.contains("agree 3"),
        "{page}"
    );

    let result = scenario.result(1).await;
    assert!(result.contains("PASSED"), "{result}");
    assert!(
        result.contains("agree 3 · abstain 1 · disagree 1 · block 0"),
        "only the DM votes count: {result}"
    );
    let receipts = text_of(
        &scenario
            .post_containing("Receipts of proposal #1 (1/1)")
            .await,
    );
    let voters = text_of(
        &scenario
            .post_containing("Voters of proposal #1 (1/1)")
            .await,
    );
    crate::support::sealed::assert_lists_hold(&receipts, &voters, &codes, &void);
    assert!(!voters.contains("bob"), "a public vote is not a vote");
    scenario.domain_block("harass.example").await;

    let url = ballot["url"].as_str().expect("the ballot's address");
    let (ok, report) = scenario.cli_status(&["verify", url], "");
    assert!(ok && report.contains("they agree"), "{report}");
    assert!(report.contains("5 receipts"), "{report}");
    for (name, (position, code)) in &codes {
        let (ok, found) = scenario.cli_status(&["verify", url, "--receipt", code], "");
        assert!(
            ok && found.contains(&format!("counted as {position}")),
            "{name}: {found}"
        );
    }
    let missing = scenario.cli_output(&["verify", url, "--receipt", &void], &[]);
    assert_eq!(
        missing.status.code(),
        Some(1),
        "the void receipt is not listed"
    );

    // Nothing the bot wrote puts a voter beside a position.
    let site = scenario.dir.path().join("site");
    wait_for("the page with the receipts", secs(30), || async {
        std::fs::read_to_string(site.join("p/1-receipts.txt")).ok()
    })
    .await;
    let votes: BTreeMap<&str, &str> = codes
        .iter()
        .map(|(name, (position, _))| (*name, *position))
        .collect();
    let mut carol_before = votes.clone();
    carol_before.insert("carol", "disagree");
    // The search finds what it looks for.
    assert_eq!(
        voter_beside_position("a probe", "<li>@alice: agree</li>", &votes).len(),
        1
    );
    let mut found = Vec::new();
    for status in scenario.bot_statuses().await {
        // A receipt is a direct message to its voter alone.
        if status["visibility"] != "direct" {
            found.extend(voter_beside_position("a post", &text_of(&status), &votes));
        }
    }
    for entry in walk(&site) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        found.extend(voter_beside_position(
            &entry.display().to_string(),
            &text,
            &votes,
        ));
    }
    for format in ["json", "csv", "md", "mastodon-csv"] {
        let export = scenario.cli(&["export", "--format", format]);
        found.extend(voter_beside_position(format, &export, &votes));
    }
    found.extend(voter_beside_position(
        "show",
        &scenario.cli(&["show", "1"]),
        &votes,
    ));
    scenario.stop();
    let log = scenario.log();
    assert!(
        log.contains("TRACE") || log.contains("trace"),
        "the log is at trace"
    );
    found.extend(voter_beside_position("the log", &log, &votes));
    found.extend(voter_beside_position("the log", &log, &carol_before));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Every file under `folder`.
fn walk(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let path = entry.path();
        match path.is_dir() {
            true => files.extend(walk(&path)),
            false => files.push(path),
        }
    }
    files
}
