//! What the admin runs: `coopgov check` (and `--fix`).

use crate::scenario::Scenario;
use crate::support::Mock;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_says_what_is_wrong_and_fixes_the_notification_policy() {
    let mut scenario = Scenario::start("auto").await;
    scenario.stop();
    let token = scenario.mock.bot_token().to_string();
    let (ok, report) = scenario.cli_status(&["check"], &token);
    assert!(ok, "{report}");
    for line in [
        "configuration",
        "instance",
        "token is valid",
        "admin domain blocks",
        "notification policy",
        "the server runs Mastodon (detected through NodeInfo)",
        "yes limit (silence) a server",
        "ballots fit the instance's 500 characters a post",
        "streaming API answers",
    ] {
        assert!(report.contains(line), "{line:?} missing:\n{report}");
    }

    // A policy that filters private mentions would hide members' DMs from the bot.
    let bot = scenario.mock.bot();
    bot.send(
        reqwest::Method::PATCH,
        "/api/v2/notifications/policy",
        Some(json!({"for_private_mentions": "filter"})),
    )
    .await;
    let (ok, report) = scenario.cli_status(&["check"], &token);
    assert!(!ok, "a filtering policy fails the check:\n{report}");
    assert!(
        report.contains("FAIL")
            && report.contains("for_private_mentions")
            && report.contains("--fix"),
        "{report}"
    );
    let (ok, report) = scenario.cli_status(&["check", "--fix"], &token);
    assert!(ok && report.contains("fixed"), "{report}");
    assert_eq!(
        bot.get("/api/v2/notifications/policy").await["for_private_mentions"],
        "accept"
    );

    // The role without Manage Federation: Mastodon answers 403 to the admin API.
    scenario
        .mock
        .add_fault(json!({
            "match": {"methods": ["GET"], "path": "/api/v1/admin/domain_blocks"},
            "effect": {"type": "status", "status": 403, "body": {"error": "This action is not allowed"}},
            "count": 1
        }))
        .await;
    let (ok, report) = scenario.cli_status(&["check"], &token);
    assert!(
        !ok && report.contains("FAIL") && report.contains("Manage Federation"),
        "{report}"
    );

    // A broken bot.toml and an unreachable instance each fail with their own line.
    let broken = scenario.dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        "[instance]\nurl = \"https://x.example\"\ncolour = 1\n",
    )
    .expect("write");
    let (ok, report) = scenario.cli_status(
        &["check", "--config", broken.to_str().expect("a path")],
        &token,
    );
    assert!(
        !ok && report.contains("FAIL") && report.contains("broken.toml:3"),
        "{report}"
    );
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let unreachable = scenario.dir.path().join("unreachable.toml");
    std::fs::write(
        &unreachable,
        format!("[instance]\nurl = \"http://127.0.0.1:{closed_port}\"\n"),
    )
    .expect("write");
    let (ok, report) = scenario.cli_status(
        &["check", "--config", unreachable.to_str().expect("a path")],
        &token,
    );
    assert!(!ok && report.contains("not reachable"), "{report}");

    // So many words of its own that a ballot would lose its closing time.
    let wordy = scenario.dir.path().join("wordy.toml");
    let words: Vec<String> = (0..60).map(|n| format!("\"word{n}\"")).collect();
    let config = std::fs::read_to_string(&scenario.config).expect("bot.toml");
    std::fs::write(
        &wordy,
        format!("{config}\n[vocabulary]\nagree = [{}]\n", words.join(", ")),
    )
    .expect("write");
    let (ok, report) = scenario.cli_status(
        &["check", "--config", wordy.to_str().expect("a path")],
        &token,
    );
    assert!(
        !ok && report.contains("FAIL") && report.contains("remove some [vocabulary] words"),
        "{report}"
    );

    let (ok, report) = scenario.cli_status(&["check"], "not-a-token");
    assert!(!ok, "{report}");
    assert!(
        report.contains(
            "FAIL  the instance refused the access token in the environment variable COOPGOV_TOKEN"
        ) && report.contains("coopgov login"),
        "{report}"
    );
    // Counted by its words: the mock's port can hold "401" too.
    assert_eq!(
        report.matches("answered 401").count(),
        1,
        "said once: {report}"
    );
    assert!(
        !report.contains("not-a-token"),
        "the token is never printed"
    );
}

/// `coopgov <args…> login --instance <instance>`, authorised in the "browser" as
/// `username`; types the code the instance shows, then each of `answers`. Returns whether
/// it succeeded and everything it printed.
async fn login_as(mock: &Mock, username: &str, args: &[&str], answers: &[&str]) -> (bool, String) {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_coopgov"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start coopgov login");
    let stdout = child.stdout.take().expect("stdout");
    // Read the output on a thread of its own, to the end, so login never writes to a closed pipe.
    let (found, address) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut printed = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("/oauth/authorize?") {
                let _ = found.send(line.trim().to_string());
            }
            printed.push_str(&line);
            printed.push('\n');
        }
        printed
    });
    let url = tokio::task::spawn_blocking(move || {
        address.recv_timeout(std::time::Duration::from_secs(20))
    })
    .await
    .expect("wait for the output")
    .expect("an authorisation address");
    let query = url.split_once('?').expect("a query").1;
    let client_id = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("client_id="))
        .expect("a client id")
        .to_string();
    assert!(
        query.contains("admin%3Awrite%3Adomain_blocks"),
        "least privilege, named: {url}"
    );
    // What the bot's admin does in the browser: authorise as the bot's account.
    let page = reqwest::Client::new()
        .post(format!("{}/oauth/authorize", mock.url))
        .form(&[
            ("username", username),
            ("client_id", client_id.as_str()),
            ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"),
        ])
        .send()
        .await
        .expect("authorise")
        .text()
        .await
        .expect("the page");
    let code = page
        .split("Authorization code: ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a code");
    let mut typing = child.stdin.take().expect("stdin");
    for line in std::iter::once(code).chain(answers.iter().copied()) {
        writeln!(typing, "{line}").expect("type a line");
    }
    drop(typing);
    let status = child.wait().expect("login ends");
    (status.success(), reader.join().expect("the output"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_obtains_a_token_through_oauth_and_keeps_it_private() {
    use std::os::unix::fs::PermissionsExt;
    let mock = Mock::start(&[crate::support::Seed::local("alice")]).await;
    let dir = crate::support::TempDir::new("login");
    let token_file = dir.path().join("coopgov.token");
    let token_path = token_file.to_str().expect("a path");
    // The operator's bot.toml, as shipped but reading the token from a variable.
    let config = dir.path().join("bot.toml");
    let shipped = include_str!("../../bot.toml").replace("# token_env = ", "token_env = ");
    std::fs::write(&config, &shipped).expect("write bot.toml");
    let config_path = config.to_str().expect("a path");
    // A trailing slash is allowed.
    let instance = format!("{}/", mock.url);
    let login = [
        "login",
        "--instance",
        &instance,
        "--token-file",
        token_path,
        "--config",
        config_path,
    ];
    let (ok, printed) = login_as(&mock, "coopbot", &login, &["y"]).await;
    assert!(ok, "{printed}");
    assert!(printed.contains("Authorised as @coopbot."), "{printed}");
    assert!(!printed.contains("warning"), "an admin bot: {printed}");
    assert!(
        printed.contains(&format!(
            "Set token_file = \"coopgov.token\" in {config_path} now? [Y/n] Set token_file = \"coopgov.token\" in {config_path}; token_env is commented out"
        )),
        "{printed}"
    );
    let edited = std::fs::read_to_string(&config).expect("bot.toml");
    let loaded = coopgov::config::Config::load(&config).unwrap_or_else(|error| panic!("{error}"));
    let coopgov::config::TokenSource::File(read_from) = &loaded.instance.token else {
        panic!("bot.toml reads the token from the file now:\n{edited}");
    };
    assert_eq!(
        std::fs::canonicalize(read_from).ok(),
        std::fs::canonicalize(&token_file).ok()
    );
    assert!(
        edited.contains("# Rules. method: consensus")
            && edited.contains("\n# token_env = \"COOPGOV_TOKEN\""),
        "comments kept: {edited}"
    );
    let mode = std::fs::metadata(&token_file)
        .expect("the token file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "only the owner reads the token");
    let token = std::fs::read_to_string(&token_file).expect("the token");
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/accounts/verify_credentials", mock.url))
        .bearer_auth(token.trim())
        .send()
        .await
        .expect("verify")
        .json()
        .await
        .expect("an account");
    assert_eq!(me["acct"], "coopbot");

    // Authorised as a plain member by mistake: said at once, before anything else is set up.
    // Nobody answers the question (end of input): bot.toml stays as it is.
    let (ok, printed) = login_as(&mock, "alice", &login, &[]).await;
    assert!(ok, "{printed}");
    assert_eq!(std::fs::read_to_string(&config).expect("bot.toml"), edited);
    assert!(
        printed.contains(&format!(
            "In {config_path}, under [instance], set  token_file = \"coopgov.token\"  and remove token_env if it is set."
        )),
        "{printed}"
    );
    assert!(printed.contains("Authorised as @alice."), "{printed}");
    assert!(
        printed.contains("warning: @alice is not marked as a bot."),
        "{printed}"
    );
    assert!(
        printed.contains("warning: @alice has no role with the Manage Federation permission"),
        "{printed}"
    );
}

/// A proposer, the votes cast (member, reply) and the outcome they must give.
type Plan<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_recomputes_each_outcome_from_the_public_thread_and_catches_tampering() {
    use crate::scenario::Setup;
    use crate::support::id_of;
    // The co-op adds its own words: the ballot states them, so verify reads "oui" as
    // the bot did.
    let scenario = Scenario::start_with(Setup {
        extra: "[rules.default]\nquorum = 2\n[vocabulary]\nagree = [\"oui\", \"sí\"]\ndisagree = [\"non\"]",
        ..Setup::default()
    })
    .await;
    let plans: [Plan; 5] = [
        ("alice", &[("bob", "agree"), ("carol", "agree")], "PASSED"),
        (
            "bob",
            &[("bob", "disagree"), ("carol", "disagree")],
            "REJECTED",
        ),
        (
            "carol",
            &[("bob", "agree"), ("carol", "block we would lose friends")],
            "STOPPED BY A BLOCK",
        ),
        ("dave", &[("bob", "agree")], "NO QUORUM"),
        (
            "erin",
            &[("bob", "oui"), ("carol", "Sí !"), ("dave", "non")],
            "PASSED",
        ),
    ];
    let mut ballots = Vec::new();
    for (number, (proposer, _, _)) in plans.iter().enumerate() {
        scenario
            .member(proposer)
            .post(&format!("@coopbot propose motion 8s plan number {number}"))
            .await;
        ballots.push(scenario.ballot(number as u64 + 1).await);
    }
    let words = scenario.terms(5).await;
    assert!(
        words.contains("Reply agree/oui/sí, abstain, disagree/non or block to vote"),
        "{words}"
    );
    for (ballot, (_, votes, _)) in ballots.iter().zip(&plans) {
        for (member, vote) in votes.iter() {
            scenario.member(member).reply(&id_of(ballot), vote).await;
        }
    }
    for (index, (ballot, (_, _, outcome))) in ballots.iter().zip(&plans).enumerate() {
        let result = scenario.result(index as u64 + 1).await;
        assert!(result.contains(outcome), "{result}");
        let url = ballot["url"].as_str().expect("a ballot address");
        let (ok, report) = scenario.cli_status(&["verify", url], "");
        assert!(
            ok && report.contains("they agree") && report.contains(outcome),
            "{report}"
        );
    }
    // By id, naming the instance, as someone without the address at hand would.
    let no_quorum_id = id_of(&ballots[3]);
    let (ok, report) = scenario.cli_status(
        &["verify", &no_quorum_id, "--instance", &scenario.mock.url],
        "",
    );
    assert!(ok && report.contains("NO QUORUM"), "{report}");
    let counted_in_french = scenario.result(5).await;
    assert!(
        counted_in_french.contains("agree 2 · abstain 0 · disagree 1 · block 0"),
        "{counted_in_french}"
    );
    // `vote 6 agree` sent outside the thread counts, but the thread cannot show it: the
    // announcement says so, and verify says it cannot tell (2), never that it differs (1).
    scenario
        .member("bob")
        .post("@coopbot propose motion 8s plan number 5")
        .await;
    let sixth = scenario.ballot(6).await;
    scenario
        .member("alice")
        .reply(&id_of(&sixth), "agree")
        .await;
    let outside = scenario.member("carol").post("@coopbot vote 6 agree").await;
    scenario.receipt_on(&outside).await;
    let result = scenario.result(6).await;
    assert!(
        result.contains("PASSED") && result.contains("Counted from outside this thread: 1"),
        "{result}"
    );
    let url = sixth["url"].as_str().expect("a ballot address");
    let unseen = scenario.cli_output(&["verify", url], &[("COOPGOV_TOKEN", "")]);
    let said = String::from_utf8_lossy(&unseen.stderr);
    assert_eq!(unseen.status.code(), Some(2), "{said}");
    assert!(
        said.contains("counted from outside this thread: 1"),
        "{said}"
    );
    // Someone edits the first announcement to claim more support.
    let first_result = scenario.post_containing("Result of proposal #1").await;
    let forged = crate::scenario::text_of(&first_result).replace("agree 2", "agree 9");
    scenario
        .mock
        .bot()
        .edit(&id_of(&first_result), &forged)
        .await;
    let url = ballots[0]["url"].as_str().expect("a ballot address");
    let tampered = scenario.cli_output(&["verify", url], &[("COOPGOV_TOKEN", "")]);
    assert_eq!(
        tampered.status.code(),
        Some(1),
        "a tampered announcement is caught"
    );
    // The same with the co-op's words: a count they do not explain is a real difference.
    let french_result = scenario.post_containing("Result of proposal #5").await;
    let forged = crate::scenario::text_of(&french_result).replace("agree 2", "agree 3");
    scenario
        .mock
        .bot()
        .edit(&id_of(&french_result), &forged)
        .await;
    let url = ballots[4]["url"].as_str().expect("a ballot address");
    let tampered = scenario.cli_output(&["verify", url], &[("COOPGOV_TOKEN", "")]);
    let report = String::from_utf8_lossy(&tampered.stdout);
    assert_eq!(tampered.status.code(), Some(1), "{report}");
    assert!(report.contains("THEY DIFFER"), "{report}");

    // Mastodon shows a visitor at most 60 replies: such a thread is not counted half-read.
    let long_thread = id_of(&ballots[3]);
    let dave = scenario.member("dave");
    for part in 0..60 {
        dave.reply(&long_thread, &format!("thinking aloud, part {part}"))
            .await;
    }
    let url = ballots[3]["url"].as_str().expect("a ballot address");
    let visitor = scenario.cli_output(
        &["verify", url, "--config", "/nonexistent/bot.toml"],
        &[("COOPGOV_VERIFY_TOKEN", "")],
    );
    let said = String::from_utf8_lossy(&visitor.stderr);
    assert_eq!(visitor.status.code(), Some(2), "{said}");
    assert!(said.contains("COOPGOV_VERIFY_TOKEN"), "{said}");
    let reader = scenario.cli_output(
        &["verify", url, "--config", "/nonexistent/bot.toml"],
        &[("COOPGOV_VERIFY_TOKEN", dave.token.as_str())],
    );
    let report = String::from_utf8_lossy(&reader.stdout);
    assert!(
        reader.status.success() && report.contains("NO QUORUM"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_to_the_end() {
    // The demo installs the same mock the tests use; make sure it is there first.
    drop(crate::support::Mock::start(&[]).await);
    // Its public record goes to the user's cache: here, one of the test's own.
    let cache = crate::support::TempDir::new("demo-cache");
    let cache_path = cache.path().to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_coopgov"))
            .arg("demo")
            .env("XDG_CACHE_HOME", cache_path)
            .output()
            .expect("run coopgov demo")
    })
    .await
    .expect("the demo");
    let story = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{story}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for step in [
        "Proposal #1: suspend spam.example",
        "How proposal #1 is decided: the rule, and every word that counts.",
        "was not counted",
        "Result of proposal #1: PASSED",
        "agree 2 · abstain 0 · disagree 1 · block 0",
        "spam.example — suspend",
    ] {
        assert!(
            story.contains(step),
            "{step:?} missing from the demo:\n{story}"
        );
    }
    let site = cache.path().join("coopgov").join("demo-site");
    let line = format!("The public record: file://{}/index.html\n", site.display());
    assert!(
        story.contains(&line),
        "{line:?} missing from the demo:\n{story}"
    );
    let index = std::fs::read_to_string(site.join("index.html")).expect("the demo's site stays");
    assert!(
        index.contains("The instance it links to was a throwaway one on this computer"),
        "the page says its links no longer open:\n{index}"
    );
    // Only the site the user opens: nothing else is left in their cache.
    let left: Vec<String> = std::fs::read_dir(cache.path().join("coopgov"))
        .expect("the cache")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "left in the cache: {left:?}");
}
