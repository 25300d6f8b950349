//! `bot.toml`, checked, turned into the core's settings once, with what start-up learned
//! of the instance: the core's own types, no parallel copy. The roster and the jury's
//! pool_file are read here (and again on SIGHUP).

use super::{Config, ConfigError, JuryConfig, JuryPool, Proposers, Voters};
use crate::commands::Vocabulary;
use crate::governance::eligibility::Membership;
use crate::governance::jury::{JurySettings, PoolSource};
use crate::governance::settings::ServerTraits;
use crate::governance::{ActionKind, Settings};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What start-up learns beside `bot.toml`: the bot's account, the instance's own domain
/// and limit, what its software can do, and the working group's account ids.
#[derive(Debug, Clone)]
pub struct Learned {
    pub bot_id: String,
    pub bot_acct: String,
    pub instance_domain: String,
    pub max_characters: usize,
    pub server: ServerTraits,
    /// Account id → acct.
    pub working_group: BTreeMap<String, String>,
}

/// The core's settings: `bot.toml`, checked, with what start-up learned of the instance.
pub fn settings(config: &Config, learned: Learned) -> Result<Settings, ConfigError> {
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
        bot_acct: learned.bot_acct,
        server: learned.server,
        instance_domain: learned.instance_domain,
        max_characters: learned.max_characters,
        membership: Membership {
            bot_account_id: learned.bot_id,
            min_account_age_days: config.membership.min_account_age_days,
            roster,
        },
        proposers_working_group_only: config.membership.proposers == Proposers::WorkingGroup,
        working_group: learned.working_group,
        durations: proposals.durations,
        ballot_visibility: proposals.visibility,
        favourites_count_as: proposals.favourites_count_as,
        receipts: proposals.receipts,
        block_requires_reason: proposals.block_requires_reason,
        reminder_before: proposals.reminder_before,
        mode: config.actions.mode,
        rules,
        vocabulary: vocabulary(config),
        answers_per_day: config.limits.answers_per_account_per_day,
        proposals_per_day: config.limits.proposals_per_member_per_day,
        guide_url: config.membership.guide_url.clone(),
        jury: config.jury.as_ref().map(jury).transpose()?,
        advice: config.advice.clone(),
        reports: config
            .watched_reports()
            .map(|reports| reports.cases.clone()),
        ratify_rule: config.rules.ratify,
        appeals_within: config.appeals_within,
    })
}

/// The core's jury from `[jury]`, a roster pool read from its file.
fn jury(config: &JuryConfig) -> Result<JurySettings, ConfigError> {
    Ok(config.drawing_from(match &config.pool {
        JuryPool::Volunteers => PoolSource::Volunteers,
        JuryPool::Roster { file } => PoolSource::Roster(read_jury_pool(file)?),
    }))
}

/// SIGHUP: reads the jury's pool_file again. `None` when the jury has no pool_file;
/// the number of accts read, or why the file could not be read (the pool is then kept).
pub fn reread_jury_pool(
    config: &Config,
    settings: &mut Settings,
) -> Option<Result<usize, ConfigError>> {
    let (Some(JuryConfig { pool, .. }), Some(jury)) = (&config.jury, &mut settings.jury) else {
        return None;
    };
    let JuryPool::Roster { file } = pool else {
        return None;
    };
    Some(read_jury_pool(file).map(|accts| {
        let count = accts.len();
        jury.pool = PoolSource::Roster(accts);
        count
    }))
}

/// Below this, the reasons on ballots are cut short often enough to say so.
const ROOM_WORTH_A_WARNING: i64 = 80;

/// Whether ballots fit the instance's limit with `[vocabulary]`'s words and the rules
/// stated on each: `Err` when a ballot's last lines (the closing time) would be cut, so
/// nobody could recount it; `Ok(Some(warning))` when reasons will often be cut short.
pub fn ballot_room(settings: &Settings) -> Result<Option<String>, ConfigError> {
    let room = crate::governance::messages::room_for_reason(settings);
    let ratification = crate::governance::messages::room_for_ratification(settings);
    let room = if ratification < 0 { ratification } else { room };
    let limit = settings.max_characters;
    if room < 0 {
        Err(ConfigError::Unfit(format!(
            "a ballot with these rules and [vocabulary] words needs {} more characters than the instance's {limit} a post, so its closing time would be cut off and nobody could recount it; remove some [vocabulary] words",
            -room
        )))
    } else if room < ROOM_WORTH_A_WARNING {
        Ok(Some(format!(
            "a ballot with these rules and [vocabulary] words leaves {room} of the instance's {limit} characters for the reason; longer reasons are cut on the ballot (the whole text stays in the record); fewer [vocabulary] words leave more"
        )))
    } else {
        Ok(None)
    }
}

/// Reads a roster file: one acct per line; blank lines and `#` comments are ignored.
pub fn read_roster(path: &Path) -> Result<BTreeSet<String>, ConfigError> {
    read_accts(path, "the roster file")
}

/// Reads the jury's pool_file, written like a roster file.
pub fn read_jury_pool(path: &Path) -> Result<BTreeSet<String>, ConfigError> {
    read_accts(path, "the jury's pool_file")
}

fn read_accts(path: &Path, what: &str) -> Result<BTreeSet<String>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        ConfigError::Unreadable(format!(
            "could not read {what} {}; create it with one member's acct per line: {error}",
            path.display()
        ))
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
