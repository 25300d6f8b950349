//! Carries out the effects in the durable outbox, in order, each at most once.

use crate::backoff;
use crate::governance::engine::{self, Done, Event};
use crate::governance::{messages, Effect, EffectEvent, Purpose, Records, Settings, Step};
use crate::mastodon::blocks::Refusals;
use crate::mastodon::posts::Posted;
use crate::mastodon::rate_limit::Priority;
use crate::mastodon::{ApiError, Capabilities, Client, NewStatus};
use crate::store::{OutboxEntry, Store, StoreError};
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicBool, Ordering};
use tracing::{error, info, warn};

/// How much an effect matters when the request budget runs short: the decisions
/// (ballots, results, admin calls and their announcements) and what the working group
/// must hear first, receipts last.
pub fn priority(effect: &Effect) -> Priority {
    match effect {
        // A passed batch's entries are blocked one by one, three requests each: they
        // spend above the closes' share, so fifty of them never make a close late.
        Effect::Apply {
            purpose: Purpose::AdoptEntry { .. },
            ..
        } => Priority::Answer,
        Effect::Apply { .. }
        | Effect::Snapshot { .. }
        | Effect::ActNow { .. }
        | Effect::SetBlock { .. } => Priority::Critical,
        Effect::Resolve { .. } => Priority::Answer,
        Effect::Favourite { .. } => Priority::Receipt,
        Effect::Post { purpose, .. }
            if purpose.is_decision() || tells_the_working_group(purpose) =>
        {
            Priority::Critical
        }
        Effect::Post { .. } => Priority::Answer,
    }
}

/// Posts only the working group receives: a case file, an action that failed, a list's
/// failure.
fn tells_the_working_group(purpose: &Purpose) -> bool {
    matches!(
        purpose,
        Purpose::CaseFile { .. }
            | Purpose::ApplyFailed { .. }
            | Purpose::ActFailed { .. }
            | Purpose::AdviceNotice { .. }
    )
}

/// Why an effect could not be completed: the instance's answer, or the store failing to
/// read what follows from it.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How a pass over the outbox ended.
enum Pass {
    /// Every effect of the pass was done (or dropped for good).
    Done,
    /// Stopped early: for shutdown (`None`) or until a retry or budget time.
    Halted(Option<Wait>),
}

/// Why the outbox stopped: an effect of `priority` waits until `at` (a retry, or the
/// request budget). Until then only a new effect of a higher priority can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub at: DateTime<Utc>,
    pub priority: Priority,
}

pub struct Outbox<'a> {
    pub store: &'a Store,
    pub client: &'a Client,
    pub capabilities: Capabilities,
    pub settings: &'a Settings,
    pub store_id: &'a str,
}

impl Outbox<'_> {
    /// Runs the due effects, most important first and in the order they were decided
    /// within each priority; stops at the first that must wait, so a thread's posts never
    /// overtake each other, and when `stop` is set. Returns when to try again, if anything
    /// had to wait.
    pub async fn run(&self, now: DateTime<Utc>, stop: &AtomicBool) -> anyhow::Result<Option<Wait>> {
        // Effects done here may decide new ones (a ballot's link, an application's
        // announcement): go round until the outbox is empty or something must wait.
        loop {
            // Whatever is about to happen on the instance is on disk first.
            self.store.flush()?;
            let mut pending = self.store.pending_effects()?;
            if pending.is_empty() {
                return Ok(None);
            }
            pending.sort_by_key(|(seq, entry)| (priority(&entry.effect), *seq));
            if let Pass::Halted(wait) = self.run_pass(pending, now, stop).await? {
                return Ok(wait);
            }
        }
    }

    /// One pass over `pending`, in its order.
    async fn run_pass(
        &self,
        pending: Vec<(u64, OutboxEntry)>,
        now: DateTime<Utc>,
        stop: &AtomicBool,
    ) -> anyhow::Result<Pass> {
        let mut dropped = 0;
        let pass = self.run_effects(pending, now, stop, &mut dropped).await;
        if dropped > 0 {
            info!(
                dropped,
                "receipts for ballots that have closed were dropped unsent"
            );
        }
        pass
    }

    /// Whether `effect` is a receipt whose ballot has closed, so no longer worth a request.
    fn outlived(&self, effect: &Effect) -> Result<bool, StoreError> {
        let Effect::Favourite {
            ballot: Some(number),
            ..
        } = effect
        else {
            return Ok(false);
        };
        Ok(self
            .store
            .proposal(*number)?
            .is_some_and(|proposal| !proposal.is_open()))
    }

    async fn run_effects(
        &self,
        pending: Vec<(u64, OutboxEntry)>,
        now: DateTime<Utc>,
        stop: &AtomicBool,
        dropped: &mut u64,
    ) -> anyhow::Result<Pass> {
        for (seq, entry) in pending {
            if stop.load(Ordering::SeqCst) {
                return Ok(Pass::Halted(None));
            }
            let priority = priority(&entry.effect);
            let halt = |at| Ok(Pass::Halted(Some(Wait { at, priority })));
            if let Some(at) = entry.not_before.filter(|at| *at > now) {
                return halt(at);
            }
            if self.outlived(&entry.effect)? {
                let done = Step::default().logged(
                    entry.effect.proposal(),
                    None,
                    EffectEvent::Dropped {
                        key: &entry.effect.key(),
                    }
                    .to_string(),
                );
                self.store.complete_effect(seq, &done, now)?;
                *dropped += 1;
                continue;
            }
            let client = self.client.at(priority);
            if let Some(until) = client.budget_wait() {
                return halt(until);
            }
            // An earlier attempt at this post may have reached the server; this one might.
            let sent_before = entry.sent_at;
            let entry = if matches!(entry.effect, Effect::Post { .. }) && sent_before.is_none() {
                let marked = OutboxEntry {
                    sent_at: Some(Utc::now()),
                    ..entry
                };
                self.store.reschedule_effect(seq, &marked)?;
                self.store.flush()?;
                marked
            } else {
                entry
            };
            match self.execute(&client, &entry.effect, sent_before, now).await {
                Ok(follow_up) => {
                    let done = follow_up.logged(
                        entry.effect.proposal(),
                        None,
                        EffectEvent::Done {
                            key: &entry.effect.key(),
                        }
                        .to_string(),
                    );
                    self.store.complete_effect(seq, &done, now)?
                }
                Err(Failure::Store(error)) => {
                    // What was asked of the instance will be found again (a post by its
                    // earlier attempt, a block by looking it up); only what follows from
                    // it could not be read from the store, so the whole effect is retried.
                    let wait = self.retry(seq, entry, None, now, &error)?;
                    return halt(wait);
                }
                Err(Failure::Api(ApiError::OverBudget { until })) => {
                    // Not sent: no attempt spent, and the client has logged the wait.
                    return halt(until);
                }
                Err(Failure::Api(failure)) if failure.is_transient() => {
                    let reset = failure.budget_wait();
                    let wait = self.retry(seq, entry, reset, now, &failure)?;
                    return halt(wait);
                }
                Err(Failure::Api(failure)) => {
                    error!(effect = %entry.effect.purpose(), error = %failure, advice = failure.advice(), "effect failed permanently");
                    let follow_up = self
                        .on_permanent_failure(&entry.effect, &failure, now)?
                        .logged(
                            entry.effect.proposal(),
                            None,
                            EffectEvent::Failed {
                                key: &entry.effect.key(),
                                error: &failure.to_string(),
                            }
                            .to_string(),
                        );
                    self.store.complete_effect(seq, &follow_up, now)?;
                }
            }
        }
        Ok(Pass::Done)
    }

    /// Puts `entry` back to be tried again at `reset`, or after a delay that grows with
    /// its attempts; returns when.
    fn retry(
        &self,
        seq: u64,
        entry: OutboxEntry,
        reset: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        failure: &dyn std::fmt::Display,
    ) -> Result<DateTime<Utc>, StoreError> {
        let attempts = entry.attempts + 1;
        let wait = backoff::retry_at(attempts, reset, now);
        warn!(effect = %entry.effect.purpose(), attempts, error = %failure, retry_at = %wait, "effect failed; will retry");
        let retry = OutboxEntry {
            attempts,
            not_before: Some(wait),
            ..entry
        };
        self.store.reschedule_effect(seq, &retry)?;
        Ok(wait)
    }

    /// Carries out `effect`; a post first sent at `sent_before` is looked for on the
    /// server before it is sent again.
    async fn execute(
        &self,
        client: &Client,
        effect: &Effect,
        sent_before: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Step, Failure> {
        match effect {
            Effect::Post {
                purpose,
                text,
                visibility,
                in_reply_to,
                then,
            } => {
                let idempotency_key = format!("coopgov-{}-{purpose}", self.store_id);
                // The core writes to fit; this guards against a server with a smaller limit
                // than it said, since an over-long post is refused whole.
                let text = messages::shorten(text, self.settings.max_characters);
                let post = NewStatus {
                    text: &text,
                    visibility: *visibility,
                    in_reply_to_id: in_reply_to.as_deref(),
                    idempotency_key: &idempotency_key,
                };
                let bot = &self.settings.membership.bot_account_id;
                let status = match client.post_once(&post, bot, sent_before).await? {
                    Posted::Found(status) => {
                        info!(effect = %purpose, status = %status.status_id, "an earlier attempt was posted; adopted, not posted again");
                        status
                    }
                    Posted::Sent(status) => {
                        info!(effect = %purpose, status = %status.status_id, "posted");
                        status
                    }
                };
                match then {
                    Some(follow_up) => self.heard(
                        Done::Posted {
                            follow_up,
                            status: &status,
                        },
                        now,
                    ),
                    None => Ok(Step::default()),
                }
            }
            Effect::Favourite { status_id, .. } => {
                client.favourite(status_id).await?;
                Ok(Step::default())
            }
            Effect::ActNow { command, .. } => {
                let Some(domain) = command.action.domain() else {
                    return Ok(Step::default());
                };
                let earlier = client.block_state(domain, &self.capabilities).await?;
                let earlier = earlier.as_ref();
                self.heard(Done::BlockRead { command, earlier }, now)
            }
            Effect::Snapshot { number, domain, .. } => {
                let earlier = client.block_state(domain, &self.capabilities).await?;
                let (number, earlier) = (*number, earlier.as_ref());
                self.heard(Done::Snapshot { number, earlier }, now)
            }
            Effect::SetBlock {
                purpose,
                number,
                domain,
                block,
            } => {
                self.client
                    .set_block(domain, block.as_ref(), &self.capabilities)
                    .await?;
                info!(proposal = number, %domain, block = ?block.as_ref().map(|b| &b.severity), "domain block set");
                let set = Done::BlockSet {
                    purpose,
                    number: *number,
                    result: Ok(()),
                };
                self.heard(set, now)
            }
            Effect::Resolve {
                report_id, comment, ..
            } => {
                self.client
                    .resolve_report(report_id, Some(comment), &self.capabilities)
                    .await?;
                Ok(Step::default())
            }
            Effect::Apply {
                purpose,
                number,
                action,
                public_comment,
                private_comment,
                reject_media,
                reject_reports,
                ..
            } => {
                let refusals = Refusals {
                    reject_media: *reject_media,
                    reject_reports: *reject_reports,
                };
                let stricter = self
                    .client
                    .carry_out(
                        action,
                        public_comment,
                        private_comment,
                        refusals,
                        &self.capabilities,
                    )
                    .await?;
                info!(proposal = number, action = ?action, "decision applied");
                let applied = match purpose {
                    Purpose::AdoptEntry { domain, .. } => Done::EntryApplied {
                        number: *number,
                        domain,
                        result: Ok(()),
                    },
                    _ => Done::Applied {
                        number: *number,
                        result: Ok(stricter),
                    },
                };
                self.heard(applied, now)
            }
        }
    }

    /// What the core decides on hearing how an effect ended.
    fn heard(&self, done: Done, now: DateTime<Utc>) -> Result<Step, Failure> {
        Ok(engine::decide(
            self.settings,
            self.store,
            Event::Done(done),
            now,
        )?)
    }

    /// What the core decides when an effect failed for good: told as it ended.
    fn on_permanent_failure(
        &self,
        effect: &Effect,
        failure: &ApiError,
        now: DateTime<Utc>,
    ) -> Result<Step, StoreError> {
        let reason = format!("{failure}. {}", failure.advice());
        let done = match effect {
            Effect::SetBlock {
                purpose, number, ..
            } => Done::BlockSet {
                purpose,
                number: *number,
                result: Err(&reason),
            },
            Effect::ActNow { command, .. } => Done::BlockUnreadable {
                command,
                reason: &reason,
            },
            Effect::Apply {
                purpose: Purpose::AdoptEntry { domain, .. },
                number,
                ..
            } => Done::EntryApplied {
                number: *number,
                domain,
                result: Err(&reason),
            },
            Effect::Apply { number, .. } => Done::Applied {
                number: *number,
                result: Err(&reason),
            },
            // A refused post or favourite (its status deleted, say) is logged and dropped.
            _ => return Ok(Step::default()),
        };
        engine::decide(self.settings, self.store, Event::Done(done), now)
    }
}
