//! The real binary against a real GoToSocial, when one runs on this machine with a bot and
//! five members, named by `COOPGOV_GOTOSOCIAL=<its folder>` (README, "Servers: Mastodon
//! and GoToSocial", says what the folder holds). Without it the suite says that it skipped.
//!
//! One vote as a cooperative on GoToSocial lives it: a silence refused at opening, a
//! suspension proposed, votes by reply, favourite and an unmentioned reply, a restart
//! mid-vote with a vote cast meanwhile, the close, the suspension applied and announced
//! once, nothing posted twice, and `verify` (with a reader's token) agreeing.
//!
//! Two more: a standing jury drawn, seated and deciding; and members' reports about a
//! local account read and left to people, while the working group's urgent suspension
//! is in force at once and undone when the members block its ratification.
//! (Over 400 lines: three scenarios on one real server, with the kit they share.)

use crate::support::{id_of, secs, BotProcess, Member, TempDir};
use reqwest::Method;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;

/// A running kit server: its home, its address and the accounts' tokens.
struct Kit {
    home: PathBuf,
    base_url: String,
    tokens: Value,
}

impl Kit {
    fn from_environment() -> Option<Kit> {
        let home = PathBuf::from(std::env::var_os("COOPGOV_GOTOSOCIAL")?);
        let env = std::fs::read_to_string(home.join("tokens/tokens.env"))
            .unwrap_or_else(|e| panic!("COOPGOV_GOTOSOCIAL: cannot read tokens/tokens.env: {e}"));
        let base_url = env
            .split_once('=')
            .map(|(_, url)| {
                url.trim()
                    .trim_matches('"')
                    .trim_end_matches('/')
                    .to_string()
            })
            .expect("GTS_BASE_URL in tokens.env");
        assert!(
            base_url.starts_with("http://127.0.0.1:"),
            "only a loopback server: {base_url}"
        );
        let accounts = std::fs::read_to_string(home.join("tokens/accounts.json"))
            .expect("tokens/accounts.json");
        let tokens = serde_json::from_str(&accounts).expect("accounts.json is JSON");
        Some(Kit {
            home,
            base_url,
            tokens,
        })
    }

    fn token(&self, name: &str) -> String {
        self.tokens[name]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token for {name}"))
            .to_string()
    }

    fn member(&self, name: &str) -> Member {
        Member {
            username: name.to_string(),
            token: self.token(name),
            base_url: self.base_url.clone(),
            // GoToSocial answers 418 to a request without a User-Agent.
            client: reqwest::Client::builder()
                .user_agent("coopgov-tests")
                .no_proxy()
                .build()
                .expect("an HTTP client"),
        }
    }

    /// The bot's statuses newer than `since` (an id), oldest first.
    async fn bot_statuses_since(&self, since: &str) -> Vec<Value> {
        let bot = self.member("bot");
        let id = self.tokens["bot"]["id"].as_str().expect("the bot's id");
        let mut statuses = bot
            .get(&format!("/api/v1/accounts/{id}/statuses?limit=40"))
            .await
            .as_array()
            .cloned()
            .unwrap_or_default();
        statuses.retain(|status| newer(&id_of(status), since));
        statuses.reverse();
        statuses
    }

    /// The id of the bot's newest status ("0" if none): later ones are this run's.
    async fn newest_bot_status(&self) -> String {
        self.bot_statuses_since("0")
            .await
            .last()
            .map(id_of)
            .unwrap_or_else(|| "0".to_string())
    }

    /// Writes a `bot.toml` for this server in `dir`, with votes of seconds, none shorter
    /// than `shortest` (a ratification lasts exactly that), and `extra` tables at the end;
    /// returns its path.
    fn write_config(&self, dir: &TempDir, shortest: &str, extra: &str) -> PathBuf {
        let config = dir.path().join("bot.toml");
        let text = format!(
            "[instance]\nurl = \"{}\"\npoll_interval = \"5s\"\n[storage]\npath = \"coopgov.db\"\n\
             [membership]\nworking_group = [\"alice\"]\n\
             [proposals]\ndefault_duration = \"40s\"\nmin_duration = \"{shortest}\"\nurgent_min_duration = \"{shortest}\"\nmax_duration = \"1h\"\nreminder_before = \"0\"\n{extra}",
            self.base_url
        );
        std::fs::write(&config, text).expect("write bot.toml");
        config
    }

    /// Waits, saying so, until the server's window of requests for this address (300 per
    /// 5 minutes by default, shared by the bot, the members and the test on loopback) has
    /// room for a whole case: four cases in a row would spend it, and a refused request
    /// would fail a case for nothing it tests.
    async fn wait_for_requests(&self, case: &str) {
        let client = reqwest::Client::builder()
            .user_agent("coopgov-tests")
            .no_proxy()
            .build()
            .expect("an HTTP client");
        let url = format!("{}/api/v1/instance", self.base_url);
        let Ok(response) = client.get(&url).send().await else {
            return;
        };
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
        };
        let remaining: Option<u64> = header("x-ratelimit-remaining").and_then(|v| v.parse().ok());
        let limit: Option<u64> = header("x-ratelimit-limit").and_then(|v| v.parse().ok());
        let reset = header("x-ratelimit-reset")
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok());
        let (Some(remaining), Some(limit), Some(reset)) = (remaining, limit, reset) else {
            return;
        };
        if remaining >= REQUESTS_PER_CASE.min(limit) {
            return;
        }
        let wait = (reset.with_timezone(&chrono::Utc) - chrono::Utc::now())
            .to_std()
            .unwrap_or_default()
            + secs(1);
        say(&format!(
            "{case}: waiting {}s for the server's requests ({remaining} of {limit} left until {reset})",
            wait.as_secs()
        ));
        tokio::time::sleep(wait).await;
    }

    /// The bot on this server with `config`, logging at `rust_log`, once its stream is up.
    async fn start_bot(&self, config: &std::path::Path, rust_log: &str) -> BotProcess {
        let bot = BotProcess::start_logging(config, &self.token("bot"), rust_log);
        wait_for("the stream", secs(30), || async {
            bot.log().contains("stream connected").then_some(())
        })
        .await;
        bot
    }

    /// `coopgov verify <ballot>` as a reader with `reader`'s token (GoToSocial shows
    /// threads to no visitor); its success and what it printed.
    fn verify(&self, ballot: &Value, reader: &str) -> (bool, String) {
        let verify = std::process::Command::new(env!("CARGO_BIN_EXE_coopgov"))
            .args(["verify", ballot["url"].as_str().expect("a ballot address")])
            .args(["--config", "/nonexistent/bot.toml"])
            .env("COOPGOV_VERIFY_TOKEN", self.token(reader))
            .output()
            .expect("run coopgov verify");
        let said = String::from_utf8_lossy(&verify.stdout).into_owned()
            + &String::from_utf8_lossy(&verify.stderr);
        (verify.status.success(), said)
    }

    /// Waits for the bot's first status since `since` whose text starts with `opening`.
    async fn bot_post_starting(&self, since: &str, opening: &str, timeout: u64) -> Value {
        wait_for(
            &format!("a post starting {opening:?}"),
            secs(timeout),
            || async {
                self.bot_statuses_since(since)
                    .await
                    .into_iter()
                    .find(|status| text(status).starts_with(opening))
            },
        )
        .await
    }

    /// The bot's reads of the reports list so far, from the server's own log (GoToSocial
    /// sends no notification of a report, so the bot reads every `poll_every`): the lines
    /// of every read, answered or refused.
    fn bot_report_reads(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.home.join("data/server.log"))
            .expect("the server's log, data/server.log");
        log.lines()
            .filter(|line| {
                line.contains("userAgent=coopgov/") && line.contains("path=/api/v1/admin/reports ")
            })
            .map(str::to_string)
            .collect()
    }
}

/// ULIDs and snowflakes alike: longer is newer, then lexical.
fn newer(id: &str, than: &str) -> bool {
    (id.len(), id) > (than.len(), than)
}

fn text(status: &Value) -> String {
    status["text"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| {
            coopgov::commands::status_text(status["content"].as_str().unwrap_or_default(), &[])
        })
}

/// Probes every 1.5 s until `probe` gives `Some`: GoToSocial allows 300 requests in 5
/// minutes per address, and the bot shares them with the test on loopback.
async fn wait_for<T, F, Fut>(what: &str, timeout: std::time::Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what} (after {timeout:?})"
        );
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    }
}

/// Written past the test harness's capture, so a person running `cargo test` sees it.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "gotosocial suite: {line}");
}

/// One scenario at a time: they share the server's accounts (one bot) and its rate limit.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The server for `case` alone, while the guard is held; `None`, saying so, without one.
async fn take_kit(case: &str) -> Option<(tokio::sync::MutexGuard<'static, ()>, Kit)> {
    let alone = ONE_AT_A_TIME.lock().await;
    let Some(kit) = Kit::from_environment() else {
        say(&format!("SKIPPED ({case}): no GoToSocial (set COOPGOV_GOTOSOCIAL to the folder of a GoToSocial running on this machine, holding tokens/tokens.env and tokens/accounts.json: see the README, \"Servers: Mastodon and GoToSocial\")"));
        return None;
    };
    kit.wait_for_requests(case).await;
    Some((alone, kit))
}

/// What one case spends of the server's requests, the bot's and the test's together, at
/// most: a case starts only when the address has that many left in its window.
const REQUESTS_PER_CASE: u64 = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_real_gotosocial_a_vote_runs_from_proposal_to_suspension() {
    let Some((_alone, kit)) = take_kit("members' vote").await else {
        return;
    };
    say(&format!("running against {}", kit.base_url));
    let run = chrono::Utc::now().timestamp();
    let domain = format!("harassment-{run}.example");
    let before = kit.newest_bot_status().await;
    let dir = TempDir::new("gotosocial");
    let config = kit.write_config(&dir, "5s", "");
    let bot_token = kit.token("bot");

    // check: what this server can and cannot do.
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_coopgov"))
        .args(["check", "--config"])
        .arg(&config)
        .env("COOPGOV_TOKEN", &bot_token)
        .output()
        .expect("run coopgov check");
    let report = String::from_utf8_lossy(&check.stdout).into_owned();
    say(&format!("coopgov check:\n{report}"));
    assert!(check.status.success(), "{report}");
    for needle in [
        "the server runs GoToSocial (detected through NodeInfo)",
        "no  limit (silence) a server",
        "no  Idempotency-Key on posts",
        "the streaming API answers at ws://",
    ] {
        assert!(report.contains(needle), "{needle:?} missing:\n{report}");
    }

    let mut bot = kit.start_bot(&config, "info").await;
    let alice = kit.member("alice");
    let refused = alice
        .post(&format!("@bot propose silence {domain} 30s they flood us"))
        .await;
    let answer = wait_for("the refusal", secs(30), || async {
        kit.bot_statuses_since(&before)
            .await
            .into_iter()
            .find(|status| status["in_reply_to_id"] == id_of(&refused).as_str())
            .map(|status| text(&status))
    })
    .await;
    assert!(answer.contains("cannot limit (silence)"), "{answer}");

    alice
        .post(&format!(
            "@bot propose suspend {domain} 40s they host a harassment campaign"
        ))
        .await;
    let ballot = kit.bot_post_starting(&before, "Proposal #1:", 30).await;
    let ballot_id = id_of(&ballot);
    say(&format!("ballot:\n{}", text(&ballot)));
    let bob_vote = kit
        .member("bob")
        .reply(&ballot_id, "@bot agree, this is overdue")
        .await;
    kit.member("carol").favourite(&ballot_id).await;
    kit.member("dave").reply(&ballot_id, "Agree.").await;
    kit.member("erin").reply(&ballot_id, "@bot disagree").await;
    wait_for("bob's receipt", secs(30), || async {
        let path = format!("/api/v1/statuses/{}/favourited_by", id_of(&bob_vote));
        let favourited = kit.member("bob").get(&path).await;
        favourited
            .as_array()
            .is_some_and(|accounts| accounts.iter().any(|a| a["acct"] == "bot"))
            .then_some(())
    })
    .await;

    // A restart mid-vote; erin changes her mind while the bot is down.
    assert!(bot.terminate().success());
    kit.member("erin")
        .reply(&ballot_id, "@bot agree, I read the reports")
        .await;
    bot = BotProcess::start(&config, &bot_token);

    let result = text(
        &kit.bot_post_starting(&before, "Result of proposal #1", 90)
            .await,
    );
    say(&format!("result:\n{result}"));
    assert!(result.contains("PASSED"), "{result}");
    assert!(
        result.contains("agree 4 · abstain 0 · disagree 0 · block 0"),
        "{result}"
    );
    let done = text(&kit.bot_post_starting(&before, "Done:", 60).await);
    assert!(
        done.contains(&format!("{domain} is now suspended")),
        "{done}"
    );
    let blocks = kit.member("bot").get("/api/v1/admin/domain_blocks").await;
    let block = blocks
        .as_array()
        .and_then(|blocks| blocks.iter().find(|b| b["domain"] == domain.as_str()))
        .unwrap_or_else(|| panic!("no block on {domain}: {blocks}"));
    assert!(block["public_comment"]
        .as_str()
        .unwrap_or_default()
        .contains("proposal #1"));

    // Some seconds more, then nothing may have been posted twice.
    tokio::time::sleep(secs(8)).await;
    let posted: Vec<String> = kit
        .bot_statuses_since(&before)
        .await
        .iter()
        .map(text)
        .collect();
    for opening in ["Proposal #1:", "Result of proposal #1", "Done:"] {
        let count = posted
            .iter()
            .filter(|text| text.starts_with(opening))
            .count();
        assert_eq!(count, 1, "{opening:?} posted {count} times:\n{posted:#?}");
    }
    let mut seen = std::collections::BTreeSet::new();
    for status in kit.bot_statuses_since(&before).await {
        let key = (status["in_reply_to_id"].to_string(), text(&status));
        assert!(seen.insert(key.clone()), "posted twice: {key:?}");
    }

    // Anyone with an account there can recount it.
    let (agreed, verdict) = kit.verify(&ballot, "dave");
    say(&format!("coopgov verify: {verdict}"));
    assert!(agreed && verdict.contains("they agree"), "{verdict}");
    assert!(bot.terminate().success());
    // Leave the server as it was for the next run.
    let id = id_of(block);
    kit.member("bot")
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/domain_blocks/{id}"),
            None,
        )
        .await;
    say("PASSED");
}

/// The member's notification of a post of the bot's since `since` that contains `words`
/// (a DM reaches its reader only this way).
async fn notified(kit: &Kit, member: &str, since: &str, words: &str) -> Value {
    let reader = kit.member(member);
    wait_for(&format!("{member}'s {words:?}"), secs(60), || async {
        reader
            .notifications()
            .await
            .into_iter()
            .filter_map(|notification| notification.get("status").cloned())
            .find(|status| newer(&id_of(status), since) && text(status).contains(words))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_real_gotosocial_a_standing_jury_is_drawn_seated_and_decides() {
    let Some((_alone, kit)) = take_kit("jury").await else {
        return;
    };
    let run = chrono::Utc::now().timestamp();
    let domain = format!("spam-{run}.example");
    let before = kit.newest_bot_status().await;
    let dir = TempDir::new("gotosocial-jury");
    let config = kit.write_config(
        &dir,
        "5s",
        "[jury]\npool = \"volunteers\"\nsize = 2\nconsent_within = \"2m\"\nduration = \"40s\"\ndecides = [\"suspend\"]\n\
         [rules.jury]\nquorum = 2\n",
    );
    let bot = kit.start_bot(&config, "info").await;
    let mut joins = Vec::new();
    for name in ["bob", "carol", "dave", "erin"] {
        joins.push(id_of(&kit.member(name).post("@bot jury join").await));
    }
    // Every join answered before the proposal. GoToSocial mints a notification's id before
    // it stores and streams it, so four posts in a row can reach the bot out of id order;
    // the bot drops a notification whose id is below its cursor, and that join is lost.
    wait_for(
        "an answer to each 'jury join' (one unanswered: the bot dropped its notification, \
         which reached it after a newer one had moved its cursor past it)",
        secs(30),
        || async {
            let answered: Vec<Value> = kit.bot_statuses_since(&before).await;
            joins
                .iter()
                .all(|join| {
                    answered
                        .iter()
                        .any(|s| s["in_reply_to_id"] == join.as_str())
                })
                .then_some(())
        },
    )
    .await;
    kit.member("alice")
        .post(&format!(
            "@bot propose suspend {domain} they send spam every day"
        ))
        .await;
    let ballot = kit.bot_post_starting(&before, "Proposal #1:", 60).await;
    let ballot_id = id_of(&ballot);
    let drawn = text(
        &kit.bot_post_starting(&before, "The jury for proposal #1 is drawn", 60)
            .await,
    );
    say(&format!("draw:\n{drawn}"));
    use coopgov::governance::jury::draw;
    let pool = draw::sorted_pool(["bob", "carol", "dave", "erin"]);
    let seed = draw::seed(1, &ballot_id, &pool);
    assert!(drawn.contains(&seed), "{drawn}");
    let order = draw::draw_order(&seed, &pool);

    // The first declines, the second and third accept.
    let first = notified(&kit, &order[0], &before, "You were drawn by lot").await;
    kit.member(&order[0])
        .reply_direct(&id_of(&first), "@bot decline")
        .await;
    for member in &order[1..3] {
        let invitation = notified(&kit, member, &before, "You were drawn by lot").await;
        kit.member(member)
            .reply_direct(&id_of(&invitation), "@bot accept")
            .await;
    }
    let seating = text(
        &kit.bot_post_starting(&before, "The jury for proposal #1 is seated", 90)
            .await,
    );
    say(&format!("seating:\n{seating}"));
    let marks = format!(
        "{}: passed over\n{}: seated\n{}: seated",
        order[0], order[1], order[2]
    );
    assert!(seating.contains(&marks), "{seating}");
    for juror in &order[1..3] {
        kit.member(juror).reply(&ballot_id, "@bot agree").await;
    }
    kit.member(&order[3])
        .reply(&ballot_id, "@bot disagree")
        .await;

    let result = text(
        &kit.bot_post_starting(&before, "Result of proposal #1", 120)
            .await,
    );
    say(&format!("result:\n{result}"));
    assert!(result.contains("PASSED"), "{result}");
    assert!(
        result.contains("Decided by the Standing Jury: 2 of its 2 jurors voted."),
        "{result}"
    );
    kit.bot_post_starting(&before, "Done:", 60).await;
    let (agreed, verdict) = kit.verify(&ballot, "alice");
    say(&format!("coopgov verify (jury): {verdict}"));
    assert!(
        agreed && verdict.contains("seated in draw order"),
        "{verdict}"
    );
    assert!(bot.terminate().success());
    let blocks = kit.member("bot").get("/api/v1/admin/domain_blocks").await;
    if let Some(block) = blocks
        .as_array()
        .and_then(|blocks| blocks.iter().find(|b| b["domain"] == domain.as_str()))
    {
        let path = format!("/api/v1/admin/domain_blocks/{}", id_of(block));
        kit.member("bot").send(Method::DELETE, &path, None).await;
    }
    say("PASSED (jury)");
}

/// Reports read every 5 s; two members' reports about one remote server would open a case.
const REPORTS: &str = r#"[reports]
watch = true
poll_every = "5s"
open_after = 2
within = "7d"
propose = "suspend"
resolve = true
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_real_gotosocial_local_reports_open_no_case_and_an_urgent_suspension_is_undone() {
    let Some((_alone, kit)) = take_kit("reports, urgent").await else {
        return;
    };
    let run = chrono::Utc::now().timestamp();
    let domain = format!("urgent-{run}.example");
    let before = kit.newest_bot_status().await;
    let dir = TempDir::new("gotosocial-urgent");
    // The ratification lasts 30 s: time to see the block and vote, within the rate limit.
    let config = kit.write_config(&dir, "30s", REPORTS);
    let bot = kit.start_bot(&config, "info").await;

    // Two members report erin, a local account: reports about members are left to people.
    let erin = kit.tokens["erin"]["id"].as_str().expect("erin's id");
    let mut reports = Vec::new();
    for (reporter, comment) in [
        ("bob", "bob-private: erin keeps posting spam"),
        ("carol", "carol-private: spam again"),
    ] {
        let filed = kit
            .member(reporter)
            .send(
                Method::POST,
                "/api/v1/reports",
                Some(json!({"account_id": erin, "comment": comment, "category": "spam"})),
            )
            .await;
        reports.push(id_of(&filed));
    }
    let reads_before = kit.bot_report_reads().len();
    // Two poll periods and a little: the bot has read them at least twice.
    tokio::time::sleep(secs(12)).await;
    let reads = kit.bot_report_reads().split_off(reads_before);
    // A poll reads a page and the empty one its `Link` names: one poll, one second.
    let mut seconds: Vec<&str> = reads.iter().filter_map(|r| r.split('.').next()).collect();
    seconds.dedup();
    say(&format!(
        "the bot read the reports in {} polls ({} requests)",
        seconds.len(),
        reads.len()
    ));
    assert!(
        seconds.len() >= 2,
        "the bot did not read the reports twice: {reads:#?}"
    );
    for read in &reads {
        assert!(read.contains("statusCode=200"), "a read refused: {read}");
    }
    let log = bot.log();
    for trouble in ["could not read the reports", "skipped a report"] {
        assert!(
            !log.contains(trouble),
            "{trouble:?} in the bot's log:\n{log}"
        );
    }
    let posted: Vec<String> = kit
        .bot_statuses_since(&before)
        .await
        .iter()
        .map(text)
        .collect();
    assert!(
        !posted.iter().any(|text| text.starts_with("Proposal #")),
        "a case was opened from reports about a local account: {posted:#?}"
    );
    for id in &reports {
        let report = kit
            .member("bot")
            .get(&format!("/api/v1/admin/reports/{id}"))
            .await;
        assert_eq!(
            report["action_taken"], false,
            "resolved by the bot: {report}"
        );
    }

    // The working group suspends at once, by DM.
    kit.member("alice")
        .direct(&format!(
            "@bot suspend now {domain} they are flooding our members with spam right now"
        ))
        .await;
    let acting = text(&notified(&kit, "alice", &before, "Acting now").await);
    say(&format!("to the working group: {acting}"));
    let block = wait_for("the provisional block", secs(30), || async {
        let blocks = kit.member("bot").get("/api/v1/admin/domain_blocks").await;
        blocks
            .as_array()
            .and_then(|blocks| blocks.iter().find(|b| b["domain"] == domain.as_str()))
            .cloned()
    })
    .await;
    let comment = block["public_comment"].as_str().unwrap_or_default();
    say(&format!("provisional block: {comment}"));
    assert!(
        comment.starts_with("Provisional:") && comment.contains("proposal #1"),
        "{block}"
    );
    let ballot = kit
        .bot_post_starting(
            &before,
            &format!("Proposal #1: ratify suspend {domain}"),
            30,
        )
        .await;
    let ballot_id = id_of(&ballot);
    let ballot_text = text(&ballot);
    say(&format!("ballot:\n{ballot_text}"));
    assert!(
        ballot_text.contains("Done at once by @\u{200B}alice: they are flooding")
            && ballot_text.contains("Agree keeps it; if this vote fails, it is undone."),
        "{ballot_text}"
    );
    let note = kit
        .bot_post_starting(&before, "Proposal #1: the working group suspended", 30)
        .await;
    assert_eq!(note["in_reply_to_id"], ballot_id.as_str(), "{note}");
    assert!(
        text(&note).contains(&format!("suspended {domain} at once")),
        "{}",
        text(&note)
    );

    // One member's block stops the ratification: the block is undone.
    kit.member("bob")
        .reply(&ballot_id, "@bot block we should hear them first")
        .await;
    let result = text(
        &kit.bot_post_starting(&before, "Result of proposal #1", 90)
            .await,
    );
    say(&format!("result:\n{result}"));
    assert!(
        result.contains("STOPPED BY A BLOCK") && result.contains("Undoing"),
        "{result}"
    );
    let undone = text(&kit.bot_post_starting(&before, "Undone:", 60).await);
    assert!(
        undone.contains(&format!(
            "Undone: {domain} is unblocked, as proposal #1 did not pass"
        )),
        "{undone}"
    );
    let blocks = kit.member("bot").get("/api/v1/admin/domain_blocks").await;
    assert!(
        !blocks
            .as_array()
            .is_some_and(|blocks| blocks.iter().any(|b| b["domain"] == domain.as_str())),
        "{domain} is still blocked: {blocks}"
    );

    let (agreed, verdict) = kit.verify(&ballot, "dave");
    say(&format!("coopgov verify (ratification): {verdict}"));
    assert!(agreed && verdict.contains("they agree"), "{verdict}");
    assert!(bot.terminate().success());
    // Leave the server as it was for the next run.
    for id in &reports {
        let path = format!("/api/v1/admin/reports/{id}/resolve");
        kit.member("bot").send(Method::POST, &path, None).await;
    }
    say("PASSED (reports, urgent)");
}

/// The receipt code in `member`'s notification of the bot's DM counting `position`.
async fn receipt_on_gotosocial(kit: &Kit, member: &str, since: &str, position: &str) -> String {
    let status = notified(kit, member, since, &format!("is counted: {position}")).await;
    crate::support::sealed::code_in(&text(&status))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_real_gotosocial_a_sealed_ballot_is_voted_by_direct_message() {
    let Some((_alone, kit)) = take_kit("sealed ballot").await else {
        return;
    };
    let run = chrono::Utc::now().timestamp();
    let domain = format!("sealed-{run}.example");
    let before = kit.newest_bot_status().await;
    let dir = TempDir::new("gotosocial-sealed");
    let config = kit.write_config(&dir, "5s", "[rules.suspend]\nsealed = true\n");
    let bot = kit.start_bot(&config, "trace").await;
    kit.member("alice")
        .post(&format!(
            "@bot propose suspend {domain} 60s they host a harassment campaign"
        ))
        .await;
    let ballot = kit.bot_post_starting(&before, "Proposal #1:", 30).await;
    let ballot_id = id_of(&ballot);
    // The server's requests are counted per address, the bot's and this test's together:
    // the result is looked for only once its time has come.
    let closes = std::time::Instant::now() + secs(60);
    say(&format!("sealed ballot:\n{}", text(&ballot)));
    assert!(text(&ballot).contains("SEALED: vote by direct message"));
    kit.bot_post_starting(&before, "How to vote on sealed proposal #1", 30)
        .await;

    // erin votes in public first: not counted, told by DM.
    kit.member("erin").reply(&ballot_id, "@bot agree").await;
    let told = notified(&kit, "erin", &before, "is sealed").await;
    assert!(
        text(&told).contains("delete your public reply"),
        "{}",
        text(&told)
    );

    let mut codes = std::collections::BTreeMap::new();
    for (name, position) in [
        ("alice", "agree"),
        ("bob", "disagree"),
        ("carol", "agree"),
        ("dave", "abstain"),
        ("erin", "agree"),
    ] {
        kit.member(name)
            .reply_direct(&ballot_id, &format!("@bot {position}"))
            .await;
        let code = receipt_on_gotosocial(&kit, name, &before, position).await;
        codes.insert(name, (position, code));
    }
    // bob changes his mind: a new receipt, the old one void.
    kit.member("bob")
        .reply_direct(&ballot_id, "@bot agree")
        .await;
    let changed = receipt_on_gotosocial(&kit, "bob", &before, "agree").await;
    let void = codes["bob"].1.clone();
    assert_ne!(changed, void);
    codes.insert("bob", ("agree", changed));

    // While open, the thread shows no position.
    let asked = kit.member("carol").post("@bot status 1").await;
    let status = wait_for("the status answer", secs(30), || async {
        kit.bot_statuses_since(&before)
            .await
            .into_iter()
            .find(|s| s["in_reply_to_id"] == id_of(&asked).as_str())
            .map(|s| text(&s))
    })
    .await;
    assert!(status.contains("5 voters"), "{status}");

    tokio::time::sleep_until(closes.into()).await;
    let result = text(
        &kit.bot_post_starting(&before, "Result of proposal #1", 120)
            .await,
    );
    say(&format!("sealed result:\n{result}"));
    assert!(
        result.contains("agree 4 · abstain 1 · disagree 0 · block 0"),
        "{result}"
    );
    let receipts = text(
        &kit.bot_post_starting(&before, "Receipts of proposal #1", 30)
            .await,
    );
    let voters = text(
        &kit.bot_post_starting(&before, "Voters of proposal #1", 30)
            .await,
    );
    crate::support::sealed::assert_lists_hold(&receipts, &voters, &codes, &void);

    let (agreed, verdict) = kit.verify(&ballot, "dave");
    say(&format!("coopgov verify (sealed): {verdict}"));
    assert!(agreed && verdict.contains("they agree"), "{verdict}");
    let find = |code: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_coopgov"))
            .args(["verify", ballot["url"].as_str().expect("a ballot address")])
            .args(["--receipt", code, "--config", "/nonexistent/bot.toml"])
            .env("COOPGOV_VERIFY_TOKEN", kit.token("carol"))
            .output()
            .expect("run coopgov verify --receipt")
    };
    // Two members look theirs up (the mock's case looks up every one).
    for name in ["bob", "dave"] {
        let (position, code) = &codes[name];
        let found = find(code);
        let said = String::from_utf8_lossy(&found.stdout).into_owned();
        assert!(
            found.status.success() && said.contains(&format!("counted as {position}")),
            "{name}: {said}"
        );
    }
    assert_eq!(find(&void).status.code(), Some(1), "the void receipt");

    // The bot's log, at trace, never puts a voter beside their position.
    let log = bot.log();
    for (name, (position, _)) in &codes {
        for line in log.lines() {
            let words: Vec<&str> = line
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .collect();
            assert!(
                !(words.contains(name) && words.contains(position)),
                "@{name} beside {position} in the log: {line}"
            );
        }
    }
    assert!(bot.terminate().success());
    let blocks = kit.member("bot").get("/api/v1/admin/domain_blocks").await;
    if let Some(block) = blocks
        .as_array()
        .and_then(|blocks| blocks.iter().find(|b| b["domain"] == domain.as_str()))
    {
        let id = id_of(block);
        kit.member("bot")
            .send(
                Method::DELETE,
                &format!("/api/v1/admin/domain_blocks/{id}"),
                None,
            )
            .await;
    }
    say("PASSED (sealed ballot)");
}
