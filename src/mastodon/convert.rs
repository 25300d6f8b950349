//! Wire types to the core's: plain text, identities, eligibility facts.

use super::types::{Account, Status};
use crate::commands::{status_text, MentionRef};
use crate::governance::{Author, Identity, Post};

pub fn author(account: &Account) -> Author {
    Author {
        identity: Identity {
            account_id: account.id.clone(),
            acct: account.acct.clone(),
        },
        bot: account.bot,
        suspended: account.suspended,
        created_at: account.created_at,
    }
}

/// A status as the core reads it: HTML turned to text with every mention removed, so
/// "@coopbot @alice agree" reads "agree". Mentions come from `mentions[]`, never the text.
pub fn post(status: &Status) -> Post {
    let mentions: Vec<MentionRef> = status
        .mentions
        .iter()
        .map(|mention| MentionRef {
            username: mention.username.clone(),
            acct: mention.acct.clone(),
            url: mention.url.clone(),
        })
        .collect();
    Post {
        status_id: status.id.clone(),
        url: status.link(),
        author: author(&status.account),
        text: status_text(&status.content, &mentions),
        in_reply_to_id: status.in_reply_to_id.clone(),
        direct: status.visibility == "direct",
    }
}

/// Whether the status mentions the account `account_id`.
pub fn mentions(status: &Status, account_id: &str) -> bool {
    status
        .mentions
        .iter()
        .any(|mention| mention.id == account_id)
}
