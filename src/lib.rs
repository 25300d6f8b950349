//! coopgov: a bot that lets the members of a Mastodon instance govern it together.
//!
//! - `governance`: the pure core (proposals, votes, rules, tally); no I/O, no clock.

pub mod governance;
