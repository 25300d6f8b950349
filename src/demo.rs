//! `coopgov demo`: a throwaway local instance, a few members, one short vote, told step
//! by step. It uses the mock server the tests use (mastodon_mock from PyPI, installed
//! into the user's cache on first use) and cleans up after itself, but for the public
//! record it ends by writing, left in the cache for the user to open.

use crate::config::Config;
use crate::governance::{Post, Visibility};
use crate::mastodon::{Client, NewStatus};
use crate::secret::Secret;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
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
    in_cache(&folder)
}

/// `name` in the user's cache, `$XDG_CACHE_HOME/coopgov` or `~/.cache/coopgov`, or else
/// in the temporary folder.
fn in_cache(name: &str) -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| Path::new(dir).is_absolute())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")));
    match cache {
        Some(cache) => cache.join("coopgov").join(name),
        None => std::env::temp_dir().join(format!("coopgov-{name}")),
    }
}

/// Where the demo leaves its public record: outside its throwaway folder, so that it
/// can be opened after the demo, and the same each time, so that demos do not pile up.
fn demo_site() -> PathBuf {
    in_cache("demo-site")
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

/// The mock as the member `who` (or `coopbot`) uses it, with the token the demo seeded.
fn member(mock: &Mock, who: &str) -> Result<Client, String> {
    let token = Secret::new(format!("demo_{who}"));
    Client::on_loopback(&mock.url, token, Duration::from_secs(20)).map_err(|e| e.to_string())
}

/// `who` posts `text`, in reply to `in_reply_to` when given.
async fn say_as(
    mock: &Mock,
    who: &str,
    text: &str,
    in_reply_to: Option<&str>,
) -> Result<(), String> {
    // Each post its own key: the same words twice are two posts.
    static POSTS: AtomicUsize = AtomicUsize::new(0);
    let key = format!("coopgov-demo-{}", POSTS.fetch_add(1, Ordering::Relaxed));
    let post = NewStatus {
        text,
        visibility: Visibility::Public,
        in_reply_to_id: in_reply_to,
        idempotency_key: &key,
    };
    member(mock, who)?
        .post_status(&post)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Waits for the first of the bot's statuses that `wanted` picks.
async fn bot_status(mock: &Mock, wanted: impl Fn(&str) -> bool) -> Result<Post, String> {
    let bot = member(mock, "coopbot")?;
    let me = bot.me().await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let posts = bot.recent_posts(&me.id).await.map_err(|e| e.to_string())?;
        if let Some(found) = posts.into_iter().find(|post| wanted(&post.text)) {
            return Ok(found);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Err("the bot did not post what the demo waited for within a minute".to_string())
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
    let visitor = Client::on_loopback(
        &mock.url,
        Secret::new(String::new()),
        Duration::from_secs(20),
    )
    .map_err(|e| e.to_string())?;
    let started = Instant::now();
    while !visitor.stream_is_healthy().await {
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
    let site = demo_site();
    let bot_toml = format!(
        "[instance]\nurl = \"{}\"\ntoken_file = \"token\"\n[membership]\nworking_group = [\"alice\"]\n\
         [proposals]\ndefault_duration = \"10s\"\nmin_duration = \"5s\"\nurgent_min_duration = \"5s\"\nmax_duration = \"1h\"\nreminder_before = \"0\"\n\
         [publish]\ndir = {}\n",
        mock.url,
        toml::Value::String(site.display().to_string())
    );
    std::fs::write(dir.join("bot.toml"), bot_toml).map_err(|e| e.to_string())?;
    let config = Config::load(&dir.join("bot.toml")).map_err(|e| e.to_string())?;
    say("Starting coopgov as @coopbot, with Social.coop's bylaws as the rule");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(crate::runtime::run(config.clone(), async move {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_secs(2)).await;

    say("alice proposes to suspend spam.example");
    println!("    @coopbot propose suspend spam.example 10s they send spam to our members");
    let proposal = "@coopbot propose suspend spam.example 10s they send spam to our members";
    say_as(&mock, "alice", proposal, None).await?;
    let ballot = bot_status(&mock, |t| t.contains("Proposal #1:")).await?;
    say("The bot posts the ballot:");
    println!("{}", indent(&ballot.text));
    // On a server of 500 characters a post, the rule and every word that counts follow.
    if ballot.text.contains("Rule: first reply.") {
        let terms = bot_status(&mock, |t| t.starts_with("How proposal #1 is decided")).await?;
        say("and, as its first reply, how it is decided:");
        println!("{}", indent(&terms.text));
    }
    let ballot_id = ballot.status_id;
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
        say_as(&mock, who, &format!("@coopbot {vote}"), Some(&ballot_id)).await?;
    }
    say("carol favourites the ballot (a favourite counts as agree)");
    member(&mock, "carol")?
        .favourite(&ballot_id)
        .await
        .map_err(|e| e.to_string())?;
    let explanation = bot_status(&mock, |t| t.contains("was not counted")).await?;
    say("eve gets a private message:");
    println!("{}", indent(&explanation.text));
    say("Voting closes after 10 seconds; the bot tallies and announces in the thread:");
    let result = bot_status(&mock, |t| t.contains("Result of proposal #1")).await?;
    println!("{}", indent(&result.text));
    let done = bot_status(&mock, |t| t.starts_with("Done:")).await?;
    println!("{}", indent(&done.text));
    let blocks = member(&mock, "coopbot")?
        .domain_blocks()
        .await
        .map_err(|e| e.to_string())?;
    say("The instance's domain blocks now read:");
    for block in blocks {
        println!(
            "    {} — {} — “{}”",
            block.domain,
            block.severity.as_deref().unwrap_or("?"),
            block.public_comment.as_deref().unwrap_or("")
        );
    }
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), bot).await;
    // The bot rewrote its site as the vote went; once more, from its stopped store, so
    // that the record is whole whatever the bot had left for later.
    let notice = "This record was written by coopgov's demo. The instance it links to was a throwaway one on this computer, removed when the demo ended, so links to ballots and accounts no longer open.";
    let written = crate::publish::publish_into(&config, site, Some(notice.to_string())).await;
    // The writer keeps the site it replaced, for a real bot's web server; the demo's only
    // reader is the browser the user opens once.
    if let Ok(written) = &written {
        let _ = std::fs::remove_dir_all(crate::publish::previous_of(&written.folder));
    }
    match written {
        Ok(written) => {
            say("The bot keeps the record of every decision as a web site, rewritten as the vote went:");
            println!(
                "    The public record: {}",
                crate::publish::index_url(&written.folder)
            );
        }
        Err(error) => say(&format!("The public record could not be written: {error}")),
    }
    say("Done. The throwaway instance and the bot's database are removed; the public record stays until the next demo. Try `coopgov verify` on a real ballot next.");
    Ok(())
}
