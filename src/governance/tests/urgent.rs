//! Urgent action (SPEC §11): the working group blocks at once, the members ratify it
//! or the earlier block is put back exactly.

use super::support::engine;
use super::support::*;
use crate::governance::engine as real;
use crate::governance::proposal::{Application, Earlier, Origin};
use crate::governance::settings::ServerTraits;
use crate::governance::{Effect, Mode, Outcome, Post, Purpose, Stage};
use crate::model::BlockState;

fn wg_dm(text: &str, id: u64) -> Post {
    let mut post = post(&member("wg", 50), id, text, None);
    post.direct = true;
    post
}

fn block(severity: &str, comment: &str) -> BlockState {
    BlockState {
        severity: severity.to_string(),
        public_comment: comment.to_string(),
        private_comment: "set by hand in 2025".to_string(),
        reject_media: true,
        reject_reports: false,
        obfuscate: true,
    }
}

/// The block each `SetBlock` effect asks for.
fn blocks_set(effects: &[Effect]) -> Vec<(Purpose, Option<BlockState>)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::SetBlock { purpose, block, .. } => Some((purpose.clone(), block.clone())),
            _ => None,
        })
        .collect()
}

/// `command` sent by the working group, the earlier block read, the provisional block
/// in force and the ballot posted as status "500".
fn acted(
    settings: &crate::governance::Settings,
    command: &str,
    earlier: Option<BlockState>,
) -> Memory {
    let mut memory = Memory::default();
    let step = engine::on_post(settings, &memory, &wg_dm(command, 90), t0());
    memory.apply(&step);
    let proposal = memory.one();
    memory.apply(&real::on_snapshot(&proposal, earlier, t0()));
    let proposal = memory.one();
    memory.apply(&real::on_provisional_block(
        settings,
        &proposal,
        Ok(()),
        t0(),
    ));
    memory.post_ballot_of_one(settings);
    memory
}

fn close_with(
    memory: &mut Memory,
    settings: &crate::governance::Settings,
    vote: &str,
) -> Vec<Effect> {
    let record = engine::ThreadRecord {
        replies: vec![post(&member("bob", 11), 600, vote, Some("500"))],
        favourited_by: vec![],
    };
    let step = engine::close(settings, &memory.one(), &record, t0() + days(2));
    memory.apply(&step)
}

#[test]
fn the_working_group_acts_at_once_and_the_ballot_follows_the_block() {
    let settings = settings();
    let mut memory = Memory::default();
    let step = engine::on_post(
        &settings,
        &memory,
        &wg_dm(
            "suspend now bad.example ongoing harassment of our members",
            90,
        ),
        t0(),
    );
    let effects = memory.apply(&step);
    let proposal = memory.one();
    assert!(matches!(proposal.origin, Origin::Ratification(_)));
    assert_eq!(proposal.rule, settings.ratify_rule);
    assert_eq!(proposal.closes_at, t0() + days(2), "urgent_min_duration");
    assert!(proposal.urgent);
    // First the block is read; no ballot yet.
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Snapshot { domain, .. } if domain == "bad.example")));
    assert!(!effects
        .iter()
        .any(|e| matches!(e.purpose(), Purpose::Ballot { .. })));
    assert!(first_post_text(&effects).contains("Acting now: suspend bad.example at once"));

    // The read: no block before. The provisional block names the ratification.
    let effects = memory.apply(&real::on_snapshot(&proposal, None, t0()));
    let [(Purpose::Provisional { number: 1 }, Some(provisional))] = &blocks_set(&effects)[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(provisional.severity, "suspend");
    assert!(provisional.public_comment.starts_with("Provisional:"));
    assert!(provisional.public_comment.contains("proposal #1"));

    // In force: the ballot goes up, saying what was done and what the vote decides.
    let effects = memory.apply(&real::on_provisional_block(
        &settings,
        &memory.one(),
        Ok(()),
        t0(),
    ));
    let ballot = first_post_text(&effects);
    assert!(
        ballot.starts_with("Proposal #1: suspend bad.example"),
        "{ballot}"
    );
    assert!(
        ballot.contains("Done at once by @\u{200B}wg: ongoing harassment"),
        "{ballot}"
    );
}

#[test]
fn a_ratification_that_fails_puts_back_exactly_what_was_there() {
    let settings = settings();
    let cases = [
        ("suspend now bad.example spam wave", None),
        (
            "suspend now bad.example spam wave",
            Some(block("silence", "limited in 2025 for spam")),
        ),
        (
            "silence now bad.example spam wave",
            Some(block("noop", "media rejected")),
        ),
    ];
    for (command, earlier) in cases {
        let mut memory = acted(&settings, command, earlier.clone());
        // One block, no override: the ratification is blocked.
        let effects = close_with(&mut memory, &settings, "block they were provoked");
        let closing = memory.one().closing().cloned().expect("closed");
        assert_eq!(closing.outcome, Outcome::Blocked, "{command}");
        assert_eq!(closing.application, Application::Pending);
        assert!(first_post_text(&effects).contains("Undoing the urgent action now"));
        let set = blocks_set(&effects);
        assert_eq!(
            set,
            vec![(Purpose::Apply { number: 1 }, earlier.clone())],
            "{command}"
        );

        // Done: announced in words.
        let step = engine::on_applied(&settings, &memory.one(), Ok(None), t0() + days(2));
        let text = first_post_text(&step.effects);
        match &earlier {
            None => assert!(text.contains("Undone: bad.example is unblocked"), "{text}"),
            Some(block) => assert!(
                text.contains(&format!("back under its earlier {} block", block.severity)),
                "{text}"
            ),
        }
    }
}

#[test]
fn a_ratification_that_passes_keeps_the_block_without_its_provisional_mark() {
    let settings = settings();
    let earlier = block("silence", "limited in 2025");
    let mut memory = acted(&settings, "suspend now bad.example raids", Some(earlier));
    let effects = close_with(&mut memory, &settings, "agree");
    assert_eq!(
        memory.one().closing().expect("closed").outcome,
        Outcome::Passed
    );
    let [(Purpose::Apply { number: 1 }, Some(kept))] = &blocks_set(&effects)[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(kept.severity, "suspend");
    assert!(kept
        .public_comment
        .starts_with("Decided by the members in proposal #1"));
    // The earlier block's other settings stay as they were.
    assert!(kept.reject_media && kept.obfuscate && !kept.reject_reports);
    let step = engine::on_applied(&settings, &memory.one(), Ok(None), t0() + days(2));
    assert!(first_post_text(&step.effects).contains("no longer marked provisional"));
}

#[test]
fn confirm_mode_does_not_hold_back_a_ratification_s_answer() {
    let settings = crate::governance::Settings {
        mode: Mode::Confirm,
        ..settings()
    };
    let mut memory = acted(&settings, "suspend now bad.example raids", None);
    let effects = close_with(&mut memory, &settings, "block no");
    assert_eq!(
        blocks_set(&effects),
        vec![(Purpose::Apply { number: 1 }, None)]
    );
}

#[test]
fn a_block_as_strict_already_in_place_changes_nothing_and_asks_nothing() {
    let settings = settings();
    let mut memory = Memory::default();
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &wg_dm("silence now bad.example spam", 90),
        t0(),
    ));
    let effects = memory.apply(&real::on_snapshot(
        &memory.one(),
        Some(block("suspend", "")),
        t0(),
    ));
    assert!(blocks_set(&effects).is_empty());
    assert!(first_post_text(&effects).contains("already under a suspend block"));
    let proposal = memory.one();
    assert_eq!(
        proposal.closing().expect("closed").outcome,
        Outcome::Cancelled
    );
    // Nothing to undo later.
    let Origin::Ratification(provisional) = &proposal.origin else {
        panic!()
    };
    assert_eq!(provisional.earlier, Earlier::Unknown);
}

#[test]
fn the_earlier_block_is_read_once_even_if_the_read_is_repeated() {
    let settings = settings();
    let memory = acted(&settings, "suspend now bad.example raids", None);
    // After a restart the snapshot's follow-up runs again and reads the provisional block.
    let again = real::on_snapshot(
        &memory.one(),
        Some(block("suspend", "Provisional: …")),
        t0(),
    );
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn a_provisional_block_that_cannot_be_set_asks_nothing_and_is_put_back() {
    let settings = settings();
    let mut memory = Memory::default();
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &wg_dm("suspend now bad.example raids", 90),
        t0(),
    ));
    memory.apply(&real::on_snapshot(&memory.one(), None, t0()));
    let effects = memory.apply(&real::on_provisional_block(
        &settings,
        &memory.one(),
        Err("the instance refused (403)".to_string()),
        t0(),
    ));
    assert!(!effects
        .iter()
        .any(|e| matches!(e.purpose(), Purpose::Ballot { .. })));
    assert!(first_post_text(&effects).contains("could not be carried out"));
    assert_eq!(
        blocks_set(&effects),
        vec![(Purpose::Apply { number: 1 }, None)]
    );
    assert_eq!(
        memory.one().closing().expect("closed").outcome,
        Outcome::Cancelled
    );
}

#[test]
fn a_failed_undo_after_a_failed_urgent_action_is_told_too() {
    let settings = settings();
    let mut memory = Memory::default();
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &wg_dm("suspend now bad.example raids", 90),
        t0(),
    ));
    memory.apply(&real::on_snapshot(&memory.one(), None, t0()));
    let first = memory.apply(&real::on_provisional_block(
        &settings,
        &memory.one(),
        Err("the instance refused (403)".to_string()),
        t0(),
    ));
    // Putting back what was there fails too: the working group hears of that as well.
    let second = memory.apply(&engine::on_applied(
        &settings,
        &memory.one(),
        Err("the instance refused (403)".to_string()),
        t0(),
    ));
    let told = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::Post { purpose, .. } if purpose.to_string().contains("failed-1-wg")))
            .count()
    };
    assert_eq!((told(&first), told(&second)), (1, 1));
}

#[test]
fn cancelling_a_ratification_undoes_the_urgent_action() {
    let settings = settings();
    let earlier = block("silence", "by hand");
    let mut memory = acted(
        &settings,
        "suspend now bad.example raids",
        Some(earlier.clone()),
    );
    let effects = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &wg_dm("cancel 1 we acted on a misunderstanding", 91),
        t0() + days(1),
    ));
    assert_eq!(
        blocks_set(&effects),
        vec![(Purpose::Apply { number: 1 }, Some(earlier))]
    );
    let closing = memory.one().closing().cloned().expect("closed");
    assert_eq!(closing.outcome, Outcome::Cancelled);
    assert_eq!(closing.application, Application::Pending);
}

#[test]
fn urgent_action_is_refused_where_it_cannot_or_must_not_act() {
    let refused = |settings: &crate::governance::Settings, post: &Post, memory: &Memory| {
        let step = engine::on_post(settings, memory, post, t0());
        assert!(step.proposals.is_empty(), "{:?}", post.text);
        first_post_text(&step.effects)
    };
    let settings = settings();
    let empty = Memory::default();
    let command = "suspend now bad.example raids";

    let mut public = wg_dm(command, 90);
    public.direct = false;
    assert!(refused(&settings, &public, &empty).contains("direct message"));
    let mut outsider = post(&member("bob", 11), 90, command, None);
    outsider.direct = true;
    assert!(refused(&settings, &outsider, &empty).contains("Only the working group"));

    let dry = crate::governance::Settings {
        mode: Mode::DryRun,
        ..settings.clone()
    };
    assert!(refused(&dry, &wg_dm(command, 90), &empty).contains("dry_run"));
    let gotosocial = crate::governance::Settings {
        server: ServerTraits {
            name: "GoToSocial".into(),
            can_silence: false,
        },
        ..settings.clone()
    };
    let silence = wg_dm("silence now bad.example raids", 90);
    assert!(refused(&gotosocial, &silence, &empty).contains("cannot limit"));
    let own = wg_dm("suspend now social.example oops", 90);
    assert!(refused(&settings, &own, &empty).contains("this instance itself"));

    let pending = acted(&settings, command, None);
    let again = refused(&settings, &wg_dm(command, 91), &pending);
    assert!(
        again.contains("Proposal #1 already puts an urgent action"),
        "{again}"
    );
    // The same command handled twice opens one proposal.
    assert!(engine::on_post(&settings, &pending, &wg_dm(command, 90), t0()).is_empty());
}

#[test]
fn the_urgent_action_stays_open_until_its_ballot_is_up() {
    let settings = settings();
    let memory = acted(&settings, "suspend now bad.example raids", None);
    assert_eq!(memory.one().stage, Stage::Open);
}

#[test]
fn a_ratification_ballot_fits_a_500_character_post_at_its_longest() {
    let settings = settings();
    let room = crate::governance::messages::room_for_ratification(&settings);
    // At its longest: a 30-character acct, a 40-character domain, proposal #9999.
    assert!(room >= 60, "{room}");
    // With a jury, whose line is read back by `verify`, the ballot still fits.
    let juried = with_jury(crate::governance::jury::PoolSource::Volunteers);
    let room = crate::governance::messages::room_for_ratification(&juried);
    assert!(room >= 0, "{room}");
}
