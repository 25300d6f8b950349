//! `jury join`, `jury leave` and `jury pool` (SPEC §10): a member enters or leaves the
//! Standing Jury's pool of volunteers, or asks its size. Answered by direct message.

use crate::commands::JuryRequest;
use crate::governance::effects::{PoolChange, Step};
use crate::governance::jury::PoolSource;
use crate::governance::messages::jury as words;
use crate::governance::proposal::Post;
use crate::governance::records::Records;
use crate::governance::settings::{Settings, Visibility};
use chrono::{DateTime, Utc};

pub(super) fn on_jury<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    request: JuryRequest,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    let Some(jury) = &settings.jury else {
        return Ok(dm(post, words::no_jury()));
    };
    if let PoolSource::Roster(accts) = &jury.pool {
        let text = match request {
            JuryRequest::Pool => words::roster_pool_size(accts.len()),
            JuryRequest::Join | JuryRequest::Leave => words::roster_pool_is_kept(accts.len()),
        };
        return Ok(dm(post, text));
    }
    let pool = records.jury_pool()?;
    let identity = &post.author.identity;
    let is_in = pool.contains_key(&identity.account_id);
    let step = match request {
        JuryRequest::Pool => dm(post, words::pool_size(pool.len(), is_in)),
        JuryRequest::Join if is_in => dm(post, words::already_in(pool.len())),
        JuryRequest::Join => match settings.membership.check(&post.author, now) {
            Err(why) => dm(post, words::cannot_join(&why.explanation())),
            Ok(()) => changed(
                dm(post, words::joined(pool.len() + 1)),
                PoolChange::Join {
                    account_id: identity.account_id.clone(),
                    acct: identity.acct.clone(),
                },
                &identity.acct,
                "joined the jury pool",
            ),
        },
        // Whoever is in may leave, even one who is no longer a member: leaving must
        // never be refused.
        JuryRequest::Leave if is_in => changed(
            dm(post, words::left(pool.len() - 1)),
            PoolChange::Leave {
                account_id: identity.account_id.clone(),
            },
            &identity.acct,
            "left the jury pool",
        ),
        JuryRequest::Leave => dm(post, words::not_in()),
    };
    Ok(step)
}

/// `step` with `change` written to the pool and said in the history.
fn changed(mut step: Step, change: PoolChange, acct: &str, event: &str) -> Step {
    step.pool.push(change);
    step.logged(None, Some(acct), event)
}

/// A private answer, whatever the request's visibility (SPEC §10: "answered by DM"), so
/// that who volunteers is not announced.
fn dm(post: &Post, text: String) -> Step {
    super::answer_as(post, text, Visibility::Direct)
}
