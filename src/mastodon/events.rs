//! What the bot hears from its instance, in the core's terms: an event source that
//! merges the user stream with the notifications polled after the cursor.
//!
//! The stream is a fast path. Notifications after the cursor are polled at the first
//! turn, after every (re)connect (the stream does not replay what it missed), every
//! `poll_interval` while the stream is down, and every `SAFETY_POLL` while it is up. The
//! cursor itself is the store's: the runtime passes it in, and moves it in the same
//! transaction as the step a notification caused.

use super::client::{into_array, Client, PAGE_LIMIT};
use super::rate_limit::Priority;
use super::streaming::{self, StreamEvent};
use super::types::{decode_items, Notification};
use super::{convert, ApiError};
use crate::governance::{id_order, Author, Post};
use chrono::{DateTime, Utc};
use reqwest::Method;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tracing::{info, warn};

/// Even with a healthy stream, notifications are polled this often: a stream can stall
/// silently while its pings go on (mastodon/mastodon#25157).
const SAFETY_POLL: Duration = Duration::from_secs(300);
/// After a stop is asked for, how long the stream task may take to hear it.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// A notification, as the core reads it, with the id that moves the cursor past it.
#[derive(Debug, Clone)]
pub enum Incoming {
    /// A status that mentions the bot, new or edited.
    Post { id: String, post: Post },
    /// Someone favourited a status of the bot's: a vote only when that status is a ballot.
    Favourite {
        id: String,
        status_id: String,
        author: Author,
    },
    /// Anything else (a follow, a boost, a type coopgov does not know): it only moves
    /// the cursor.
    Other { id: String, kind: String },
}

impl Incoming {
    /// Staff are told of a new report (Mastodon; GoToSocial sends none): read the reports.
    pub fn is_new_report(&self) -> bool {
        matches!(self, Incoming::Other { kind, .. } if kind == "admin.report")
    }

    /// Reads a notification; `bot_account_id` is whose mentions are left out of a post's text.
    fn from_wire(notification: Notification, bot_account_id: &str) -> Incoming {
        let Notification {
            id,
            kind,
            account,
            status,
        } = notification;
        match (kind.as_str(), status, account) {
            ("mention" | "update", Some(status), _) => Incoming::Post {
                post: convert::post(&status, bot_account_id),
                id,
            },
            ("favourite", Some(status), Some(account)) => Incoming::Favourite {
                id,
                status_id: status.id,
                author: convert::author(&account),
            },
            _ => Incoming::Other { id, kind },
        }
    }

    /// The notification's id: the cursor once it is handled.
    pub fn id(&self) -> &str {
        match self {
            Incoming::Post { id, .. }
            | Incoming::Favourite { id, .. }
            | Incoming::Other { id, .. } => id,
        }
    }

    /// What it is, for the logs.
    pub fn kind(&self) -> &str {
        match self {
            Incoming::Post { .. } => "post",
            Incoming::Favourite { .. } => "favourite",
            Incoming::Other { kind, .. } => kind,
        }
    }

    /// Whether it comes after `cursor`, the last notification handled: the stream and
    /// the polls overlap, and a notification at or before the cursor was handled already.
    pub fn is_after(&self, cursor: &str) -> bool {
        id_order(self.id(), cursor).is_gt()
    }
}

/// What the event source tells the runtime.
#[derive(Debug)]
pub enum Event {
    /// The stream is up (again): poll what it missed, after the cursor.
    Connected,
    /// The stream is down; it is being retried, and notifications are polled meanwhile.
    Disconnected,
    Notification(Incoming),
    /// A status was deleted: a vote by reply is withdrawn. Deletions come only by stream
    /// (Mastodon sends them to the accounts a status mentioned).
    Deleted(String),
}

/// The user stream, kept open by a task of its own, and when to poll.
pub struct Events {
    client: Client,
    bot_account_id: String,
    poll_interval: Duration,
    stream: mpsc::Receiver<StreamEvent>,
    stop: watch::Sender<bool>,
    listener: JoinHandle<()>,
    stream_up: bool,
    /// Whether the operator has been told of the current outage.
    told_stream_down: bool,
    last_poll: Option<DateTime<Utc>>,
}

impl Events {
    /// Starts listening to the user stream of `client`'s instance, where it advertises
    /// (`streaming_url`) and at its own address; a stream silent for `silence_limit` is
    /// taken for dead. Dropping the source stops the stream task.
    pub fn start(
        client: Client,
        streaming_url: Option<&str>,
        silence_limit: Duration,
        poll_interval: Duration,
        bot_account_id: &str,
    ) -> Events {
        let (sender, stream) = mpsc::channel(256);
        let (stop, stopped) = watch::channel(false);
        let urls = streaming::stream_urls(streaming_url, client.base_url());
        let listener = tokio::spawn(streaming::listen(
            urls,
            client.token().clone(),
            silence_limit,
            sender,
            stopped,
        ));
        Events {
            // Listening spends only what the closes and the answers leave.
            client: client.at(Priority::Listen),
            bot_account_id: bot_account_id.to_string(),
            poll_interval,
            stream,
            stop,
            listener,
            stream_up: false,
            told_stream_down: false,
            last_poll: None,
        }
    }

    /// The next thing the stream says; `None` once the stream task has ended. Safe to
    /// cancel (in a `select!`): nothing is lost when it is dropped before it returns.
    pub async fn next(&mut self) -> Option<Event> {
        let Some(event) = self.stream.recv().await else {
            self.stream_up = false;
            return None;
        };
        Some(match event {
            StreamEvent::Connected(url) => {
                info!(%url, "stream connected");
                self.told_stream_down = false;
                self.stream_up = true;
                Event::Connected
            }
            StreamEvent::Notification(notification) => {
                Event::Notification(Incoming::from_wire(*notification, &self.bot_account_id))
            }
            StreamEvent::Deleted(status_id) => Event::Deleted(status_id),
            StreamEvent::Disconnected(reason) => {
                // Said once per outage, with what the bot does meanwhile.
                if self.stream_up || !self.told_stream_down {
                    let every = self.poll_interval.as_secs();
                    warn!(
                        reason,
                        "no stream; polling notifications every {every} s until it is back"
                    );
                    self.told_stream_down = true;
                }
                self.stream_up = false;
                Event::Disconnected
            }
        })
    }

    /// One page of the notifications after `cursor`, oldest first, and whether more may
    /// follow (the page was full). The caller records each page before it reads the
    /// next, so a catch-up cut short by the budget keeps what it read.
    pub async fn page_after(&self, cursor: &str) -> Result<(Vec<Incoming>, bool), ApiError> {
        let (page, full) = self
            .client
            .notifications_page(&[("min_id", cursor)])
            .await?;
        Ok((self.incoming(page), full))
    }

    /// The newest page of notifications numbered after `since` and before `before`,
    /// oldest first, and whether it was full: GoToSocial numbers a notification before
    /// it delivers it, so one can arrive after a newer one moved the cursor.
    pub async fn late_before(
        &self,
        since: &str,
        before: &str,
    ) -> Result<(Vec<Incoming>, bool), ApiError> {
        let (page, full) = self
            .client
            .notifications_page(&[("since_id", since), ("max_id", before)])
            .await?;
        Ok((self.incoming(page), full))
    }

    fn incoming(&self, page: Vec<Notification>) -> Vec<Incoming> {
        page.into_iter()
            .map(|notification| Incoming::from_wire(notification, &self.bot_account_id))
            .collect()
    }

    /// Notes a poll done at `at`, so the next is due a poll interval later.
    pub fn polled(&mut self, at: DateTime<Utc>) {
        self.last_poll = Some(at);
    }

    /// When notifications are next polled: often while the stream is down, now and then
    /// while it is up. `None` before the first poll, which is due at once.
    pub fn next_poll(&self) -> Option<DateTime<Utc>> {
        let every = if self.stream_up {
            SAFETY_POLL
        } else {
            self.poll_interval
        };
        Some(self.last_poll? + chrono::Duration::from_std(every).unwrap_or_default())
    }

    /// Whether a poll is due at `now`.
    pub fn poll_due(&self, now: DateTime<Utc>) -> bool {
        self.next_poll().is_none_or(|at| at <= now)
    }

    /// Closes the stream, giving its task a moment to end.
    pub async fn stop(&mut self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(STOP_GRACE, &mut self.listener).await;
    }
}

impl Client {
    /// One page of notifications (at most `PAGE_LIMIT`, the API's largest) selected by
    /// `bounds`, oldest first, and whether it was full. Items of types or shapes coopgov
    /// cannot read are skipped with a warning.
    async fn notifications_page(
        &self,
        bounds: &[(&str, &str)],
    ) -> Result<(Vec<Notification>, bool), ApiError> {
        let limit = PAGE_LIMIT.to_string();
        let request = self
            .request(Method::GET, "/api/v1/notifications")
            .query(bounds)
            .query(&[("limit", limit.as_str())]);
        let (value, _) = self.json("reading notifications", request).await?;
        let items = into_array(value, "reading notifications")?;
        let full = items.len() >= PAGE_LIMIT as usize;
        let (mut page, unreadable) = decode_items::<Notification>(items);
        for error in unreadable {
            warn!(%error, "skipped a notification that could not be read");
        }
        page.sort_by(|a, b| id_order(&a.id, &b.id));
        Ok((page, full))
    }

    /// The id of the newest notification, to start from when there is no cursor yet.
    pub async fn newest_notification_id(&self) -> Result<Option<String>, ApiError> {
        let request = self
            .request(Method::GET, "/api/v1/notifications")
            .query(&[("limit", "1")]);
        let (value, _) = self.json("reading notifications", request).await?;
        let items = into_array(value, "reading notifications")?;
        Ok(items
            .first()
            .and_then(|item| item.get("id"))
            .and_then(|id| id.as_str())
            .map(str::to_string))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(kind: &str, status: bool, account: bool) -> Incoming {
        let alice = serde_json::json!({"id": "7", "username": "alice", "acct": "alice"});
        let mut wire = serde_json::json!({"id": "105", "type": kind});
        if status {
            wire["status"] = serde_json::json!({
                "id": "42",
                "account": alice,
                "content": "<p><span class=\"h-card\"><a href=\"https://social.example/@coopbot\">@coopbot</a></span> agree</p>",
                "mentions": [{"id": "1", "username": "coopbot", "acct": "coopbot", "url": "https://social.example/@coopbot"}],
            });
        }
        if account {
            wire["account"] = alice;
        }
        let notification = serde_json::from_value(wire).expect("a notification");
        Incoming::from_wire(notification, "1")
    }

    #[test]
    fn notifications_read_as_posts_favourites_or_nothing_but_a_cursor() {
        let variant = |read: &Incoming| match read {
            Incoming::Post { .. } => "post",
            Incoming::Favourite { .. } => "favourite",
            Incoming::Other { .. } => "other",
        };
        let cases = [
            ("mention", true, true, "post"),
            ("update", true, false, "post"),
            ("mention", false, true, "other"),
            ("favourite", true, true, "favourite"),
            ("favourite", true, false, "other"),
            ("favourite", false, true, "other"),
            ("reblog", true, true, "other"),
            ("severed_relationships", false, false, "other"),
        ];
        for (kind, status, account, read_as) in cases {
            let read = incoming(kind, status, account);
            assert_eq!(variant(&read), read_as, "{kind} {status} {account}");
            assert_eq!(read.id(), "105");
        }
        match incoming("mention", true, true) {
            Incoming::Post { post, .. } => {
                assert_eq!(post.text, "agree");
                assert_eq!(post.author.identity.acct, "alice");
            }
            other => panic!("{other:?}"),
        }
        match incoming("favourite", true, true) {
            Incoming::Favourite {
                status_id, author, ..
            } => assert_eq!(
                (status_id.as_str(), author.identity.account_id.as_str()),
                ("42", "7")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_notifications_after_the_cursor_are_new() {
        let at = |id: &str| Incoming::Other {
            id: id.to_string(),
            kind: "follow".to_string(),
        };
        let cases = [
            ("106", "105", true),
            ("105", "105", false),
            ("104", "105", false),
            ("1000", "999", true),
            ("999", "1000", false),
        ];
        for (id, cursor, after) in cases {
            assert_eq!(at(id).is_after(cursor), after, "{id} after {cursor}");
        }
    }
}
