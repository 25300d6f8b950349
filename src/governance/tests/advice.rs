//! The lists' advice (SPEC §15): what a reading changes of what the bot knows of a list,
//! what is proposed and what waits, removals, a list that breaks or empties, and the
//! property that no reading ever proposes an excluded domain, our own domain, or one
//! already blocked at least as strictly.

use super::support::*;
use crate::governance::advice::reading::{Change, Outcome as Read, Reading};
use crate::governance::advice::{
    Advice, AdviceSettings, Considered, Format, ListReading, Listed, Propose, Subscribed,
    Subscription,
};
use crate::governance::engine::{self as real, AdviceHeard, Event};
use crate::governance::proposal::Origin;
use crate::governance::{Action, Effect, Purpose, Settings, Severity};
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;

fn subscription(name: &str) -> Subscription {
    Subscription {
        name: name.to_string(),
        url: format!("https://{name}.example/list.csv"),
        format: Format::MastodonCsv,
        every: Duration::from_secs(6 * 3600),
        max_severity: Severity::Suspend,
        propose: Propose::Each,
    }
}

fn advising(names: &[&str], min_sources: u32, max_open: u32) -> Settings {
    Settings {
        advice: Some(AdviceSettings {
            subscriptions: names.iter().map(|n| subscription(n)).collect(),
            min_sources,
            exclude: vec!["friends.example".to_string()],
            max_open,
            batch_max: 50,
            max_removals: 2,
        }),
        ..settings()
    }
}

fn suspend(domain: &str, comment: &str) -> Listed {
    Listed {
        domain: domain.to_string(),
        advice: Advice::Block {
            severity: Severity::Suspend,
            reject_media: false,
            reject_reports: false,
        },
        comment: comment.to_string(),
        labels: Vec::new(),
    }
}

fn silence(domain: &str) -> Listed {
    Listed {
        advice: Advice::Block {
            severity: Severity::Silence,
            reject_media: true,
            reject_reports: false,
        },
        ..suspend(domain, "")
    }
}

fn whole(name: &str, entries: Vec<Listed>) -> Reading {
    Reading {
        name: name.to_string(),
        outcome: Read::Whole {
            list: ListReading {
                entries,
                skipped: BTreeMap::new(),
            },
            validators: Default::default(),
            bytes: 100,
            cursor: None,
        },
    }
}

fn hear(
    settings: &Settings,
    memory: &mut Memory,
    reading: Option<&Reading>,
    blocks: Option<&BTreeMap<String, Severity>>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    let event = Event::Advice(AdviceHeard { reading, blocks });
    let step = infallible(real::decide(settings, memory, event, now));
    memory.apply(&step)
}

fn no_blocks() -> BTreeMap<String, Severity> {
    BTreeMap::new()
}

fn ballots(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Post {
                    purpose: Purpose::Ballot { .. },
                    ..
                }
            )
        })
        .map(|e| match e {
            Effect::Post { text, .. } => text.clone(),
            _ => unreachable!(),
        })
        .collect()
}

#[test]
fn each_entry_opens_its_own_proposal_up_to_max_open_and_the_rest_wait_in_the_lists_order() {
    let settings = advising(&["neighbours"], 1, 2);
    let mut memory = Memory::default();
    let list = whole(
        "neighbours",
        vec![
            suspend("one.example", "coordinated harassment"),
            silence("two.example"),
            suspend("three.example", ""),
        ],
    );
    let effects = hear(
        &settings,
        &mut memory,
        Some(&list),
        Some(&no_blocks()),
        t0(),
    );
    let texts = ballots(&effects);
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[0].contains("Proposal #1: suspend one.example"),
        "{}",
        texts[0]
    );
    assert!(
        texts[0].contains(
            "From neighbours (1 of our 1 subscriptions lists it): “coordinated harassment”"
        ),
        "{}",
        texts[0]
    );
    assert!(texts[1].contains("limit (silence) two.example"));
    let two = memory.proposal(2).expect("the proposal is stored");
    let advised = two.origin.advised().expect("from subscriptions");
    assert!(advised.reject_media && !advised.reject_reports);

    // The same reading again proposes nothing twice.
    let again = hear(
        &settings,
        &mut memory,
        Some(&list),
        Some(&no_blocks()),
        t0(),
    );
    assert!(ballots(&again).is_empty());
    // Without the blocks read, nothing opens, even with room.
    let mut first = memory.proposal(1).expect("the proposal is stored");
    first.stage = closed(Outcome::Rejected);
    memory.insert(first);
    assert!(ballots(&hear(&settings, &mut memory, None, None, t0())).is_empty());
    let waited = hear(&settings, &mut memory, None, Some(&no_blocks()), t0());
    let texts = ballots(&waited);
    assert_eq!(texts.len(), 1);
    assert!(texts[0].contains("suspend three.example"), "{texts:?}");
}

use crate::governance::proposal::{Application, Closing, Stage};
use crate::governance::Outcome;

fn closed(outcome: Outcome) -> Stage {
    Stage::Closed(Closing {
        outcome,
        tally: Default::default(),
        closed_at: t0(),
        block_reasons: Vec::new(),
        application: match outcome {
            Outcome::Passed => Application::Applied { at: t0() },
            _ => Application::NotNeeded,
        },
        unseen: Default::default(),
        announcement: None,
        sealed: None,
    })
}

#[test]
fn min_sources_waits_for_a_second_list_and_quotes_both() {
    let settings = advising(&["neighbours", "garden"], 2, 3);
    let mut memory = Memory::default();
    let one = whole("neighbours", vec![suspend("troll.example", "raids")]);
    assert!(ballots(&hear(
        &settings,
        &mut memory,
        Some(&one),
        Some(&no_blocks()),
        t0()
    ))
    .is_empty());
    let two = whole("garden", vec![suspend("troll.example", "hate speech")]);
    let texts = ballots(&hear(
        &settings,
        &mut memory,
        Some(&two),
        Some(&no_blocks()),
        t0(),
    ));
    assert_eq!(texts.len(), 1);
    assert!(
        texts[0].contains("From neighbours and garden (2 of our 2 subscriptions list it)")
            && texts[0].contains("neighbours says “raids”")
            && texts[0].contains("garden says “hate speech”"),
        "{}",
        texts[0]
    );
}

#[test]
fn a_comment_never_mentions_anyone() {
    let settings = advising(&["neighbours"], 1, 3);
    let mut memory = Memory::default();
    let list = whole(
        "neighbours",
        vec![suspend(
            "troll.example",
            "ask @admin@victim.example <b>now</b>",
        )],
    );
    let texts = ballots(&hear(
        &settings,
        &mut memory,
        Some(&list),
        Some(&no_blocks()),
        t0(),
    ));
    assert!(!texts[0].contains("@admin@victim"), "{}", texts[0]);
    assert!(
        texts[0].contains("<b>now</b>"),
        "shown as text: {}",
        texts[0]
    );
}

#[test]
fn a_retraction_proposes_lifting_only_a_block_the_lists_alone_led_to() {
    let settings = advising(&["denylist"], 1, 3);
    let mut memory = Memory::default();
    let list = whole(
        "denylist",
        vec![
            suspend("spam.example", "spam"),
            suspend("other.example", ""),
        ],
    );
    hear(
        &settings,
        &mut memory,
        Some(&list),
        Some(&no_blocks()),
        t0(),
    );
    for number in [1, 2] {
        let mut proposal = memory.proposal(number).expect("the proposal is stored");
        proposal.stage = closed(Outcome::Passed);
        memory.insert(proposal);
    }
    // Our members then decided about other.example themselves.
    let mut own = memory.proposal(2).expect("the proposal is stored");
    own.number = 3;
    own.origin = Origin::Request;
    own.stage = closed(Outcome::Passed);
    memory.insert(own);
    let retraction = Reading {
        name: "denylist".to_string(),
        outcome: Read::Changes {
            changes: vec![
                Change::Remove {
                    domain: "spam.example".to_string(),
                    comment: "changed hands".to_string(),
                },
                Change::Remove {
                    domain: "other.example".to_string(),
                    comment: String::new(),
                },
            ],
            skipped: BTreeMap::new(),
            cursor: Default::default(),
            bytes: 10,
        },
    };
    let blocked: BTreeMap<String, Severity> = [
        ("spam.example".to_string(), Severity::Suspend),
        ("other.example".to_string(), Severity::Suspend),
    ]
    .into();
    let texts = ballots(&hear(
        &settings,
        &mut memory,
        Some(&retraction),
        Some(&blocked),
        t0() + days(1),
    ));
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].contains("lift the block on spam.example") && texts[0].contains("“changed hands”"),
        "{}",
        texts[0]
    );
    assert!(matches!(
        memory.proposal(4).expect("the proposal is stored").action,
        Action::Unblock { .. }
    ));
}

#[test]
fn a_list_that_drops_more_than_max_removals_is_held_and_the_working_group_told_once() {
    let settings = advising(&["neighbours"], 1, 1);
    let mut memory = Memory::default();
    let full = whole(
        "neighbours",
        (0..5)
            .map(|i| suspend(&format!("d{i}.example"), ""))
            .collect(),
    );
    hear(
        &settings,
        &mut memory,
        Some(&full),
        Some(&no_blocks()),
        t0(),
    );
    let emptied = whole("neighbours", vec![suspend("d0.example", "")]);
    for _ in 0..2 {
        let effects = hear(
            &settings,
            &mut memory,
            Some(&emptied),
            Some(&no_blocks()),
            t0() + days(1),
        );
        assert!(ballots(&effects).is_empty());
    }
    let kept: Subscribed = infallible(crate::governance::Records::kept(&memory, "neighbours"))
        .expect("the list's record is kept");
    assert_eq!(kept.entries.len(), 5, "nothing forgotten");
    assert!(kept
        .failing
        .as_ref()
        .expect("the list is held as failing")
        .reason
        .contains("max_removals"));
    let told = infallible(memory.pending_effects())
        .into_iter()
        .filter(|(_, e)| e.effect.key().starts_with("advice-"))
        .count();
    assert_eq!(told, 1, "alice is told once");
}

#[test]
fn a_failure_spell_is_told_once_and_its_end_once() {
    let settings = advising(&["neighbours"], 1, 1);
    let mut memory = Memory::default();
    let failed = Reading {
        name: "neighbours".to_string(),
        outcome: Read::Failed("unreachable.".to_string()),
    };
    let first = hear(&settings, &mut memory, Some(&failed), None, t0());
    let second = hear(&settings, &mut memory, Some(&failed), None, t0() + days(1));
    assert_eq!(first.len(), 1);
    assert!(second.is_empty());
    let back = Reading {
        name: "neighbours".to_string(),
        outcome: Read::Unchanged,
    };
    let recovered = hear(&settings, &mut memory, Some(&back), None, t0() + days(2));
    assert_eq!(recovered.len(), 1);
    assert!(
        matches!(&recovered[0], Effect::Post { text, .. } if text.contains("can be read again"))
    );
}

#[test]
fn what_our_members_decided_lately_stands_and_is_not_asked_again() {
    let settings = advising(&["neighbours"], 1, 3);
    let mut memory = Memory::default();
    let mut decided = {
        let list = whole("neighbours", vec![suspend("x.example", "")]);
        let mut scratch = Memory::default();
        hear(
            &settings,
            &mut scratch,
            Some(&list),
            Some(&no_blocks()),
            t0(),
        );
        scratch.proposal(1).expect("the proposal is stored")
    };
    decided.origin = Origin::Request;
    decided.stage = closed(Outcome::Rejected);
    memory.insert(decided);
    let list = whole("neighbours", vec![suspend("x.example", "")]);
    assert!(ballots(&hear(
        &settings,
        &mut memory,
        Some(&list),
        Some(&no_blocks()),
        t0() + days(10)
    ))
    .is_empty());
    let considered: Option<Considered> =
        infallible(crate::governance::Records::kept(&memory, "x.example"));
    assert!(considered
        .expect("the advice is kept as considered")
        .not_proposed
        .expect("with why it was not proposed")
        .contains("less than 90 days"));
}

fn domain() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a.example",
        "b.example",
        "friends.example",
        "sub.friends.example",
        "social.example",
        "x.social.example",
        "c.example",
    ])
    .prop_map(str::to_string)
}

fn listed() -> impl Strategy<Value = Listed> {
    (domain(), any::<bool>()).prop_map(|(domain, strict)| match strict {
        true => suspend(&domain, ""),
        false => silence(&domain),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// No reading proposes an excluded domain, our own, or one blocked at least as strictly.
    #[test]
    fn a_reading_never_proposes_an_excluded_domain_our_own_or_one_already_as_strictly_blocked(
        readings in prop::collection::vec((0..2usize, prop::collection::vec(listed(), 0..6)), 1..5),
        blocked in prop::collection::btree_map(domain(), prop::sample::select(vec![Severity::Noop, Severity::Silence, Severity::Suspend]), 0..4),
    ) {
        let settings = advising(&["one", "two"], 1, 10);
        let mut memory = Memory::default();
        for (at, (which, entries)) in readings.iter().enumerate() {
            let name = ["one", "two"][*which];
            let reading = whole(name, entries.clone());
            let now = t0() + days(at as i64);
            hear(&settings, &mut memory, Some(&reading), Some(&blocked), now);
        }
        for proposal in memory.all_proposals() {
            let domain = proposal.action.domain().expect("advice proposes about a server").to_string();
            prop_assert!(!domain.ends_with("friends.example"), "excluded: {domain}");
            prop_assert!(!domain.ends_with("social.example"), "our own: {domain}");
            if let Some(wanted) = proposal.action.severity() {
                prop_assert!(blocked.get(&domain).is_none_or(|b| *b < wanted), "{domain} already {:?}", blocked.get(&domain));
            }
        }
        let domains: Vec<String> = memory.all_proposals().iter().map(|p| p.action.domain().expect("advice proposes about a server").to_string()).collect();
        let mut unique = domains.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), domains.len(), "proposed twice: {:?}", domains);
    }
}

fn batching(names: &[&str]) -> Settings {
    let mut settings = advising(names, 1, 3);
    if let Some(advice) = settings.advice.as_mut() {
        for subscription in &mut advice.subscriptions {
            subscription.propose = Propose::Batch;
        }
    }
    settings
}

#[test]
fn a_batch_is_one_ballot_a_member_takes_an_entry_out_and_each_remaining_entry_is_applied() {
    use crate::governance::engine::Done;
    use crate::governance::StatusRef;
    use crate::governance::ThreadRecord;
    let settings = batching(&["neighbours"]);
    let mut memory = Memory::default();
    let list = whole(
        "neighbours",
        vec![
            suspend("one.example", "raids"),
            silence("two.example"),
            suspend("three.example", "spam"),
        ],
    );
    let effects = hear(
        &settings,
        &mut memory,
        Some(&list),
        Some(&no_blocks()),
        t0(),
    );
    let texts = ballots(&effects);
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].contains("Proposal #1: adopt 3 entries from neighbours (2 suspend, 1 silence)")
            && texts[0].contains("reply: exclude <domain> <reason>"),
        "{}",
        texts[0]
    );
    let ballot = StatusRef {
        status_id: "500".to_string(),
        url: "https://social.example/@coopbot/500".to_string(),
    };
    let follow_up = crate::governance::FollowUp::BallotPosted {
        number: 1,
        terms: None,
    };
    let posted = Event::Done(Done::Posted {
        follow_up: &follow_up,
        status: &ballot,
    });
    let step = infallible(real::decide(&settings, &memory, posted, t0()));
    let listed = memory.apply(&step);
    let entries: Vec<&Effect> = listed
        .iter()
        .filter(|e| e.key().starts_with("entries-1-"))
        .collect();
    assert_eq!(entries.len(), 1);
    assert!(
        matches!(entries[0], Effect::Post { text, in_reply_to: Some(to), .. }
            if text.contains("1. one.example (suspend): “raids”")
                && text.contains("2. two.example (silence)")
                && to == "500"),
        "{entries:?}"
    );
    assert!(
        !listed.iter().any(|e| e.key() == "opened-1"),
        "nobody asked for it: nobody is told"
    );

    // Bob takes two.example out: it gets its own ballot, and the thread is told.
    let bob = member("bob", 11);
    let exclusion = post(
        &bob,
        600,
        "exclude two.example they answer our reports now",
        Some("500"),
    );
    let effects = memory.apply(&engine::on_post(&settings, &memory, &exclusion, t0()));
    let own = ballots(&effects);
    assert_eq!(own.len(), 1, "{effects:?}");
    assert!(
        own[0].contains("Proposal #2: limit (silence) two.example")
            && own[0]
                .contains("Taken out of batch #1 by @\u{200B}bob: they answer our reports now"),
        "{}",
        own[0]
    );
    assert!(effects.iter().any(|e| e.key() == "excluded-1-two.example"));
    // Twice is refused, and so is a domain not in the batch.
    for text in ["exclude two.example again", "exclude four.example why not"] {
        let again = post(&bob, 601, text, Some("500"));
        let answer = engine::on_post(&settings, &memory, &again, t0());
        assert!(ballots(&answer.effects).is_empty(), "{text}");
        assert!(answer.proposals.is_empty(), "{text}");
    }

    // It passes; each entry that remains is applied as its own block.
    let record = ThreadRecord {
        replies: vec![
            post(&member("carol", 12), 700, "agree", Some("500")),
            exclusion.clone(),
        ],
        favourited_by: vec![],
    };
    let batch = memory
        .proposal_with_votes(1)
        .expect("the proposal is stored");
    let closed = memory.apply(&real::close(&settings, &batch, &record, t0() + days(6)));
    let applies: Vec<&Effect> = closed
        .iter()
        .filter(|e| matches!(e, Effect::Apply { .. }))
        .collect();
    let keys: Vec<String> = applies.iter().map(|e| e.key()).collect();
    assert_eq!(keys, ["adopt-1-0-one.example", "adopt-1-0-three.example"]);
    assert!(
        matches!(applies[0], Effect::Apply { private_comment, .. } if private_comment.contains("from subscriptions: neighbours"))
    );
    for domain in ["one.example", "three.example"] {
        let done = Event::Done(Done::EntryApplied {
            number: 1,
            domain,
            result: Ok(()),
        });
        let step = infallible(real::decide(&settings, &memory, done, t0() + days(6)));
        memory.apply(&step);
    }
    let applied = memory.proposal(1).expect("the proposal is stored");
    let set: Vec<&str> = applied.blocks_set().iter().map(|(d, _)| *d).collect();
    assert_eq!(set, ["one.example", "three.example"]);
    assert!(infallible(memory.pending_effects())
        .iter()
        .any(|(_, e)| e.effect.key() == "applied-1"));
}

#[test]
fn a_reading_with_nothing_new_needs_no_request_to_our_instance() {
    let settings = advising(&["neighbours"], 1, 3);
    let mut memory = Memory::default();
    let list = whole("neighbours", vec![suspend("one.example", "")]);
    let needs = |memory: &Memory, reading: Option<&Reading>| {
        let heard = AdviceHeard {
            reading,
            blocks: None,
        };
        infallible(real::needs_blocks(&settings, memory, heard, t0()))
    };
    assert!(
        needs(&memory, Some(&list)),
        "something would open: read the blocks"
    );
    hear(
        &settings,
        &mut memory,
        Some(&list),
        Some(&no_blocks()),
        t0(),
    );
    let unchanged = Reading {
        name: "neighbours".to_string(),
        outcome: Read::Unchanged,
    };
    assert!(!needs(&memory, Some(&unchanged)));
    assert!(!needs(&memory, Some(&list)), "the same list again");
    assert!(!needs(&memory, None), "nothing waits");
}
