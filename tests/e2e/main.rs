//! End-to-end tests: the real `coopgov` binary against a real mastodon_mock server,
//! driven by members over HTTP. One test binary, shared helpers.

#[path = "../support/mod.rs"]
mod support;

mod budget;
mod following;
mod gotosocial;
mod governance_loop;
mod harness;
mod hostile;
mod jury;
mod list_reading;
mod operators;
mod publish;
mod reliability;
mod reports;
mod scenario;
mod sealed;
mod startup;
mod subscriptions;
mod unkind;
mod working_group;
