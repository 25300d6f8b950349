//! The one way in: a proposal's life heard as events through `decide`, its timers asked
//! of `timers` and `next_timer`, and steps combined by `Step::and`.

use super::support::*;
use crate::governance::engine::{decide, next_timer, timers, Done, Event, Timer};
use crate::governance::{FollowUp, Outcome, Settings, Stage, StatusRef, Step, ThreadRecord};

fn hear(settings: &Settings, memory: &mut Memory, event: Event, at: chrono::DateTime<chrono::Utc>) {
    let step = infallible(decide(settings, memory, event, at));
    memory.apply(&step);
}

#[test]
fn a_proposal_lives_through_events_and_its_timers() {
    let settings = Settings {
        reminder_before: Some(std::time::Duration::from_secs(86_400)),
        ..settings()
    };
    let mut memory = Memory::default();
    let request = post(
        &member("alice", 10),
        90,
        "propose suspend bad.example spam",
        None,
    );
    hear(
        &settings,
        &mut memory,
        Event::Post(&request, engine::draw(&request)),
        t0(),
    );
    assert_eq!(memory.one().stage, Stage::Opening);
    // No timer before the ballot is up.
    assert!(timers(&settings, &memory.all_proposals(), t0()).is_empty());

    let ballot = StatusRef {
        status_id: "500".into(),
        url: "https://social.example/@coopbot/500".into(),
    };
    let posted = FollowUp::BallotPosted {
        number: 1,
        terms: None,
    };
    let done = Done::Posted {
        follow_up: &posted,
        status: &ballot,
    };
    hear(&settings, &mut memory, Event::Done(done), t0());
    assert!(memory.one().is_open());
    let closes = memory.one().closes_at;
    let remind_at = closes - days(1);
    assert_eq!(
        next_timer(&settings, &memory.all_proposals(), t0()),
        Some(remind_at)
    );

    let bob = member("bob", 11);
    let favourite = Event::Favourite {
        status_id: "500",
        author: &bob,
    };
    hear(&settings, &mut memory, favourite, t0());
    assert_eq!(memory.one().favourites.len(), 1);

    assert_eq!(
        timers(&settings, &memory.all_proposals(), remind_at),
        [Timer::Reminder(1)]
    );
    hear(
        &settings,
        &mut memory,
        Event::Due(Timer::Reminder(1)),
        remind_at,
    );
    assert!(memory.one().reminded);
    assert!(timers(&settings, &memory.all_proposals(), remind_at).is_empty());
    assert_eq!(
        next_timer(&settings, &memory.all_proposals(), remind_at),
        Some(closes)
    );

    assert_eq!(
        timers(&settings, &memory.all_proposals(), closes),
        [Timer::Close(1)]
    );
    let thread = ThreadRecord {
        replies: vec![],
        favourited_by: vec![bob.clone()],
    };
    let read = Event::ThreadRead {
        number: 1,
        thread: &thread,
    };
    hear(&settings, &mut memory, read, closes);
    let closing = memory.one().closing().cloned().expect("closed");
    assert_eq!(closing.outcome, Outcome::Passed);
    assert!(timers(&settings, &memory.all_proposals(), closes).is_empty());
}

#[test]
fn steps_combine_in_order_and_a_later_state_wins() {
    let memory = Memory::with_open_ballot(&settings());
    let open = memory.one();
    let mut reminded = open.clone();
    reminded.reminded = true;
    let first = Step::changed(open).logged(Some(1), None, "first");
    let later = Step::changed(reminded).logged(Some(1), None, "later");
    let both = first.and(later);
    assert_eq!(both.proposals.len(), 1);
    assert!(both.proposals[0].reminded);
    let events: Vec<&str> = both.audit.iter().map(|a| a.event.as_str()).collect();
    assert_eq!(events, ["first", "later"]);
}
