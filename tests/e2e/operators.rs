//! What the admin runs: `coopgov check` (and `--fix`).

use crate::scenario::Scenario;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_says_what_is_wrong_and_fixes_the_notification_policy() {
    let mut scenario = Scenario::start("auto").await;
    scenario.stop();
    let token = scenario.mock.bot_token().to_string();
    let (ok, report) = scenario.cli_status(&["check"], &token);
    assert!(ok, "{report}");
    for line in [
        "configuration",
        "instance",
        "token is valid",
        "admin domain blocks",
        "notification policy",
        "streaming API answers",
    ] {
        assert!(report.contains(line), "{line:?} missing:\n{report}");
    }

    // A policy that filters private mentions would hide members' DMs from the bot.
    let bot = scenario.mock.bot();
    bot.send(
        reqwest::Method::PATCH,
        "/api/v2/notifications/policy",
        Some(json!({"for_private_mentions": "filter"})),
    )
    .await;
    let (ok, report) = scenario.cli_status(&["check"], &token);
    assert!(!ok, "a filtering policy fails the check:\n{report}");
    assert!(
        report.contains("FAIL")
            && report.contains("for_private_mentions")
            && report.contains("--fix"),
        "{report}"
    );
    let (ok, report) = scenario.cli_status(&["check", "--fix"], &token);
    assert!(ok && report.contains("fixed"), "{report}");
    assert_eq!(
        bot.get("/api/v2/notifications/policy").await["for_private_mentions"],
        "accept"
    );

    let (ok, report) = scenario.cli_status(&["check"], "not-a-token");
    assert!(!ok, "{report}");
    assert!(
        report.contains("FAIL") && report.contains("401"),
        "{report}"
    );
    assert!(
        !report.contains("not-a-token"),
        "the token is never printed"
    );
}
