//! Reports, urgent action and appeals (SPEC §11), as members and the working group meet
//! them: reports filed with the instance's own report button become a case; the working
//! group blocks at once and the members undo it; a jury's decision is appealed.

use crate::scenario::{text_of, Scenario, Setup};
use crate::support::{id_of, secs, wait_for};
use reqwest::Method;
use serde_json::{json, Value};

const REPORTS: &str = r#"[reports]
watch = true
poll_every = "5s"
open_after = 3
within = "7d"
propose = "silence"
resolve = true
"#;

/// `reporter` files a report about `target_id` and its posts `status_ids` with the
/// instance, as its report button does.
async fn report(
    scenario: &Scenario,
    reporter: &str,
    target_id: &str,
    status_ids: &[&str],
    comment: &str,
) -> Value {
    let report = json!({
        "account_id": target_id,
        "status_ids": status_ids,
        "comment": comment,
        "category": "spam",
    });
    scenario
        .member(reporter)
        .send(Method::POST, "/api/v1/reports", Some(report))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_reports_open_a_case_the_working_group_reads_it_members_pass_it_and_the_reports_are_resolved(
) {
    let scenario = Scenario::start_with(Setup {
        extra: REPORTS,
        ..Setup::default()
    })
    .await;
    let raider = scenario.mock.remote_member("alice", "evil.example");
    let target = raider.account_id().await;
    // Its posts' addresses name it (…/@alice@evil.example/…): a server that reads that as
    // a mention would send it the case file.
    let threat = id_of(&raider.post("you will regret this").await);
    let pile_on = id_of(&raider.post("everyone, go and reply to them").await);
    let words = [
        "bob-private: they sent me threats",
        "bob-private again: more threats",
        "carol-private: slurs in my replies",
        "dave-private: a pile-on from their server",
    ];
    // bob reports twice: he counts once, so the case waits for dave.
    report(&scenario, "bob", &target, &[&threat], words[0]).await;
    report(&scenario, "bob", &target, &[], words[1]).await;
    report(&scenario, "carol", &target, &[&threat, &pile_on], words[2]).await;
    tokio::time::sleep(secs(7)).await;
    assert!(
        scenario
            .bot_posts_containing("Proposal #1:")
            .await
            .is_empty(),
        "two members are not enough"
    );
    report(&scenario, "dave", &target, &[&pile_on], words[3]).await;

    let ballot = scenario.ballot(1).await;
    let ballot_text = text_of(&ballot);
    assert!(
        ballot_text.contains("Proposal #1: limit (silence) evil.example")
            && ballot_text.contains("3 members reported accounts of evil.example in the last 7d")
            && ballot_text.contains("spam 4"),
        "{ballot_text}"
    );

    // The working group (alice) gets each report by DM, with no reporter named.
    let files = wait_for("the case file", secs(20), || async {
        let files = scenario.dms_to("alice", "Case file of proposal #1").await;
        (files.len() == 4).then_some(files)
    })
    .await;
    for word in words {
        assert!(
            files.iter().any(|file| file.contains(word)),
            "{word}: {files:?}"
        );
    }
    for file in &files {
        for reporter in ["bob", "carol", "dave"] {
            assert!(!file.contains(&format!("{reporter} ")), "{file}");
        }
    }
    // Each file reaches alice and nobody else; the reported account hears nothing.
    let sent: Vec<Value> = scenario
        .bot_statuses()
        .await
        .into_iter()
        .filter(|status| text_of(status).contains("Case file of proposal #1"))
        .collect();
    assert_eq!(sent.len(), 4);
    for file in &sent {
        let mentioned: Vec<&str> = file["mentions"]
            .as_array()
            .map(|mentions| mentions.iter().filter_map(|m| m["acct"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(mentioned, ["alice"], "{}", text_of(file));
    }
    assert!(
        files
            .iter()
            .any(|file| file.contains(&format!("/statuses/{threat}"))),
        "the reported posts are linked: {files:?}"
    );
    let heard: Vec<Value> = raider
        .notifications()
        .await
        .into_iter()
        .filter(|notification| notification["account"]["acct"] == "coopbot")
        .collect();
    assert!(heard.is_empty(), "the reported account was told: {heard:?}");

    let ballot_id = id_of(&ballot);
    scenario
        .reply_as("erin", &ballot_id, "@coopbot agree")
        .await;
    scenario
        .reply_as("frank", &ballot_id, "@coopbot agree")
        .await;
    let result = scenario.result(1).await;
    assert!(result.contains("PASSED"), "{result}");
    let block = scenario.domain_block("evil.example").await;
    assert_eq!(block["severity"], "silence");
    // Anyone recounts the case from its public thread; the case file is not needed.
    let url = ballot["url"].as_str().expect("a ballot address");
    let (ok, verdict) = scenario.cli_status(&["verify", url], "");
    assert!(ok && verdict.contains("they agree"), "{verdict}");

    // Every report of the case is resolved.
    wait_for("the reports resolved", secs(30), || async {
        let open = scenario
            .mock
            .bot()
            .get("/api/v1/admin/reports")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default();
        let all = scenario
            .mock
            .bot()
            .get("/api/v1/admin/reports?resolved=true")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default();
        let resolved = all.iter().filter(|r| r["action_taken"] == true).count();
        let unresolved = open.iter().filter(|r| r["action_taken"] == false).count();
        (resolved == 4 && unresolved == 0).then_some(())
    })
    .await;

    // The promise: nothing the bot posted publicly names a reporter or quotes a report.
    for status in scenario.bot_statuses().await {
        if status["visibility"] == "direct" {
            continue;
        }
        let text = text_of(&status);
        for secret in [
            "bob", "carol", "dave", "-private", "threats", "slurs", "pile-on",
        ] {
            assert!(!text.contains(secret), "{secret} in a public post: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_urgent_block_is_in_force_at_once_and_undone_exactly_when_the_members_do_not_ratify_it()
{
    let scenario = Scenario::start_with(Setup {
        min_duration: "10s",
        urgent_min_duration: "10s",
        ..Setup::default()
    })
    .await;
    // other.example was limited by hand, with comments and options of its own.
    scenario
        .mock
        .bot()
        .send(
            Method::POST,
            "/api/v1/admin/domain_blocks",
            Some(json!({
                "domain": "other.example",
                "severity": "silence",
                "public_comment": "limited by hand in 2025",
                "private_comment": "see the wiki",
                "reject_media": true
            })),
        )
        .await;
    let alice = scenario.member("alice");
    // Limiting a server already limited changes nothing: one answer, no proposal, and no
    // number used (the next urgent action is #1).
    let nothing = alice
        .direct("@coopbot silence now other.example the raid again")
        .await;
    let answer = scenario.answer_to(&nothing).await;
    assert!(
        answer.contains("Nothing was changed: other.example is already under a silence block")
            && answer.contains("No proposal was opened"),
        "{answer}"
    );
    let acted = alice
        .direct("@coopbot suspend now spam.example they are harassing our members right now")
        .await;
    assert!(scenario.answer_to(&acted).await.contains("Acting now"));
    alice
        .direct("@coopbot suspend now other.example the same raid, from here too")
        .await;

    // In force before any vote, marked provisional, naming the ratification.
    let block = scenario.domain_block("spam.example").await;
    assert_eq!(block["severity"], "suspend");
    let comment = block["public_comment"].as_str().unwrap_or_default();
    assert!(
        comment.starts_with("Provisional:") && comment.contains("proposal #1"),
        "{comment}"
    );
    let ballot = scenario.ballot(1).await;
    let text = text_of(&ballot);
    // It says it is a ratification, and what agreeing does.
    assert!(
        text.starts_with("Proposal #1: ratify suspend spam.example\nDone at once by @\u{200B}alice: they are harassing")
            && text.contains("Agree keeps it; if this vote fails, it is undone."),
        "{text}"
    );
    scenario
        .post_containing("the working group suspended spam.example at once")
        .await;
    let other = scenario.ballot(2).await;
    wait_for("other.example suspended", secs(20), || async {
        let block = scenario.domain_block("other.example").await;
        (block["severity"] == "suspend").then_some(())
    })
    .await;

    // The members do not back either: a block stops both.
    scenario
        .reply_as(
            "bob",
            &id_of(&ballot),
            "@coopbot block we should hear them first",
        )
        .await;
    scenario
        .reply_as(
            "bob",
            &id_of(&other),
            "@coopbot block not from other.example",
        )
        .await;
    let result = scenario.result(1).await;
    assert!(
        result.contains("STOPPED BY A BLOCK") && result.contains("Undoing"),
        "{result}"
    );
    scenario
        .post_containing("Undone: spam.example is unblocked")
        .await;
    scenario
        .post_containing("Undone: other.example is back under its earlier silence block")
        .await;
    let blocks = scenario.mock.domain_blocks().await;
    assert!(
        !blocks.iter().any(|block| block["domain"] == "spam.example"),
        "{blocks:?}"
    );
    let url = ballot["url"].as_str().expect("a ballot address");
    let output = scenario.cli_output(&["verify", url], &[("COOPGOV_TOKEN", "")]);
    let verdict = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && verdict.contains("they agree"),
        "{verdict}"
    );
    let shown = scenario.cli(&["show", "1"]);
    assert!(
        shown.contains("urgent action: @alice of the working group acted at once"),
        "{shown}"
    );
    let restored = blocks
        .iter()
        .find(|block| block["domain"] == "other.example")
        .expect("other.example's earlier block");
    assert_eq!(restored["severity"], "silence");
    assert_eq!(restored["public_comment"], "limited by hand in 2025");
    assert_eq!(restored["private_comment"], "see the wiki");
    assert_eq!(restored["reject_media"], true);
}

/// A jury of one drawn from a roster, quick enough for a test.
const JURY_OF_ONE: &str = r#"[jury]
pool = "roster"
pool_file = "jurors.txt"
size = 1
consent_within = "20s"
duration = "8s"
decides = ["suspend"]

[rules.jury]
quorum = 1

[appeals]
within = "1h"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jury_decision_is_appealed_to_all_members_once() {
    let scenario = Scenario::start_with(Setup {
        extra: JURY_OF_ONE,
        files: &[("jurors.txt", "dave\n")],
        ..Setup::default()
    })
    .await;
    scenario
        .member("bob")
        .post("@coopbot propose suspend spam.example they spam us daily")
        .await;
    let ballot = scenario.ballot(1).await;
    let invitation = scenario
        .post_containing("@dave You were drawn by lot")
        .await;
    scenario
        .member("dave")
        .reply_direct(&id_of(&invitation), "@coopbot accept")
        .await;
    scenario.post_containing("is seated, in draw order").await;
    scenario
        .reply_as("dave", &id_of(&ballot), "@coopbot agree")
        .await;
    let result = scenario.result(1).await;
    assert!(result.contains("PASSED"), "{result}");
    scenario.domain_block("spam.example").await;

    let appeal = scenario
        .member("carol")
        .post("@coopbot appeal 1 the jury did not hear from the people affected")
        .await;
    let appealed = scenario.ballot(2).await;
    let text = text_of(&appealed);
    assert!(
        text.contains("Proposal #2: lift the block on spam.example")
            && text.contains("Appeal of proposal #1")
            && !text.contains("Standing Jury of"),
        "{text}"
    );
    let again = scenario
        .member("erin")
        .post("@coopbot appeal 1 me too")
        .await;
    assert!(scenario
        .answer_to(&again)
        .await
        .contains("already appealed, in proposal #2"));
    assert_ne!(id_of(&appeal), id_of(&again));

    // All members decide it: a member who is not a juror votes, and the block is lifted.
    scenario
        .reply_as("erin", &id_of(&appealed), "@coopbot agree")
        .await;
    let result = scenario.result(2).await;
    assert!(result.contains("PASSED"), "{result}");
    wait_for("the block lifted", secs(20), || async {
        let blocks = scenario.mock.domain_blocks().await;
        (!blocks.iter().any(|b| b["domain"] == "spam.example")).then_some(())
    })
    .await;
}
