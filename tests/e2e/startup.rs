//! The first steps of a new operator: `login`, `check` and `run` refusing what cannot work.

use crate::support::shipped::uncomment;
use crate::support::{secs, wait_for, BotProcess, Mock, Seed, TempDir};
use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn login_refuses_an_address_it_cannot_use_and_says_how_to_write_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_coopgov"))
        .args(["login", "--instance", "ftp://social.example"])
        .output()
        .expect("run coopgov login");
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains(r#"--instance "ftp://social.example" is not a web address; write it with https://, like "https://social.example", or give the host alone"#),
        "{said}"
    );
}

/// A `bot.toml` for `mock` in a fresh folder, with `membership` lines and `files` beside it.
fn configure(mock: &Mock, membership: &str, files: &[(&str, &str)]) -> (TempDir, PathBuf) {
    let dir = TempDir::new("startup");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write a file beside bot.toml");
    }
    let config = dir.path().join("bot.toml");
    let text = format!(
        "[instance]\nurl = \"{}\"\n\n[storage]\npath = \"coopgov.db\"\n\n[membership]\n{membership}\n",
        mock.url
    );
    std::fs::write(&config, text).expect("write bot.toml");
    (dir, config)
}

/// `coopgov <args…> --config <config>` as the bot: the exit code, stdout and stderr.
fn coopgov(args: &[&str], config: &Path, token: &str) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_coopgov"))
        .args(args)
        .arg("--config")
        .arg(config)
        .env("COOPGOV_TOKEN", token)
        .output()
        .expect("run coopgov");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn members() -> Vec<Seed> {
    vec![
        Seed::local("alice"),
        Seed::local("bob"),
        Seed::remote("carol", "evil.example"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_fails_naming_working_group_and_roster_names_that_are_not_local_accounts() {
    let mock = Mock::start(&members()).await;
    let token = mock.bot_token().to_string();
    let (_dir, config) = configure(&mock, "working_group = [\"alice\", \"bobb\"]", &[]);
    let (code, report, _) = coopgov(&["check"], &config, &token);
    assert_eq!(code, Some(1), "{report}");
    let fail = report
        .lines()
        .find(|line| line.starts_with("FAIL"))
        .unwrap_or_else(|| panic!("no FAIL line:\n{report}"));
    assert!(
        fail.contains("membership.working_group in")
            && fail.contains("names accounts that are not local accounts of")
            && fail.contains(": bobb;"),
        "{fail}"
    );
    assert!(fail.contains("leaves them out"), "{fail}");

    let roster = "# members\nalice\nBob\nzed\ncarol@evil.example\n";
    let (_dir, config) = configure(
        &mock,
        "working_group = [\"alice\"]\nvoters = \"roster\"\nroster_file = \"members.txt\"",
        &[("members.txt", roster)],
    );
    let (code, report, _) = coopgov(&["check"], &config, &token);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("ok    the working group's names are local accounts: alice"),
        "{report}"
    );
    let fail = report
        .lines()
        .find(|line| line.starts_with("FAIL"))
        .unwrap_or_else(|| panic!("no FAIL line:\n{report}"));
    assert!(
        fail.contains("members.txt lists accts that are not local accounts of")
            && fail.contains(": carol@evil.example, zed;")
            && fail.contains("SIGHUP"),
        "{fail}"
    );

    // A large roster is looked up 200 names at most, so the bot keeps its request budget.
    let large: String = (0..230).map(|n| format!("m{n:03}\n")).collect();
    let (_dir, config) = configure(
        &mock,
        "voters = \"roster\"\nroster_file = \"members.txt\"",
        &[("members.txt", &large)],
    );
    let (code, report, _) = coopgov(&["check"], &config, &token);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("members.txt lists 230 accts; looked up the first 200 (in alphabetical order) and left the other 30 unchecked"),
        "{report}"
    );
    assert!(report.contains(": m000, m001, "), "{report}");
    assert!(report.contains("m019 and 180 more;"), "{report}");
}

/// `[jury]` gets its own line; a roster pool's accts are looked up like the roster's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_tells_the_jury_and_fails_naming_pool_accts_that_are_not_local_accounts() {
    let mock = Mock::start(&members()).await;
    let token = mock.bot_token().to_string();
    let (_dir, config) = configure(
        &mock,
        "voters = \"roster\"\nroster_file = \"members.txt\"\n\n[jury]\npool = \"roster\"\n\
         pool_file = \"jurors.txt\"\nsize = 2\ndecides = [\"suspend\"]\nwhen_short = \"cancel\"\n\
         [rules.jury]\nquorum = 2",
        &[
            ("members.txt", "alice\nbob\n"),
            ("jurors.txt", "alice\nzed\n"),
        ],
    );
    let (code, report, _) = coopgov(&["check"], &config, &token);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("ok    jury: 2 jurors drawn from the accts in ")
            && report.contains("jurors.txt decide suspend; each has 1d to accept; the seated jury votes for 3d; Passes if at least 2 vote")
            && report.contains("If the pool runs out, the proposal is cancelled."),
        "{report}"
    );
    // zed is no account here: one juror can be drawn, not the two a jury needs.
    assert!(
        report.contains(
            "jurors.txt lists 1 acct of this instance (of 2 names), fewer than jury.size 2"
        ),
        "{report}"
    );
    assert!(
        report.contains("jurors.txt lists accts that are not on the roster")
            && report.contains("would not count if they were drawn: zed"),
        "{report}"
    );
    let fail = report
        .lines()
        .find(|line| line.starts_with("FAIL"))
        .unwrap_or_else(|| panic!("no FAIL line:\n{report}"));
    assert!(
        fail.contains("the jury's pool_file ")
            && fail.contains("jurors.txt lists accts that are not local accounts of")
            && fail.contains(": zed;"),
        "{fail}"
    );

    // An unreadable pool_file fails with its own name.
    let (_dir, config) = configure(
        &mock,
        "[jury]\npool = \"roster\"\npool_file = \"absent.txt\"",
        &[],
    );
    let (code, report, _) = coopgov(&["check"], &config, &token);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("FAIL  could not read the jury's pool_file ")
            && report.contains("absent.txt; create it with one member's acct per line"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_refuses_a_working_group_of_which_no_name_is_a_local_account() {
    let mock = Mock::start(&members()).await;
    let (dir, config) = configure(&mock, "working_group = [\"bobb\", \"alicia\"]", &[]);
    let (code, _, said) = coopgov(&["run"], &config, mock.bot_token());
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("error: none of the names in membership.working_group (bobb, alicia) is a local account of")
            && said.contains("set working_group = [] to run without a working group"),
        "{said}"
    );
    assert!(
        !dir.path().join("coopgov.db").exists(),
        "refused before it opened the store"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_start_up_waits_for_an_unreachable_instance_is_a_clean_stop() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let dir = TempDir::new("unreachable");
    let config = dir.path().join("bot.toml");
    let text = format!("[instance]\nurl = \"http://127.0.0.1:{closed_port}\"\n");
    std::fs::write(&config, text).expect("write bot.toml");
    let bot = BotProcess::start(&config, "a-token");
    wait_for("a retried start-up step", secs(10), || async {
        bot.log().contains("trying again").then_some(())
    })
    .await;
    tokio::time::sleep(secs(1)).await;
    let asked = std::time::Instant::now();
    let log_path = bot.log_path.clone();
    let status = bot.terminate();
    let log = std::fs::read_to_string(log_path).unwrap_or_default();
    assert!(status.success(), "{status}: {log}");
    assert!(asked.elapsed() < secs(4), "took {:?}", asked.elapsed());
    assert!(log.contains("stopped before start-up finished"), "{log}");
    assert!(!log.lines().any(|line| line.starts_with("error:")), "{log}");
}

/// The shipped bot.toml with its examples turned on as its comments say (the jury,
/// reports, ratification, appeals): `check` finds that ballots fit a 500-character
/// server with room for a real reason, where it once refused the jury outright.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shipped_examples_leave_room_for_a_real_reason_on_a_500_character_server() {
    let mock = Mock::start(&members()).await;
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml"))
        .expect("the shipped bot.toml");
    let mut text = shipped.replace("https://social.example", &mock.url);
    for header in ["[jury]", "[reports]", "[rules.ratify]", "[appeals]"] {
        text = uncomment(&text, header);
    }
    let dir = TempDir::new("shipped");
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, &text).expect("write bot.toml");
    let (_, report, _) = coopgov(&["check"], &config, mock.bot_token());
    let room = report
        .lines()
        .find_map(|line| {
            let rest = line
                .split("ballots fit the instance's 500 characters a post and leave at least ")
                .nth(1)?;
            rest.split_whitespace().next()?.parse::<u32>().ok()
        })
        .unwrap_or_else(|| panic!("no line on the ballots' room:\n{report}"));
    assert!(room >= 200, "{room} characters for the reason:\n{report}");
}
