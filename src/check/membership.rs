//! `coopgov check`: are the working group's names and the roster's accts local accounts?
//! (The jury's pool_file is looked up here too, from `jury.rs`.)

use super::{line, Mark};
use crate::config::settings;
use crate::config::{Config, Voters};
use crate::mastodon::rate_limit::Budget;
use crate::mastodon::Client;
use crate::startup;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The most roster and jury pool accts one `check` looks up. Mastodon allows an account
/// 300 requests in 5 minutes, shared with the running bot: 200 leaves the bot room to govern.
pub(super) const ROSTER_LOOKUPS: usize = 200;
/// Lookups stop when the instance says fewer requests than this are left before its
/// limit resets: they are the running bot's.
const RESERVE: u32 = 50;
/// Names shown in one line before "and N more".
const SHOWN: usize = 20;

/// The working group's names, then the roster's accts: each must be a local account.
pub(super) async fn membership(config: &Config, client: &Client, lookups: &mut Lookups) -> bool {
    let mut healthy = working_group(config, client).await;
    if let Voters::Roster { file } = &config.membership.voters {
        healthy &= roster(config, client, file, lookups).await;
    }
    healthy
}

async fn working_group(config: &Config, client: &Client) -> bool {
    if config.membership.working_group.is_empty() {
        return true;
    }
    let lookup = match startup::resolve_working_group(config, client).await {
        Ok(lookup) => lookup,
        Err(error) => return could_not_look_up(&error),
    };
    if lookup.unknown.is_empty() {
        let names: Vec<&str> = lookup.found.values().map(String::as_str).collect();
        line(
            Mark::Ok,
            format!(
                "the working group's names are local accounts: {}",
                listed(&names)
            ),
        );
        return true;
    }
    let unknown: Vec<&str> = lookup.unknown.iter().map(String::as_str).collect();
    let consequence = if lookup.found.is_empty() {
        "as none of its names is right, coopgov run refuses to start"
    } else {
        "until then coopgov run leaves them out of the working group"
    };
    line(
        Mark::Fail,
        format!(
            "membership.working_group in {} names accounts that are not local accounts of \
             {}: {}; correct the spelling (a username of this instance, like \"alice\") or remove them ({consequence})",
            config.path.display(),
            config.instance.url,
            listed(&unknown),
        ),
    );
    false
}

/// A lookup that failed says nothing about the name: a passing failure is a warning, any
/// other (the token may not read accounts, say) a failure.
fn could_not_look_up(error: &anyhow::Error) -> bool {
    let transient = error.chain().any(|cause| {
        cause
            .downcast_ref::<crate::mastodon::ApiError>()
            .is_some_and(crate::mastodon::ApiError::is_transient)
    });
    if transient {
        line(
            Mark::Warn,
            format!("{error:#}; the names were not checked, run coopgov check again later"),
        );
        true
    } else {
        line(Mark::Fail, format!("{error:#}"));
        false
    }
}

async fn roster(config: &Config, client: &Client, file: &Path, lookups: &mut Lookups) -> bool {
    let accts = match settings::read_roster(file) {
        Ok(accts) => accts,
        Err(error) => {
            line(Mark::Fail, format!("{error:#}"));
            return false;
        }
    };
    if accts.is_empty() {
        line(
            Mark::Warn,
            format!(
                "the roster {} lists nobody, so nobody can vote; write the members' usernames \
                 in it, one a line",
                file.display()
            ),
        );
        return true;
    }
    let place = format!("the roster {}", file.display());
    all_local(config, client, &accts, &place, lookups).await
}

/// The account lookups of one `check`, shared by the roster's and the jury pool's
/// accts: at most [`ROSTER_LOOKUPS`] in all, and each acct once.
#[derive(Default)]
pub(super) struct Lookups {
    /// acct → whether it is a local account.
    local: BTreeMap<String, bool>,
}

impl Lookups {
    /// Whether `acct` was looked up and is not a local account.
    pub(super) fn is_not_local(&self, acct: &str) -> bool {
        self.local.get(acct) == Some(&false)
    }
}

/// Whether each of `accts`, listed in `place`, is a local account; one line for the
/// lookups left out, one for the outcome.
pub(super) async fn all_local(
    config: &Config,
    client: &Client,
    accts: &BTreeSet<String>,
    place: &str,
    lookups: &mut Lookups,
) -> bool {
    let mut unknown = Vec::new();
    let mut checked = 0;
    let mut stopped = None;
    for acct in accts {
        let local = match lookups.local.get(acct) {
            Some(local) => *local,
            None if lookups.local.len() >= ROSTER_LOOKUPS => break,
            None => {
                if let Some(reason) = budget_short(&client.budget(), Utc::now()) {
                    stopped = Some(reason);
                    break;
                }
                match client.local_account(acct).await {
                    Ok(found) => *lookups.local.entry(acct.clone()).or_insert(found.is_some()),
                    Err(error) => {
                        let context = format!("could not look up the acct {acct} of {place}");
                        return could_not_look_up(&anyhow::Error::new(error).context(context));
                    }
                }
            }
        };
        if !local {
            unknown.push(acct.as_str());
        }
        checked += 1;
    }
    if checked < accts.len() {
        let why = stopped.unwrap_or_else(|| {
            format!(
                "at most {ROSTER_LOOKUPS} a check, as the bot shares the instance's limit of \
                 300 requests in 5 minutes"
            )
        });
        line(
            Mark::Warn,
            format!(
                "{place} lists {} accts; looked up the first {checked} (in alphabetical order) \
                 and left the other {} unchecked: {why}",
                accts.len(),
                accts.len() - checked
            ),
        );
    }
    if unknown.is_empty() {
        line(
            Mark::Ok,
            format!("{place}: the {checked} accts looked up are local accounts"),
        );
        return true;
    }
    line(
        Mark::Fail,
        format!(
            "{place} lists accts that are not local accounts of {}: {}; correct them (one \
             username of this instance a line, without @host) or remove them, then send the \
             running bot SIGHUP to read the file again",
            config.instance.url,
            listed(&unknown),
        ),
    );
    false
}

/// Why lookups must stop now to leave the rest of the budget to the running bot, if so.
fn budget_short(budget: &Budget, now: DateTime<Utc>) -> Option<String> {
    let available = budget.available(now);
    (available < RESERVE).then(|| {
        format!(
            "the instance allows only {available} more requests for now, which the \
             running bot may need"
        )
    })
}

/// `a, b, c`, or `a, b, … and 7 more` past `SHOWN` names.
pub(super) fn listed(names: &[&str]) -> String {
    let shown = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    match names.len().saturating_sub(SHOWN) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mastodon::rate_limit::Heard;

    #[test]
    fn lookups_leave_the_last_requests_of_the_budget_to_the_bot() {
        let now = DateTime::from_timestamp(1_796_000_000, 0).expect("a time");
        let later = now + chrono::Duration::minutes(3);
        let budget = |remaining, reset| {
            let mut budget = Budget::default();
            let heard = Heard {
                remaining,
                reset,
                ..Heard::default()
            };
            budget.heard(heard, now - chrono::Duration::seconds(1));
            budget
        };
        let cases = [
            (budget(None, None), false),
            (budget(Some(RESERVE), Some(later)), false),
            (budget(Some(RESERVE - 1), Some(later)), true),
            // The count the instance gave no longer holds once its reset has passed.
            (budget(Some(0), Some(now)), false),
        ];
        for (budget, short) in cases {
            let reason = budget_short(&budget, now);
            assert_eq!(reason.is_some(), short, "{budget:?}");
            if let Some(reason) = reason {
                assert!(reason.contains(" more requests for now"), "{reason}");
            }
        }
    }

    #[test]
    fn long_lists_of_names_are_cut_with_a_count() {
        let names: Vec<String> = (0..25).map(|n| format!("m{n}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(listed(&names[..2]), "m0, m1");
        let long = listed(&names);
        assert!(
            long.starts_with("m0, m1, ") && long.ends_with("m19 and 5 more"),
            "{long}"
        );
    }
}
