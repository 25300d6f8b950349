//! What `coopgov advice` reads of the store: what the bot knows of each subscribed list,
//! what it considered, and the proposals (without votes) the lists' advice is measured
//! against. It travels from the running bot over the socket, or is read from its store.

use crate::governance::advice::{Considered, Subscribed};
use crate::governance::{Proposal, Records};
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdviceRecords {
    pub subscribed: Vec<Subscribed>,
    pub considered: Vec<Considered>,
    pub proposals: Vec<Proposal>,
}

impl AdviceRecords {
    pub fn read(store: &Store) -> Result<AdviceRecords, StoreError> {
        Ok(AdviceRecords {
            subscribed: store.all_kept::<Subscribed>()?.into_values().collect(),
            considered: store.all_kept::<Considered>()?.into_values().collect(),
            proposals: store.proposals()?,
        })
    }
}
