//! Tests of the pure core: the rules table, the engine's scenarios, and properties.

mod advice;
mod appeals;
mod engine;
mod events;
mod hostile;
mod jury;
mod jury_pool;
mod properties;
mod records;
mod reports;
mod rules;
mod sealed;
pub(crate) mod support;
mod urgent;
mod verify;
mod working_group;
