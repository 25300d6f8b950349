//! Nothing lost, nothing twice: crashes, a storm of faults, a stream that keeps
//! dropping. Randomness is seeded; set COOPGOV_SEED to replay a run.

use crate::scenario::{text_of, Scenario, Setup};
use crate::support::id_of;
use crate::support::proxy::{Fault, Refill};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// splitmix64: small, seeded, good enough to choose votes and moments.
struct Random(u64);

impl Random {
    fn from_env(default: u64) -> Random {
        let seed = std::env::var("COOPGOV_SEED")
            .ok()
            .and_then(|seed| seed.parse().ok())
            .unwrap_or(default);
        eprintln!("seed {seed} (set COOPGOV_SEED={seed} to replay)");
        Random(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// One member's act.
#[derive(Debug, Clone)]
enum Act {
    Reply(&'static str),
    Favourite,
    /// `vote 1 <position>` as a post of its own, not in the thread.
    Request(&'static str),
}

/// Positions leaning to agree, so the proposal passes and is applied.
const POSITIONS: [&str; 5] = ["agree", "agree", "agree", "abstain", "disagree"];

/// A voting plan: who does what, in order, with some members changing their minds.
fn plan(random: &mut Random, members: &[String]) -> Vec<(String, Act)> {
    let mut acts = Vec::new();
    for member in members {
        let position = POSITIONS[random.below(5) as usize];
        let act = match random.below(10) {
            0 | 1 => Act::Favourite,
            2 => Act::Request(position),
            _ => Act::Reply(position),
        };
        acts.push((member.clone(), act));
    }
    // A quarter change their vote later, by a new reply.
    for member in members {
        if random.chance(25) {
            acts.push((
                member.clone(),
                Act::Reply(POSITIONS[random.below(5) as usize]),
            ));
        }
    }
    acts
}

/// The counts the acts must give: each member's latest vote, else their favourite.
fn expected_counts(acts: &[(String, Act)]) -> String {
    let mut votes: BTreeMap<&str, &str> = BTreeMap::new();
    let mut favourites: Vec<&str> = Vec::new();
    for (member, act) in acts {
        match act {
            Act::Reply(position) | Act::Request(position) => {
                votes.insert(member, position);
            }
            Act::Favourite => favourites.push(member),
        }
    }
    for member in favourites {
        votes.entry(member).or_insert("agree");
    }
    let count = |position: &str| votes.values().filter(|p| **p == position).count();
    format!(
        "agree {} · abstain {} · disagree {} · block 0",
        count("agree"),
        count("abstain"),
        count("disagree")
    )
}

/// Carries out one act; returns the status it posted, if any.
async fn act(scenario: &Scenario, ballot_id: &str, member: &str, act: &Act) -> Option<Value> {
    let member = scenario.member(member);
    match act {
        Act::Reply(position) => Some(
            member
                .reply(ballot_id, &format!("@coopbot {position}"))
                .await,
        ),
        Act::Favourite => {
            member.favourite(ballot_id).await;
            None
        }
        Act::Request(position) => Some(member.post(&format!("@coopbot vote 1 {position}")).await),
    }
}

/// Nothing the bot posted twice: no two of its statuses answer the same status with the
/// same words, and there is one ballot, one result and one "done".
fn assert_nothing_twice(statuses: &[Value]) {
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for status in statuses {
        let key = (status["in_reply_to_id"].to_string(), text_of(status));
        *seen.entry(key).or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "posted twice: {twice:#?}");
    let count = |needle: &str| {
        statuses
            .iter()
            .filter(|s| text_of(s).contains(needle))
            .count()
    };
    let ballots = statuses
        .iter()
        .filter(|s| s["in_reply_to_id"].is_null() && text_of(s).contains("Proposal #1:"))
        .count();
    assert_eq!(ballots, 1, "one ballot");
    assert_eq!(count("Result of proposal #1"), 1, "one announcement");
    assert_eq!(count("Done: "), 1, "one 'done'");
}

fn members(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("m{i}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_moments_the_bot_loses_and_repeats_nothing() {
    let mut random = Random::from_env(20_261_127);
    let mut scenario = Scenario::start_with(Setup {
        extra_members: 55,
        behind_proxy: true,
        ..Setup::default()
    })
    .await;
    // As on GoToSocial, or on Mastodon an hour later: no Idempotency-Key reaches the
    // server, so only the bot's own defence keeps a post in doubt from going out twice.
    scenario
        .proxy
        .as_ref()
        .expect("a proxy")
        .strip_idempotency_keys(true);
    scenario
        .member("alice")
        .post("@coopbot propose suspend crash.example 2h they host a botnet")
        .await;
    let ballot_id = id_of(&scenario.ballot(1).await);
    let acts = plan(&mut random, &members(55));
    let votes = acts.len();
    let mut kills = 0;
    let mut down = false;
    for (index, (member, vote)) in acts.iter().enumerate() {
        act(&scenario, &ballot_id, member, vote).await;
        if index == 10 {
            // Two that never count: each gets one private explanation, however often the
            // bot restarts.
            scenario.outsiders_vote(&ballot_id).await;
        }
        if down {
            if random.chance(60) {
                scenario.restart();
                down = false;
            }
        } else if random.chance(50) || acts.len() - index <= 2 * 16usize.saturating_sub(kills) {
            // At random, and at the latest when the acts left just allow 16 kills in all.
            tokio::time::sleep(Duration::from_millis(random.below(400))).await;
            scenario.kill();
            kills += 1;
            down = true;
        }
    }
    if down {
        scenario.restart();
    }
    // A few more crashes while the vote closes, the result is posted and applied.
    scenario.member("alice").direct("@coopbot close 1").await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(random.below(300))).await;
        scenario.kill();
        kills += 1;
        scenario.restart();
    }
    let result = scenario.result(1).await;
    scenario
        .post_containing("crash.example is now suspended")
        .await;
    let adopted = scenario.log().matches("adopted, not posted again").count();
    eprintln!("kill test: {votes} votes, {kills} SIGKILLs, {adopted} posts in doubt found on the server and adopted");
    assert!(
        kills >= 20,
        "only {kills} kills; the seed should give at least 20"
    );
    assert!(
        result.contains(&expected_counts(&acts)),
        "expected {}, got {result}",
        expected_counts(&acts)
    );
    let statuses = scenario.bot_statuses().await;
    assert_nothing_twice(&statuses);
    let explanations: Vec<_> = statuses
        .iter()
        .filter(|s| text_of(s).contains("was not counted"))
        .collect();
    assert_eq!(
        explanations.len(),
        1,
        "one DM to the remote namesake, none to the bot: {explanations:#?}"
    );
    assert_eq!(
        scenario.mock.domain_blocks().await.len(),
        1,
        "one domain block"
    );
    scenario.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_faults_changes_nothing_in_the_outcome() {
    let mut random = Random::from_env(5);
    let mut scenario = Scenario::start_with(Setup {
        behind_proxy: true,
        // As on Mastodon, every answer gives the budget's count, so the injected 429
        // (whose own count says 0 until 2 s on) is one refusal among honest counts.
        budget: Some((Refill::FixedWindows, 300, Duration::from_secs(300))),
        instance: "request_timeout = \"2s\"",
        extra_members: 20,
        ..Setup::default()
    })
    .await;
    let proxy = scenario.proxy.as_ref().expect("a proxy");
    proxy.inject_faults(5, random.next(), Duration::from_secs(3));
    scenario
        .member("alice")
        .post("@coopbot propose suspend storm.example 25s they host spam")
        .await;
    let ballot_id = id_of(&scenario.ballot(1).await);
    let acts = plan(&mut random, &members(20));
    for (member, vote) in &acts {
        act(&scenario, &ballot_id, member, vote).await;
    }
    let result = scenario.result(1).await;
    scenario
        .post_containing("storm.example is now suspended")
        .await;
    let proxy = scenario.proxy.as_ref().expect("a proxy");
    let faults = proxy.faults();
    eprintln!(
        "fault storm: {} requests through the proxy, {} failed: {faults:?}",
        proxy.requests(),
        faults.len()
    );
    assert!(faults.len() >= 5, "the storm was too calm: {faults:?}");
    for kind in [
        Fault::RateLimited,
        Fault::ServerError,
        Fault::Unavailable,
        Fault::Timeout,
        Fault::Malformed,
    ] {
        assert!(
            faults.contains(&kind),
            "no {kind:?} in the storm: {faults:?}"
        );
    }
    assert!(
        result.contains(&expected_counts(&acts)),
        "expected {}, got {result}",
        expected_counts(&acts)
    );
    assert_nothing_twice(&scenario.bot_statuses().await);
    assert_eq!(
        scenario.mock.domain_blocks().await.len(),
        1,
        "one domain block"
    );
    assert!(scenario.bot_is_running(), "the bot survived the storm");
    scenario.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_are_counted_while_the_stream_keeps_dropping() {
    let mut random = Random::from_env(7);
    let scenario = Scenario::start_with(Setup {
        behind_proxy: true,
        // Polling alone would be too slow here: only the catch-up after each reconnect helps.
        poll_interval: "10m",
        extra_members: 10,
        ..Setup::default()
    })
    .await;
    scenario
        .member("alice")
        .post("@coopbot propose silence flaky.example 1h they flood us")
        .await;
    let ballot_id = id_of(&scenario.ballot(1).await);
    let acts: Vec<(String, Act)> = plan(&mut random, &members(10))
        .into_iter()
        .filter(|(_, act)| !matches!(act, Act::Favourite))
        .collect();
    // Each vote is cast just after the stream is cut, so its notification is lost with
    // the stream; its receipt can only come from the catch-up after the reconnect.
    for (member, vote) in &acts {
        scenario.proxy.as_ref().expect("a proxy").cut_streams();
        if let Some(status) = act(&scenario, &ballot_id, member, vote).await {
            scenario.receipt_on(&status).await;
        }
    }
    let cut = scenario.proxy.as_ref().expect("a proxy").streams_cut();
    eprintln!("stream loss: {} votes, stream cut {cut} times", acts.len());
    assert!(cut >= 4, "the stream was cut only {cut} times");
    scenario.member("alice").direct("@coopbot close 1").await;
    let result = scenario.result(1).await;
    assert!(
        result.contains(&expected_counts(&acts)),
        "expected {}, got {result}",
        expected_counts(&acts)
    );
}
