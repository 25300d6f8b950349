//! Exactly-once posts without the server's help. A post whose earlier attempt may have
//! reached the server (the bot died, or the request timed out, mid-post) is looked for
//! among the bot's own recent statuses before it is sent again. `Idempotency-Key` stays
//! the first defence where the server honours it, but GoToSocial ignores it and Mastodon
//! forgets it after about an hour.

use super::client::{Client, NewStatus};
use super::types::Status;
use super::ApiError;
use crate::commands::{normalize_text, status_text};
use crate::governance::StatusRef;
use crate::governance::Visibility;
use chrono::{DateTime, Utc};
use tracing::error;

/// How far back, before the first attempt, a found status may have been made: the
/// server's clock and the bot's may differ a little.
const CLOCK_SLACK: chrono::Duration = chrono::Duration::minutes(10);
/// How many of the bot's statuses are read, newest first, at the most.
const LOOK_BACK: usize = 200;

/// What identifies a post's text across servers: its letters and digits, lowercased,
/// after the mentions it opens with. Servers render text as HTML (links, mentions shown
/// without their host, entities), and this survives all of it.
fn fingerprint(text: &str) -> String {
    let text = normalize_text(text);
    text.split_whitespace()
        .skip_while(|word| word.starts_with('@'))
        .flat_map(str::chars)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `status` is the post `wanted`: the same parent and the same text.
pub fn same_post(status: &Status, wanted: &NewStatus<'_>) -> bool {
    if status.in_reply_to_id.as_deref() != wanted.in_reply_to_id {
        return false;
    }
    let shown = match &status.text {
        Some(source) if !source.is_empty() => source.clone(),
        _ => status_text(&status.content, &[]),
    };
    let (found, sent) = (fingerprint(&shown), fingerprint(wanted.text));
    !sent.is_empty() && found == sent
}

/// How a post reached the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// Sent now.
    Sent(StatusRef),
    /// An earlier attempt had reached it: that status, adopted rather than posted again.
    Found(StatusRef),
}

fn reference(status: &Status) -> StatusRef {
    StatusRef {
        url: status.link(),
        status_id: status.id.clone(),
    }
}

impl Client {
    /// Posts `post` once as the bot `bot_account_id`: a post first attempted at
    /// `first_attempt` is looked for among the bot's statuses before it is sent again.
    pub async fn post_once(
        &self,
        post: &NewStatus<'_>,
        bot_account_id: &str,
        first_attempt: Option<DateTime<Utc>>,
    ) -> Result<Posted, ApiError> {
        if let Some(first) = first_attempt {
            if let Some(earlier) = self.find_earlier_post(bot_account_id, post, first).await? {
                self.reaches_only_its_addressees(&earlier, post, bot_account_id)
                    .await?;
                return Ok(Posted::Found(reference(&earlier)));
            }
        }
        let status = self.post_status(post).await?;
        self.reaches_only_its_addressees(&status, post, bot_account_id)
            .await?;
        Ok(Posted::Sent(reference(&status)))
    }

    /// A direct message that the server delivered to anyone beyond the accounts it opens
    /// with (a server that read an account in a link as a mention, say) is deleted at once
    /// and the failure names who else it reached. The text was written so that no server
    /// should, but a private message is never trusted to the server's kindness.
    async fn reaches_only_its_addressees(
        &self,
        status: &Status,
        post: &NewStatus<'_>,
        bot_account_id: &str,
    ) -> Result<(), ApiError> {
        if post.visibility != Visibility::Direct {
            return Ok(());
        }
        let others = reached_others(status, post.text, bot_account_id);
        if others.is_empty() {
            return Ok(());
        }
        let deleted = match self.delete_status(&status.id).await {
            Ok(()) => true,
            Err(error) => {
                error!(status = %status.id, %error, "could not delete a direct message that reached accounts it was not meant for; delete it by hand");
                false
            }
        };
        Err(ApiError::ReachedOthers {
            status_id: status.id.clone(),
            accts: others,
            deleted,
        })
    }

    /// The bot's own status that an earlier attempt at `wanted`, first made at
    /// `first_attempt`, left on the server, if there is one.
    pub async fn find_earlier_post(
        &self,
        bot_account_id: &str,
        wanted: &NewStatus<'_>,
        first_attempt: DateTime<Utc>,
    ) -> Result<Option<Status>, ApiError> {
        let since = first_attempt - CLOCK_SLACK;
        let mut max_id: Option<String> = None;
        let mut read = 0;
        while read < LOOK_BACK {
            let page = self
                .account_statuses(bot_account_id, max_id.as_deref())
                .await?;
            let Some(oldest) = page.last() else {
                return Ok(None);
            };
            read += page.len();
            max_id = Some(oldest.id.clone());
            if let Some(found) = page.iter().find(|status| same_post(status, wanted)) {
                return Ok(Some(found.clone()));
            }
            if oldest.created_at.is_some_and(|at| at < since) {
                return Ok(None);
            }
        }
        Ok(None)
    }
}

/// The accounts a text opens with (`@alice @bob@remote.example Hello` → alice,
/// bob@remote.example), lowercased: the addressees of a direct message.
fn addressees(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map_while(|word| word.strip_prefix('@'))
        .map(str::to_lowercase)
        .collect()
}

/// The accounts `status` mentions beyond the addressees of `text` and the bot itself.
fn reached_others(status: &Status, text: &str, bot_account_id: &str) -> Vec<String> {
    let addressees = addressees(text);
    status
        .mentions
        .iter()
        .filter(|mention| mention.id != bot_account_id)
        .filter(|mention| !addressees.contains(&mention.acct.to_lowercase()))
        .map(|mention| mention.acct.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(content: &str, text: Option<&str>, in_reply_to: Option<&str>) -> Status {
        serde_json::from_value(serde_json::json!({
            "id": "9",
            "account": {"id": "1", "acct": "coopbot", "username": "coopbot"},
            "content": content,
            "text": text,
            "in_reply_to_id": in_reply_to,
        }))
        .expect("a status")
    }

    fn wanted<'a>(text: &'a str, in_reply_to: Option<&'a str>) -> NewStatus<'a> {
        NewStatus {
            text,
            visibility: Visibility::Direct,
            in_reply_to_id: in_reply_to,
            idempotency_key: "k",
        }
    }

    #[test]
    fn a_post_is_recognised_as_the_server_rendered_it() {
        let sent = "@eve@elsewhere.example Your vote on proposal #1 was not counted: see https://social.example/@coopbot/123456";
        let rendered = r#"<p><span class="h-card"><a href="https://elsewhere.example/@eve" class="u-url mention">@<span>eve</span></a></span> Your vote on proposal #1 was not counted: see <a href="https://social.example/@coopbot/123456"><span class="invisible">https://</span><span class="ellipsis">social.example/@coopbot/12</span><span class="invisible">3456</span></a></p>"#;
        assert!(same_post(
            &status(rendered, None, Some("5")),
            &wanted(sent, Some("5"))
        ));
        // Another parent, or other words, is another post.
        assert!(!same_post(
            &status(rendered, None, Some("6")),
            &wanted(sent, Some("5"))
        ));
        assert!(!same_post(
            &status(rendered, None, None),
            &wanted(sent, Some("5"))
        ));
        let other = "@eve Your vote on proposal #2 was not counted";
        assert!(!same_post(
            &status(rendered, None, Some("5")),
            &wanted(other, Some("5"))
        ));
        // GoToSocial sends the source text too.
        let ballot = "Proposal #1: suspend spam.example\nProposed by @\u{200B}alice: spam";
        assert!(same_post(
            &status("<p>garbled</p>", Some(ballot), None),
            &wanted(ballot, None)
        ));
        assert!(!same_post(&status("", Some(""), None), &wanted("", None)));
    }

    #[test]
    fn a_direct_message_may_reach_only_its_addressees_and_the_bot() {
        let mention = |id: &str, acct: &str| serde_json::json!({"id": id, "username": acct.split('@').next(), "acct": acct});
        let delivered = |mentions: Vec<serde_json::Value>| -> Status {
            serde_json::from_value(serde_json::json!({
                "id": "9",
                "account": {"id": "1", "acct": "coopbot", "username": "coopbot"},
                "content": "",
                "mentions": mentions,
            }))
            .expect("a status")
        };
        let text = "@Eve@Elsewhere.example @bob Case file: see https://social.example/statuses/4";
        assert_eq!(addressees(text), ["eve@elsewhere.example", "bob"]);
        let exact = delivered(vec![
            mention("5", "eve@elsewhere.example"),
            mention("6", "bob"),
        ]);
        assert!(reached_others(&exact, text, "1").is_empty());
        let with_bot = delivered(vec![mention("1", "coopbot"), mention("6", "bob")]);
        assert!(reached_others(&with_bot, text, "1").is_empty());
        let leaked = delivered(vec![
            mention("6", "bob"),
            mention("7", "raider@raid.example"),
        ]);
        assert_eq!(reached_others(&leaked, text, "1"), ["raider@raid.example"]);
    }
}
