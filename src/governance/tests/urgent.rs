//! Urgent action (SPEC §11): the working group blocks at once, the members ratify it
//! or the earlier block is put back exactly.

use super::support::engine;
use super::support::*;
use crate::governance::engine as real;
use crate::governance::proposal::{Application, Earlier, Origin};
use crate::governance::settings::ServerTraits;
use crate::governance::{Effect, Mode, Outcome, Post, Purpose, Stage, UrgentCommand};
use crate::model::{BlockState, Severity};

fn wg_dm(text: &str, id: u64) -> Post {
    let mut post = post(&member("wg", 50), id, text, None);
    post.direct = true;
    post
}

fn block(severity: &str, comment: &str) -> BlockState {
    BlockState {
        severity: Severity::from_name(severity).expect("a severity"),
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

/// The working group's `command` in direct message `id`, as the engine keeps it: nothing
/// is opened before the domain's block is read.
fn commanded(
    settings: &crate::governance::Settings,
    memory: &mut Memory,
    command: &str,
    id: u64,
) -> UrgentCommand {
    let effects = memory.apply(&engine::on_post(
        settings,
        memory,
        &wg_dm(command, id),
        t0(),
    ));
    assert!(
        (memory.proposal_count() == 0),
        "nothing opens before the read"
    );
    effects
        .iter()
        .find_map(|effect| match effect {
            Effect::ActNow { command, .. } => Some(command.clone()),
            _ => None,
        })
        .expect("the domain's block is read first")
}

/// The domain's block read for `command`: `earlier`, or none.
fn read(
    settings: &crate::governance::Settings,
    memory: &mut Memory,
    command: &UrgentCommand,
    earlier: Option<BlockState>,
) -> Vec<Effect> {
    let step = infallible(real::on_block_read(
        settings,
        memory,
        command,
        earlier,
        t0(),
    ));
    memory.apply(&step)
}

/// `command` sent by the working group, the earlier block read, the provisional block
/// in force and the ballot posted as status "500".
fn acted(
    settings: &crate::governance::Settings,
    command: &str,
    earlier: Option<BlockState>,
) -> Memory {
    let mut memory = Memory::default();
    let command = commanded(settings, &mut memory, command, 90);
    read(settings, &mut memory, &command, earlier);
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
    // First the block is read: nothing is opened or answered before.
    let command = commanded(
        &settings,
        &mut memory,
        "suspend now bad.example ongoing harassment of our members",
        90,
    );
    assert_eq!(command.action.domain(), Some("bad.example"));

    // The read: no block before. The ratification opens, knowing what to put back, and the
    // provisional block names it.
    let effects = read(&settings, &mut memory, &command, None);
    let proposal = memory.one();
    assert!(matches!(
        &proposal.origin,
        Origin::Ratification(provisional) if provisional.earlier == Earlier::Unblocked
    ));
    assert_eq!(proposal.rule, settings.ratify_rule);
    assert_eq!(proposal.closes_at, t0() + days(2), "urgent_min_duration");
    assert!(proposal.urgent);
    assert!(!effects
        .iter()
        .any(|e| matches!(e.purpose(), Purpose::Ballot { .. })));
    assert!(first_post_text(&effects).contains("Acting now: suspend bad.example at once"));
    let [(Purpose::Provisional { number: 1 }, Some(provisional))] = &blocks_set(&effects)[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(provisional.severity, Severity::Suspend);
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
        ballot.starts_with(
            "Proposal #1: ratify suspend bad.example\nDone at once by @\u{200B}wg: ongoing harassment of our members\nAgree keeps it; if this vote fails, it is undone."
        ),
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
    assert_eq!(kept.severity, Severity::Suspend);
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
fn a_block_as_strict_already_in_place_changes_nothing_and_opens_nothing() {
    let settings = settings();
    for (command, earlier) in [
        ("silence now bad.example spam", "silence"),
        ("silence now bad.example spam", "suspend"),
        ("suspend now bad.example spam", "suspend"),
    ] {
        let mut memory = Memory::default();
        let urgent = commanded(&settings, &mut memory, command, 90);
        let effects = read(&settings, &mut memory, &urgent, Some(block(earlier, "")));
        // One answer, nothing else: no block set, no proposal, no number used.
        assert_eq!(effects.len(), 1, "{effects:?}");
        assert_eq!(
            first_post_text(&effects),
            format!("@wg Nothing was changed: bad.example is already under a {earlier} block, as strict or stricter than you asked ({}). No proposal was opened.", crate::governance::messages::action_phrase(&urgent.action))
        );
        assert!((memory.proposal_count() == 0));
        let request = post(&member("alice", 10), 95, "propose motion a code", None);
        memory.apply(&engine::on_post(&settings, &memory, &request, t0()));
        assert_eq!(memory.one().number, 1, "the number was not used");
    }
}

/// Two urgent commands on one domain, both read before either opened: the second is
/// refused once the first has opened its ratification.
#[test]
fn two_urgent_commands_on_one_domain_open_one_ratification() {
    let settings = settings();
    let mut memory = Memory::default();
    let first = commanded(&settings, &mut memory, "suspend now bad.example raids", 90);
    let second = commanded(&settings, &mut memory, "silence now bad.example raids", 91);
    read(&settings, &mut memory, &first, None);
    let effects = read(&settings, &mut memory, &second, None);
    assert!(blocks_set(&effects).is_empty());
    assert!(first_post_text(&effects).contains("Proposal #1 already puts an urgent action"));
    assert_eq!(memory.proposal_count(), 1);
}

/// An outbox entry from a version that opened the ratification before the read is
/// still carried out: the read fills in the earlier block and the provisional block follows.
#[test]
fn a_read_enqueued_by_an_earlier_version_still_sets_the_provisional_block() {
    let settings = settings();
    let memory = acted(&settings, "suspend now bad.example raids", None);
    let mut earlier_version = memory.one();
    earlier_version.stage = Stage::Opening;
    if let Origin::Ratification(provisional) = &mut earlier_version.origin {
        provisional.earlier = Earlier::Unknown;
    }
    let step = real::on_snapshot(&earlier_version, None, t0());
    assert!(matches!(
        &blocks_set(&step.effects)[..],
        [(Purpose::Provisional { number: 1 }, Some(_))]
    ));
}

#[test]
fn the_earlier_block_is_read_once_even_if_the_read_is_repeated() {
    let settings = settings();
    let mut memory = Memory::default();
    let command = commanded(&settings, &mut memory, "suspend now bad.example raids", 90);
    read(&settings, &mut memory, &command, None);
    // After a restart the read runs again and finds the provisional block: nothing more.
    let again = read(
        &settings,
        &mut memory,
        &command,
        Some(block("suspend", "Provisional: …")),
    );
    assert!(again.is_empty(), "{again:?}");
    assert!(matches!(
        &memory.one().origin,
        Origin::Ratification(provisional) if provisional.earlier == Earlier::Unblocked
    ));
}

#[test]
fn a_provisional_block_that_cannot_be_set_asks_nothing_and_is_put_back() {
    let settings = settings();
    let mut memory = Memory::default();
    let command = commanded(&settings, &mut memory, "suspend now bad.example raids", 90);
    read(&settings, &mut memory, &command, None);
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
    let command = commanded(&settings, &mut memory, "suspend now bad.example raids", 90);
    read(&settings, &mut memory, &command, None);
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
    assert!(refused(&settings, &outsider, &empty)
        .contains("Only the working group can use “suspend now”"));

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
