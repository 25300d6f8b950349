//! A big vote under a real server's budget (docs/PERFORMANCE.md, issue 26): 2,000 members
//! reply and 300 favourite within 45 s, voting closes 7 minutes after the ballot, and the
//! stream is cut once in the middle of the crowd. The bot talks to mastodon_mock through
//! a loopback proxy that enforces 300 requests per 300 s, once as Mastodon does (fixed
//! windows) and once as a proxy that refills gradually would (the last 300 s count).
//!
//! `cargo bench --bench big_vote` prints, per limiter and as the median of `RUNS` runs
//! (`BIG_VOTE_RUNS`, default 3): the delay from the closing time to the result, the
//! requests by kind, the 429s, the receipts given and the bot's peak resident memory.
//! Each run takes about 8 minutes. (A year of history at start-up and in `coopgov list`
//! is measured by `cargo bench --bench core`.)

#[path = "common/proc_status.rs"]
mod proc_status;
#[path = "../tests/e2e/scenario.rs"]
#[allow(dead_code)]
mod scenario;
#[path = "../tests/support/mod.rs"]
mod support;

use chrono::Utc;
use scenario::{closing_time, text_of, Scenario, Setup};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use support::id_of;
use support::proxy::Refill;

const REPLIES: usize = 2_000;
const DISAGREE: usize = 100;
const FAVOURITES: usize = 300;
const CROWD: Duration = Duration::from_secs(45);
const LIMIT: u64 = 300;
const WINDOW: Duration = Duration::from_secs(300);

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn report(measure: &str, values: &[f64], unit: &str, budget: Option<(f64, bool)>) {
    let value = median(values.to_vec());
    let runs: Vec<String> = values.iter().map(|v| format!("{v:.1}")).collect();
    let verdict = match budget {
        // (budget, whether more is better)
        Some((budget, false)) if value <= budget => format!("budget ≤ {budget}: met"),
        Some((budget, false)) => format!("budget ≤ {budget}: NOT MET"),
        Some((budget, true)) if value >= budget => format!("budget ≥ {budget}: met"),
        Some((budget, true)) => format!("budget ≥ {budget}: NOT MET"),
        None => String::new(),
    };
    println!(
        "  {measure:<44} {value:>9.1} {unit:<4} runs [{}]  {verdict}",
        runs.join(", ")
    );
}

/// What a request was for, from `METHOD /path`.
fn kind(request: &str) -> &'static str {
    let (method, path) = request.split_once(' ').unwrap_or(("", request));
    match (method, path) {
        ("POST", path) if path.ends_with("/favourite") => "receipts",
        ("GET", "/api/v1/notifications") => "notification polls",
        ("GET", path) if path.ends_with("/context") => "thread (close)",
        ("GET", path) if path.ends_with("/favourited_by") => "favourites (close)",
        ("POST", "/api/v1/statuses") => "posts",
        (_, path) if path.contains("/admin/") => "admin",
        _ => "other",
    }
}

/// The bot's peak resident memory, in MB.
fn peak_rss(pid: u32) -> f64 {
    proc_status::memory_mb(&pid.to_string(), "VmHWM")
}

struct Run {
    late: f64,
    requests: BTreeMap<&'static str, f64>,
    refused: f64,
    receipts: f64,
    rss: f64,
    rss_before_close: f64,
    context_mb: f64,
    counted: bool,
    crowd_seconds: f64,
    budget_lines: f64,
}

async fn one_run(refill: Refill, started: Instant) -> Run {
    let say = |what: &str| {
        eprintln!(
            "[{:>5.0} s] {refill:?}: {what}",
            started.elapsed().as_secs_f64()
        )
    };
    say("starting the mock with 2,300 members");
    let scenario = Scenario::start_with(Setup {
        budget: Some((refill, LIMIT, WINDOW)),
        extra_members: REPLIES + FAVOURITES,
        ..Setup::default()
    })
    .await;
    scenario
        .member("alice")
        .post("@coopbot propose suspend crowd.example 7m they host a harassment campaign")
        .await;
    let ballot = scenario.ballot(1).await;
    let closes_at = closing_time(&text_of(&ballot));
    let ballot_id = id_of(&ballot);
    say("the crowd votes");
    let crowd_started = Instant::now();
    let voters = REPLIES + FAVOURITES;
    let mut voting = tokio::task::JoinSet::new();
    for n in 0..voters {
        // Spread over CROWD, as a crowd that answers a call would be.
        let due = CROWD.mul_f64(n as f64 / voters as f64);
        if let Some(wait) = due.checked_sub(crowd_started.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        if n == voters / 2 {
            // Under the burst the stream drops; the bot must catch up within its budget.
            scenario.proxy.as_ref().expect("a proxy").cut_streams();
        }
        let member = scenario.member(&format!("m{n}"));
        let ballot_id = ballot_id.clone();
        voting.spawn(async move {
            if n < REPLIES {
                let position = if n < DISAGREE { "disagree" } else { "agree" };
                member
                    .reply(&ballot_id, &format!("@coopbot {position}"))
                    .await;
            } else {
                member.favourite(&ballot_id).await;
            }
        });
        while voting.len() > 32 {
            if let Some(posted) = voting.join_next().await {
                posted.expect("a member's vote was posted");
            }
        }
    }
    while let Some(posted) = voting.join_next().await {
        posted.expect("a member's vote was posted");
    }
    let crowd_seconds = crowd_started.elapsed().as_secs_f64();
    say(&format!(
        "the crowd took {crowd_seconds:.0} s; waiting for the close at {closes_at}"
    ));
    // Where the memory goes: the peak while the crowd votes, and at the close.
    let pid = scenario.bot.as_ref().expect("the bot").pid();
    if let Ok(wait) = (closes_at - chrono::Duration::seconds(3) - Utc::now()).to_std() {
        tokio::time::sleep(wait).await;
    }
    let rss_before_close = peak_rss(pid);
    let (text, late) = scenario
        .result_after(1, closes_at, Duration::from_secs(900))
        .await;
    // Receipts left when the vote closed are dropped: let the bot settle, then count.
    tokio::time::sleep(Duration::from_secs(5)).await;
    // The thread the close read, as a member reads it: its size explains the close's memory.
    let reader = scenario.member("alice");
    let context_bytes = reader
        .client
        .get(format!(
            "{}/api/v1/statuses/{ballot_id}/context",
            scenario.mock.url
        ))
        .bearer_auth(&reader.token)
        .send()
        .await
        .expect("the thread")
        .bytes()
        .await
        .expect("its body")
        .len() as f64;
    let counted = text.contains(&format!("agree {} ", REPLIES - DISAGREE + FAVOURITES))
        && text.contains(&format!("disagree {DISAGREE} "));
    if !counted {
        eprintln!("NOT EVERY VOTE COUNTED: {text}");
    }
    let proxy = scenario.proxy.as_ref().expect("a proxy");
    let mut requests = BTreeMap::new();
    for request in proxy.request_log() {
        *requests.entry(kind(&request)).or_insert(0.0) += 1.0;
    }
    let receipts = requests.get("receipts").copied().unwrap_or(0.0);
    let rss = peak_rss(pid);
    let log = scenario.log();
    let budget_lines = log
        .lines()
        .filter(|line| line.contains("request budget") || line.contains("429"))
        .count() as f64;
    Run {
        late,
        requests,
        refused: proxy.refused() as f64,
        receipts,
        rss,
        rss_before_close,
        context_mb: context_bytes / 1024.0 / 1024.0,
        counted,
        crowd_seconds,
        budget_lines,
    }
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("BIG_VOTE_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(3);
    let started = Instant::now();
    for refill in [Refill::FixedWindows, Refill::Gradual] {
        let mut results = Vec::new();
        for _ in 0..runs {
            results.push(one_run(refill, started).await);
        }
        let column = |pick: &dyn Fn(&Run) -> f64| results.iter().map(pick).collect::<Vec<_>>();
        println!(
            "{refill:?} limiter, {LIMIT} requests per {} s; {REPLIES} replies and {FAVOURITES} favourites in {CROWD:?}, closing 7 min after the ballot; medians of {runs}:",
            WINDOW.as_secs()
        );
        report(
            "crowd duration (members' side)",
            &column(&|r| r.crowd_seconds),
            "s",
            None,
        );
        report(
            "result after the closing time",
            &column(&|r| r.late),
            "s",
            Some((10.0, false)),
        );
        report(
            "requests answered 429",
            &column(&|r| r.refused),
            "",
            Some((0.0, false)),
        );
        report(
            "receipts given",
            &column(&|r| r.receipts),
            "",
            Some((50.0, true)),
        );
        report(
            "peak resident memory before the close",
            &column(&|r| r.rss_before_close),
            "MB",
            None,
        );
        report(
            "peak resident memory (VmHWM)",
            &column(&|r| r.rss),
            "MB",
            Some((30.0, false)),
        );
        report(
            "the thread's body (2,000 replies)",
            &column(&|r| r.context_mb),
            "MB",
            None,
        );
        report(
            "log lines about the budget",
            &column(&|r| r.budget_lines),
            "",
            None,
        );
        let kinds: std::collections::BTreeSet<&str> = results
            .iter()
            .flat_map(|r| r.requests.keys().copied())
            .collect();
        for kind in kinds {
            let values = column(&|r| r.requests.get(kind).copied().unwrap_or(0.0));
            report(&format!("requests: {kind}"), &values, "", None);
        }
        let counted = results.iter().filter(|r| r.counted).count();
        println!("  every vote counted in {counted} of {runs} runs");
    }
}
