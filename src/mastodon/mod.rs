//! The only module that knows the wire: JSON types, HTTP, streaming, megalodon.

pub mod account;
pub mod blocks;
pub mod client;
pub mod convert;
pub mod error;
pub mod events;
pub mod oauth;
pub mod posts;
pub mod rate_limit;
pub mod reports;
pub mod server;
pub mod streaming;
pub mod thread;
pub mod types;

pub use crate::model::id_order;
pub use account::BotAccount;
pub use blocks::{BlockRequest, BlockResult};
pub use client::{Client, NewStatus};
pub use error::ApiError;
pub use server::{Capabilities, Software};

#[cfg(test)]
mod fixtures;
