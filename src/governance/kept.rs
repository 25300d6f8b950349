//! Records the core keeps by key beside the proposals: members' reports today, the next
//! features' cursors and receipts tomorrow. A kind is declared by implementing `Kept`;
//! the store gives it a table of its own, named `Kept::TABLE`, a step keeps or forgets
//! one (`Step::keep`, `Step::forget`) in its one transaction, and `Records::kept` and
//! `Records::all_kept` read them back. Nothing else changes to add a kind.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A kind of record kept by key.
pub trait Kept: Serialize + DeserializeOwned {
    /// The table's name: fixed for ever, since databases hold it.
    const TABLE: &'static str;
    /// The record's key in its table.
    fn key(&self) -> String;
}

/// A record kept, or forgotten (`value: None`), as a step writes it: encoded here, so the
/// step stays plain data and the store writes the bytes as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptChange {
    pub table: &'static str,
    pub key: String,
    pub value: Option<Vec<u8>>,
}

impl KeptChange {
    pub fn keep<T: Kept>(record: &T) -> KeptChange {
        KeptChange {
            table: T::TABLE,
            key: record.key(),
            // Kept kinds are our own types: plain structs that always serialise.
            value: Some(serde_json::to_vec(record).expect("a kept record serialises")),
        }
    }

    pub fn forget<T: Kept>(key: &str) -> KeptChange {
        KeptChange {
            table: T::TABLE,
            key: key.to_string(),
            value: None,
        }
    }
}

/// A kept record whose stored bytes cannot be read back: never taken for "not there".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a record of {table} cannot be read ({detail})")]
pub struct Unreadable {
    pub table: &'static str,
    pub detail: String,
}

/// A kept record read back from its stored bytes.
pub fn decode<T: Kept>(bytes: &[u8]) -> Result<T, Unreadable> {
    serde_json::from_slice(bytes).map_err(|error| Unreadable {
        table: T::TABLE,
        detail: error.to_string(),
    })
}
