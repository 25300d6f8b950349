//! Wire types to the core's: plain text, identities, eligibility facts.

use super::types::{Account, Status};
use crate::commands::{status_text, strip_leading_mentions, MentionRef};
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

/// A status as the core reads it: HTML turned to text without the bot's mentions and
/// without the mentions it starts with, so "@coopbot @alice agree" reads "agree" while
/// "block @erin runs it" keeps its words. Mentions come from `mentions[]`, never the text.
pub fn post(status: &Status, bot_account_id: &str) -> Post {
    let mentions: Vec<MentionRef> = status
        .mentions
        .iter()
        .map(|mention| MentionRef {
            username: mention.username.clone(),
            acct: mention.acct.clone(),
            url: mention.url.clone(),
        })
        .collect();
    let bot_mentions: Vec<MentionRef> = status
        .mentions
        .iter()
        .zip(&mentions)
        .filter(|(mention, _)| mention.id == bot_account_id)
        .map(|(_, reference)| reference.clone())
        .collect();
    Post {
        status_id: status.id.clone(),
        url: status.link(),
        author: author(&status.account),
        text: cap(strip_leading_mentions(
            &status_text(&status.content, &bot_mentions),
            &mentions,
        )),
        in_reply_to_id: status.in_reply_to_id.clone(),
        direct: status.visibility == "direct",
        mentions_others: status
            .mentions
            .iter()
            .any(|mention| mention.id != bot_account_id && mention.id != status.account.id),
        created_at: status.created_at,
    }
}

/// A status as anyone reads it whole: its text with every mention kept and nothing cut,
/// as `verify` reads a ballot back.
pub fn whole_post(status: &Status) -> Post {
    Post {
        status_id: status.id.clone(),
        url: status.link(),
        author: author(&status.account),
        text: status_text(&status.content, &[]),
        in_reply_to_id: status.in_reply_to_id.clone(),
        direct: status.visibility == "direct",
        mentions_others: false,
        created_at: status.created_at,
    }
}

/// The most of a status's text the bot keeps: far above any instance's limit, so only a
/// hostile server's status is cut (at a character boundary).
const MAX_TEXT_CHARS: usize = 20_000;

fn cap(text: String) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text,
    }
}
