//! A mastodon_mock server on a free loopback port, seeded, and stopped when dropped.
//!
//! How the mock (0.6.1) behaves, read from its source and checked against it:
//! - Mentions: `@name` resolves to the *local* account `name`, `@name@domain` to the remote
//!   account with exactly that domain (regex `@([a-zA-Z0-9_]+(?:@[a-zA-Z0-9_.-]+)?)`).
//!   `@coopbot@127.0.0.1:PORT` mentions no one: a local account has no domain, and the
//!   `:PORT` is not even part of the match. Write a bare `@coopbot`. A mention creates a
//!   `mention` notification (also streamed) for any visibility; `content` is the escaped
//!   text in `<p>`, with no mention links: read the `mentions` array.
//! - Visibility: `GET /api/v1/accounts/:id/statuses` hides another account's direct statuses
//!   unless the viewer is mentioned, but shows the owner all of its own. `GET
//!   /api/v1/statuses/:id` and `/context` do no visibility check at all, even anonymously.
//! - Edits (`PUT /api/v1/statuses/:id`) re-render the text but keep the old mentions and
//!   notify no one. Deleting a status leaves its notifications, with `"status": null`.
//! - `favourited_by` returns every account at once (no pagination, no auth, no Link);
//!   unfavouriting deletes the favourite but not the notification, and favouriting again
//!   notifies again.
//! - `context`: ancestors follow `in_reply_to_id` up; descendants are every reply below,
//!   breadth first, whatever their visibility.
//! - Admin endpoints accept any token; remote seeded accounts have tokens and can post.

use std::fmt::Write as _;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, Method};
use serde_json::Value;

use super::install::mock_executable;
use super::member::{all_pages, call, Member};
use super::process::{file_tail, StopOnDrop, TempDir};

/// The bot's account, always seeded (bot, admin role, token `tok_coopbot`).
pub const BOT_USERNAME: &str = "coopbot";

const START_TIMEOUT: Duration = Duration::from_secs(60);
const PORT_ATTEMPTS: usize = 5;

/// An account to seed. Its token is fixed: see [`token_for`].
#[derive(Clone, Debug)]
pub struct Seed {
    pub username: String,
    /// `Some` for a remote account (`acct` = `username@domain`).
    pub domain: Option<String>,
    pub bot: bool,
    pub admin: bool,
}

impl Seed {
    pub fn local(username: &str) -> Seed {
        Seed {
            username: username.to_owned(),
            domain: None,
            bot: false,
            admin: false,
        }
    }

    pub fn remote(username: &str, domain: &str) -> Seed {
        Seed {
            domain: Some(domain.to_owned()),
            ..Seed::local(username)
        }
    }

    pub fn bot(self) -> Seed {
        Seed { bot: true, ..self }
    }

    pub fn admin(self) -> Seed {
        Seed {
            admin: true,
            ..self
        }
    }

    pub fn token(&self) -> String {
        token_for(&self.username, self.domain.as_deref())
    }
}

/// `tok_<username>` locally, `tok_<username>_<domain, dots as underscores>` remotely.
pub fn token_for(username: &str, domain: Option<&str>) -> String {
    match domain {
        None => format!("tok_{username}"),
        Some(domain) => format!("tok_{username}_{}", domain.replace('.', "_")),
    }
}

/// A running mock. Dropping it stops the server (TERM, INT, KILL) and removes its dir.
pub struct Mock {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// `127.0.0.1:PORT`, the instance's domain as the mock reports it.
    pub domain: String,
    pub port: u16,
    pub log_path: PathBuf,
    client: Client,
    bot_token: String,
    // Field order matters: the server stops before its directory is removed.
    server: StopOnDrop,
    _dir: TempDir,
}

impl Mock {
    /// Starts a mock seeded with `accounts` plus the bot; waits until it answers.
    pub async fn start(accounts: &[Seed]) -> Mock {
        Mock::start_behind(accounts, None).await
    }

    /// Like [`Mock::start`], but the server names `127.0.0.1:<public_port>` as its own
    /// address (in statuses and its streaming URL): for a proxy in front of it.
    pub async fn start_behind(accounts: &[Seed], public_port: Option<u16>) -> Mock {
        let executable = tokio::task::spawn_blocking(mock_executable)
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        let client = Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("build reqwest client");
        let dir = TempDir::new("mock");
        let config_path = dir.path().join("mock.toml");
        let log_path = dir.path().join("mock.log");

        let started = Instant::now();
        for attempt in 1..=PORT_ATTEMPTS {
            let port = free_port();
            std::fs::write(
                &config_path,
                config_toml(public_port.unwrap_or(port), accounts),
            )
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", config_path.display()));
            let log = File::create(&log_path)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", log_path.display()));
            let child = Command::new(&executable)
                .args(["serve", "--config"])
                .arg(&config_path)
                .args([
                    "--in-memory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &port.to_string(),
                ])
                .args(["--log-level", "warning"])
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("clone log handle"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", executable.display()));
            // The mock may ignore SIGTERM after a WebSocket client has left: hence INT, KILL.
            let mut server = StopOnDrop {
                child,
                grace: Duration::from_secs(2),
            };

            let url = format!("http://127.0.0.1:{port}");
            match wait_healthy(&client, &url, &mut server.child, &log_path).await {
                Ok(()) => {
                    eprintln!("mastodon_mock at {url} ready in {:.1?}", started.elapsed());
                    return Mock {
                        domain: format!("127.0.0.1:{port}"),
                        url,
                        port,
                        log_path,
                        client,
                        bot_token: token_for(BOT_USERNAME, None),
                        server,
                        _dir: dir,
                    };
                }
                Err(Exit::PortTaken) if attempt < PORT_ATTEMPTS => continue, // lost a port race
                Err(why) => {
                    drop(server);
                    panic!(
                        "mastodon_mock did not start ({why:?}); log tail:\n{}",
                        file_tail(&log_path, 40)
                    );
                }
            }
        }
        unreachable!("the last attempt returns or panics")
    }

    /// The server's process id (to signal it from a test).
    pub fn pid(&self) -> u32 {
        self.server.child.id()
    }

    pub fn bot_token(&self) -> &str {
        &self.bot_token
    }

    /// The bot's own account as a member (to post as coopbot, read its notifications).
    pub fn bot(&self) -> Member {
        self.member(BOT_USERNAME)
    }

    /// A client acting as the seeded local account `username`.
    pub fn member(&self, username: &str) -> Member {
        self.member_with(username.to_owned(), token_for(username, None))
    }

    /// A client acting as the seeded remote account `username@domain`.
    pub fn remote_member(&self, username: &str, domain: &str) -> Member {
        self.member_with(
            format!("{username}@{domain}"),
            token_for(username, Some(domain)),
        )
    }

    /// All admin domain blocks (every page), as the bot.
    pub async fn domain_blocks(&self) -> Vec<Value> {
        let url = format!("{}/api/v1/admin/domain_blocks", self.url);
        all_pages(&self.client, &url, &self.bot_token).await
    }

    /// Every status of `acct` (`alice` or `alice@evil.example`), newest first, direct ones
    /// included: read with the account's own token, which sees all of its statuses.
    pub async fn statuses_by(&self, acct: &str) -> Vec<Value> {
        let member = match acct.split_once('@') {
            Some((username, domain)) => self.remote_member(username, domain),
            None => self.member(acct),
        };
        let id = member.account_id().await;
        let url = format!("{}/api/v1/accounts/{id}/statuses", self.url);
        all_pages(&self.client, &url, &member.token).await
    }

    /// Adds a fault rule (see MOCK.md); returns it with its id.
    pub async fn add_fault(&self, rule: Value) -> Value {
        let url = format!("{}/api/v1/_mock/faults", self.url);
        call(&self.client, Method::POST, &url, None, Some(rule)).await
    }

    pub async fn clear_faults(&self) {
        let url = format!("{}/api/v1/_mock/faults", self.url);
        call(&self.client, Method::DELETE, &url, None, None).await;
    }

    /// The last 60 lines of the server's log.
    pub fn log_tail(&self) -> String {
        file_tail(&self.log_path, 60)
    }

    fn member_with(&self, username: String, token: String) -> Member {
        Member {
            username,
            token,
            base_url: self.url.clone(),
            client: self.client.clone(),
        }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        // `server` then stops the process (TERM, INT, KILL), and `_dir` goes.
        if std::thread::panicking() {
            eprintln!(
                "--- mastodon_mock log ({}) ---\n{}",
                self.url,
                self.log_tail()
            );
        }
    }
}

#[derive(Debug)]
enum Exit {
    PortTaken,
    Exited(std::process::ExitStatus),
    TimedOut(Duration),
}

async fn wait_healthy(
    client: &Client,
    url: &str,
    child: &mut Child,
    log_path: &Path,
) -> Result<(), Exit> {
    let health = format!("{url}/api/v1/streaming/health");
    let started = Instant::now();
    while started.elapsed() < START_TIMEOUT {
        if let Ok(Some(status)) = child.try_wait() {
            // uvicorn logs "[Errno 98] … address already in use" and exits when it loses a race.
            let log = std::fs::read_to_string(log_path).unwrap_or_default();
            return Err(if log.contains("address already in use") {
                Exit::PortTaken
            } else {
                Exit::Exited(status)
            });
        }
        let probe = client
            .get(&health)
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if probe.is_ok_and(|response| response.status().is_success()) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(Exit::TimedOut(START_TIMEOUT))
}

/// A port the kernel just handed out; the listener is closed again before the mock binds.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

fn config_toml(port: u16, accounts: &[Seed]) -> String {
    let mut out = format!(
        "domain = \"127.0.0.1:{port}\"\nurl_scheme = \"http\"\n\n\
         [database]\npath = \":memory:\"\n\n\
         [streaming]\nenabled = true\nheartbeat_seconds = 2.0\n\n\
         [faults]\nenabled = true\n"
    );
    let bot = Seed::local(BOT_USERNAME).bot().admin();
    let others = accounts
        .iter()
        .filter(|seed| !(seed.username == BOT_USERNAME && seed.domain.is_none()));
    for seed in std::iter::once(&bot).chain(others) {
        let _ = write!(
            out,
            "\n[[seed.accounts]]\nusername = {}\nbot = {}\nrole = \"{}\"\naccess_token = {}\n",
            quoted(&seed.username),
            seed.bot,
            if seed.admin { "admin" } else { "user" },
            quoted(&seed.token()),
        );
        match &seed.domain {
            Some(domain) => {
                let _ = writeln!(out, "domain = {}", quoted(domain));
            }
            None => {
                let _ = writeln!(
                    out,
                    "email = {}",
                    quoted(&format!("{}@mock.local", seed.username))
                );
            }
        }
    }
    out
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}
