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
#[ignore = "needs [jury] config (merged separately)"]
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
