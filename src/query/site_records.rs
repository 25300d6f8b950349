//! What the public site is made of, read from the store: it travels from the running bot
//! to `coopgov publish` over the socket, or is read from a stopped bot's store.

use crate::governance::proposal::Vote;
use crate::governance::{Identity, Position, Proposal, Records, Stage};
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};

/// What the site is made of from the store, as it travels from the running bot to
/// `coopgov publish`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteRecords {
    /// The bot's acct as it last started; `None` in a store no bot of this version ran on.
    pub bot_acct: Option<String>,
    /// Every proposal, in number order.
    pub proposals: Vec<RecordedProposal>,
}

/// A proposal with its votes, which the store keeps apart and a proposal's own
/// serialisation leaves out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedProposal {
    pub proposal: Proposal,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<Vote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub favourites: Vec<Identity>,
}

impl From<Proposal> for RecordedProposal {
    fn from(mut proposal: Proposal) -> RecordedProposal {
        RecordedProposal {
            votes: std::mem::take(&mut proposal.votes).into_values().collect(),
            favourites: std::mem::take(&mut proposal.favourites)
                .into_values()
                .collect(),
            proposal,
        }
    }
}

impl From<RecordedProposal> for Proposal {
    fn from(recorded: RecordedProposal) -> Proposal {
        let mut proposal = recorded.proposal;
        for vote in recorded.votes {
            proposal.votes.insert(vote.voter.account_id.clone(), vote);
        }
        for voter in recorded.favourites {
            proposal.favourites.insert(voter.account_id.clone(), voter);
        }
        proposal
    }
}

/// An open sealed ballot's votes as a page may know them: that they were cast, not how.
/// Only their number leaves the store.
fn seal(proposal: &mut Proposal) {
    for vote in proposal.votes.values_mut() {
        vote.position = Position::Abstain;
        vote.reason.clear();
        vote.receipt = None;
        vote.status_id.clear();
    }
}

impl SiteRecords {
    /// Every proposal, with the votes of those not yet closed (a closed one's tally is in
    /// its record). Who was told that their vote did not count is left out: no page
    /// needs it, so it never leaves the store this way.
    pub fn read(store: &Store) -> Result<SiteRecords, StoreError> {
        let mut proposals = Vec::new();
        for proposal in store.proposals()? {
            let mut proposal = match proposal.stage {
                Stage::Closed(_) => proposal,
                // Proposals are never removed: `None` cannot follow the listing.
                _ => store
                    .proposal_with_votes(proposal.number)?
                    .unwrap_or(proposal),
            };
            proposal.explained.clear();
            if proposal.is_sealed() {
                seal(&mut proposal);
            }
            proposals.push(RecordedProposal::from(proposal));
        }
        Ok(SiteRecords {
            bot_acct: store.bot_acct()?,
            proposals,
        })
    }
}
