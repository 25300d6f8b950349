//! `coopgov check`: the Standing Jury in one line, and a roster pool's accts.

use super::membership::{all_local, listed, Lookups};
use super::{line, Mark};
use crate::commands::format_duration;
use crate::config::settings;
use crate::config::{Config, JuryConfig, JuryPool, Voters};
use crate::governance::jury::WhenShort;
use crate::governance::terms::rule_sentence;
use crate::mastodon::Client;
use std::path::Path;

/// Says what `[jury]` sets up; with a roster pool, checks its file as the roster is
/// checked. Without `[jury]`, says nothing.
pub(super) async fn jury(config: &Config, client: &Client, lookups: &mut Lookups) -> bool {
    let Some(jury) = &config.jury else {
        return true;
    };
    match jury.warning() {
        Some(warning) => line(Mark::Warn, warning),
        None => line(Mark::Ok, summary(jury)),
    }
    match &jury.pool {
        JuryPool::Volunteers => true,
        JuryPool::Roster { file } => pool_file(config, client, jury, file, lookups).await,
    }
}

/// "jury: 5 jurors drawn from volunteers decide suspend, silence; …", short enough for
/// one line of `check`.
pub(super) fn summary(jury: &JuryConfig) -> String {
    let pool = match &jury.pool {
        JuryPool::Volunteers => "volunteers (jury join)".to_owned(),
        JuryPool::Roster { file } => format!("the accts in {}", file.display()),
    };
    let kinds: Vec<&str> = jury.decides.iter().map(|kind| kind.name()).collect();
    let short = match jury.when_short {
        WhenShort::Members => "all members vote",
        WhenShort::Cancel => "the proposal is cancelled",
    };
    format!(
        "jury: {} drawn from {pool} decide {}; each has {} to accept; the seated jury votes \
         for {}; {} If the pool runs out, {short}.",
        jurors(jury.size),
        kinds.join(", "),
        format_duration(jury.consent_within),
        format_duration(jury.duration),
        rule_sentence(&jury.rule),
    )
}

fn jurors(size: u32) -> String {
    match size {
        1 => "1 juror".to_owned(),
        size => format!("{size} jurors"),
    }
}

async fn pool_file(
    config: &Config,
    client: &Client,
    jury: &JuryConfig,
    file: &Path,
    lookups: &mut Lookups,
) -> bool {
    let accts = match settings::read_jury_pool(file) {
        Ok(accts) => accts,
        Err(error) => {
            line(Mark::Fail, format!("{error:#}"));
            return false;
        }
    };
    let place = format!("the jury's pool_file {}", file.display());
    if let Voters::Roster { file: roster } = &config.membership.voters {
        // A juror votes like any member: one who is not on the roster would be seated
        // and never counted. An unreadable roster is the membership check's failure.
        if let Ok(members) = settings::read_roster(roster) {
            let outside: Vec<&str> = accts.difference(&members).map(String::as_str).collect();
            if !outside.is_empty() {
                line(
                    Mark::Warn,
                    format!(
                        "{place} lists accts that are not on the roster {}, so their votes \
                         would not count if they were drawn: {}",
                        roster.display(),
                        listed(&outside)
                    ),
                );
            }
        }
    }
    let found = accts.is_empty() || all_local(config, client, &accts, &place, lookups).await;
    // Only accounts of this instance can be drawn: a name that is not one is no juror.
    let usable = accts
        .iter()
        .filter(|acct| !lookups.is_not_local(acct))
        .count();
    let size = jury.size as usize;
    if usable < size {
        let short = match jury.when_short {
            WhenShort::Members => "all members vote on it instead",
            WhenShort::Cancel => "it is cancelled",
        };
        let counted = match usable {
            1 => "1 acct".to_string(),
            n => format!("{n} accts"),
        };
        let valid = match usable == accts.len() {
            true => counted,
            false => format!("{counted} of this instance (of {} names)", accts.len()),
        };
        line(
            Mark::Warn,
            format!(
                "{place} lists {valid}, fewer than jury.size {size}, so no jury can be \
                 seated: every proposal the jury decides runs short and {short}; add accts, \
                 one a line"
            ),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_jury_is_told_in_one_line() {
        let text = "[instance]\nurl = \"https://social.example\"\n[jury]\n";
        let config = Config::parse(text, Path::new("bot.toml")).expect("a valid config");
        let jury = config.jury.expect("a jury");
        assert_eq!(
            summary(&jury),
            "jury: 5 jurors drawn from volunteers (jury join) decide suspend, silence; each \
             has 1d to accept; the seated jury votes for 3d; Passes if at least 4 vote and \
             more agree than disagree; any block stops it. If the pool runs out, all members \
             vote."
        );
    }
}
