//! What the core reads (`Records`): a read that fails is the store's error, never an
//! empty answer, so a failing disk cannot renumber proposals or drop a vote from a tally.

use super::backend::Backend;
use super::writes::member_key;
use super::{decode, table, StoreError, Stored, NEXT_NUMBER};
use crate::governance::proposal::Vote;
use crate::governance::{Identity, Proposal, Records};
use std::collections::BTreeMap;

impl<B: Backend> Stored<B> {
    /// The proposal number a status id is indexed under in `table` (ballots, requests).
    fn number_in(&self, table: &str, status_id: &str) -> Result<Option<u64>, StoreError> {
        let Some(bytes) = self.backend.get(table, status_id.as_bytes())? else {
            return Ok(None);
        };
        let number = bytes.as_slice().try_into().map_err(|_| {
            StoreError::Corrupt(format!(
                "the index entry for status {status_id} is not a number"
            ))
        })?;
        Ok(Some(u64::from_be_bytes(number)))
    }

    /// How many favourites of proposal `number`'s ballot are counted.
    pub fn favourite_count(&self, number: u64) -> Result<usize, StoreError> {
        self.count_under(table::FAVOURITES, number)
    }

    /// How many members' votes on proposal `number` are recorded.
    pub fn vote_count(&self, number: u64) -> Result<usize, StoreError> {
        self.count_under(table::VOTES, number)
    }

    fn count_under(&self, table: &str, number: u64) -> Result<usize, StoreError> {
        Ok(self.backend.scan(table, &number.to_be_bytes())?.len())
    }

    /// Every value stored under a proposal in `table` (its votes, its favourites).
    fn read_all<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        number: u64,
    ) -> Result<Vec<T>, StoreError> {
        self.backend
            .scan(table, &number.to_be_bytes())?
            .iter()
            .map(|(_, value)| decode(value))
            .collect()
    }
}

impl<B: Backend> Records for Stored<B> {
    type Error = StoreError;

    fn proposal_with_votes(&self, number: u64) -> Result<Option<Proposal>, StoreError> {
        let Some(mut proposal) = self.proposal(number)? else {
            return Ok(None);
        };
        for vote in self.read_all::<Vote>(table::VOTES, number)? {
            proposal.votes.insert(vote.voter.account_id.clone(), vote);
        }
        for voter in self.read_all::<Identity>(table::FAVOURITES, number)? {
            proposal.favourites.insert(voter.account_id.clone(), voter);
        }
        Ok(Some(proposal))
    }

    fn vote(&self, number: u64, account_id: &str) -> Result<Option<Vote>, StoreError> {
        self.backend
            .get(table::VOTES, &member_key(number, account_id))?
            .map(|bytes| decode(&bytes))
            .transpose()
    }

    fn has_favourite(&self, number: u64, account_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .backend
            .get(table::FAVOURITES, &member_key(number, account_id))?
            .is_some())
    }

    fn answers_given(&self, account_id: &str, day: chrono::NaiveDate) -> Result<u32, StoreError> {
        let key = format!("{}/{account_id}", day.format("%Y-%m-%d"));
        match self.backend.get(table::ALLOWANCES, key.as_bytes())? {
            Some(bytes) => decode(&bytes),
            None => Ok(0),
        }
    }

    fn all_proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        self.proposals()
    }

    fn proposal(&self, number: u64) -> Result<Option<Proposal>, StoreError> {
        self.backend
            .get(table::PROPOSALS, &number.to_be_bytes())?
            .map(|bytes| decode(&bytes))
            .transpose()
    }

    fn proposal_by_ballot(&self, status_id: &str) -> Result<Option<Proposal>, StoreError> {
        match self.number_in(table::BALLOTS, status_id)? {
            Some(number) => self.proposal(number),
            None => Ok(None),
        }
    }

    fn proposal_by_request(&self, status_id: &str) -> Result<Option<u64>, StoreError> {
        self.number_in(table::REQUESTS, status_id)
    }

    fn jury_pool(&self) -> Result<BTreeMap<String, String>, StoreError> {
        Ok(self
            .backend
            .scan(table::JURY_POOL, &[])?
            .into_iter()
            .map(|(account_id, acct)| {
                (
                    String::from_utf8_lossy(&account_id).into_owned(),
                    String::from_utf8_lossy(&acct).into_owned(),
                )
            })
            .collect())
    }

    fn kept_value(&self, table: &'static str, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.backend.get(table, key.as_bytes())
    }

    fn kept_values(&self, table: &'static str) -> Result<Vec<Vec<u8>>, StoreError> {
        Ok(self
            .backend
            .scan(table, &[])?
            .into_iter()
            .map(|(_, value)| value)
            .collect())
    }

    fn next_number(&self) -> Result<u64, StoreError> {
        // No number stored yet is a new database: its first proposal is #1.
        match self.backend.get(table::META, NEXT_NUMBER)? {
            Some(bytes) => decode(&bytes),
            None => Ok(1),
        }
    }
}
