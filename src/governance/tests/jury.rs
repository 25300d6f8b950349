//! A case the Standing Jury decides, as its members meet it: the ballot, the draw in the
//! thread, invitations in draw order, a decline, a silence, the seating, the jurors' vote.

use super::support::*;
use crate::governance::engine as real;
use crate::governance::jury::{draw, JurySettings, PoolSource, WhenShort};
use crate::governance::ThreadRecord;
use crate::governance::{
    ActionKind, Effect, FollowUp, Outcome, Post, Proposal, Purpose, Rule, Settings, StatusRef,
    Step, Visibility,
};
use std::time::Duration;

const DAY: Duration = Duration::from_secs(86_400);

fn jury_settings(size: u32, when_short: WhenShort) -> Settings {
    Settings {
        jury: Some(JurySettings {
            pool: PoolSource::Volunteers,
            size,
            consent_within: DAY,
            duration: 3 * DAY,
            decides: [ActionKind::Suspend].into_iter().collect(),
            when_short,
            rule: Rule::social_coop(),
        }),
        ..settings()
    }
}

/// alice proposes; bob, carol, dave and erin volunteered (alice too: a proposer is
/// never drawn for their own proposal).
fn pool_of(names: &[(&str, u32)]) -> Memory {
    let mut memory = Memory::default();
    for (name, id) in names {
        memory.join_pool(&id.to_string(), name);
    }
    memory
}

fn everyone() -> Vec<(&'static str, u32)> {
    vec![
        ("alice", 10),
        ("bob", 11),
        ("carol", 12),
        ("dave", 13),
        ("erin", 14),
    ]
}

fn id_of(name: &str) -> u32 {
    everyone()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map_or(0, |(_, id)| id)
}

fn dm(author: &str, status_id: u64, text: &str, in_reply_to: &str) -> Post {
    Post {
        direct: true,
        ..post(
            &member(author, id_of(author)),
            status_id,
            text,
            Some(in_reply_to),
        )
    }
}

/// Opens proposal #1 and posts its ballot as "500"; returns the ballot's step's effects.
fn open_and_draw(settings: &Settings, memory: &mut Memory) -> Vec<Effect> {
    let request = post(
        &member("alice", 10),
        90,
        "propose suspend bad.example they host harassment",
        None,
    );
    let effects = memory.apply(&engine::on_post(settings, memory, &request, t0()));
    let ballot_text = first_post_text(&effects);
    assert!(
        ballot_text.contains(&format!(
            "A Standing Jury of {} drawn by lot decides: jurors reply agree,",
            settings.jury.as_ref().map_or(0, |jury| jury.size)
        )),
        "{ballot_text}"
    );
    assert!(!ballot_text.contains("Closes:"), "{ballot_text}");
    let proposal = memory.proposal(1).expect("proposal #1");
    let ballot = StatusRef {
        status_id: "500".to_string(),
        url: "https://social.example/@coopbot/500".to_string(),
    };
    let step = infallible(real::on_ballot_posted(
        settings,
        memory,
        &proposal,
        ballot,
        None,
        t0(),
    ));
    memory.apply(&step)
}

/// Who was invited by `effects`, in order.
fn invited(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Post {
                then: Some(FollowUp::Invited { acct, .. }),
                visibility: Visibility::Direct,
                ..
            } => Some(acct.clone()),
            _ => None,
        })
        .collect()
}

/// The invitations are posted as status `700 + position in draw order`.
fn invitations_sent(memory: &mut Memory, order: &[String], accts: &[String]) {
    for acct in accts {
        let at = order.iter().position(|a| a == acct).expect("drawn");
        let status = StatusRef {
            status_id: (700 + at).to_string(),
            url: String::new(),
        };
        let proposal = memory.proposal(1).expect("proposal #1");
        memory.apply(&real::on_invitation_sent(&proposal, acct, &status));
    }
}

/// Opens and draws proposal #1, and every member first invited accepts; returns them.
fn seat_the_first_drawn(settings: &Settings, memory: &mut Memory) -> Vec<String> {
    let effects = open_and_draw(settings, memory);
    let drawn = invited(&effects);
    let order = one(memory)
        .jury
        .and_then(|case| case.draw)
        .expect("drawn")
        .order;
    invitations_sent(memory, &order, &drawn);
    for (at, acct) in drawn.iter().enumerate() {
        let reply = dm(acct, 801 + at as u64, "Accept!", &(700 + at).to_string());
        memory.apply(&engine::on_post(settings, memory, &reply, t0()));
    }
    drawn
}

fn one(memory: &Memory) -> Proposal {
    memory.proposal(1).expect("proposal #1")
}

#[test]
fn a_jury_is_drawn_invited_in_order_seated_and_alone_decides() {
    let settings = jury_settings(2, WhenShort::Members);
    let mut memory = pool_of(&everyone());
    let effects = open_and_draw(&settings, &mut memory);

    // The draw as anyone recomputes it: the pool less the proposer, sorted.
    let pool = draw::sorted_pool(["bob", "carol", "dave", "erin"]);
    let seed = draw::seed(1, "500", &pool);
    let order = draw::draw_order(&seed, &pool);
    let draw_post = effects
        .iter()
        .find(|e| *e.purpose() == Purpose::Draw { number: 1, part: 1 })
        .expect("the draw is posted in the thread");
    let Effect::Post {
        text, in_reply_to, ..
    } = draw_post
    else {
        panic!("a post")
    };
    assert_eq!(in_reply_to.as_deref(), Some("500"));
    assert!(
        text.contains(&seed) && text.contains("Pool (4 members): bob carol dave erin"),
        "{text}"
    );
    assert!(!one(&memory).is_open(), "no vote counts before the seating");
    assert_eq!(invited(&effects), order[..2]);
    invitations_sent(&mut memory, &order, &order[..2]);

    // The first declines: the third is invited.
    let declined = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &dm(&order[0], 801, "decline", "700"),
        t0(),
    ));
    assert_eq!(invited(&declined), order[2..3]);
    invitations_sent(&mut memory, &order, &order[2..3]);
    // The second accepts; someone else answering their invitation changes nothing.
    let impostor = dm(&order[3], 802, "accept", "701");
    assert!(engine::on_post(&settings, &memory, &impostor, t0())
        .proposals
        .is_empty());
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &dm(&order[1], 803, "accept", "701"),
        t0(),
    ));
    assert!(!one(&memory).is_open());

    // The third stays silent: passed over at the deadline, the fourth invited.
    let later = t0() + days(1);
    assert_eq!(
        real::consent_due(
            &memory.all_proposals(),
            later - chrono::Duration::seconds(1)
        ),
        Vec::<u64>::new()
    );
    assert_eq!(real::consent_due(&memory.all_proposals(), later), [1]);
    let passed = memory.apply(&real::on_consent_deadline(&settings, &one(&memory), later));
    assert_eq!(invited(&passed), order[3..4]);
    invitations_sent(&mut memory, &order, &order[3..4]);
    let seated = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &dm(&order[3], 804, "accept", "703"),
        later,
    ));

    let proposal = one(&memory);
    assert!(proposal.is_open());
    assert_eq!(proposal.closes_at, later + days(3));
    let notice = seated
        .iter()
        .find(|e| *e.purpose() == Purpose::Seated { number: 1 })
        .map(|e| match e {
            Effect::Post { text, .. } => text.clone(),
            _ => String::new(),
        })
        .expect("the seating is told in the thread");
    let marks = format!(
        "{}: passed over\n{}: seated\n{}: passed over\n{}: seated",
        order[0], order[1], order[2], order[3]
    );
    assert!(notice.contains(&marks), "{notice}");

    // A member who is not a juror is told once; their reply never counts.
    let outsider = post(
        &member(&order[0], id_of(&order[0])),
        900,
        "agree",
        Some("500"),
    );
    let told = memory.apply(&engine::on_post(&settings, &memory, &outsider, later));
    assert!(
        first_post_text(&told).contains("only its seated jurors' votes count"),
        "{told:?}"
    );
    let again = post(
        &member(&order[0], id_of(&order[0])),
        901,
        "disagree",
        Some("500"),
    );
    assert!(memory
        .apply(&engine::on_post(&settings, &memory, &again, later))
        .is_empty());

    // The close counts the jurors' replies, not the others'.
    let replies = vec![
        post(
            &member(&order[1], id_of(&order[1])),
            902,
            "agree",
            Some("500"),
        ),
        post(
            &member(&order[3], id_of(&order[3])),
            903,
            "agree",
            Some("500"),
        ),
        outsider,
        post(&member("alice", 10), 904, "disagree", Some("500")),
    ];
    let record = ThreadRecord {
        replies,
        favourited_by: vec![member(&order[2], id_of(&order[2]))],
    };
    let step: Step = engine::close(&settings, &one(&memory), &record, later + days(3));
    let closing = step.proposals[0].closing().expect("closed").clone();
    assert_eq!(closing.outcome, Outcome::Passed);
    assert_eq!(closing.tally.voters(), 2);
    assert_eq!(closing.unseen.not_eligible, 3);
    let result = first_post_text(&step.effects);
    assert!(
        result.contains("Decided by the Standing Jury: 2 of its 2 jurors voted."),
        "{result}"
    );
}

#[test]
fn a_juror_who_leaves_the_pool_stays_seated() {
    let settings = jury_settings(1, WhenShort::Members);
    let mut memory = pool_of(&everyone());
    let drawn = seat_the_first_drawn(&settings, &mut memory);
    memory.leave_pool(&id_of(&drawn[0]).to_string());
    let vote = post(
        &member(&drawn[0], id_of(&drawn[0])),
        902,
        "agree",
        Some("500"),
    );
    let counted = engine::on_post(&settings, &memory, &vote, t0());
    assert_eq!(counted.votes.len(), 1, "{counted:?}");
}

#[test]
fn when_the_pool_runs_out_all_members_vote_or_the_case_is_cancelled() {
    // Only bob volunteered besides the proposer, for a jury of two.
    for (when_short, open) in [(WhenShort::Members, true), (WhenShort::Cancel, false)] {
        let settings = jury_settings(2, when_short);
        let mut memory = pool_of(&[("alice", 10), ("bob", 11)]);
        let effects = open_and_draw(&settings, &mut memory);
        assert_eq!(invited(&effects), ["bob"]);
        invitations_sent(&mut memory, &["bob".to_string()], &["bob".to_string()]);
        let answered = memory.apply(&engine::on_post(
            &settings,
            &memory,
            &dm("bob", 801, "accept", "700"),
            t0(),
        ));
        let notice = answered
            .iter()
            .find(|e| *e.purpose() == Purpose::Seated { number: 1 })
            .map(|e| match e {
                Effect::Post { text, .. } => text.clone(),
                _ => String::new(),
            })
            .expect("the thread is told");
        let proposal = one(&memory);
        assert_eq!(proposal.is_open(), open, "{when_short:?}");
        if open {
            assert!(
                notice.contains("all members vote on it instead"),
                "{notice}"
            );
            let carol = post(&member("carol", 12), 903, "agree", Some("500"));
            assert_eq!(
                engine::on_post(&settings, &memory, &carol, t0())
                    .votes
                    .len(),
                1
            );
        } else {
            assert!(notice.contains("so it is cancelled"), "{notice}");
            assert_eq!(
                proposal.closing().map(|c| c.outcome),
                Some(Outcome::Cancelled)
            );
        }
    }
}

#[test]
fn a_kind_the_jury_does_not_decide_goes_to_all_members() {
    let settings = jury_settings(2, WhenShort::Members);
    let mut memory = pool_of(&everyone());
    let request = post(
        &member("alice", 10),
        90,
        "propose motion we meet monthly",
        None,
    );
    let effects = memory.apply(&engine::on_post(&settings, &memory, &request, t0()));
    assert!(first_post_text(&effects).contains("Closes:"));
    assert!(one(&memory).jury.is_none());
}

#[test]
fn before_the_seating_extend_gives_more_time_to_answer_and_status_says_where_it_stands() {
    let settings = jury_settings(2, WhenShort::Members);
    let mut memory = pool_of(&everyone());
    open_and_draw(&settings, &mut memory);
    let status = engine::on_post(
        &settings,
        &memory,
        &post(&member("bob", 11), 95, "status 1", None),
        t0(),
    );
    let text = first_post_text(&status.effects);
    assert!(
        text.contains("Seating its jury: 0 of 2 seated, 2 invited"),
        "{text}"
    );

    let mut command = post(&member("wg", 50), 96, "extend 1 2d", None);
    command.direct = true;
    let extended = memory.apply(&engine::on_post(&settings, &memory, &command, t0()));
    assert!(
        first_post_text(&extended).contains("have 2d more to answer"),
        "{extended:?}"
    );
    let all = memory.all_proposals();
    assert!(real::consent_due(&all, t0() + days(1)).is_empty());
    assert_eq!(real::consent_due(&all, t0() + days(3)), [1]);
}

#[test]
fn the_reminder_goes_to_the_thread_and_by_dm_to_each_juror_who_has_not_voted() {
    let settings = Settings {
        reminder_before: Some(DAY),
        ..jury_settings(2, WhenShort::Members)
    };
    let mut memory = pool_of(&everyone());
    let drawn = seat_the_first_drawn(&settings, &mut memory);
    let voted = post(
        &member(&drawn[0], id_of(&drawn[0])),
        902,
        "agree",
        Some("500"),
    );
    memory.apply(&engine::on_post(&settings, &memory, &voted, t0()));
    let proposal = memory.proposal_with_votes(1).expect("proposal #1");
    let due = proposal.closes_at - days(1);
    let step = crate::governance::reminders::remind(&settings, &proposal, due);
    let purposes: Vec<String> = step.effects.iter().map(Effect::key).collect();
    assert_eq!(
        purposes,
        ["reminder-1".to_string(), format!("remind-1-{}", drawn[1])]
    );
}

#[test]
fn after_the_working_group_cancels_a_seating_an_answer_seats_nobody() {
    let settings = jury_settings(2, WhenShort::Members);
    let mut memory = pool_of(&everyone());
    let effects = open_and_draw(&settings, &mut memory);
    let drawn = invited(&effects);
    let order = one(&memory)
        .jury
        .and_then(|case| case.draw)
        .expect("drawn")
        .order;
    invitations_sent(&mut memory, &order, &drawn);
    let mut command = post(&member("wg", 50), 96, "cancel 1 opened by mistake", None);
    command.direct = true;
    memory.apply(&engine::on_post(&settings, &memory, &command, t0()));
    let late = engine::on_post(
        &settings,
        &memory,
        &dm(&drawn[0], 801, "decline", "700"),
        t0(),
    );
    assert!(late.proposals.is_empty(), "{late:?}");
    assert!(invited(&late.effects).is_empty());
    assert!(first_post_text(&late.effects).contains("stays as it was"));
    let all = memory.all_proposals();
    assert!(real::consent_due(&all, t0() + days(2)).is_empty());
}

/// A jury's vote closes a set time after its seating: until then every message that
/// gives a closing time says so instead of a time that is not yet known.
#[test]
fn before_the_seating_no_message_gives_a_closing_time_that_is_not_known() {
    let settings = jury_settings(2, WhenShort::Members);
    let memory = pool_of(&everyone());
    let request = post(
        &member("alice", 10),
        90,
        "propose suspend bad.example they host harassment",
        None,
    );
    let opened = engine::on_post(&settings, &memory, &request, t0());
    let history: Vec<&str> = opened.audit.iter().map(|a| a.event.as_str()).collect();
    assert!(
        history
            .iter()
            .any(|event| event.ends_with("closes 3d after its jury is seated")),
        "{history:?}"
    );
    let proposal = opened.proposals[0].clone();
    let said =
        crate::governance::messages::opened(&proposal, "https://social.example/@coopbot/500");
    assert_eq!(
        said,
        "Proposal #1 is open: a jury is being drawn by lot, and it votes for 3d once seated: https://social.example/@coopbot/500"
    );
    let provisional = crate::governance::messages::urgent::provisional_comment(&proposal);
    assert!(
        provisional.contains("a jury drawn by lot will decide whether it stays in coopgov proposal #1, closing 3d after its jury is seated"),
        "{provisional}"
    );
}
