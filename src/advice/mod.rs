//! The edge that reads other instances' lists (SPEC §15): over HTTP(S) with every limit
//! (`fetch.rs`), in each format (`formats/`), and a FIRES dataset through its snapshot and
//! change feed from the kept cursor (`read.rs`). It turns what it read into the core's
//! `Reading`; what that leads to is the core's to decide.

pub mod fetch;
pub mod formats;
mod read;

pub use read::{read, ReadOptions};
