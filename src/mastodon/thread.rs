//! A ballot's thread as the close and `coopgov verify` read it: the replies below it and
//! the accounts that favourited it (and, for `verify`, the ballot itself). Servers cap a
//! thread (Mastodon shows a logged-in reader 4,096 descendants, a visitor 60; others
//! differ), so a vote known to be in the thread but missing from it is read on its own
//! before anyone may count it withdrawn.

use super::client::{path_segment, Client, PAGE_LIMIT};
use super::types::{decode_descendants, decode_items, Account, Status};
use super::{convert, ApiError};
use crate::governance::{Post, ThreadRecord};
use reqwest::Method;
use std::collections::BTreeSet;
use tracing::{debug, info, warn};

impl Client {
    /// One status read whole, as anyone would read it (a ballot `verify` reads back).
    pub async fn read_post(&self, status_id: &str) -> Result<Post, ApiError> {
        let status = self.status(status_id).await?;
        Ok(convert::whole_post(&status))
    }

    /// The thread of the ballot `ballot_id`: its replies at any depth, each vote in
    /// `recorded_votes` (status ids) that the thread left out read on its own (a deleted
    /// one is gone: 404), and every favourite. Posts by `bot_account_id` are the bot's.
    pub async fn thread_record<'a>(
        &self,
        ballot_id: &str,
        recorded_votes: impl IntoIterator<Item = &'a str>,
        bot_account_id: &str,
    ) -> Result<ThreadRecord, ApiError> {
        // Each reply becomes the core's post as it is read: a thread of thousands is
        // never held whole in the wire's shape.
        let mut replies = self
            .descendants(ballot_id, |reply| convert::post(&reply, bot_account_id))
            .await?;
        let shown: BTreeSet<String> = replies
            .iter()
            .map(|reply| reply.status_id.clone())
            .collect();
        let missing: Vec<&str> = recorded_votes
            .into_iter()
            .filter(|id| !shown.contains(*id))
            .collect();
        if !missing.is_empty() {
            info!(
                ballot = ballot_id,
                missing = missing.len(),
                "recorded votes missing from the thread; reading each on its own"
            );
        }
        for id in missing {
            match self.status(id).await {
                Ok(status) => replies.push(convert::post(&status, bot_account_id)),
                // Deleted: the vote is withdrawn.
                Err(ApiError::Http {
                    status: 404 | 410, ..
                }) => debug!(status = id, "a recorded vote was deleted"),
                Err(error) => return Err(error),
            }
        }
        let favourited_by = self.favourited_by(ballot_id).await?;
        Ok(ThreadRecord {
            replies,
            favourited_by: favourited_by.iter().map(convert::author).collect(),
        })
    }

    /// The statuses below `status_id` in its thread (readable items only), each made
    /// into what the caller keeps of it.
    pub async fn descendants<T>(
        &self,
        status_id: &str,
        keep: impl FnMut(Status) -> T,
    ) -> Result<Vec<T>, ApiError> {
        let path = format!("/api/v1/statuses/{}/context", path_segment(status_id));
        let what = "reading a ballot's thread";
        let body = self.text(what, self.request(Method::GET, &path)).await?;
        let (statuses, unreadable) =
            decode_descendants(&body, keep).map_err(|error| ApiError::Malformed {
                what: what.to_string(),
                detail: error.to_string(),
            })?;
        for error in unreadable {
            warn!(%error, "skipped a reply that could not be read");
        }
        Ok(statuses)
    }

    /// Every account that favourited `status_id`, following the `Link` pages.
    pub async fn favourited_by(&self, status_id: &str) -> Result<Vec<Account>, ApiError> {
        let first = format!(
            "{}/api/v1/statuses/{}/favourited_by?limit={PAGE_LIMIT}",
            self.base_url(),
            path_segment(status_id)
        );
        let pages = self
            .all_pages("reading a ballot's favourites", first)
            .await?;
        let (accounts, unreadable) = decode_items(pages);
        for error in unreadable {
            warn!(%error, "skipped a favourite that could not be read");
        }
        Ok(accounts)
    }
}
