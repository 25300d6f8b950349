//! The governance loop as members live it: propose, vote, close, announce, apply.

use crate::scenario::{text_of, Scenario};
use crate::support::{id_of, secs, wait_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_passes_and_the_server_is_suspended() {
    let scenario = Scenario::start("auto").await;
    let alice = scenario.member("alice");
    let request = alice
        .post("@coopbot propose suspend Harassment.Example 12s they host a harassment campaign")
        .await;
    let ballot = scenario.ballot(1).await;
    let ballot_id = id_of(&ballot);
    let ballot_text = text_of(&ballot);
    assert!(
        ballot_text.contains("suspend harassment.example"),
        "{ballot_text}"
    );
    assert!(ballot_text.contains("Closes:"), "{ballot_text}");
    let answer = scenario.answer_to(&request).await;
    assert!(
        answer.contains(ballot["url"].as_str().unwrap_or("?")),
        "{answer}"
    );

    // bob replies, carol favourites, dave replies without mentioning the bot,
    // erin changes her mind, frank votes then deletes his reply.
    let bob_vote = scenario
        .reply_as("bob", &ballot_id, "@coopbot agree, this is overdue")
        .await;
    scenario.member("carol").favourite(&ballot_id).await;
    scenario.reply_as("dave", &ballot_id, "Agree.").await;
    let erin = scenario.member("erin");
    erin.reply(&ballot_id, "@coopbot disagree").await;
    erin.reply(&ballot_id, "@coopbot agree, I read the reports")
        .await;
    let frank = scenario.member("frank");
    let frank_vote = frank.reply(&ballot_id, "@coopbot disagree").await;
    // Votes that must not count: a remote namesake and a bot account.
    scenario.outsiders_vote(&ballot_id).await;

    scenario.receipt_on(&bob_vote).await;
    frank.delete(&id_of(&frank_vote)).await;

    let result = scenario.result(1).await;
    assert!(result.contains("PASSED"), "{result}");
    assert!(
        result.contains("agree 4 · abstain 0 · disagree 0 · block 0"),
        "{result}"
    );
    assert!(result.contains("Voters: 4"), "{result}");

    let block = scenario.domain_block("harassment.example").await;
    assert_eq!(block["severity"], "suspend");
    let comment = block["public_comment"].as_str().unwrap_or_default();
    assert!(comment.contains("proposal #1"), "{comment}");
    assert!(
        comment.contains(ballot["url"].as_str().unwrap_or("?")),
        "{comment}"
    );
    scenario.post_containing("is now suspended").await;

    // The remote account was told privately why it did not count; the bot account was not.
    let explanations = scenario.bot_posts_containing("was not counted").await;
    assert_eq!(explanations.len(), 1, "{explanations:?}");
    assert_eq!(explanations[0]["visibility"], "direct");
    assert!(text_of(&explanations[0]).contains("@alice@evil.example"));
    assert_eq!(scenario.mock.domain_blocks().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_stops_a_proposal_and_bad_requests_open_nothing() {
    let scenario = Scenario::start("auto").await;
    let alice = scenario.member("alice");
    let bad = alice.post("@coopbot propose suspend not a domain!").await;
    let answer = scenario.answer_to(&bad).await;
    assert!(
        answer.contains("propose suspend"),
        "the answer shows how to write it: {answer}"
    );
    let garbled = alice.post("@coopbot please ban them").await;
    let answer = scenario.answer_to(&garbled).await;
    assert!(answer.contains("propose"), "{answer}");
    assert!(
        scenario.bot_posts_containing("Proposal #").await.is_empty(),
        "nothing was opened"
    );

    alice
        .post("@coopbot propose silence spam.example 8s floods of spam")
        .await;
    let ballot = scenario.ballot(1).await;
    let ballot_id = id_of(&ballot);
    scenario.reply_as("bob", &ballot_id, "@coopbot agree").await;
    scenario
        .reply_as("carol", &ballot_id, "@coopbot agree")
        .await;
    scenario
        .member("dave")
        .reply(
            &ballot_id,
            "@coopbot block @erin moderates there and they fixed it",
        )
        .await;
    let result = scenario.result(1).await;
    assert!(result.contains("STOPPED BY A BLOCK"), "{result}");
    assert!(
        result.contains("agree 2 · abstain 0 · disagree 0 · block 1"),
        "{result}"
    );
    assert!(
        result.contains("dave: @\u{200B}erin moderates there"),
        "{result}"
    );
    tokio::time::sleep(secs(2)).await;
    assert!(scenario.mock.domain_blocks().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_announces_but_changes_nothing() {
    let scenario = Scenario::start("dry_run").await;
    scenario
        .member("alice")
        .post("@coopbot propose suspend bad.example 6s they host spam")
        .await;
    let ballot = scenario.ballot(1).await;
    scenario
        .member("bob")
        .reply(&id_of(&ballot), "@coopbot yes")
        .await;
    let result = scenario.result(1).await;
    assert!(result.contains("PASSED"), "{result}");
    assert!(result.contains("Dry run"), "{result}");
    tokio::time::sleep(secs(2)).await;
    assert!(scenario.mock.domain_blocks().await.is_empty());
    assert!(scenario
        .bot_posts_containing("is now suspended")
        .await
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_loses_nothing_and_repeats_nothing() {
    let mut scenario = Scenario::start("auto").await;
    let alice = scenario.member("alice");
    alice
        .post("@coopbot propose silence loud.example 10s they flood our timelines")
        .await;
    let ballot = scenario.ballot(1).await;
    let ballot_id = id_of(&ballot);
    let bob_vote = scenario.reply_as("bob", &ballot_id, "@coopbot agree").await;
    scenario.receipt_on(&bob_vote).await;
    scenario.stop();

    // While the bot is down: a vote by reply, one by favourite, a request; then the
    // closing time passes.
    scenario
        .reply_as("carol", &ballot_id, "@coopbot agree")
        .await;
    scenario.member("dave").favourite(&ballot_id).await;
    let status = scenario.member("erin").post("@coopbot status 1").await;
    tokio::time::sleep(secs(10)).await;

    scenario.restart();
    let result = scenario.result(1).await;
    assert!(
        result.contains("agree 3 · abstain 0 · disagree 0 · block 0"),
        "{result}"
    );
    let answer = scenario.answer_to(&status).await;
    assert!(answer.contains("Proposal #1"), "{answer}");
    scenario.post_containing("is now limited").await;

    // A second restart after everything is done posts nothing new.
    scenario.stop();
    let before = scenario.bot_statuses().await.len();
    scenario.restart();
    scenario.wait_for_log("stream connected").await;
    tokio::time::sleep(secs(2)).await;
    scenario.stop();
    let statuses = scenario.bot_statuses().await;
    assert_eq!(
        statuses.len(),
        before,
        "nothing was posted after the second restart"
    );
    let count = |needle: &str| {
        statuses
            .iter()
            .filter(|s| text_of(s).contains(needle))
            .count()
    };
    let ballots: Vec<_> = statuses
        .iter()
        .filter(|s| s["in_reply_to_id"].is_null() && text_of(s).contains("Proposal #1:"))
        .collect();
    assert_eq!(ballots.len(), 1, "one ballot: {ballots:#?}");
    assert_eq!(count("Result of proposal #1"), 1, "one announcement");
    assert_eq!(count("is now limited"), 1, "one 'applied' post");
    assert_eq!(count("is open for votes"), 1, "one answer to the proposer");
    let blocks = scenario.mock.domain_blocks().await;
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    assert_eq!(blocks[0]["severity"], "silence");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_suspension_is_reported_to_the_working_group_and_never_announced() {
    let scenario = Scenario::start("auto").await;
    let refusal = serde_json::json!({"error": "This action is not allowed"});
    scenario.refuse_domain_blocks(403, refusal).await;
    let result = scenario
        .pass_first_proposal("propose suspend bad.example 6s they host spam")
        .await;
    assert!(result.contains("PASSED"), "{result}");
    let report = scenario
        .post_containing("could not suspend bad.example")
        .await;
    assert_eq!(report["visibility"], "direct");
    let text = text_of(&report);
    assert!(text.starts_with("@alice "), "{text}");
    assert!(
        text.contains("Manage Federation"),
        "the report says what to fix: {text}"
    );
    assert!(scenario
        .bot_posts_containing("is now suspended")
        .await
        .is_empty());
    assert!(scenario.mock.domain_blocks().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_stricter_block_counts_as_applied() {
    let scenario = Scenario::start("auto").await;
    // What Mastodon answers when a block as strict or stricter is already in place.
    let existing = serde_json::json!({
        "error": "Validation failed: Domain is already blocked",
        "existing_domain_block": {"id": "7", "domain": "bad.example", "severity": "suspend"}
    });
    scenario.refuse_domain_blocks(422, existing).await;
    scenario
        .pass_first_proposal("propose silence bad.example 6s spam")
        .await;
    scenario
        .post_containing("bad.example was already under a suspend block")
        .await;
    assert!(scenario.bot_posts_containing("could not").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_vote_leaves_the_live_count_at_once() {
    let scenario = Scenario::start("auto").await;
    scenario
        .member("alice")
        .post("@coopbot propose motion 90s we adopt a code of conduct")
        .await;
    let ballot_id = id_of(&scenario.ballot(1).await);
    let frank = scenario.member("frank");
    // Mastodon streams a deletion to the accounts the status mentioned; the mock streams
    // it to the author's followers instead, so here the bot follows frank.
    let follow = format!("/api/v1/accounts/{}/follow", frank.account_id().await);
    scenario
        .mock
        .bot()
        .send(reqwest::Method::POST, &follow, None)
        .await;
    let vote = frank.reply(&ballot_id, "@coopbot disagree").await;
    scenario.receipt_on(&vote).await;
    frank.delete(&id_of(&vote)).await;
    wait_for("the deletion heard", secs(30), || async {
        scenario
            .log()
            .contains("a counted vote was deleted")
            .then_some(())
    })
    .await;
    let asked = scenario.member("carol").post("@coopbot status 1").await;
    let answer = scenario.answer_to(&asked).await;
    assert!(
        answer.contains("So far: agree 0 · abstain 0 · disagree 0 · block 0"),
        "{answer}"
    );
}
