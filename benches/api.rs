//! The bot's use of the instance against its budgets, end to end on mastodon_mock
//! (docs/PERFORMANCE.md). `cargo bench --bench api` installs and starts the mock like the
//! tests do, counts every request the bot makes through a loopback proxy, and prints each
//! measure, the median of several runs, beside its budget.

#[path = "../tests/e2e/scenario.rs"]
#[allow(dead_code)]
mod scenario;
#[path = "../tests/support/mod.rs"]
mod support;

use scenario::{Scenario, Setup};
use std::time::{Duration, Instant};
use support::id_of;

const RUNS: usize = 3;
const VOTERS: usize = 30;
const FAVOURITES: usize = 10;
const IDLE: Duration = Duration::from_secs(60);

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn percentile(values: &[f64], share: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let at = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted[at]
}

fn report(measure: &str, value: f64, unit: &str, budget: f64) {
    let verdict = if value <= budget { "met" } else { "NOT MET" };
    println!(
        "{measure:<58} {value:>9.3} {unit:<9} budget {budget:>6} ratio {:>6.3}  {verdict}",
        value / budget
    );
}

struct Run {
    calls_per_vote: f64,
    latencies: Vec<f64>,
    close_calls: usize,
    close_budget: usize,
    idle_per_hour: f64,
}

/// Requests the bot made since `mark`.
fn since(scenario: &Scenario, mark: usize) -> Vec<String> {
    let log = scenario.proxy.as_ref().expect("a proxy").request_log();
    log[mark.min(log.len())..].to_vec()
}

fn mark(scenario: &Scenario) -> usize {
    scenario
        .proxy
        .as_ref()
        .expect("a proxy")
        .request_log()
        .len()
}

/// Progress for the person waiting: the whole bench takes several minutes.
fn progress(started: Instant, what: &str) {
    eprintln!("[{:>4.0} s] {what}", started.elapsed().as_secs_f64());
}

async fn one_run(receipts: bool, started: Instant) -> Run {
    let label = if receipts {
        "receipts on"
    } else {
        "receipts off"
    };
    progress(
        started,
        &format!("{label}: a ballot, {VOTERS} replies and {FAVOURITES} favourites"),
    );
    let proposals = if receipts { "" } else { "receipts = \"none\"" };
    let scenario = Scenario::start_with(Setup {
        behind_proxy: true,
        extra_members: VOTERS + FAVOURITES,
        proposals,
        ..Setup::default()
    })
    .await;
    scenario
        .member("alice")
        .post("@coopbot propose suspend bench.example 1h they host spam")
        .await;
    let ballot = scenario.ballot(1).await;
    let ballot_id = id_of(&ballot);
    // Let the answer to the proposer go out before counting.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let start = mark(&scenario);
    let mut latencies = Vec::new();
    for n in 0..VOTERS {
        let vote = scenario
            .member(&format!("m{n}"))
            .reply(&ballot_id, "@coopbot agree")
            .await;
        if receipts {
            let posted = Instant::now();
            // Polls the mock directly (not through the proxy) every 20 ms.
            while !scenario
                .favourited_by(&vote)
                .await
                .iter()
                .any(|acct| acct == "coopbot")
            {
                assert!(posted.elapsed() < Duration::from_secs(30), "no receipt");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            latencies.push(posted.elapsed().as_secs_f64());
        }
    }
    for n in VOTERS..VOTERS + FAVOURITES {
        scenario
            .member(&format!("m{n}"))
            .favourite(&ballot_id)
            .await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let voting = since(&scenario, start).len();
    let calls_per_vote = voting as f64 / (VOTERS + FAVOURITES) as f64;

    progress(
        started,
        &format!("{label}: idle for {} s, counting requests", IDLE.as_secs()),
    );
    let idle_start = mark(&scenario);
    tokio::time::sleep(IDLE).await;
    let idle = since(&scenario, idle_start).len();
    let idle_per_hour = idle as f64 * 3600.0 / IDLE.as_secs_f64();

    progress(started, &format!("{label}: closing the ballot"));
    let close_start = mark(&scenario);
    scenario.member("alice").direct("@coopbot close 1").await;
    scenario.result(1).await;
    let close_calls = since(&scenario, close_start)
        .iter()
        .filter(|request| request.ends_with("/context") || request.ends_with("/favourited_by"))
        .count();
    // One context page holds 4,096 descendants; favourites come 80 a page.
    let close_budget = VOTERS.div_ceil(4096) + FAVOURITES.div_ceil(80);
    Run {
        calls_per_vote,
        latencies,
        close_calls,
        close_budget,
        idle_per_hour,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!("medians of {RUNS} runs on this machine (2 cores), mastodon_mock on loopback");
    // Each run idles a minute on purpose: about 7 minutes in all.
    eprintln!(
        "{} runs of about 70 s each (the idle measure waits {} s); progress follows",
        RUNS * 2,
        IDLE.as_secs()
    );
    let started = Instant::now();
    let (mut on, mut off, mut p50, mut p99, mut idle) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut close, mut close_budget) = (Vec::new(), 0);
    for _ in 0..RUNS {
        let run = one_run(true, started).await;
        on.push(run.calls_per_vote);
        p50.push(percentile(&run.latencies, 0.5));
        p99.push(percentile(&run.latencies, 0.99));
        idle.push(run.idle_per_hour);
        close.push(run.close_calls as f64);
        close_budget = run.close_budget;
        off.push(one_run(false, started).await.calls_per_vote);
    }
    report(
        "API calls per counted vote, receipts on",
        median(on),
        "calls",
        1.0,
    );
    report(
        "API calls per counted vote, receipts off",
        median(off),
        "calls",
        0.05,
    );
    report(
        &format!(
            "idle API calls per hour (measured over {}s)",
            IDLE.as_secs()
        ),
        median(idle),
        "calls/h",
        60.0,
    );
    report(
        "close-time reconciliation calls (context + favourites)",
        median(close),
        "calls",
        close_budget as f64,
    );
    report("vote posted → receipt visible, p50", median(p50), "s", 0.5);
    report("vote posted → receipt visible, p99", median(p99), "s", 2.0);
}
