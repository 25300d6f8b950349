//! Who may vote: decided from the account data that came with the post.

use super::proposal::Author;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// Who counts as a member, as configured.
#[derive(Debug, Clone, Default)]
pub struct Membership {
    /// The bot's own account id: it never votes.
    pub bot_account_id: String,
    /// Accounts younger than this at the ballot's opening do not vote.
    pub min_account_age_days: u32,
    /// When set, only these local accts vote.
    pub roster: Option<BTreeSet<String>>,
}

/// Why someone's vote does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ineligible {
    TheBot,
    Remote,
    Bot,
    Suspended,
    TooNew { days: u32 },
    NotOnRoster,
}

impl Ineligible {
    /// The sentence a person reads in the bot's direct message.
    pub fn explanation(&self) -> String {
        match self {
            Ineligible::TheBot => "the bot does not vote.".to_string(),
            Ineligible::Remote => {
                "only members with an account on this instance can vote, and yours is on another server.".to_string()
            }
            Ineligible::Bot => "accounts marked as bots cannot vote.".to_string(),
            Ineligible::Suspended => "suspended accounts cannot vote.".to_string(),
            Ineligible::TooNew { days } => format!(
                "accounts must be at least {days} days old when a ballot opens to vote on it."
            ),
            Ineligible::NotOnRoster => {
                "only members on the cooperative's roster can vote; ask the working group if you should be on it.".to_string()
            }
        }
    }
}

impl Membership {
    /// Whether `author` may vote on a ballot that opened at `opened_at`.
    pub fn check(&self, author: &Author, opened_at: DateTime<Utc>) -> Result<(), Ineligible> {
        if author.identity.account_id == self.bot_account_id {
            return Err(Ineligible::TheBot);
        }
        if !author.is_local() {
            return Err(Ineligible::Remote);
        }
        if author.bot {
            return Err(Ineligible::Bot);
        }
        if author.suspended {
            return Err(Ineligible::Suspended);
        }
        if self.min_account_age_days > 0 {
            let old_enough = author.created_at.is_some_and(|created| {
                opened_at - created >= chrono::Duration::days(i64::from(self.min_account_age_days))
            });
            if !old_enough {
                return Err(Ineligible::TooNew {
                    days: self.min_account_age_days,
                });
            }
        }
        if let Some(roster) = &self.roster {
            if !roster.contains(&author.identity.acct.to_lowercase()) {
                return Err(Ineligible::NotOnRoster);
            }
        }
        Ok(())
    }
}
