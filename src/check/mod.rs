//! `coopgov check`: is everything in place for the bot to run? One line per check.

mod jury;
mod membership;
mod reports;

use crate::config::settings;
use crate::config::Config;
use crate::governance::ActionKind;
use crate::mastodon::account::REPORT_SCOPES;
use crate::mastodon::{ApiError, Client, Software};
use crate::startup;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, PartialEq)]
enum Mark {
    Ok,
    Warn,
    Fail,
}

fn line(mark: Mark, text: impl AsRef<str>) {
    let label = match mark {
        Mark::Ok => "ok  ",
        Mark::Warn => "warn",
        Mark::Fail => "FAIL",
    };
    println!("{label}  {}", text.as_ref());
}

/// Runs the checks in order, stopping where a later one could not mean anything.
pub async fn check(path: &Path, fix: bool) -> ExitCode {
    let config = match Config::load(path) {
        Ok(config) => {
            line(
                Mark::Ok,
                format!("configuration {} is valid", path.display()),
            );
            config
        }
        Err(error) => {
            line(Mark::Fail, error.to_string());
            return ExitCode::FAILURE;
        }
    };
    if let Some(warning) = config.instance.token.permission_warning() {
        line(Mark::Warn, warning);
    }
    let token = match config.instance.token.read() {
        Ok(token) => token,
        Err(error) => {
            line(Mark::Fail, error.to_string());
            return ExitCode::FAILURE;
        }
    };
    let client = match Client::new(
        &config.instance.url,
        token.clone(),
        config.instance.request_timeout,
    ) {
        Ok(client) => client,
        Err(error) => {
            line(Mark::Fail, error.to_string());
            return ExitCode::FAILURE;
        }
    };
    let instance = match client.instance().await {
        Ok(instance) => instance,
        Err(error) => {
            line(
                Mark::Fail,
                format!(
                    "instance {} is not reachable: {error}; check [instance] url",
                    config.instance.url
                ),
            );
            return ExitCode::FAILURE;
        }
    };
    let software = startup::software(&config).await;
    line(
        Mark::Ok,
        format!(
            "instance {} is reachable ({software} {}, {} characters per post)",
            config.instance.url, instance.version, instance.max_characters
        ),
    );
    capabilities(&config, &software);
    let me = match startup::whoami(&config, &client, &software).await {
        Ok(me) => me,
        Err(error) => {
            line(Mark::Fail, format!("{error:#}"));
            return ExitCode::FAILURE;
        }
    };
    if me.bot {
        line(
            Mark::Ok,
            format!(
                "the token is valid and belongs to @{}, an automated (bot) account",
                me.acct
            ),
        );
    } else {
        line(
            Mark::Warn,
            format!("the token belongs to @{}, which is not marked as a bot; tick \"This is an automated account\" in its profile", me.acct),
        );
    }
    match client.can_read_domain_blocks().await {
        Ok(()) => line(Mark::Ok, "the account can list admin domain blocks"),
        Err(
            error @ ApiError::Http {
                status: 401 | 403, ..
            },
        ) => {
            line(
                Mark::Fail,
                format!("the account cannot list admin domain blocks ({error}); give its role \"Manage Federation\" and the token the scopes admin:read:domain_blocks and admin:write:domain_blocks"),
            );
            return ExitCode::FAILURE;
        }
        Err(error) => {
            line(
                Mark::Fail,
                format!("could not list admin domain blocks: {error}"),
            );
            return ExitCode::FAILURE;
        }
    }
    let mut healthy = scopes(&client, &needed_scopes(&config)).await;
    healthy &= notification_policy(&client, fix).await;
    let mut lookups = membership::Lookups::default();
    healthy &= membership::membership(&config, &client, &mut lookups).await;
    healthy &= jury::jury(&config, &client, &mut lookups).await;
    healthy &= reports::reports(&config, &client, &software).await;
    if let Some(publish) = &config.publish {
        for warning in [publish.warning(), publish.fires_warning()]
            .into_iter()
            .flatten()
        {
            line(Mark::Warn, warning);
        }
        if publish.dir.is_some() && publish.base_url.is_some() {
            line(
                Mark::Ok,
                "the public record also publishes blocklist.json, blocklist.txt and a FIRES dataset (fires/dataset.json) other instances can follow",
            );
        }
    }
    if let Some(advice) = &config.advice {
        // A list that cannot be read is told, not fatal: the bot retries it at its `every`.
        for (fine, text) in crate::advise::check_lines(advice).await {
            line(if fine { Mark::Ok } else { Mark::Warn }, text);
        }
    }
    healthy &= ballots_fit(&config, &me, &instance, &software);
    let urls = crate::mastodon::streaming::stream_urls(
        instance.streaming_url.as_deref(),
        &config.instance.url,
    );
    streaming(urls, &token, config.instance.stream_silence).await;
    if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// What the server can and cannot do, one line each: nothing here fails the check, but
/// the admin should know what coopgov works around.
fn capabilities(config: &Config, software: &Software) {
    let how = if config.instance.software == "auto" {
        "detected through NodeInfo"
    } else {
        "as instance.software says"
    };
    line(
        Mark::Ok,
        format!("the server runs {software} ({how}); it can or cannot:"),
    );
    for (can, what) in software.capabilities().lines() {
        println!("        {} {what}", if can { "yes" } else { "no " });
    }
}

/// Whether a ballot, with the co-op's words and rules, fits the instance's post limit and
/// leaves room for the reason.
fn ballots_fit(
    config: &Config,
    me: &startup::BotAccount,
    instance: &crate::mastodon::types::InstanceInfo,
    software: &Software,
) -> bool {
    // The ballot's room depends on the working group's names only (a ratification names
    // the member who acted), not on their account ids.
    let working_group = config
        .membership
        .working_group
        .iter()
        .map(|name| (name.clone(), name.clone()))
        .collect();
    let learned = startup::learned(config, me, instance, software, working_group);
    let settings = match settings::settings(config, learned) {
        Ok(settings) => settings,
        // An unreadable roster or pool_file is reported by its own check.
        Err(_) => return true,
    };
    let sealed: Vec<&str> = [
        ActionKind::Suspend,
        ActionKind::Silence,
        ActionKind::Unblock,
        ActionKind::Motion,
    ]
    .into_iter()
    .filter(|kind| settings.rule_for(*kind).sealed)
    .map(|kind| kind.name())
    .collect();
    if !sealed.is_empty() {
        line(
            Mark::Ok,
            format!(
                "sealed ballots for {}: members vote by direct message and get receipts; the instance's operators can still read those messages",
                sealed.join(", ")
            ),
        );
    }
    match settings::ballot_room(&settings) {
        Ok(None) => {
            let room = crate::governance::messages::room_for_reason(&settings);
            line(
                Mark::Ok,
                format!("ballots fit the instance's {} characters a post and leave at least {room} for the reason", settings.max_characters),
            );
            true
        }
        Ok(Some(warning)) => {
            line(Mark::Warn, warning);
            true
        }
        Err(problem) => {
            line(Mark::Fail, problem.to_string());
            false
        }
    }
}

/// The scopes the bot uses; a token without them fails at the first vote or block.
const SCOPES: [&str; 7] = [
    "read:statuses",
    "read:notifications",
    "read:accounts",
    "write:statuses",
    "write:favourites",
    "admin:read:domain_blocks",
    "admin:write:domain_blocks",
];

/// The scopes this configuration needs: [`SCOPES`], and those that read and resolve
/// reports while `[reports] watch = true`.
fn needed_scopes(config: &Config) -> Vec<&'static str> {
    let reports = config.watched_reports().map(|_| REPORT_SCOPES);
    SCOPES
        .into_iter()
        .chain(reports.into_iter().flatten())
        .collect()
}

/// Whether `granted` covers `needed` (`read` covers `read:statuses`, and so on).
fn covers(granted: &[String], needed: &str) -> bool {
    let (family, _) = needed.split_once(':').unwrap_or((needed, ""));
    granted.iter().any(|scope| {
        scope == needed
            || (scope == family && !needed.starts_with("admin:"))
            || needed.strip_prefix(&format!("{scope}:")).is_some()
    })
}

async fn scopes(client: &Client, needed: &[&str]) -> bool {
    match client.token_scopes().await {
        Ok(Some(granted)) => {
            let missing: Vec<&str> = needed
                .iter()
                .copied()
                .filter(|s| !covers(&granted, s))
                .collect();
            if missing.is_empty() {
                line(
                    Mark::Ok,
                    format!("the token has the scopes it needs ({})", granted.join(" ")),
                );
                true
            } else {
                let login = match missing.iter().any(|scope| REPORT_SCOPES.contains(scope)) {
                    true => {
                        " (coopgov login asks for the report scopes while [reports] watch = true)"
                    }
                    false => "",
                };
                line(
                    Mark::Fail,
                    format!(
                        "the token lacks the scopes {}; create a new token with them{login}",
                        missing.join(", ")
                    ),
                );
                false
            }
        }
        Ok(None) | Err(_) => {
            line(
                Mark::Warn,
                format!(
                    "the instance does not say the token's scopes; make sure it has {}",
                    needed.join(", ")
                ),
            );
            true
        }
    }
}

/// Fields of Mastodon's notification policy that, when not `accept`, can hide members'
/// votes and direct messages from the bot.
const POLICY_FIELDS: [&str; 4] = [
    "for_not_following",
    "for_not_followers",
    "for_new_accounts",
    "for_private_mentions",
];

async fn notification_policy(client: &Client, fix: bool) -> bool {
    let policy = match client.notification_policy().await {
        Ok(Some(policy)) => policy,
        Ok(None) => {
            line(
                Mark::Ok,
                "the instance has no notification policy to filter mentions (GoToSocial, or Mastodon before 4.3)",
            );
            return true;
        }
        Err(error) => {
            line(
                Mark::Warn,
                format!("could not read the notification policy: {error}"),
            );
            return true;
        }
    };
    let filtering: Vec<&str> = POLICY_FIELDS
        .iter()
        .copied()
        .filter(|field| {
            policy
                .get(*field)
                .and_then(|v| v.as_str())
                .is_some_and(|v| v != "accept")
        })
        .collect();
    if filtering.is_empty() {
        line(
            Mark::Ok,
            "the notification policy lets members' mentions and private mentions through",
        );
        return true;
    }
    if !fix {
        line(Mark::Fail, format!("the notification policy filters {}: members' votes and messages may never reach the bot; run coopgov check --fix to accept them", filtering.join(", ")));
        return false;
    }
    match client.accept_notifications(&filtering).await {
        Ok(()) => {
            line(
                Mark::Ok,
                format!(
                    "fixed: the notification policy now accepts {}",
                    filtering.join(", ")
                ),
            );
            true
        }
        Err(error) => {
            line(Mark::Fail, format!("could not change the notification policy ({error}); the token needs write:notifications, or change it in the bot's notification settings"));
            false
        }
    }
}

/// The stream is a fast path: without it the bot polls, so a failure is a warning.
async fn streaming(urls: Vec<String>, token: &crate::secret::Secret, limit: std::time::Duration) {
    use crate::mastodon::streaming::{listen, StreamEvent};
    let advertised = urls.first().cloned().unwrap_or_default();
    let (events, mut heard) = tokio::sync::mpsc::channel(8);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let listener = tokio::spawn(listen(urls, token.clone(), limit, events, stopped));
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), heard.recv()).await;
    let _ = stop.send(true);
    let _ = listener.await;
    match first {
        Ok(Some(StreamEvent::Connected(url))) if url == advertised => {
            line(Mark::Ok, format!("the streaming API answers at {url}"))
        }
        Ok(Some(StreamEvent::Connected(url))) => line(
            Mark::Ok,
            format!("the streaming API answers at {url} (not at the address the instance advertises, {advertised}; the bot finds it by itself)"),
        ),
        Ok(Some(StreamEvent::Disconnected(reason))) => line(
            Mark::Warn,
            format!("the streaming API refused ({reason}); the bot will poll every poll_interval instead"),
        ),
        _ => line(Mark::Warn, "the streaming API did not answer in 10 s; the bot will poll every poll_interval instead"),
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn broad_scopes_cover_narrow_ones_but_not_admin() {
        let granted = |scopes: &[&str]| scopes.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cases = [
            (&["read", "write"][..], "read:statuses", true),
            (&["read", "write"][..], "write:favourites", true),
            (&["read", "write"][..], "admin:read:domain_blocks", false),
            (&["admin:read"][..], "admin:read:domain_blocks", true),
            (
                &["admin:read:domain_blocks"][..],
                "admin:read:domain_blocks",
                true,
            ),
            (&["read:accounts"][..], "read:statuses", false),
            (&[][..], "read:statuses", false),
        ];
        for (scopes, needed, expected) in cases {
            assert_eq!(
                covers(&granted(scopes), needed),
                expected,
                "{scopes:?} {needed}"
            );
        }
    }
}
