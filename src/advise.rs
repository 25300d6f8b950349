//! `coopgov advice [--dry-run]`: for each subscribed list, when it was last read, what it
//! holds and what it left out; then what would be proposed next, what waits, and why each
//! other entry is not proposed. `--dry-run` reads the lists now (and the instance's
//! blocks, with the bot's token) without proposing or storing anything; `check` uses the
//! same reading to say what each list holds.

use crate::advice::fetch::{Limits, ListReader};
use crate::advice::{self as lists, ReadOptions};
use crate::config::Config;
use crate::governance::advice::reading::{self, Heard, Outcome};
use crate::governance::advice::{select, About, AdviceSettings, Considered, Known, Subscribed};
use crate::mastodon::{Capabilities, Client, Software};
use crate::model::Severity;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;

/// Lines of each listing printed before "… and N more".
const SHOWN: usize = 40;

pub async fn advice(path: &Path, dry_run: bool) -> ExitCode {
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let Some(settings) = config.advice.clone() else {
        println!("bot.toml has no [[subscriptions]]: the bot reads no other instance's list.");
        return ExitCode::SUCCESS;
    };
    let records = match crate::query::ask_advice(&config.storage.path).await {
        Ok(records) => records,
        Err(crate::query::QueryError::NoDatabase(_)) => crate::query::AdviceRecords {
            subscribed: Vec::new(),
            considered: Vec::new(),
            proposals: Vec::new(),
        },
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let now = Utc::now();
    // Whether the server can silence decides what is proposed; without --dry-run nothing
    // is asked of the instance, so `auto` is read as Mastodon.
    let capabilities = match (dry_run, config.instance.software.as_str()) {
        (true, _) => crate::startup::software(&config).await.capabilities(),
        (false, "auto") => Software::Mastodon.capabilities(),
        (false, name) => Software::from_name(name).capabilities(),
    };
    let mut subscribed = records.subscribed.clone();
    let mut out = String::new();
    let mut blocks = None;
    if dry_run {
        match read_all(&settings, &subscribed, now).await {
            Ok((after, said)) => {
                subscribed = after;
                out.push_str(&said);
            }
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        }
        blocks = instance_blocks(&config, &capabilities, &mut out).await;
    }
    for subscription in &settings.subscriptions {
        let kept = subscribed.iter().find(|s| s.name == subscription.name);
        out.push_str(&describe(subscription, kept, now));
    }
    let considered: BTreeMap<String, Considered> = records
        .considered
        .into_iter()
        .map(|c| (c.domain.clone(), c))
        .collect();
    let known = Known {
        own_domain: &own_domain(&config),
        can_silence: capabilities.silence,
        blocks: blocks.as_ref(),
        now,
    };
    let selection = select(
        &settings,
        &known,
        &subscribed,
        &considered,
        &records.proposals,
    );
    out.push_str(&next(&selection, blocks.is_some(), dry_run));
    print!("{out}");
    ExitCode::SUCCESS
}

/// Each list read now and heard as the bot would hear it, in memory only.
async fn read_all(
    settings: &AdviceSettings,
    subscribed: &[Subscribed],
    now: DateTime<Utc>,
) -> anyhow::Result<(Vec<Subscribed>, String)> {
    let reader = ListReader::new(Limits::default())?;
    let mut after = subscribed.to_vec();
    let mut said = String::from("Read now (--dry-run: nothing is proposed or stored):\n");
    for subscription in &settings.subscriptions {
        let earlier = after.iter().find(|s| s.name == subscription.name).cloned();
        let reading = lists::read(
            &reader,
            subscription,
            earlier.as_ref(),
            ReadOptions::default(),
        )
        .await;
        let _ = writeln!(
            said,
            "  {}: {}",
            subscription.name,
            reading.outcome.summary()
        );
        let kept = match reading::hear(settings, earlier.as_ref(), &reading, now) {
            Heard::Read { subscribed, .. } => subscribed,
            Heard::Failed {
                subscribed, reason, ..
            } => {
                let _ = writeln!(said, "    not used: {reason}");
                subscribed
            }
        };
        after.retain(|s| s.name != kept.name);
        after.push(kept);
    }
    said.push('\n');
    Ok((after, said))
}

/// The instance's blocks, read with the bot's token; `None` (said in `out`) when not.
async fn instance_blocks(
    config: &Config,
    capabilities: &Capabilities,
    out: &mut String,
) -> Option<BTreeMap<String, Severity>> {
    let unread = |out: &mut String, why: String| {
        let _ = writeln!(
            out,
            "The instance's domain blocks could not be read ({why}); whether an entry is already blocked is not known below.\n"
        );
        None
    };
    let token = match config.instance.token.read() {
        Ok(token) => token,
        Err(error) => return unread(out, error.to_string()),
    };
    let client = match Client::new(&config.instance.url, token, config.instance.request_timeout) {
        Ok(client) => client,
        Err(error) => return unread(out, error.to_string()),
    };
    match client.block_severities(capabilities).await {
        Ok(blocks) => Some(blocks),
        Err(error) => unread(out, error.to_string()),
    }
}

fn own_domain(config: &Config) -> String {
    url::Url::parse(&config.instance.url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_string))
        .unwrap_or_default()
}

fn describe(
    subscription: &crate::governance::advice::Subscription,
    kept: Option<&Subscribed>,
    now: DateTime<Utc>,
) -> String {
    let mut out = format!(
        "{} — {} ({}, read every {}, at most {}, {})\n",
        subscription.name,
        subscription.url,
        subscription.format.name(),
        crate::commands::format_duration(subscription.every),
        subscription.max_severity,
        match subscription.propose {
            crate::governance::advice::Propose::Each => "one proposal per entry",
            crate::governance::advice::Propose::Batch => "one batch ballot per reading",
        }
    );
    let Some(kept) = kept else {
        out.push_str(
            "  not read yet: the running bot reads it at start and then every `every`\n\n",
        );
        return out;
    };
    let ago = |at: Option<DateTime<Utc>>| match at {
        Some(at) => {
            let since = (now - at).to_std().unwrap_or_default();
            let ago = match since.as_secs() {
                0..=59 => "just now".to_string(),
                _ => format!("{} ago", crate::commands::format_duration(since)),
            };
            format!("{} ({ago})", at.format("%Y-%m-%d %H:%M UTC"))
        }
        None => "never".to_string(),
    };
    let _ = writeln!(
        out,
        "  last read: {}; last good reading: {}",
        ago(kept.read_at),
        ago(kept.good_at)
    );
    if let Some(failing) = &kept.failing {
        let _ = writeln!(
            out,
            "  NOT USED since {}: {}",
            failing.since.format("%Y-%m-%d %H:%M UTC"),
            failing.reason
        );
    }
    let mut by_severity: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in kept.entries.values() {
        let name = entry
            .listed
            .advice
            .severity()
            .map_or("for information", Severity::name);
        *by_severity.entry(name).or_default() += 1;
    }
    let held: Vec<String> = by_severity
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let _ = writeln!(
        out,
        "  holds {} entries ({}), {}{}",
        kept.entries.len(),
        if held.is_empty() {
            "none".to_string()
        } else {
            held.join(", ")
        },
        reading::size_words(kept.bytes),
        reading::skipped_summary(&kept.skipped)
    );
    if let Some(cursor) = &kept.cursor {
        let _ = writeln!(out, "  change feed read up to {}", cursor.page);
    }
    out.push('\n');
    out
}

fn next(
    selection: &crate::governance::advice::Selection,
    blocks_known: bool,
    dry_run: bool,
) -> String {
    let mut out = String::new();
    let about = |c: &crate::governance::advice::Candidate| match c.about {
        About::Block { severity } => format!("{severity} {}", c.domain),
        About::Unblock => format!("lift the block on {}", c.domain),
    };
    let _ = writeln!(out, "Proposed next ({}):", selection.open.len());
    for candidate in selection.open.iter().take(SHOWN) {
        let names: Vec<&str> = candidate.sources.iter().map(|s| s.name.as_str()).collect();
        let _ = writeln!(out, "  {} (from {})", about(candidate), names.join(", "));
    }
    more(&mut out, selection.open.len());
    if !blocks_known && !selection.open.is_empty() {
        let hint = match dry_run {
            true => "the instance's blocks could not be read",
            false => "run with --dry-run to read the instance's blocks too",
        };
        let _ = writeln!(out, "  (any already blocked as strictly are left out when the bot reads the instance's blocks; {hint})");
    }
    let _ = writeln!(out, "Waiting their turn ({}):", selection.waiting.len());
    for candidate in selection.waiting.iter().take(SHOWN) {
        let _ = writeln!(out, "  {}", about(candidate));
    }
    more(&mut out, selection.waiting.len());
    let _ = writeln!(out, "Not proposed ({}):", selection.not.len());
    for (domain, why) in selection.not.iter().take(SHOWN) {
        let _ = writeln!(out, "  {domain}: {}", why.words());
    }
    more(&mut out, selection.not.len());
    out
}

fn more(out: &mut String, count: usize) {
    if count > SHOWN {
        let _ = writeln!(out, "  … and {} more", count - SHOWN);
    }
}

/// `check`: each subscribed list read once, as a first reading would read it; what it
/// holds and what it would lead to first, or why it cannot be used (`false`).
pub async fn check_lines(settings: &AdviceSettings) -> Vec<(bool, String)> {
    let reader = match ListReader::new(Limits::default()) {
        Ok(reader) => reader,
        Err(error) => return vec![(false, error.to_string())],
    };
    let mut lines = Vec::new();
    for subscription in &settings.subscriptions {
        let reading = lists::read(&reader, subscription, None, ReadOptions::default()).await;
        let fine = !matches!(reading.outcome, Outcome::Failed(_));
        let proposals = match &reading.outcome {
            Outcome::Whole { list, .. } => {
                let blocks = list
                    .entries
                    .iter()
                    .filter(|e| e.advice.severity().is_some())
                    .count();
                format!("; up to {blocks} of them could be put to the members")
            }
            _ => String::new(),
        };
        lines.push((
            fine,
            format!(
                "subscription {} ({}, {}): {}{proposals}",
                subscription.name,
                subscription.url,
                subscription.format.name(),
                reading.outcome.summary()
            ),
        ));
    }
    lines
}
