//! The working group's commands and the reminder, as the core decides them.

use super::support::engine;
use super::support::*;
use crate::governance::proposal::Application;
use crate::governance::{reminders, Effect, Mode, Outcome, Post, Visibility};

fn wg() -> crate::governance::Author {
    member("wg", 50)
}

fn dm(text: &str, id: u64) -> Post {
    let mut post = post(&wg(), id, text, None);
    post.direct = true;
    post
}

fn only_dm(effects: &[Effect]) -> String {
    match effects {
        [Effect::Post {
            visibility: Visibility::Direct,
            text,
            ..
        }] => text.clone(),
        other => panic!("expected one direct message, got {other:?}"),
    }
}

fn thread_posts(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Post {
                in_reply_to: Some(parent),
                text,
                ..
            } if parent == "500" => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn only_working_group_members_by_direct_message_are_obeyed() {
    let settings = settings();
    let memory = Memory::with_open_ballot(&settings);
    let mut outsider = post(&member("bob", 11), 90, "close 1", None);
    outsider.direct = true;
    let refused = engine::on_post(&settings, &memory, &outsider, t0());
    assert!(refused.proposals.is_empty());
    assert!(only_dm(&refused.effects).contains("Only the working group"));

    // Same name on another server, and a local account renamed to look alike: ids differ.
    let mut lookalike = member("wg@evil.example", 51);
    lookalike.identity.acct = "wg@evil.example".into();
    let mut remote = post(&lookalike, 91, "close 1", None);
    remote.direct = true;
    assert!(engine::on_post(&settings, &memory, &remote, t0())
        .proposals
        .is_empty());

    let public = post(&wg(), 92, "close 1", None);
    let asked = engine::on_post(&settings, &memory, &public, t0());
    assert!(asked.proposals.is_empty());
    assert!(only_dm(&asked.effects).contains("only by direct message"));

    let obeyed = engine::on_post(&settings, &memory, &dm("close 1", 93), t0() + days(1));
    assert_eq!(obeyed.proposals[0].closes_at, t0() + days(1));
    assert!(only_dm(&obeyed.effects).contains("Closing proposal #1"));
}

#[test]
fn extend_and_cancel_are_announced_in_the_thread() {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let step = engine::on_post(&settings, &memory, &dm("extend 1 2d", 93), t0());
    assert_eq!(step.proposals[0].closes_at, t0() + days(8));
    assert!(thread_posts(&step.effects)[0].contains("extended voting on proposal #1 by 2d"));
    memory.apply(&step);
    let too_long = engine::on_post(&settings, &memory, &dm("extend 1 30d", 94), t0());
    assert!(too_long.proposals.is_empty());
    assert!(only_dm(&too_long.effects).contains("at most 30d"));

    let step = engine::on_post(
        &settings,
        &memory,
        &dm("cancel 1 duplicate of #2", 95),
        t0(),
    );
    memory.apply(&step);
    assert!(
        thread_posts(&step.effects)[0].contains("cancelled by the working group: duplicate of #2")
    );
    assert!(
        !step
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Apply { .. })),
        "cancel applies nothing"
    );
    assert_eq!(
        memory.one().closing().map(|c| c.outcome),
        Some(Outcome::Cancelled)
    );
    let again = engine::on_post(&settings, &memory, &dm("cancel 1 again", 96), t0());
    assert!(only_dm(&again.effects).contains("nothing left to cancel"));
    let closed = engine::on_post(&settings, &memory, &dm("close 1", 97), t0());
    assert!(only_dm(&closed.effects).contains("only an open vote"));
}

#[test]
fn apply_in_confirm_mode_waits_for_the_working_group() {
    let mut settings = settings();
    settings.mode = Mode::Confirm;
    let mut memory = Memory::with_open_ballot(&settings);
    let early = engine::on_post(&settings, &memory, &dm("apply 1", 93), t0());
    assert!(only_dm(&early.effects).contains("still open"));
    let closing = memory.close_with_bob(&settings, "agree");
    assert!(super::support::first_post_text(&closing).contains("Waiting for the working group"));
    assert!(!closing.iter().any(|e| matches!(e, Effect::Apply { .. })));
    let step = engine::on_post(&settings, &memory, &dm("apply 1", 94), t0() + days(6));
    assert!(step
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Apply { .. } if e.key() == "apply-1-94")));
    memory.apply(&step);
    assert_eq!(
        memory.one().closing().map(|c| c.application.clone()),
        Some(Application::Pending)
    );
    let twice = engine::on_post(&settings, &memory, &dm("apply 1", 95), t0() + days(6));
    assert!(only_dm(&twice.effects).contains("being applied"));
    let missing = engine::on_post(&settings, &memory, &dm("apply 9", 96), t0());
    assert!(only_dm(&missing.effects).contains("no proposal #9"));
}

#[test]
fn apply_refuses_what_did_not_pass() {
    let mut settings = settings();
    settings.mode = Mode::Confirm;
    let mut memory = Memory::with_open_ballot(&settings);
    memory.close_with_bob(&settings, "disagree");
    let refused = engine::on_post(&settings, &memory, &dm("apply 1", 94), t0() + days(6));
    assert!(only_dm(&refused.effects).contains("did not pass (rejected)"));
}

#[test]
fn list_and_help_for_the_working_group() {
    let settings = settings();
    let memory = Memory::with_open_ballot(&settings);
    let list = engine::on_post(&settings, &memory, &dm("list", 93), t0());
    assert!(only_dm(&list.effects).contains("#1 suspend bad.example: open until"));
    let help = engine::on_post(&settings, &memory, &dm("help", 94), t0());
    assert!(only_dm(&help.effects).contains("extend <n> <duration>"));
    let member_help = engine::on_post(
        &settings,
        &memory,
        &post(&member("bob", 11), 95, "help", None),
        t0(),
    );
    assert!(!first_post_text(&member_help.effects).contains("extend"));
}

#[test]
fn the_reminder_comes_once_before_the_close() {
    let mut settings = settings();
    settings.reminder_before = Some(std::time::Duration::from_secs(86_400));
    let mut memory = Memory::with_open_ballot(&settings);
    let proposals: Vec<_> = memory.all_proposals();
    assert!(reminders::due(&settings, &proposals, t0() + days(4)).is_empty());
    let now = t0() + days(5) + chrono::Duration::hours(1);
    assert_eq!(reminders::due(&settings, &proposals, now), vec![1]);
    let effects = memory.apply(&reminders::remind(&settings, &memory.one(), now));
    assert!(
        thread_posts(&effects)[0].contains("closes in 23 hours"),
        "{effects:?}"
    );
    let proposals: Vec<_> = memory.all_proposals();
    assert!(reminders::due(&settings, &proposals, now).is_empty());
    assert!(reminders::remind(&settings, &memory.one(), now).is_empty());
}

#[test]
fn per_kind_rules_and_working_group_proposers() {
    let mut settings = settings();
    let majority = crate::governance::Rule {
        method: crate::governance::Method::Majority,
        ..crate::governance::Rule::social_coop()
    };
    settings
        .rules
        .insert(crate::governance::ActionKind::Motion, majority);
    let memory = Memory::default();
    let bob = member("bob", 11);
    let motion = engine::on_post(
        &settings,
        &memory,
        &post(&bob, 90, "propose motion we adopt a code", None),
        t0(),
    );
    assert_eq!(motion.proposals[0].rule, majority);
    let suspend = engine::on_post(
        &settings,
        &memory,
        &post(&bob, 91, "propose suspend x.example spam", None),
        t0(),
    );
    assert_eq!(
        suspend.proposals[0].rule,
        crate::governance::Rule::social_coop()
    );

    settings.proposers_working_group_only = true;
    let refused = engine::on_post(
        &settings,
        &memory,
        &post(&bob, 92, "propose suspend x.example spam", None),
        t0(),
    );
    assert!(refused.proposals.is_empty());
    assert!(first_post_text(&refused.effects).contains("Only the working group can open proposals"));
    let allowed = engine::on_post(
        &settings,
        &memory,
        &post(&wg(), 93, "propose suspend x.example spam", None),
        t0(),
    );
    assert_eq!(allowed.proposals.len(), 1);
}
