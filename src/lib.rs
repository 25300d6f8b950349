//! coopgov: a bot that lets the members of a Mastodon instance govern it together.
//!
//! - `commands`: status HTML → plain text → `Request`, or a `ParseError` whose Display is the reply.
//! - `config`: `bot.toml` read in two stages (raw serde → checked `Config`), errors with file:line.
//! - `model`: the shared vocabulary of the grammar and the core (positions, actions, id order).
//! - `governance`: the pure core (proposals, votes, rules, tally); no I/O, no clock.
//! - `mastodon`: the only module that knows the wire (JSON types, HTTP, streaming).
//! - `store`: the only module that knows sled (proposals, cursor, outbox).
//! - `runtime`: the event loop that feeds the core and carries out its effects.
//! - `demo`: `coopgov demo`, a one-minute vote on a throwaway local instance.
//! - `check`: `coopgov check`, the pre-flight checks.
//! - `login`: `coopgov login`, a least-privilege token in a private file.
//! - `verify`: `coopgov verify`, a decision recomputed from the public thread alone.
//! - `report`: `coopgov list`, `show` and `export`, read from the store.
//! - `query`: those questions asked of the running bot over a local socket, or of the store.
//! - `site`: the public record's pages, rendered from the proposals (pure).
//! - `publish`: the public record gathered, rendered and swapped into place whole.
//! - `startup`: what the bot learns of its instance before `run` and `check`.
//! - `advice`: other instances' lists read over HTTP(S), in every format, into the core's readings.
//! - `advise`: `coopgov advice`, what each subscribed list holds and what it would lead to.
//! - `backoff`: how long every retry loop waits before trying again.
//! - `secret`: the access token, never printed.

pub mod advice;
pub mod advise;
pub mod backoff;
pub mod check;
pub mod commands;
pub mod config;
pub mod demo;
pub mod governance;
pub mod login;
pub mod mastodon;
pub mod model;
pub mod publish;
pub mod query;
pub mod report;
pub mod runtime;
pub mod secret;
pub mod site;
pub mod startup;
pub mod store;
pub mod verify;

#[cfg(test)]
mod layers;
