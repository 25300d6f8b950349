//! What the core reads (`Records`): a read that fails is the store's error, never an
//! empty answer, so a failing disk cannot renumber proposals or drop a vote from a tally.

use super::{decode, member_key, Store, StoreError, NEXT_NUMBER};
use crate::governance::proposal::Vote;
use crate::governance::reports::FiledReport;
use crate::governance::{Identity, Proposal, Records};
use std::collections::BTreeMap;

impl Store {
    /// The proposal number a status id is indexed under in `tree` (ballots, requests).
    fn number_in(&self, tree: &sled::Tree, status_id: &str) -> Result<Option<u64>, StoreError> {
        let Some(bytes) = tree.get(status_id.as_bytes())? else {
            return Ok(None);
        };
        let number = bytes.as_ref().try_into().map_err(|_| {
            StoreError::Corrupt(format!(
                "the index entry for status {status_id} is not a number"
            ))
        })?;
        Ok(Some(u64::from_be_bytes(number)))
    }
}

/// Every value stored under a proposal in `tree` (its votes, its favourites).
fn read_all<T: serde::de::DeserializeOwned>(
    tree: &sled::Tree,
    number: u64,
) -> Result<Vec<T>, StoreError> {
    tree.scan_prefix(number.to_be_bytes())
        .values()
        .map(|value| decode(&value?))
        .collect()
}

impl Records for Store {
    type Error = StoreError;

    fn proposal_with_votes(&self, number: u64) -> Result<Option<Proposal>, StoreError> {
        let Some(mut proposal) = self.proposal(number)? else {
            return Ok(None);
        };
        for vote in read_all::<Vote>(&self.votes, number)? {
            proposal.votes.insert(vote.voter.account_id.clone(), vote);
        }
        for voter in read_all::<Identity>(&self.favourites, number)? {
            proposal.favourites.insert(voter.account_id.clone(), voter);
        }
        Ok(Some(proposal))
    }

    fn vote(&self, number: u64, account_id: &str) -> Result<Option<Vote>, StoreError> {
        self.votes
            .get(member_key(number, account_id))?
            .map(|bytes| decode(&bytes))
            .transpose()
    }

    fn has_favourite(&self, number: u64, account_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .favourites
            .contains_key(member_key(number, account_id))?)
    }

    fn answers_given(&self, account_id: &str, day: chrono::NaiveDate) -> Result<u32, StoreError> {
        let key = format!("{}/{account_id}", day.format("%Y-%m-%d"));
        match self.allowances.get(key.as_bytes())? {
            Some(bytes) => decode(&bytes),
            None => Ok(0),
        }
    }

    fn all_proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        self.proposals()
    }

    fn proposal(&self, number: u64) -> Result<Option<Proposal>, StoreError> {
        self.proposals
            .get(number.to_be_bytes())?
            .map(|bytes| decode(&bytes))
            .transpose()
    }

    fn proposal_by_ballot(&self, status_id: &str) -> Result<Option<Proposal>, StoreError> {
        match self.number_in(&self.ballots, status_id)? {
            Some(number) => self.proposal(number),
            None => Ok(None),
        }
    }

    fn proposal_by_request(&self, status_id: &str) -> Result<Option<u64>, StoreError> {
        self.number_in(&self.requests, status_id)
    }

    fn jury_pool(&self) -> Result<BTreeMap<String, String>, StoreError> {
        self.jury_pool
            .iter()
            .map(|item| {
                let (account_id, acct) = item?;
                Ok((
                    String::from_utf8_lossy(&account_id).into_owned(),
                    String::from_utf8_lossy(&acct).into_owned(),
                ))
            })
            .collect()
    }

    fn filed_reports(&self) -> Result<BTreeMap<String, FiledReport>, StoreError> {
        self.reports
            .iter()
            .map(|item| {
                let (_, bytes) = item?;
                let report: FiledReport = decode(&bytes)?;
                Ok((report.id.clone(), report))
            })
            .collect()
    }

    fn next_number(&self) -> Result<u64, StoreError> {
        // No number stored yet is a new database: its first proposal is #1.
        match self.meta.get(NEXT_NUMBER)? {
            Some(bytes) => decode(&bytes),
            None => Ok(1),
        }
    }
}
