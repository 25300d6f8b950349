//! What a step writes to the tables kept apart from the proposals' records (votes,
//! favourites, the jury pool): the keys are listed before the transaction, which then
//! writes them all with the rest of the step.

use super::backend::Backend;
use super::{encode, table, StoreError, Stored};
use crate::governance::{PoolChange, VoteChange};

/// Keys to set (`Some(value)`) or remove (`None`) in one table.
pub(super) type Writes = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// `<number BE><account id>`: a member's key under a proposal.
pub(super) fn member_key(number: u64, account_id: &str) -> Vec<u8> {
    let mut key = number.to_be_bytes().to_vec();
    key.extend_from_slice(account_id.as_bytes());
    key
}

/// The pool's keys: account id → acct, as `Records::jury_pool` reads them.
pub(super) fn pool_writes(changes: &[PoolChange]) -> Writes {
    changes
        .iter()
        .map(|change| match change {
            PoolChange::Join { account_id, acct } => (
                account_id.as_bytes().to_vec(),
                Some(acct.as_bytes().to_vec()),
            ),
            PoolChange::Leave { account_id } => (account_id.as_bytes().to_vec(), None),
        })
        .collect()
}

impl<B: Backend> Stored<B> {
    /// The keys a step's vote changes set (`Some`) or remove (`None`). A replacement
    /// removes the proposal's earlier keys first; they are listed before the transaction,
    /// which is safe because the bot is the store's only writer.
    pub(super) fn vote_writes(
        &self,
        changes: &[VoteChange],
    ) -> Result<(Writes, Writes), StoreError> {
        let (mut votes, mut favourites) = (Vec::new(), Vec::new());
        for change in changes {
            match change {
                VoteChange::Cast { number, vote } => {
                    votes.push((
                        member_key(*number, &vote.voter.account_id),
                        Some(encode(vote)),
                    ));
                }
                VoteChange::Withdraw { number, account_id } => {
                    votes.push((member_key(*number, account_id), None));
                }
                VoteChange::Favourite { number, voter } => {
                    favourites.push((member_key(*number, &voter.account_id), Some(encode(voter))));
                }
                VoteChange::Replace {
                    number,
                    votes: cast,
                    favourites: favoured,
                } => {
                    let prefix = number.to_be_bytes();
                    for (key, _) in self.backend.scan(table::VOTES, &prefix)? {
                        votes.push((key, None));
                    }
                    for (key, _) in self.backend.scan(table::FAVOURITES, &prefix)? {
                        favourites.push((key, None));
                    }
                    for (account_id, vote) in cast {
                        votes.push((member_key(*number, account_id), Some(encode(vote))));
                    }
                    for (account_id, voter) in favoured {
                        favourites.push((member_key(*number, account_id), Some(encode(voter))));
                    }
                }
            }
        }
        Ok((votes, favourites))
    }
}
