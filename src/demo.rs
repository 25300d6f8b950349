//! `coopgov demo`: a throwaway local instance, a few members, one short vote, told step
//! by step. It uses the mock server the tests use (mastodon_mock from PyPI, installed
//! into the user's cache on first use) and cleans up after itself.

use crate::commands::status_text;
use crate::config::Config;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MOCK_VERSION: &str = "0.6.1";

fn say(text: &str) {
    println!("\n▶ {text}");
}

/// Where the demo's mock server lives. From a source checkout whose tests installed it,
/// that copy, when this user owns it (running another account's programs as root would
/// hand that account root); otherwise the user's cache, `$XDG_CACHE_HOME/coopgov` or
/// `~/.cache/coopgov`, or the temporary folder. Never the folder coopgov was built in:
/// an installed coopgov may not write there.
fn mock_venv() -> PathBuf {
    let folder = format!("mastodon-mock-{MOCK_VERSION}");
    let built_beside = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("mastodon-mock");
    let marker = built_beside.join(format!(".coopgov-mastodon_mock-{MOCK_VERSION}"));
    if owned_by_me(&marker) && owned_by_me(&built_beside) {
        return built_beside;
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| Path::new(dir).is_absolute())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")));
    match cache {
        Some(cache) => cache.join("coopgov").join(folder),
        None => std::env::temp_dir().join(format!("coopgov-{folder}")),
    }
}

/// Whether `path` exists and belongs to the user running this process.
fn owned_by_me(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // On Linux, /proc/self belongs to the process's own user.
    match (std::fs::metadata(path), std::fs::metadata("/proc/self")) {
        (Ok(file), Ok(me)) => file.uid() == me.uid(),
        _ => false,
    }
}

/// The mock's executable, installed on first use.
fn mock_executable() -> Result<PathBuf, String> {
    let venv = mock_venv();
    let executable = venv.join("bin").join("mastodon_mock");
    let marker = venv.join(format!(".coopgov-mastodon_mock-{MOCK_VERSION}"));
    if marker.exists() {
        return Ok(executable);
    }
    if let Some(parent) = venv.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
    }
    say(&format!(
        "Installing the mock Mastodon server into {} (first time only, about a minute)…",
        venv.display()
    ));
    let run = |command: &mut Command| -> Result<(), String> {
        let output = command
            .output()
            .map_err(|e| format!("could not run {command:?}: {e}; is python3 installed?"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{command:?} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    };
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    run(Command::new(venv.join("bin").join("pip")).args([
        "install",
        "--quiet",
        &format!("mastodon_mock=={MOCK_VERSION}"),
    ]))?;
    std::fs::write(&marker, "installed by coopgov demo\n").map_err(|e| e.to_string())?;
    Ok(executable)
}

struct Mock {
    child: Child,
    url: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        // It can ignore one SIGTERM after a WebSocket client left: then SIGINT, then SIGKILL.
        for signal in ["-TERM", "-INT"] {
            let _ = Command::new("kill")
                .arg(signal)
                .arg(self.child.id().to_string())
                .status();
            for _ in 0..20 {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const MEMBERS: [&str; 4] = ["alice", "bob", "carol", "dave"];

fn mock_config(port: u16) -> String {
    let mut config = format!(
        "domain = \"127.0.0.1:{port}\"\nurl_scheme = \"http\"\n[database]\npath = \":memory:\"\n[streaming]\nenabled = true\nheartbeat_seconds = 2.0\n\
         [[seed.accounts]]\nusername = \"coopbot\"\nbot = true\nrole = \"admin\"\naccess_token = \"demo_coopbot\"\nemail = \"coopbot@demo.local\"\n\
         [[seed.accounts]]\nusername = \"eve\"\ndomain = \"elsewhere.example\"\naccess_token = \"demo_eve\"\nemail = \"eve@demo.local\"\n"
    );
    for member in MEMBERS {
        config.push_str(&format!("[[seed.accounts]]\nusername = \"{member}\"\naccess_token = \"demo_{member}\"\nemail = \"{member}@demo.local\"\n"));
    }
    config
}

async fn call(
    http: &reqwest::Client,
    url: String,
    token: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let request = match body {
        Some(body) => http.post(&url).json(&body),
        None => http.get(&url),
    };
    let response = request
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    response.json().await.map_err(|e| format!("{url}: {e}"))
}

/// Waits for the first of the bot's statuses that `wanted` picks.
async fn bot_status(
    http: &reqwest::Client,
    mock: &Mock,
    wanted: impl Fn(&str) -> bool,
) -> Result<Value, String> {
    let me = call(
        http,
        format!("{}/api/v1/accounts/verify_credentials", mock.url),
        "demo_coopbot",
        None,
    )
    .await?;
    let path = format!(
        "{}/api/v1/accounts/{}/statuses?limit=40",
        mock.url,
        me["id"].as_str().unwrap_or_default()
    );
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let statuses = call(http, path.clone(), "demo_coopbot", None).await?;
        if let Some(found) = statuses
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| wanted(&text(s)))
        {
            return Ok(found.clone());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Err("the bot did not post what the demo waited for within a minute".to_string())
}

fn text(status: &Value) -> String {
    status_text(status["content"].as_str().unwrap_or_default(), &[])
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the demonstration; everything it started is stopped and removed at the end.
pub async fn demo() -> Result<(), String> {
    let executable = tokio::task::spawn_blocking(mock_executable)
        .await
        .map_err(|e| e.to_string())??;
    let dir = std::env::temp_dir().join(format!("coopgov-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = run_demo(&executable, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn run_demo(executable: &Path, dir: &Path) -> Result<(), String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    std::fs::write(dir.join("mock.toml"), mock_config(port)).map_err(|e| e.to_string())?;
    say(&format!("Starting a throwaway Mastodon instance on 127.0.0.1:{port} with members alice (working group), bob, carol, dave, and eve from another server"));
    let child = Command::new(executable)
        .args(["serve", "--config"])
        .arg(dir.join("mock.toml"))
        .args([
            "--in-memory",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--log-level",
            "warning",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start the mock: {e}"))?;
    let mock = Mock {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    while http
        .get(format!("{}/api/v1/streaming/health", mock.url))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        if started.elapsed() > Duration::from_secs(60) {
            return Err("the mock instance did not start within a minute".to_string());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    std::fs::write(dir.join("token"), "demo_coopbot").map_err(|e| e.to_string())?;
    {
        use std::os::unix::fs::PermissionsExt;
        let private = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(dir.join("token"), private).map_err(|e| e.to_string())?;
    }
    let bot_toml = format!(
        "[instance]\nurl = \"{}\"\ntoken_file = \"token\"\n[membership]\nworking_group = [\"alice\"]\n\
         [proposals]\ndefault_duration = \"10s\"\nmin_duration = \"5s\"\nurgent_min_duration = \"5s\"\nmax_duration = \"1h\"\nreminder_before = \"0\"\n",
        mock.url
    );
    std::fs::write(dir.join("bot.toml"), bot_toml).map_err(|e| e.to_string())?;
    let config = Config::load(&dir.join("bot.toml")).map_err(|e| e.to_string())?;
    say("Starting coopgov as @coopbot, with Social.coop's bylaws as the rule");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(crate::runtime::run(config, async move {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_secs(2)).await;

    let post = |who: &'static str, body: Value| {
        let (http, url) = (http.clone(), format!("{}/api/v1/statuses", mock.url));
        async move { call(&http, url, &format!("demo_{who}"), Some(body)).await }
    };
    say("alice proposes to suspend spam.example");
    println!("    @coopbot propose suspend spam.example 10s they send spam to our members");
    post("alice", json!({"status": "@coopbot propose suspend spam.example 10s they send spam to our members"})).await?;
    let ballot = bot_status(&http, &mock, |t| t.contains("Proposal #1:")).await?;
    say("The bot posts the ballot:");
    println!("{}", indent(&text(&ballot)));
    let ballot_id = ballot["id"].as_str().unwrap_or_default().to_string();
    for (who, vote) in [
        ("bob", "agree, I get their spam every day"),
        ("dave", "disagree"),
        ("eve", "agree"),
    ] {
        say(&format!(
            "{who} replies: {vote}{}",
            if who == "eve" {
                "   (eve is on another server)"
            } else {
                ""
            }
        ));
        post(
            who,
            json!({"status": format!("@coopbot {vote}"), "in_reply_to_id": ballot_id}),
        )
        .await?;
    }
    say("carol favourites the ballot (a favourite counts as agree)");
    http.post(format!(
        "{}/api/v1/statuses/{ballot_id}/favourite",
        mock.url
    ))
    .bearer_auth("demo_carol")
    .send()
    .await
    .map_err(|e| e.to_string())?;
    let explanation = bot_status(&http, &mock, |t| t.contains("was not counted")).await?;
    say("eve gets a private message:");
    println!("{}", indent(&text(&explanation)));
    say("Voting closes after 10 seconds; the bot tallies and announces in the thread:");
    let result = bot_status(&http, &mock, |t| t.contains("Result of proposal #1")).await?;
    println!("{}", indent(&text(&result)));
    let done = bot_status(&http, &mock, |t| t.starts_with("Done:")).await?;
    println!("{}", indent(&text(&done)));
    let blocks = call(
        &http,
        format!("{}/api/v1/admin/domain_blocks", mock.url),
        "demo_coopbot",
        None,
    )
    .await?;
    say("The instance's domain blocks now read:");
    for block in blocks.as_array().into_iter().flatten() {
        println!(
            "    {} — {} — “{}”",
            block["domain"].as_str().unwrap_or("?"),
            block["severity"].as_str().unwrap_or("?"),
            block["public_comment"].as_str().unwrap_or("")
        );
    }
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), bot).await;
    say("Done. The throwaway instance and the bot's database are removed. Try `coopgov verify` on a real ballot next.");
    Ok(())
}
