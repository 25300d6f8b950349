//! Start-up: who the bot is, what the instance allows, and the core's settings.

use crate::backoff;
use crate::commands::Vocabulary;
use crate::config::{
    ActionMode, BallotVisibility, Config, JuryConfig, JuryPool, Proposers, ReportsConfig,
    TokenSource, Voters,
};
use crate::governance::eligibility::Membership;
use crate::governance::jury::{JurySettings, PoolSource};
use crate::governance::reports::ReportSettings;
use crate::governance::settings::{Durations, ServerTraits};
use crate::governance::{ActionKind, Mode, Settings, Visibility};
use crate::mastodon::types::InstanceInfo;
use crate::mastodon::{ApiError, Client, Software};
use crate::store::{Store, StoreError};
use anyhow::Context as _;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tracing::{info, warn};

pub use crate::mastodon::BotAccount;

/// Who the token belongs to, or one sentence saying why the instance would not tell.
pub async fn whoami(
    config: &Config,
    client: &Client,
    software: &Software,
) -> anyhow::Result<BotAccount> {
    client
        .whoami(software)
        .await
        .map_err(|error| refused_token(config, error))
}

/// One sentence for a token the instance will not take: what happened, and what to do.
/// The `ApiError` stays the cause only for errors worth retrying, which `patiently` looks
/// for; a refusal would otherwise read its own status twice.
fn refused_token(config: &Config, error: ApiError) -> anyhow::Error {
    let place = token_place(config);
    let said = |status: u16, message: &str| match message {
        "" => format!("it answered {status}"),
        message => format!("it answered {status}: {message:?}"),
    };
    match &error {
        ApiError::Http {
            status: 401,
            message,
            ..
        } => anyhow::anyhow!(
            "the instance refused the access token {place} ({}); it is mistyped, revoked \
             or for another instance: put the right token there, or make a new one with \
             coopgov login",
            said(401, message)
        ),
        ApiError::Http {
            status: 403,
            message,
            ..
        } => anyhow::anyhow!(
            "the access token {place} may not read its own account ({}); make a new token \
             with coopgov login, which asks for the scopes the bot needs",
            said(403, message)
        ),
        _ if error.is_transient() => {
            anyhow::Error::new(error).context("could not verify the access token")
        }
        _ => anyhow::anyhow!("could not verify the access token {place}: {error}"),
    }
}

fn token_place(config: &Config) -> String {
    match &config.instance.token {
        TokenSource::Env(name) => format!("in the environment variable {name}"),
        TokenSource::File(path) => format!("in the file {}", path.display()),
    }
}

/// The instance's server software: as `instance.software` names it, or, with `auto`, as
/// the instance says through NodeInfo. When it cannot tell, a warning, and software
/// treated as unknown: like Mastodon, but trusting nothing it has not shown.
pub async fn software(config: &Config) -> Software {
    if config.instance.software != "auto" {
        return Software::from_name(&config.instance.software);
    }
    match crate::mastodon::server::detect(&config.instance.url, config.instance.request_timeout)
        .await
    {
        Ok(software) => {
            info!(%software, "detected the server software");
            software
        }
        Err(problem) => {
            warn!("{problem}; set instance.software in bot.toml to say which");
            Software::Other("unknown".to_string())
        }
    }
}

/// Opens the store, waiting a few seconds if a command is reading it (a `coopgov list`
/// run while the bot was stopped holds it for a moment).
pub async fn open_store(path: &Path) -> anyhow::Result<Store> {
    let mut attempt = 0;
    loop {
        match (Store::open(path), backoff::store_in_use_delay(attempt)) {
            (Err(StoreError::InUse { .. }), Some(delay)) => {
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            (result, _) => return Ok(result?),
        }
    }
}

/// Runs a start-up step again while it fails for a passing reason (the instance
/// restarting, a 503, a timeout): up to six tries over about half a minute.
pub async fn patiently<T, F, Fut>(what: &str, mut step: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut attempt = 0;
    loop {
        let error = match step().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        match backoff::start_up_delay(attempt).filter(|_| is_transient(&error)) {
            Some(delay) => {
                warn!(what, error = %format!("{error:#}"), retry_in = ?delay, "start-up step failed; trying again");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            None => return Err(error),
        }
    }
}

fn is_transient(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<ApiError>()
            .is_some_and(ApiError::is_transient)
    })
}

/// Reads a roster file: one acct per line; blank lines and `#` comments are ignored.
pub fn read_roster(path: &Path) -> anyhow::Result<BTreeSet<String>> {
    read_accts(path, "the roster file")
}

/// Reads the jury's pool_file, written like a roster file.
pub fn read_jury_pool(path: &Path) -> anyhow::Result<BTreeSet<String>> {
    read_accts(path, "the jury's pool_file")
}

fn read_accts(path: &Path, what: &str) -> anyhow::Result<BTreeSet<String>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "could not read {what} {}; create it with one member's acct per line",
            path.display()
        )
    })?;
    Ok(text
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty())
        .map(|line| line.trim_start_matches('@').to_lowercase())
        .collect())
}

fn vocabulary(config: &Config) -> Vocabulary {
    let lists = config.vocabulary.words();
    if config.vocabulary.replace {
        return Vocabulary::replaced(&lists);
    }
    lists
        .iter()
        .fold(Vocabulary::standard(), |vocabulary, (position, words)| {
            vocabulary.with_words(*position, words)
        })
}

/// What the instance said about names written in `bot.toml` or the roster.
#[derive(Debug, Default)]
pub struct Lookup {
    /// The local accounts found: account id → acct, lowercased.
    pub found: BTreeMap<String, String>,
    /// The names that are no local account of the instance, as written.
    pub unknown: Vec<String>,
}

/// The working group's account ids, looked up once, one name after another: a command
/// is trusted by the id it comes from, never by a name that could be renamed or
/// imitated. A lookup that fails (for a passing reason or not) is an error, never an
/// unknown name.
pub async fn resolve_working_group(config: &Config, client: &Client) -> anyhow::Result<Lookup> {
    let mut lookup = Lookup::default();
    for acct in &config.membership.working_group {
        match client.local_account(acct).await {
            Ok(Some(account)) => {
                lookup.found.insert(account.id, account.acct.to_lowercase());
            }
            Ok(None) => lookup.unknown.push(acct.clone()),
            Err(error) => {
                let context = format!("could not look up the working group's account {acct}");
                return Err(anyhow::Error::new(error).context(context));
            }
        }
    }
    Ok(lookup)
}

/// The working group the bot can trust. Configured names of which none is a local
/// account are a mistake to fix before governing; some unknown names are only warned
/// about, because a member who leaves the instance must not stop governance.
pub fn usable_working_group(
    config: &Config,
    lookup: Lookup,
) -> anyhow::Result<BTreeMap<String, String>> {
    if lookup.unknown.is_empty() {
        return Ok(lookup.found);
    }
    let names = lookup.unknown.join(", ");
    if lookup.found.is_empty() {
        anyhow::bail!(
            "none of the names in membership.working_group ({names}) is a local account of \
             {}, so nobody could steer the bot; correct them in {} (usernames of this \
             instance, like \"alice\"), or set working_group = [] to run without a working group",
            config.instance.url,
            config.path.display()
        );
    }
    warn!(
        unknown = %names,
        "membership.working_group names accounts that are not local accounts of the \
         instance: they are left out of the working group; correct bot.toml and restart"
    );
    Ok(lookup.found)
}

/// The core's settings from the configuration, the bot's account, the instance and
/// the working group's resolved ids.
pub fn settings(
    config: &Config,
    me: &BotAccount,
    instance: &InstanceInfo,
    software: &Software,
    working_group: BTreeMap<String, String>,
) -> anyhow::Result<Settings> {
    let roster = match &config.membership.voters {
        Voters::Local => None,
        Voters::Roster { file } => Some(read_roster(file)?),
    };
    let proposals = &config.proposals;
    let rules: BTreeMap<ActionKind, _> = [
        ActionKind::Suspend,
        ActionKind::Silence,
        ActionKind::Unblock,
        ActionKind::Motion,
    ]
    .into_iter()
    .map(|kind| (kind, *config.rules.for_kind(kind)))
    .collect();
    Ok(Settings {
        bot_acct: me.acct.clone(),
        server: ServerTraits {
            name: software.to_string(),
            can_silence: software.capabilities().silence,
        },
        instance_domain: instance_host(instance, &config.instance.url),
        max_characters: instance.max_characters.max(100),
        membership: Membership {
            bot_account_id: me.id.clone(),
            min_account_age_days: config.membership.min_account_age_days,
            roster,
        },
        proposers_working_group_only: config.membership.proposers == Proposers::WorkingGroup,
        working_group,
        durations: Durations {
            default: proposals.default_duration,
            min: proposals.min_duration,
            urgent_min: proposals.urgent_min_duration,
            max: proposals.max_duration,
        },
        ballot_visibility: match proposals.visibility {
            BallotVisibility::Public => Visibility::Public,
            BallotVisibility::Unlisted => Visibility::Unlisted,
        },
        favourites_count_as: proposals.favourites_count_as,
        receipts: proposals.receipts,
        block_requires_reason: proposals.block_requires_reason,
        reminder_before: proposals.reminder_before,
        mode: match config.actions.mode {
            ActionMode::Auto => Mode::Auto,
            ActionMode::Confirm => Mode::Confirm,
            ActionMode::DryRun => Mode::DryRun,
        },
        rules,
        vocabulary: vocabulary(config),
        answers_per_day: config.limits.answers_per_account_per_day,
        proposals_per_day: config.limits.proposals_per_member_per_day,
        guide_url: config.membership.guide_url.clone(),
        jury: config.jury.as_ref().map(jury).transpose()?,
        reports: config.watched_reports().map(reports),
        ratify_rule: config.rules.ratify,
        appeals_within: config.appeals_within,
    })
}

/// The core's part of `[reports]`; how often reports are read is the runtime's business.
fn reports(config: &ReportsConfig) -> ReportSettings {
    ReportSettings {
        open_after: config.open_after,
        within: config.within,
        propose: config.propose,
        resolve: config.resolve,
    }
}

/// The core's jury from `[jury]`, a roster pool read from its file.
fn jury(config: &JuryConfig) -> anyhow::Result<JurySettings> {
    Ok(JurySettings {
        pool: match &config.pool {
            JuryPool::Volunteers => PoolSource::Volunteers,
            JuryPool::Roster { file } => PoolSource::Roster(read_jury_pool(file)?),
        },
        size: config.size,
        consent_within: config.consent_within,
        duration: config.duration,
        decides: config.decides.clone(),
        when_short: config.when_short,
        rule: config.rule,
    })
}

/// SIGHUP: reads the jury's pool_file again, keeping the previous pool if it cannot be
/// read; false when the jury has no pool_file.
pub fn reload_jury_pool(config: &Config, settings: &mut Settings) -> bool {
    let (Some(JuryConfig { pool, .. }), Some(jury)) = (&config.jury, &mut settings.jury) else {
        return false;
    };
    let JuryPool::Roster { file } = pool else {
        return false;
    };
    match read_jury_pool(file) {
        Ok(accts) => {
            info!(accts = accts.len(), "jury pool_file reloaded");
            jury.pool = PoolSource::Roster(accts);
        }
        Err(error) => {
            warn!(error = %format!("{error:#}"), "could not reload the jury's pool_file; keeping the previous one")
        }
    }
    true
}

/// Below this, the reasons on ballots are cut short often enough to say so.
const ROOM_WORTH_A_WARNING: i64 = 80;

/// Whether ballots fit the instance's limit with `[vocabulary]`'s words and the rules
/// stated on each: `Err` when a ballot's last lines (the closing time) would be cut, so
/// nobody could recount it; `Ok(Some(warning))` when reasons will often be cut short.
pub fn ballot_room(settings: &Settings) -> Result<Option<String>, String> {
    let room = crate::governance::messages::room_for_reason(settings);
    let ratification = crate::governance::messages::room_for_ratification(settings);
    let room = if ratification < 0 { ratification } else { room };
    let limit = settings.max_characters;
    if room < 0 {
        Err(format!(
            "a ballot with these rules and [vocabulary] words needs {} more characters than the instance's {limit} a post, so its closing time would be cut off and nobody could recount it; remove some [vocabulary] words",
            -room
        ))
    } else if room < ROOM_WORTH_A_WARNING {
        Ok(Some(format!(
            "a ballot with these rules and [vocabulary] words leaves {room} of the instance's {limit} characters for the reason; longer reasons are cut on the ballot (the whole text stays in the record); fewer [vocabulary] words leave more"
        )))
    } else {
        Ok(None)
    }
}

/// The instance's own host name (without a port), from the instance document or the URL.
fn instance_host(instance: &InstanceInfo, url: &str) -> String {
    let domain = if instance.domain.is_empty() {
        url.split("://")
            .nth(1)
            .unwrap_or(url)
            .split('/')
            .next()
            .unwrap_or_default()
    } else {
        instance.domain.as_str()
    };
    domain.split(':').next().unwrap_or_default().to_lowercase()
}

#[cfg(test)]
mod tests;
