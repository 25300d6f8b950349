//! The Standing Jury's pool (SPEC §10): members volunteer and leave by mention or DM,
//! are answered by DM, and the pool outlives the bot.

use crate::scenario::{text_of, Scenario, Setup};
use crate::support::{id_of, secs, wait_for};
use serde_json::Value;

/// A jury of two drawn from volunteers; its duration fits the scenarios' max_duration.
const JURY: &str = r#"[jury]
pool = "volunteers"
size = 2
consent_within = "1m"
duration = "30s"
decides = ["suspend"]

[rules.jury]
quorum = 2
"#;

/// Waits for the bot's answer to `request`, which must be a direct message, and
/// returns its text.
async fn dm_answer_to(scenario: &Scenario, request: &Value) -> String {
    let id = id_of(request);
    let answer = wait_for("the bot's answer", secs(30), || async {
        scenario
            .bot_statuses()
            .await
            .into_iter()
            .find(|reply| reply["in_reply_to_id"] == id.as_str())
    })
    .await;
    assert_eq!(answer["visibility"], "direct", "{answer}");
    text_of(&answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_join_and_leave_the_pool_by_mention_or_dm_and_it_outlives_the_bot() {
    let mut scenario = Scenario::start_with(Setup {
        extra: JURY,
        ..Setup::default()
    })
    .await;
    let (bob, carol, dave) = (
        scenario.member("bob"),
        scenario.member("carol"),
        scenario.member("dave"),
    );

    let help = bob.post("@coopbot help").await;
    assert!(scenario
        .answer_to(&help)
        .await
        .contains("jury join|leave|pool"));

    let public = bob.post("@coopbot jury join").await;
    let answer = dm_answer_to(&scenario, &public).await;
    assert!(
        answer.contains("You joined the jury pool, which now has 1 member."),
        "{answer}"
    );
    let private = carol.direct("@coopbot jury join").await;
    let answer = dm_answer_to(&scenario, &private).await;
    assert!(answer.contains("which now has 2 members."), "{answer}");
    let again = carol.direct("@coopbot jury join").await;
    let answer = dm_answer_to(&scenario, &again).await;
    assert!(answer.contains("already in the jury pool"), "{answer}");

    let pool = dave.post("@coopbot jury pool").await;
    assert_eq!(
        dm_answer_to(&scenario, &pool).await,
        "@dave The jury pool has 2 members."
    );

    let leave = bob.post("@coopbot jury leave").await;
    let answer = dm_answer_to(&scenario, &leave).await;
    assert!(
        answer.contains("You left the jury pool, which now has 1 member"),
        "{answer}"
    );
    let remote = scenario.mock.remote_member("alice", "evil.example");
    let refused = remote.direct("@coopbot jury join").await;
    let answer = dm_answer_to(&scenario, &refused).await;
    assert!(answer.contains("You cannot join the jury pool"), "{answer}");

    // A crash, not a goodbye: an answer is only sent once its change is on disk.
    scenario.kill();
    scenario.restart();
    scenario.wait_for_log("stream connected").await;
    let pool = dave.direct("@coopbot jury pool").await;
    assert_eq!(
        dm_answer_to(&scenario, &pool).await,
        "@dave The jury pool has 1 member."
    );
    let pool = carol.post("@coopbot jury pool").await;
    assert!(dm_answer_to(&scenario, &pool)
        .await
        .ends_with("You are one of them."));
    scenario.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_jury_the_words_are_answered_by_dm_that_there_is_none() {
    let mut scenario = Scenario::start("auto").await;
    let join = scenario.member("bob").post("@coopbot jury join").await;
    let answer = dm_answer_to(&scenario, &join).await;
    assert!(answer.contains("has no Standing Jury"), "{answer}");
    let help = scenario.member("bob").post("@coopbot help").await;
    assert!(!scenario.answer_to(&help).await.contains("jury"));
    scenario.stop();
}

/// A jury of two, quick enough for a test: eight seconds to answer, twelve to vote.
const JURY_CASE: &str = r#"[jury]
pool = "volunteers"
size = 2
consent_within = "8s"
duration = "12s"
decides = ["suspend"]

[rules.jury]
quorum = 2
"#;

/// The bot's invitation to `acct`, once posted.
async fn invitation_to(scenario: &Scenario, acct: &str) -> Value {
    let mention = format!("@{acct} You were drawn by lot");
    wait_for(&format!("{acct}'s invitation"), secs(40), || async {
        scenario
            .bot_posts_containing(&mention)
            .await
            .into_iter()
            .next()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jury_drawn_by_lot_is_seated_with_consent_decides_alone_and_verify_checks_the_draw() {
    let scenario = Scenario::start_with(Setup {
        extra: JURY_CASE,
        ..Setup::default()
    })
    .await;
    for name in ["bob", "carol", "dave", "erin", "frank"] {
        let join = scenario.member(name).post("@coopbot jury join").await;
        dm_answer_to(&scenario, &join).await;
    }
    scenario
        .member("alice")
        .post("@coopbot propose suspend spam.example they send spam every day")
        .await;
    let ballot = scenario.ballot(1).await;
    let ballot_id = id_of(&ballot);
    let ballot_text = text_of(&ballot);
    assert!(
        ballot_text.contains("A Standing Jury of 2 drawn by lot decides: jurors reply"),
        "{ballot_text}"
    );

    // The draw as anyone recomputes it from the thread: alice proposed, so she is not drawn.
    use coopgov::governance::jury::draw;
    let pool = draw::sorted_pool(["bob", "carol", "dave", "erin", "frank"]);
    let seed = draw::seed(1, &ballot_id, &pool);
    let order = draw::draw_order(&seed, &pool);
    let published = scenario.post_containing("is drawn by lot. Seed: ").await;
    let published = text_of(&published);
    assert!(
        published.contains(&seed)
            && published.contains("Pool (5 members): bob carol dave erin frank"),
        "{published}"
    );

    // The first two in draw order are invited; the first declines, the third is invited
    // and stays silent until passed over, the fourth accepts.
    let first = invitation_to(&scenario, &order[0]).await;
    let second = invitation_to(&scenario, &order[1]).await;
    assert_eq!(first["visibility"], "direct");
    scenario
        .member(&order[0])
        .reply_direct(&id_of(&first), "@coopbot decline")
        .await;
    scenario
        .member(&order[1])
        .reply_direct(&id_of(&second), "@coopbot accept")
        .await;
    invitation_to(&scenario, &order[2]).await;
    let fourth = invitation_to(&scenario, &order[3]).await;
    scenario
        .member(&order[3])
        .reply_direct(&id_of(&fourth), "@coopbot accept")
        .await;
    let seating = scenario.post_containing("is seated, in draw order").await;
    let seating_text = text_of(&seating);
    let marks = format!(
        "{}: passed over\n{}: seated\n{}: passed over\n{}: seated",
        order[0], order[1], order[2], order[3]
    );
    assert!(seating_text.contains(&marks), "{seating_text}");

    // A member who is not a juror is told why their vote does not count; jurors vote.
    let outsider = scenario
        .reply_as(&order[4], &ballot_id, "@coopbot disagree")
        .await;
    let told = dm_answer_to(&scenario, &outsider).await;
    assert!(
        told.contains("only its seated jurors' votes count"),
        "{told}"
    );
    scenario
        .reply_as(&order[1], &ballot_id, "@coopbot agree")
        .await;
    scenario
        .reply_as(&order[3], &ballot_id, "@coopbot agree, they spam us daily")
        .await;

    let result = scenario.result(1).await;
    assert!(result.contains("PASSED"), "{result}");
    assert!(
        result.contains("agree 2 · abstain 0 · disagree 0 · block 0"),
        "{result}"
    );
    assert!(
        result.contains("Decided by the Standing Jury: 2 of its 2 jurors voted."),
        "{result}"
    );
    let block = scenario.domain_block("spam.example").await;
    assert_eq!(block["severity"], "suspend");
    let comment = block["public_comment"].as_str().unwrap_or_default();
    assert!(
        comment.contains("Decided by the Standing Jury in proposal #1"),
        "{comment}"
    );
    let exported = scenario.cli(&["export", "--format", "json"]);
    let jurors = format!("jury: {}, {}", order[1], order[3]);
    assert!(exported.contains(&jurors), "{exported}");

    let url = ballot["url"].as_str().expect("a ballot address");
    let (ok, report) = scenario.cli_status(&["verify", url], "");
    assert!(ok && report.contains("they agree"), "{report}");
    assert!(report.contains("seated in draw order"), "{report}");

    // A seating that names someone the draw did not put there is caught.
    let forged = seating_text.replace(&format!("{}: seated", order[1]), "alice: seated");
    scenario.mock.bot().edit(&id_of(&seating), &forged).await;
    let tampered = scenario.cli_output(&["verify", url], &[("COOPGOV_TOKEN", "")]);
    let said = String::from_utf8_lossy(&tampered.stdout).into_owned()
        + &String::from_utf8_lossy(&tampered.stderr);
    assert_eq!(tampered.status.code(), Some(1), "{said}");
    assert!(said.contains("THEY DIFFER"), "{said}");
}
