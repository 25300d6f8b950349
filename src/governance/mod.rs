//! The pure governance core: proposals, votes, eligibility, rules and the tally.
//!
//! Nothing here does I/O, reads the clock or awaits: time is always an argument,
//! and the runtime carries out the effects the core returns.

pub mod advice;
pub mod effects;
pub mod eligibility;
pub mod engine;
pub mod jury;
pub mod kept;
pub mod messages;
pub mod proposal;
pub mod purpose;
pub mod records;
pub mod reminders;
pub mod reports;
pub mod rules;
pub mod sealed;
pub mod settings;
pub mod terms;

pub use effects::{
    AuditEntry, Effect, EffectEvent, FollowUp, PoolChange, Step, UrgentCommand, VoteChange,
};
pub use proposal::{Author, Identity, Post, Proposal, Stage, StatusRef};
pub use purpose::Purpose;
pub use records::{Records, ThreadRecord};
pub use rules::{Method, Outcome, Quorum, Rule, Tally};
pub use settings::{Durations, Mode, Settings, Visibility};

pub use crate::model::{id_order, Action, ActionKind, Position, Severity};

#[cfg(test)]
pub(crate) mod tests;
