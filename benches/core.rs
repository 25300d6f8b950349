//! The pure core and the store against their budgets (docs/PERFORMANCE.md).
//!
//! `cargo bench --bench core` prints each measure, the median of several runs, beside its
//! budget. It needs no server: the end-to-end measures are in `benches/api.rs`.

#[path = "common/proc_status.rs"]
mod proc_status;

use coopgov::config::settings;
use coopgov::config::Config;
use coopgov::governance::sealed::Draw;
use coopgov::governance::{engine, rules, Position, Proposal, Records, StatusRef, Step, Tally};
use coopgov::mastodon::{convert, types::Notification};
use coopgov::startup::{self, BotAccount};
use coopgov::store::Store;
use std::path::{Path, PathBuf};
use std::time::Instant;

const RUNS: usize = 5;
const BURST: usize = 1_000;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn report(measure: &str, value: f64, unit: &str, budget: f64) {
    let verdict = if value <= budget { "met" } else { "NOT MET" };
    println!(
        "{measure:<55} {value:>10.3} {unit:<3} budget {budget:>8} {unit:<3} ratio {:>6.3}  {verdict}",
        value / budget
    );
}

fn settings() -> coopgov::governance::Settings {
    let text = "[instance]\nurl = \"https://social.example\"\n";
    let config = Config::parse(text, Path::new("bench.toml")).expect("a valid config");
    let me = BotAccount {
        id: "1".into(),
        acct: "coopbot".into(),
        bot: true,
    };
    let instance = coopgov::mastodon::types::InstanceInfo {
        domain: "social.example".into(),
        max_characters: 500,
        ..Default::default()
    };
    let software = coopgov::mastodon::Software::Mastodon;
    let learned = startup::learned(&config, &me, &instance, &software, Default::default());
    settings::settings(&config, learned).expect("settings")
}

fn scratch(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("coopgov-bench-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A mention notification as the streaming API or a poll would deliver it.
fn vote_notification(n: usize, ballot_id: &str) -> String {
    serde_json::json!({
        "id": format!("{}", 10_000_000 + n),
        "type": "mention",
        "created_at": "2026-11-27T12:00:00.000Z",
        "account": {"id": format!("{}", 100_000 + n), "username": format!("m{n}"), "acct": format!("m{n}"), "bot": false, "created_at": "2020-01-01T00:00:00.000Z"},
        "status": {
            "id": format!("{}", 20_000_000 + n),
            "url": format!("https://social.example/@m{n}/{}", 20_000_000 + n),
            "created_at": "2026-11-27T12:00:00.000Z",
            "in_reply_to_id": ballot_id,
            "visibility": "public",
            "content": "<p><span class=\"h-card\"><a href=\"https://social.example/@coopbot\" class=\"u-url mention\">@<span>coopbot</span></a></span> agree, they host harassment</p>",
            "mentions": [{"id": "1", "username": "coopbot", "acct": "coopbot", "url": "https://social.example/@coopbot"}],
            "account": {"id": format!("{}", 100_000 + n), "username": format!("m{n}"), "acct": format!("m{n}"), "bot": false, "created_at": "2020-01-01T00:00:00.000Z"}
        }
    })
    .to_string()
}

/// Opens proposal #`number` with its ballot as status "9<number>".
fn open_proposal(settings: &coopgov::governance::Settings, store: &Store, number: u64) -> Proposal {
    let now = chrono::Utc::now();
    // A different proposer each time: a member may open only a few a day.
    let proposer = serde_json::json!({"id": format!("7{number}"), "username": format!("p{number}"), "acct": format!("p{number}")});
    let text = serde_json::json!({
        "id": number.to_string(), "type": "mention", "account": proposer,
        "status": {"id": format!("8{number}"), "content": format!("<p>propose suspend bad{number}.example they host spam</p>"), "account": proposer}
    })
    .to_string();
    let notification: Notification = serde_json::from_str(&text).expect("a notification");
    let post = convert::post(notification.status.as_ref().expect("a status"), "1");
    let step = engine::on_post(settings, store, &post, Draw(0), now).expect("read");
    store.commit(&step, None, now).expect("commit");
    let proposal = store.proposal(number).expect("read").expect("opened");
    let ballot = StatusRef {
        status_id: format!("9{number}"),
        url: String::new(),
    };
    store
        .commit(
            &engine::on_ballot_posted(settings, store, &proposal, ballot, None, now).expect("read"),
            None,
            now,
        )
        .expect("commit");
    store.proposal(number).expect("read").expect("open")
}

/// Microseconds of CPU per vote through decode → parse → decide → commit, and per raw
/// sled insert of the same size, in one store.
fn pipeline_per_vote(settings: &coopgov::governance::Settings) -> (f64, f64) {
    let dir = scratch("pipeline");
    let store = Store::open(&dir).expect("a store");
    let proposal = open_proposal(settings, &store, 1);
    let ballot_id = proposal.ballot.expect("a ballot").status_id;
    let frames: Vec<String> = (0..BURST)
        .map(|n| vote_notification(n, &ballot_id))
        .collect();
    let started = Instant::now();
    for frame in &frames {
        let notification: Notification = serde_json::from_str(frame).expect("decode");
        let now = chrono::Utc::now();
        let post = convert::post(notification.status.as_ref().expect("a status"), "1");
        let step = engine::on_post(settings, &store, &post, Draw(0), now).expect("read");
        store
            .commit(&step, Some(&notification.id), now)
            .expect("commit");
    }
    let per_vote = started.elapsed().as_secs_f64() * 1e6 / BURST as f64;
    let raw_db = sled::open(dir.join("raw")).expect("a raw sled");
    let started = Instant::now();
    for (n, frame) in frames.iter().enumerate() {
        raw_db
            .insert(n.to_be_bytes(), frame.as_bytes())
            .expect("insert");
    }
    let per_insert = started.elapsed().as_secs_f64() * 1e6 / BURST as f64;
    let started = Instant::now();
    for n in 0..BURST {
        store
            .commit(
                &Step::default(),
                Some(&format!("{}", 90_000_000 + n)),
                chrono::Utc::now(),
            )
            .expect("commit");
    }
    let per_empty = started.elapsed().as_secs_f64() * 1e6 / BURST as f64;
    println!(
        "{:<55} {per_empty:>10.3} us   (the store's transaction alone, cursor only)",
        "commit of an event that changes nothing"
    );
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
    (per_vote, per_insert)
}

fn tally_ms(votes: usize) -> f64 {
    let positions: Vec<Position> = (0..votes).map(|n| Position::ALL[n % 4]).collect();
    let rule = coopgov::governance::Rule::social_coop();
    let started = Instant::now();
    let tally = Tally::from_positions(positions.iter().copied());
    let _ = rules::decide(&rule, &tally, None);
    started.elapsed().as_secs_f64() * 1000.0
}

/// A store of `proposals` proposals with `votes` votes each.
fn big_store(settings: &coopgov::governance::Settings, proposals: u64, votes: usize) -> PathBuf {
    let dir = scratch(&format!("big-{proposals}"));
    let store = Store::open(&dir).expect("a store");
    for number in 1..=proposals {
        open_proposal(settings, &store, number);
        let votes = (0..votes)
            .map(|n| {
                let voter = coopgov::governance::Identity {
                    account_id: format!("{}", 100_000 + n),
                    acct: format!("m{n}"),
                };
                let vote = coopgov::governance::proposal::Vote {
                    voter: voter.clone(),
                    position: Position::Agree,
                    reason: "they host harassment".into(),
                    status_id: format!("{number}{n}"),
                    // Counted from `vote <n>` requests: a close that reads an empty
                    // thread keeps them (the year of history closes its proposals so).
                    in_thread: false,
                    receipt: None,
                };
                (voter.account_id, vote)
            })
            .collect();
        let change = coopgov::governance::VoteChange::Replace {
            number,
            votes,
            favourites: Default::default(),
        };
        let step = Step {
            votes: vec![change],
            ..Step::default()
        };
        store
            .commit(&step, None, chrono::Utc::now())
            .expect("commit");
    }
    store.flush().expect("flush");
    dir
}

/// How many proposals in `store` are open.
fn open_count(store: &Store) -> usize {
    store
        .proposals()
        .expect("read")
        .iter()
        .filter(|p| p.is_open())
        .count()
}

/// Run as a child: open the big store as the bot does at start, print ms and RSS in kB.
fn startup_child(dir: &Path) {
    let started = Instant::now();
    let store = Store::open(dir).expect("open");
    let open = open_count(&store);
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let rss = proc_status::memory_mb("self", "VmRSS") * 1024.0;
    println!("{elapsed} {rss} {open}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--startup-child") {
        startup_child(Path::new(&args[at + 1]));
        return;
    }
    let settings = settings();
    println!("medians of {RUNS} runs on this machine (2 cores)");
    report(
        "tally of a 100,000-vote proposal (pure core)",
        median((0..RUNS).map(|_| tally_ms(100_000)).collect()),
        "ms",
        10.0,
    );
    let (mut per_vote, mut per_insert) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (vote, insert) = pipeline_per_vote(&settings);
        per_vote.push(vote);
        per_insert.push(insert);
    }
    let (vote, insert) = (median(per_vote), median(per_insert));
    report(
        "bot CPU time per vote, burst of 1,000 (decode→commit)",
        vote / 1000.0,
        "ms",
        0.2,
    );
    println!(
        "{:<55} {insert:>10.3} us   pipeline / raw insert = {:.1}",
        "sled raw insert of the same frame",
        vote / insert
    );
    let dir = big_store(&settings, 1_000, 100);
    let (times, memory) = start_up(&dir);
    report(
        "start-up (open and read a store of 1,000 × 100 votes)",
        median(times) / 1000.0,
        "s",
        1.0,
    );
    report(
        "resident memory with that store read",
        median(memory),
        "MB",
        30.0,
    );
    let _ = std::fs::remove_dir_all(dir);
    year_of_history(&settings);
}

/// Start-up times (ms) and resident memory (MB) reading the store in `dir`, per run.
fn start_up(dir: &Path) -> (Vec<f64>, Vec<f64>) {
    let exe = std::env::current_exe().expect("this program");
    let (mut times, mut memory) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let output = std::process::Command::new(&exe)
            .arg("--startup-child")
            .arg(dir)
            .output()
            .expect("run the child");
        let text = String::from_utf8_lossy(&output.stdout);
        let mut fields = text
            .split_whitespace()
            .map(|f| f.parse::<f64>().unwrap_or(f64::NAN));
        times.push(fields.next().unwrap_or(f64::NAN));
        memory.push(fields.next().unwrap_or(f64::NAN) / 1024.0);
    }
    (times, memory)
}

/// A year of a big cooperative's history (2,000 proposals of 200 votes, each closed and
/// its result kept, as a year leaves them): start-up and `list`.
fn year_of_history(settings: &coopgov::governance::Settings) {
    let dir = big_store(settings, 2_000, 200);
    {
        let store = Store::open(&dir).expect("the store");
        let empty = coopgov::governance::ThreadRecord {
            replies: Vec::new(),
            favourited_by: Vec::new(),
        };
        let now = chrono::Utc::now();
        for number in 1..=2_000u64 {
            let read = engine::Event::ThreadRead {
                number,
                thread: &empty,
            };
            let step = engine::decide(settings, &store, read, now).expect("a close");
            store.commit(&step, None, now).expect("commit");
        }
        assert_eq!(
            open_count(&store),
            0,
            "every proposal of the year is closed"
        );
        store.flush().expect("flush");
    }
    let (times, _) = start_up(&dir);
    report(
        "start-up (open and read a year: 2,000 × 200 votes)",
        median(times) / 1000.0,
        "s",
        1.0,
    );
    let config = dir.with_extension("toml");
    let text = format!(
        "[instance]\nurl = \"https://social.example\"\n\n[storage]\npath = \"{}\"\n",
        dir.display()
    );
    std::fs::write(&config, text).expect("write a config");
    let mut lists = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_coopgov"))
            .args(["list", "--config"])
            .arg(&config)
            .output()
            .expect("run coopgov list");
        assert!(
            output.status.success(),
            "coopgov list failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        lists.push(started.elapsed().as_secs_f64());
    }
    report("`coopgov list` on that year", median(lists), "s", 1.0);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&config);
}
