//! Closing due ballots: each thread read as it is now, then tallied by the core; a
//! thread that cannot be read is tried again shortly.

use super::{Bot, CLOSE_RETRY};
use crate::governance::{engine, Proposal, Records};
use chrono::{DateTime, Utc};
use tracing::{info, warn};

impl Bot {
    pub(super) async fn close_due(
        &mut self,
        proposals: &[Proposal],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.close_retry_at = None;
        for number in engine::due(proposals, now) {
            let Some(proposal) = self.store.proposal_with_votes(number)? else {
                continue;
            };
            let Some(ballot) = &proposal.ballot else {
                continue;
            };
            let recorded_in_thread = proposal
                .votes
                .values()
                .filter(|vote| vote.in_thread)
                .map(|vote| vote.status_id.as_str());
            let bot = &self.settings.membership.bot_account_id;
            let record = self
                .client
                .thread_record(&ballot.status_id, recorded_in_thread, bot)
                .await;
            match record {
                Ok(record) => {
                    let step = engine::close(&self.settings, &proposal, &record, now);
                    self.store.commit(&step, None, now)?;
                    info!(proposal = number, outcome = ?step.proposals.first().and_then(|p| p.closing()).map(|c| c.outcome), "proposal closed");
                }
                Err(error) => {
                    warn!(proposal = number, %error, "could not read the ballot's thread; will try again");
                    self.close_retry_at =
                        Some(now + chrono::Duration::from_std(CLOSE_RETRY).unwrap_or_default());
                }
            }
        }
        Ok(())
    }
}
