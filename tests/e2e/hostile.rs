//! Hostile input that needs a real server: floods and secrets. The pure cases are in
//! src/governance/tests/hostile.rs; identity cases run in governance_loop and working_group.

use crate::scenario::{Scenario, Setup};
use crate::support::{id_of, secs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_flood_gets_a_bounded_number_of_answers() {
    let scenario = Scenario::start_with(Setup {
        extra: "[limits]\nanswers_per_account_per_day = 4",
        ..Setup::default()
    })
    .await;
    let bob = scenario.member("bob");
    let bob_id = bob.account_id().await;
    for n in 0..12 {
        bob.post(&format!("@coopbot gimme {n}")).await;
    }
    // The bot still serves everyone else, and only after the flood.
    scenario
        .member("alice")
        .post("@coopbot propose motion 1h we adopt a code of conduct")
        .await;
    scenario.ballot(1).await;
    tokio::time::sleep(secs(2)).await;
    let to_bob = scenario
        .bot_statuses()
        .await
        .into_iter()
        .filter(|status| {
            status["mentions"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["id"] == bob_id.as_str()))
        })
        .count();
    assert_eq!(to_bob, 4, "bob gets four answers, not twelve");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_appears_in_no_log_and_no_check_output() {
    let mut scenario = Scenario::start_with(Setup {
        rust_log: "trace",
        ..Setup::default()
    })
    .await;
    let token = scenario.mock.bot_token().to_string();
    scenario
        .member("alice")
        .post("@coopbot propose motion 3s we adopt a code of conduct")
        .await;
    let ballot = scenario.ballot(1).await;
    scenario
        .member("bob")
        .reply(&id_of(&ballot), "@coopbot agree")
        .await;
    scenario.result(1).await;
    scenario.stop();
    let check = scenario.cli(&["check"]);
    assert!(check.contains("ok"), "{check}");
    let log = scenario.log();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "the bot logged at trace level"
    );
    assert!(!log.contains(&token), "the token is in the log");
    assert!(!check.contains(&token), "the token is in check's output");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_can_be_json_for_log_shippers() {
    let mut scenario = Scenario::start_with(Setup {
        args: &["--log-format", "json"],
        ..Setup::default()
    })
    .await;
    scenario.stop();
    let log = scenario.log();
    let lines: Vec<&str> = log.lines().filter(|line| !line.trim().is_empty()).collect();
    assert!(lines.len() >= 3, "{log}");
    for line in lines {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            entry["level"].is_string() && entry["fields"]["message"].is_string(),
            "{line}"
        );
    }
}
