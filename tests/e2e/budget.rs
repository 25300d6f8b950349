//! A big vote behind a limiter that refills gradually (the last 120 s count, 60 requests):
//! every vote is counted, the limiter never has to refuse the bot, and the result comes
//! within seconds of the closing time. A bot that spent its budget on receipts would wait
//! up to two minutes for the close's requests, or be refused.

use crate::scenario::{closing_time, text_of, Scenario, Setup};
use crate::support::proxy::Refill;
use crate::support::{id_of, secs};
use chrono::Utc;
use std::time::Duration;

const VOTERS: usize = 200;
const DISAGREE: usize = 20;

#[tokio::test(flavor = "multi_thread")]
async fn a_big_vote_behind_a_gradual_limiter_is_counted_whole_and_closes_on_time() {
    let scenario = Scenario::start_with(Setup {
        budget: Some((Refill::Gradual, 60, Duration::from_secs(120))),
        extra_members: VOTERS,
        ..Setup::default()
    })
    .await;
    scenario
        .member("alice")
        .post("@coopbot propose suspend crowd.example 75s they host a harassment campaign")
        .await;
    let ballot = scenario.ballot(1).await;
    let closes_at = closing_time(&text_of(&ballot));
    let ballot_id = id_of(&ballot);
    let mut voting = tokio::task::JoinSet::new();
    for n in 0..VOTERS {
        let member = scenario.member(&format!("m{n}"));
        let ballot_id = ballot_id.clone();
        let position = if n < DISAGREE { "disagree" } else { "agree" };
        voting.spawn(async move {
            member
                .reply(&ballot_id, &format!("@coopbot {position}"))
                .await;
        });
        // A crowd, not a single instant: 200 replies within a few seconds.
        if n % 20 == 19 {
            while let Some(posted) = voting.join_next().await {
                posted.expect("a member's vote was posted");
            }
        }
    }
    while let Some(posted) = voting.join_next().await {
        posted.expect("a member's vote was posted");
    }
    assert!(
        Utc::now() < closes_at,
        "the votes must all be in before the close; the test machine is too slow"
    );
    let (text, late) = scenario.result_after(1, closes_at, secs(150)).await;
    let proxy = scenario.proxy.as_ref().expect("a proxy");
    let requests = proxy.request_log();
    let receipts = requests
        .iter()
        .filter(|request| request.ends_with("/favourite"))
        .count();
    eprintln!(
        "big vote: result {late:.1} s after the closing time; {} requests, {} refused, {receipts} receipts",
        requests.len(),
        proxy.refused()
    );
    assert!(
        text.contains(&format!("agree {} ", VOTERS - DISAGREE))
            && text.contains(&format!("disagree {DISAGREE} ")),
        "every vote is counted: {text}"
    );
    assert_eq!(proxy.refused(), 0, "no request was refused: {requests:?}");
    assert!(
        late <= 30.0,
        "the result came {late:.1} s after the closing time"
    );
    assert!(
        receipts > 0,
        "receipts still went out while the budget allowed"
    );
    let log = scenario.log();
    for line in log
        .lines()
        .filter(|line| line.contains("budget") || line.contains("dropped"))
    {
        eprintln!("{line}");
    }
    assert!(
        log.matches("saving the request budget").count() <= 3,
        "the wait is logged when it begins, not for every request: {}",
        log.matches("saving the request budget").count()
    );
}
