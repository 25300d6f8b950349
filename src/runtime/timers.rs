//! The core's timers, heard in one place: each due one is an event (a close, once its
//! ballot's thread is read as it is now; a thread that cannot be read is tried again
//! shortly).

use super::Bot;
use crate::backoff;
use crate::governance::engine::{self, Event, Timer};
use crate::governance::Records;
use chrono::{DateTime, Utc};
use tracing::{info, warn};

impl Bot {
    /// Hears every timer due at `now`, in the core's order.
    pub(super) async fn run_timers(&mut self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let proposals = self.store.proposals()?;
        // Before the closes: what they will cost is kept from everything else.
        self.keep_reserve_for_closes(&proposals, now)?;
        let closing_allowed = self.close_retry_at.is_none_or(|at| at <= now);
        if closing_allowed {
            self.close_retry_at = None;
        }
        for timer in engine::timers(&self.settings, &proposals, now) {
            let step = match timer {
                Timer::Close(number) if closing_allowed => match self.read_thread(number).await? {
                    Ok(thread) => {
                        let read = Event::ThreadRead {
                            number,
                            thread: &thread,
                        };
                        let step = engine::decide(&self.settings, &self.store, read, now)?;
                        info!(proposal = number, outcome = ?step.proposals.first().and_then(|p| p.closing()).map(|c| c.outcome), "proposal closed");
                        step
                    }
                    Err(budget_wait) => {
                        let retry = chrono::Duration::from_std(backoff::close_retry_delay())
                            .unwrap_or_default();
                        self.close_retry_at = Some(budget_wait.unwrap_or(now + retry));
                        continue;
                    }
                },
                Timer::Close(_) => continue,
                timer => engine::decide(&self.settings, &self.store, Event::Due(timer), now)?,
            };
            self.store.commit(&step, None, now)?;
            self.decided(super::handling::most_urgent(&step));
        }
        Ok(())
    }

    /// The thread of proposal `number`'s ballot as it is now; when it could not be read,
    /// the close is tried again when the budget allows (`Some`) or shortly (`None`).
    async fn read_thread(
        &mut self,
        number: u64,
    ) -> anyhow::Result<Result<crate::governance::ThreadRecord, Option<DateTime<Utc>>>> {
        let Some(proposal) = self.store.proposal_with_votes(number)? else {
            return Ok(Err(None));
        };
        let Some(ballot) = &proposal.ballot else {
            return Ok(Err(None));
        };
        // A sealed ballot is closed from the DM votes the bot recorded: its public thread
        // holds no vote, so it costs no request.
        if proposal.is_sealed() {
            return Ok(Ok(crate::governance::ThreadRecord::default()));
        }
        let recorded_in_thread = proposal
            .votes
            .values()
            .filter(|vote| vote.in_thread)
            .map(|vote| vote.status_id.as_str());
        let bot = &self.settings.membership.bot_account_id;
        match self
            .client
            .thread_record(&ballot.status_id, recorded_in_thread, bot)
            .await
        {
            Ok(record) => Ok(Ok(record)),
            Err(error) => {
                warn!(proposal = number, %error, "could not read the ballot's thread; will try again");
                Ok(Err(error.budget_wait()))
            }
        }
    }
}
