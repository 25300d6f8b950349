//! A bot on a mock instance with seeded members, and the steps members take.

use crate::support::proxy::{Proxy, Refill};
use crate::support::{id_of, secs, wait_for, BotProcess, Member, Mock, Seed, TempDir};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// The members every scenario has: six locals, a remote namesake of alice, a bot.
pub fn seeds() -> Vec<Seed> {
    let mut seeds: Vec<Seed> = ["alice", "bob", "carol", "dave", "erin", "frank"]
        .into_iter()
        .map(Seed::local)
        .collect();
    seeds.push(Seed::remote("alice", "evil.example"));
    seeds.push(Seed::local("robot").bot());
    seeds
}

/// What a scenario's `bot.toml` says beyond the defaults.
pub struct Setup<'a> {
    pub mode: &'a str,
    /// Lines added to `[membership]`.
    pub membership: &'a str,
    pub min_duration: &'a str,
    pub urgent_min_duration: &'a str,
    pub reminder_before: &'a str,
    /// Lines added to `[proposals]`.
    pub proposals: &'a str,
    /// Tables added at the end.
    pub extra: &'a str,
    /// Files written beside `bot.toml` before the bot starts.
    pub files: &'a [(&'a str, &'a str)],
    /// Lines added to `[instance]`.
    pub instance: &'a str,
    pub poll_interval: &'a str,
    /// Put a fault-injecting proxy between the bot and the mock.
    pub behind_proxy: bool,
    /// A request budget the proxy enforces from the bot's first request: how it
    /// refills, how many requests, per how long.
    pub budget: Option<(Refill, u64, Duration)>,
    /// More local members, named m0, m1, …
    pub extra_members: usize,
    /// The bot's `RUST_LOG`.
    pub rust_log: &'a str,
    /// Arguments before `run`, like `--log-format json`.
    pub args: &'a [&'a str],
}

impl Default for Setup<'_> {
    fn default() -> Self {
        Setup {
            mode: "auto",
            membership: "",
            min_duration: "3s",
            urgent_min_duration: "2s",
            reminder_before: "0",
            proposals: "",
            extra: "",
            files: &[],
            instance: "",
            poll_interval: "2s",
            behind_proxy: false,
            budget: None,
            extra_members: 0,
            rust_log: "info",
            args: &[],
        }
    }
}

/// Fields drop in this order: the bot first, so that a failing test prints its log
/// before its folder is removed.
pub struct Scenario {
    pub bot: Option<BotProcess>,
    pub mock: Mock,
    pub dir: TempDir,
    pub config: PathBuf,
    pub proxy: Option<Proxy>,
}

impl Scenario {
    /// A mock, a `bot.toml` for it with votes of seconds, and the bot.
    pub async fn start(mode: &str) -> Scenario {
        Scenario::start_with(Setup {
            mode,
            ..Setup::default()
        })
        .await
    }

    pub async fn start_with(setup: Setup<'_>) -> Scenario {
        let mut seeds = seeds();
        seeds.extend((0..setup.extra_members).map(|i| Seed::local(&format!("m{i}"))));
        let proxy = if setup.behind_proxy || setup.budget.is_some() {
            let proxy = Proxy::bind().await;
            if let Some((refill, limit, window)) = setup.budget {
                proxy.limit(refill, limit, window);
            }
            Some(proxy)
        } else {
            None
        };
        let mock = Mock::start_behind(&seeds, proxy.as_ref().map(|p| p.port)).await;
        if let Some(proxy) = &proxy {
            proxy.forward_to(mock.port);
        }
        let bot_url = proxy.as_ref().map_or_else(|| mock.url.clone(), Proxy::url);
        let dir = TempDir::new("bot");
        for (name, text) in setup.files {
            std::fs::write(dir.path().join(name), text).expect("write a scenario file");
        }
        let config = dir.path().join("bot.toml");
        let text = format!(
            r#"[instance]
url = "{url}"
poll_interval = "{poll}"
{instance}

[storage]
path = "coopgov.db"

[membership]
working_group = ["alice"]
{membership}

[proposals]
default_duration = "10s"
min_duration = "{min}"
urgent_min_duration = "{urgent_min}"
max_duration = "2h"
reminder_before = "{reminder}"
{proposals}

[actions]
mode = "{mode}"

{extra}
"#,
            url = bot_url,
            instance = setup.instance,
            poll = setup.poll_interval,
            membership = setup.membership,
            min = setup.min_duration,
            urgent_min = setup.urgent_min_duration,
            reminder = setup.reminder_before,
            proposals = setup.proposals,
            mode = setup.mode,
            extra = setup.extra,
        );
        std::fs::write(&config, text).expect("write bot.toml");
        let bot =
            BotProcess::start_with_args(&config, mock.bot_token(), setup.rust_log, setup.args);
        let scenario = Scenario {
            mock,
            dir,
            config,
            bot: Some(bot),
            proxy,
        };
        scenario.wait_for_log("stream connected").await;
        scenario
    }

    /// SIGKILL, as in a crash.
    pub fn kill(&mut self) {
        self.bot.take().expect("the bot is running").kill();
    }

    /// Whether the bot is still running (it has not exited on its own).
    pub fn bot_is_running(&mut self) -> bool {
        self.bot.as_mut().is_some_and(|bot| !bot.has_exited())
    }

    pub fn restart(&mut self) {
        assert!(self.bot.is_none(), "the bot is already running");
        self.bot = Some(BotProcess::start(&self.config, self.mock.bot_token()));
    }

    /// SIGTERM; the bot must exit 0.
    pub fn stop(&mut self) {
        let bot = self.bot.take().expect("the bot is running");
        let status = bot.terminate();
        assert!(
            status.success(),
            "the bot exited with {status}: {}",
            self.log()
        );
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("coopgov.log")).unwrap_or_default()
    }

    pub async fn wait_for_log(&self, needle: &str) {
        let occurrences = self.log().matches(needle).count();
        wait_for(
            &format!("{needle:?} in the bot's log"),
            secs(30),
            || async { (self.log().matches(needle).count() > occurrences).then_some(()) },
        )
        .await;
    }

    pub fn member(&self, name: &str) -> Member {
        self.mock.member(name)
    }

    /// Every status the bot has posted, oldest first (DMs included).
    pub async fn bot_statuses(&self) -> Vec<Value> {
        let mut statuses = self.mock.statuses_by("coopbot").await;
        statuses.reverse();
        statuses
    }

    /// The bot's direct messages to `acct` whose text contains `needle`.
    pub async fn dms_to(&self, acct: &str, needle: &str) -> Vec<String> {
        let mention = format!("@{acct} ");
        self.bot_statuses()
            .await
            .iter()
            .filter(|status| status["visibility"] == "direct")
            .map(text_of)
            .filter(|text| text.starts_with(&mention) && text.contains(needle))
            .collect()
    }

    /// The bot's statuses whose text contains `needle`.
    pub async fn bot_posts_containing(&self, needle: &str) -> Vec<Value> {
        self.bot_statuses()
            .await
            .into_iter()
            .filter(|status| text_of(status).contains(needle))
            .collect()
    }

    /// Waits for the ballot of proposal `number` and returns it.
    pub async fn ballot(&self, number: u64) -> Value {
        let title = format!("Proposal #{number}:");
        wait_for(&format!("ballot #{number}"), secs(30), || async {
            self.bot_posts_containing(&title)
                .await
                .into_iter()
                .find(|status| status["in_reply_to_id"].is_null())
        })
        .await
    }

    /// Waits for the bot's reply stating the terms of proposal `number` (the rule and every
    /// word that counts: on a server of 500 characters a post they leave the ballot) and
    /// returns its text.
    pub async fn terms(&self, number: u64) -> String {
        let title = format!("How proposal #{number} is decided");
        wait_for(&format!("the terms of #{number}"), secs(30), || async {
            self.bot_posts_containing(&title).await.first().map(text_of)
        })
        .await
    }

    /// Waits for the result announcement of proposal `number` and returns its text.
    pub async fn result(&self, number: u64) -> String {
        let title = format!("Result of proposal #{number}:");
        wait_for(&format!("the result of #{number}"), secs(60), || async {
            self.bot_posts_containing(&title).await.first().map(text_of)
        })
        .await
    }

    /// Waits up to `patience` for the result of proposal `number`: its text, and how
    /// many seconds after `closes_at` the instance says it was posted.
    pub async fn result_after(
        &self,
        number: u64,
        closes_at: DateTime<Utc>,
        patience: Duration,
    ) -> (String, f64) {
        let title = format!("Result of proposal #{number}:");
        let result = wait_for(&format!("the result of #{number}"), patience, || async {
            self.bot_posts_containing(&title).await.into_iter().next()
        })
        .await;
        let posted_at: DateTime<Utc> = result["created_at"]
            .as_str()
            .and_then(|at| at.parse().ok())
            .expect("the result's time");
        let late = (posted_at - closes_at).num_milliseconds() as f64 / 1000.0;
        (text_of(&result), late)
    }

    /// `coopgov <args…>` with this scenario's config and `token`: success and stdout.
    pub fn cli_status(&self, args: &[&str], token: &str) -> (bool, String) {
        let output = self.cli_output(args, &[("COOPGOV_TOKEN", token)]);
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    }

    /// `coopgov <args…>` with `environment` set (and this scenario's config unless `args`
    /// names one), whatever its exit code.
    pub fn cli_output(&self, args: &[&str], environment: &[(&str, &str)]) -> std::process::Output {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_coopgov"));
        command.args(args).envs(environment.iter().copied());
        if !args.contains(&"--config") {
            command.arg("--config").arg(&self.config);
        }
        command.output().expect("run coopgov")
    }

    /// `coopgov <args…>` with its output cut short, as `coopgov show 1 | head -1` does: the
    /// pipe it prints to is closed before it writes. Returns what it wrote on stderr,
    /// after checking that it ended quietly (success, or SIGPIPE as Unix tools do).
    pub fn cli_cut_short(&self, args: &[&str]) -> String {
        use std::io::Read;
        use std::os::unix::process::ExitStatusExt;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_coopgov"))
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run coopgov");
        drop(child.stdout.take());
        let mut stderr = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        let status = child.wait().expect("coopgov ends");
        assert!(
            status.success() || status.signal() == Some(13),
            "coopgov {args:?} ended {status} with its output cut short: {stderr}"
        );
        stderr
    }

    /// `coopgov <args…>` with this scenario's config; it must succeed.
    pub fn cli(&self, args: &[&str]) -> String {
        self.cli_in_zone(args, None)
    }

    /// As `cli`, run in the time zone `zone` (`TZ`, e.g. "Europe/Paris") when given.
    pub fn cli_in_zone(&self, args: &[&str], zone: Option<&str>) -> String {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_coopgov"));
        command
            .args(args)
            .env("COOPGOV_TOKEN", self.mock.bot_token())
            .arg("--config")
            .arg(&self.config);
        if let Some(zone) = zone {
            command.env("TZ", zone);
        }
        let output = command.output().expect("run coopgov");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "coopgov {args:?} failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        text
    }

    /// Waits for a reply by the bot to `status` and returns its text.
    pub async fn answer_to(&self, status: &Value) -> String {
        let id = id_of(status);
        wait_for("the bot's answer", secs(30), || async {
            self.bot_statuses()
                .await
                .iter()
                .find(|reply| reply["in_reply_to_id"] == id.as_str())
                .map(text_of)
        })
        .await
    }

    /// Waits for the instance's domain block on `domain` and returns it.
    pub async fn domain_block(&self, domain: &str) -> Value {
        wait_for(
            &format!("the domain block on {domain}"),
            secs(20),
            || async {
                self.mock
                    .domain_blocks()
                    .await
                    .into_iter()
                    .find(|block| block["domain"] == domain)
            },
        )
        .await
    }

    /// Makes the instance answer `status` with `body` to every domain-block creation.
    pub async fn refuse_domain_blocks(&self, status: u16, body: Value) {
        let rule = serde_json::json!({
            "match": {"methods": ["POST"], "path": "/api/v1/admin/domain_blocks"},
            "effect": {"type": "status", "status": status, "body": body}
        });
        self.mock.add_fault(rule).await;
    }

    /// bob proposes `request` (the first proposal), carol agrees; returns the result.
    pub async fn pass_first_proposal(&self, request: &str) -> String {
        self.member("bob")
            .post(&format!("@coopbot {request}"))
            .await;
        let ballot = self.ballot(1).await;
        self.member("carol")
            .reply(&id_of(&ballot), "@coopbot agree")
            .await;
        self.result(1).await
    }

    /// `member` replies `text` to the ballot `ballot_id`.
    pub async fn reply_as(&self, member: &str, ballot_id: &str, text: &str) -> Value {
        self.member(member).reply(ballot_id, text).await
    }

    /// Two votes that must never count: alice's remote namesake and a bot account.
    pub async fn outsiders_vote(&self, ballot_id: &str) {
        let namesake = self.mock.remote_member("alice", "evil.example");
        namesake.reply(ballot_id, "@coopbot disagree").await;
        self.reply_as("robot", ballot_id, "@coopbot disagree").await;
    }

    /// Waits for the bot's first post containing `needle` and returns it.
    pub async fn post_containing(&self, needle: &str) -> Value {
        wait_for(
            &format!("a post containing {needle:?}"),
            secs(30),
            || async { self.bot_posts_containing(needle).await.into_iter().next() },
        )
        .await
    }

    /// Waits until the bot has favourited `vote` (its receipt).
    pub async fn receipt_on(&self, vote: &Value) {
        wait_for("the bot's receipt", secs(20), || async {
            self.favourited_by(vote)
                .await
                .iter()
                .any(|acct| acct == "coopbot")
                .then_some(())
        })
        .await
    }

    /// Accounts that favourited `status` (the bot's receipts show here).
    pub async fn favourited_by(&self, status: &Value) -> Vec<String> {
        let path = format!("/api/v1/statuses/{}/favourited_by", id_of(status));
        self.mock
            .bot()
            .get(&path)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|a| a["acct"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

/// A status's text without tags, entities decoded enough for assertions.
/// When a ballot says voting closes ("Closes: 2026-12-07 10:15:30 UTC").
pub fn closing_time(ballot: &str) -> DateTime<Utc> {
    let line = ballot
        .lines()
        .find_map(|line| line.strip_prefix("Closes: "))
        .unwrap_or_else(|| panic!("no closing time in the ballot: {ballot}"))
        .trim_end_matches(" UTC");
    NaiveDateTime::parse_from_str(line, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(line, "%Y-%m-%d %H:%M"))
        .unwrap_or_else(|error| panic!("{line:?}: {error}"))
        .and_utc()
}

pub fn text_of(status: &Value) -> String {
    let html = status["content"].as_str().unwrap_or_default();
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html
        .replace("<br />", "\n")
        .replace("</p><p>", "\n\n")
        .chars()
    {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}
