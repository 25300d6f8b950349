//! The `coopgov` command: parses flags, sets up logging, and hands over to the library.

use clap::{Parser, Subcommand};
use coopgov::config::Config;
use coopgov::query::Query;
use coopgov::report::ExportFormat;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "coopgov",
    version,
    about = "Lets the members of a Mastodon instance govern it together"
)]
struct Cli {
    /// The configuration file.
    #[arg(long, global = true, default_value = "bot.toml")]
    config: PathBuf,
    /// `human` (the default) or `json`, one object a line, for log shippers.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Human)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot until SIGINT or SIGTERM.
    Run,
    /// Check the configuration, the instance, the token, its scopes and admin rights, the
    /// notification policy and the stream.
    Check {
        /// Change the notification policy so members' mentions reach the bot.
        #[arg(long)]
        fix: bool,
    },
    /// Register coopgov on the instance and obtain the bot's token.
    Login {
        /// The instance, like https://social.example or just social.example.
        #[arg(long)]
        instance: String,
        /// Where to keep the token (readable only by you).
        #[arg(long, default_value = "coopgov.token")]
        token_file: PathBuf,
    },
    /// List the proposals.
    List,
    /// Show one proposal and its history.
    Show {
        /// The proposal's number.
        number: u64,
    },
    /// Recompute a decision from its public thread and compare it with the announcement.
    Verify {
        /// The ballot's address, or its id with --instance.
        ballot: String,
        /// The instance, when the ballot is given by id (default: bot.toml's).
        #[arg(long)]
        instance: Option<String>,
        /// On a sealed ballot: whether this receipt code is listed, and with which vote
        /// (exit 0 when listed, 1 when not).
        #[arg(long)]
        receipt: Option<String>,
    },
    /// See coopgov work in a minute, on a throwaway local instance.
    Demo,
    /// For each subscribed list: when it was last read, what it holds, and what would be
    /// proposed next (and why each other entry is not).
    Advice {
        /// Read the lists (and the instance's blocks) now, without proposing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the decision record.
    Export {
        /// json, csv, md, or mastodon-csv (Mastodon's blocklist import format).
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
    /// Write the public record as a static web site (pages, blocklist, Atom feed).
    Publish {
        /// The site's folder (default: [publish] dir in bot.toml). It is replaced whole.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Run | Command::Demo) {
        end_quietly_on_a_closed_pipe();
    }
    // The demo and `check` tell their own story; the bot's logs would drown it.
    let quiet = matches!(
        cli.command,
        Command::Demo | Command::Check { .. } | Command::Advice { .. }
    ) && std::env::var_os("RUST_LOG").is_none();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(if quiet {
            tracing_subscriber::EnvFilter::new("warn")
        } else {
            log_filter()
        })
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal: journald and log files get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match cli.log_format {
        LogFormat::Human => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    // The bot's work is one loop and a few helpers: two workers whatever the host's
    // cores, so its memory (each thread may hold an allocator arena) does not grow with
    // the machine it is installed on.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match cli.command {
            Command::Run => run(&cli.config).await,
            Command::Check { fix } => coopgov::check::check(&cli.config, fix).await,
            Command::Login {
                instance,
                token_file,
            } => match coopgov::login::login(&instance, &token_file, &cli.config).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            },
            Command::Verify {
                ballot,
                instance,
                receipt,
            } => verify(&cli.config, &ballot, instance, receipt.as_deref()).await,
            Command::Demo => print_report(coopgov::demo::demo().await.map(|()| String::new())),
            Command::List => ask(&cli.config, Query::List).await,
            Command::Show { number } => ask(&cli.config, Query::Show { number }).await,
            Command::Export { format } => ask(&cli.config, Query::Export { format }).await,
            Command::Publish { out } => publish(&cli.config, out.as_deref()).await,
            Command::Advice { dry_run } => coopgov::advise::advice(&cli.config, dry_run).await,
        }
    })
}

async fn run(path: &std::path::Path) -> ExitCode {
    let shutdown = match shutdown_signal() {
        Ok(shutdown) => shutdown,
        Err(error) => {
            eprintln!("error: could not listen for SIGTERM and SIGINT: {error}");
            return ExitCode::FAILURE;
        }
    };
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match coopgov::runtime::run(config, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `RUST_LOG` (default `info`), except that the HTTP and WebSocket libraries never log
/// below `info`: at `debug` they would print request lines, and the stream's carries the
/// access token for servers that only read it from the query.
fn log_filter() -> tracing_subscriber::EnvFilter {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for quiet in [
        "tungstenite=info",
        "tokio_tungstenite=info",
        "hyper=info",
        "hyper_util=info",
        "reqwest=info",
        "h2=info",
        "rustls=info",
    ] {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

/// `list`, `show` and `export`: asked of the running bot, or read from its stopped store.
async fn ask(config_path: &std::path::Path, query: Query) -> ExitCode {
    match Config::load(config_path) {
        Ok(config) => {
            let favourites = config.proposals.favourites_count_as;
            print_report(coopgov::query::ask(&config.storage.path, &query, favourites).await)
        }
        Err(error) => print_report(Err(error)),
    }
}

/// `coopgov publish`: from the running bot's records, or its stopped store.
async fn publish(config_path: &std::path::Path, out: Option<&std::path::Path>) -> ExitCode {
    match Config::load(config_path) {
        Ok(config) => print_report(coopgov::publish::publish_once(&config, out).await),
        Err(error) => print_report(Err(error)),
    }
}

/// `coopgov verify`: exit 0 when the record and the announcement agree, 1 when they
/// differ, 2 when the record could not be read whole enough to tell.
async fn verify(
    config_path: &std::path::Path,
    ballot: &str,
    instance: Option<String>,
    receipt: Option<&str>,
) -> ExitCode {
    use coopgov::verify::VerifyError;
    let config = Config::load(config_path).ok();
    let verify_token = std::env::var(coopgov::verify::TOKEN_VARIABLE).ok();
    let verdict =
        coopgov::verify::verify_ballot(ballot, instance, config.as_ref(), verify_token, receipt);
    match verdict.await {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(VerifyError::Differ(report)) => {
            println!("{report}");
            ExitCode::from(1)
        }
        Err(VerifyError::Unverifiable(reason)) => {
            eprintln!("error: {reason}");
            ExitCode::from(2)
        }
    }
}

fn print_report(report: Result<String, impl std::fmt::Display>) -> ExitCode {
    match report {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A command whose output is cut short (`coopgov show 1 | head -1`) ends as other Unix
/// tools do, quietly, instead of panicking on the closed pipe: Rust ignores SIGPIPE, and
/// its default ends the process. Not for `run` and the demo, which talk over sockets.
fn end_quietly_on_a_closed_pipe() {
    // SAFETY: restoring a signal's default disposition, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Completes on the first SIGINT or SIGTERM. The handlers are installed at once, before
/// start-up, so a signal that comes while the bot starts is kept, not fatal.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}
