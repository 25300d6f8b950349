//! Appeals (SPEC §11): who may appeal what, until when, once; and what reverses it.

use super::support::engine;
use super::support::*;
use crate::governance::engine::reversal;
use crate::governance::jury::{JuryCase, Seating, WhenShort};
use crate::governance::proposal::{Application, Closing, Earlier, Origin, Provisional};
use crate::governance::{Action, Outcome, Proposal, Rule, Settings, Stage};
use crate::model::BlockState;
use std::time::Duration;

fn appeals_on() -> Settings {
    Settings {
        appeals_within: Some(Duration::from_secs(30 * 86_400)),
        ..settings()
    }
}

fn jury(seating: Seating) -> JuryCase {
    JuryCase {
        size: 3,
        consent_within: Duration::from_secs(86_400),
        voting: Duration::from_secs(3 * 86_400),
        when_short: WhenShort::Members,
        members_rule: Rule::social_coop(),
        draw: None,
        seating,
    }
}

/// Proposal #1 (suspend bad.example) closed six days in with `outcome`, decided as
/// `shape` makes it.
fn decided(outcome: Outcome, shape: impl FnOnce(&mut Proposal)) -> Memory {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let mut proposal = memory.one();
    proposal.stage = Stage::Closed(Closing {
        outcome,
        tally: Default::default(),
        closed_at: t0() + days(6),
        block_reasons: Vec::new(),
        application: Application::NotNeeded,
        unseen: Default::default(),
        announcement: None,
        sealed: None,
    });
    shape(&mut proposal);
    memory.insert(proposal);
    memory
}

fn by_jury(proposal: &mut Proposal) {
    proposal.jury = Some(jury(Seating::Seated { at: t0() }));
}

fn appeal(
    settings: &Settings,
    memory: &Memory,
    text: &str,
    id: u64,
    days_in: i64,
) -> crate::governance::Step {
    let request = post(&member("carol", 12), id, text, None);
    engine::on_post(settings, memory, &request, t0() + days(days_in))
}

#[test]
fn a_jury_decision_is_appealed_to_all_members_once_within_the_time() {
    let settings = appeals_on();
    let mut memory = decided(Outcome::Passed, by_jury);
    let step = appeal(
        &settings,
        &memory,
        "appeal 1 the jury did not hear them",
        91,
        7,
    );
    memory.apply(&step);
    let appealed = memory.proposal(2).expect("an appeal opened");
    assert_eq!(appealed.origin, Origin::Appeal { of: 1 });
    assert_eq!(
        appealed.action,
        Action::Unblock {
            domain: "bad.example".into()
        }
    );
    assert!(appealed.jury.is_none(), "all members decide an appeal");
    assert!(
        appealed.reason.starts_with("Appeal of proposal #1"),
        "{}",
        appealed.reason
    );
    assert!(first_post_text(&step.effects).contains("Proposal #2: lift the block on bad.example"));

    let again = appeal(&settings, &memory, "appeal 1 me too", 92, 8);
    assert!(again.proposals.is_empty());
    assert!(first_post_text(&again.effects).contains("already appealed, in proposal #2"));
}

#[test]
fn only_jury_and_ratification_decisions_can_be_appealed_in_time() {
    let settings = appeals_on();
    let refused = |memory: &Memory, days_in: i64| {
        let step = appeal(&settings, memory, "appeal 1 unfair", 91, days_in);
        assert!(step.proposals.is_empty());
        first_post_text(&step.effects)
    };
    let members = decided(Outcome::Passed, |_| {});
    assert!(refused(&members, 7).contains("decided by all members"));
    let short = decided(Outcome::Passed, |p| {
        p.jury = Some(jury(Seating::Short { at: t0() }))
    });
    assert!(refused(&short, 7).contains("decided by all members"));
    let cancelled = decided(Outcome::Cancelled, by_jury);
    assert!(refused(&cancelled, 7).contains("cancelled"));
    let late = decided(Outcome::Passed, by_jury);
    assert!(refused(&late, 37).contains("ended on"));
    let open = Memory::with_open_ballot(&settings);
    assert!(refused(&open, 1).contains("not been decided yet"));
    let off = super::support::settings();
    let step = appeal(
        &off,
        &decided(Outcome::Passed, by_jury),
        "appeal 1 unfair",
        91,
        7,
    );
    assert!(first_post_text(&step.effects).contains("turned off"));
    let step = appeal(&settings, &Memory::default(), "appeal 9 unfair", 91, 7);
    assert!(first_post_text(&step.effects).contains("no proposal #9"));
    // An account of another server is told it cannot appeal, not that it cannot propose.
    let outsider = post(
        &member("carol@elsewhere.example", 99),
        93,
        "appeal 1 unfair",
        None,
    );
    let step = engine::on_post(&settings, &late, &outsider, t0() + days(7));
    let said = first_post_text(&step.effects);
    assert!(said.contains("You cannot appeal a decision:"), "{said}");
}

#[test]
fn the_reversal_undoes_what_the_decision_did_on_the_instance() {
    let domain = || "bad.example".to_string();
    let ratified = |earlier: Earlier| {
        move |p: &mut Proposal| {
            p.origin = Origin::Ratification(Provisional {
                actor: member("wg", 50).identity,
                earlier,
            })
        }
    };
    let silence = BlockState {
        severity: crate::model::Severity::Silence,
        public_comment: String::new(),
        private_comment: String::new(),
        reject_media: false,
        reject_reports: false,
        obfuscate: false,
    };
    let cases: Vec<(Memory, Action)> = vec![
        (
            decided(Outcome::Passed, by_jury),
            Action::Unblock { domain: domain() },
        ),
        (
            decided(Outcome::Rejected, by_jury),
            Action::Suspend { domain: domain() },
        ),
        (
            decided(Outcome::Passed, ratified(Earlier::Unblocked)),
            Action::Unblock { domain: domain() },
        ),
        (
            decided(Outcome::Passed, ratified(Earlier::Blocked(silence))),
            Action::Silence { domain: domain() },
        ),
        (
            decided(Outcome::Blocked, ratified(Earlier::Unblocked)),
            Action::Suspend { domain: domain() },
        ),
        (
            decided(Outcome::Passed, |p| {
                by_jury(p);
                p.action = Action::Unblock { domain: domain() };
            }),
            Action::Suspend { domain: domain() },
        ),
        (
            decided(Outcome::Passed, |p| {
                by_jury(p);
                p.action = Action::Motion;
            }),
            Action::Motion,
        ),
    ];
    for (memory, expected) in cases {
        let proposal = memory.one();
        assert_eq!(
            reversal(&proposal),
            expected,
            "{:?} {:?}",
            proposal.action,
            proposal.closing().map(|c| c.outcome)
        );
    }
}
