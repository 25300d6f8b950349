//! What the core reads of the stored proposals, and what the bot read of a ballot's thread.
//!
//! The core never writes: it returns a `Step`. A read that fails is an error the caller
//! must stop on, never "nothing there": taking a failed read for an empty record would
//! number a new proposal over #1, or drop a vote from a tally.

use super::kept::{decode, Kept, Unreadable};
use super::proposal::{Author, Post, Proposal, Vote};
use std::collections::BTreeMap;

/// Read access to the stored proposals.
pub trait Records {
    /// Why a read failed (the store's own error; a kept record that cannot be read is one).
    type Error: std::error::Error + Send + Sync + 'static + From<Unreadable>;

    /// Every proposal, in number order.
    fn all_proposals(&self) -> Result<Vec<Proposal>, Self::Error>;
    /// A proposal's record, without its votes (see `proposal_with_votes`).
    fn proposal(&self, number: u64) -> Result<Option<Proposal>, Self::Error>;
    /// A proposal with its votes and favourites loaded, for a tally.
    fn proposal_with_votes(&self, number: u64) -> Result<Option<Proposal>, Self::Error>;
    /// A member's current vote on a proposal.
    fn vote(&self, number: u64, account_id: &str) -> Result<Option<Vote>, Self::Error>;
    /// Whether a member's favourite of the ballot is recorded.
    fn has_favourite(&self, number: u64, account_id: &str) -> Result<bool, Self::Error>;
    /// The proposal whose ballot is `status_id`.
    fn proposal_by_ballot(&self, status_id: &str) -> Result<Option<Proposal>, Self::Error>;
    /// The number of the proposal that `status_id` asked for.
    fn proposal_by_request(&self, status_id: &str) -> Result<Option<u64>, Self::Error>;
    /// The number the next proposal takes.
    fn next_number(&self) -> Result<u64, Self::Error>;
    /// Answers the account was given on `day` (UTC).
    fn answers_given(&self, account_id: &str, day: chrono::NaiveDate) -> Result<u32, Self::Error>;
    /// The jury's volunteers (`jury join`): account id → acct.
    fn jury_pool(&self) -> Result<BTreeMap<String, String>, Self::Error>;
    /// The stored bytes of one record of a kept kind's table, by key.
    fn kept_value(&self, table: &'static str, key: &str) -> Result<Option<Vec<u8>>, Self::Error>;
    /// The stored bytes of every record of a kept kind's table, in key order.
    fn kept_values(&self, table: &'static str) -> Result<Vec<Vec<u8>>, Self::Error>;

    /// One kept record of kind `T`, by key.
    fn kept<T: Kept>(&self, key: &str) -> Result<Option<T>, Self::Error> {
        match self.kept_value(T::TABLE, key)? {
            Some(bytes) => Ok(Some(decode(&bytes)?)),
            None => Ok(None),
        }
    }

    /// Every kept record of kind `T`, by key.
    fn all_kept<T: Kept>(&self) -> Result<BTreeMap<String, T>, Self::Error> {
        let mut all = BTreeMap::new();
        for bytes in self.kept_values(T::TABLE)? {
            let record: T = decode(&bytes)?;
            all.insert(record.key(), record);
        }
        Ok(all)
    }
}

/// What the bot read of a ballot at closing time.
#[derive(Debug, Clone, Default)]
pub struct ThreadRecord {
    /// Statuses below the ballot (any depth; only direct replies are votes).
    pub replies: Vec<Post>,
    pub favourited_by: Vec<Author>,
}
