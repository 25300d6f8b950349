//! When the running bot rewrites its site: milestones at once, votes once a minute,
//! failures retried later; and what counts as a milestone.

use super::*;
use crate::governance::proposal::{Application, Closing, Identity, StatusRef, Vote};
use crate::governance::{Action, Position, Rule};
use crate::publish::RecordedProposal;

fn fingerprint(milestones: u64, content: u64) -> Fingerprint {
    Fingerprint {
        milestones,
        content,
    }
}

fn written(milestones: u64, content: u64) -> Outcome {
    Outcome::Written {
        fingerprint: fingerprint(milestones, content),
        milestone: true,
        files: 1,
        dir: PathBuf::from("/var/www/governance"),
    }
}

#[test]
fn milestones_are_written_at_once_votes_once_a_minute_and_failures_later() {
    let t0 = Instant::now();
    let at = |seconds: u64| t0 + Duration::from_secs(seconds);
    let mut state = State::default();
    assert!(state.full_read_due(t0), "the first look writes");
    assert_eq!(state.wake_at(), None);

    state.after(&written(1, 10), t0);
    assert!(!state.full_read_due(at(1)));
    assert_eq!(state.wake_at(), None, "nothing waits without a nudge");
    assert!(!state.milestone_moved(1));
    assert!(state.milestone_moved(2), "a milestone is written at once");

    // A vote: the nudge makes the minute after the last read the time to look.
    state.pending = true;
    assert_eq!(state.wake_at(), Some(at(60)));
    assert!(!state.full_read_due(at(59)));
    assert!(state.full_read_due(at(60)));
    state.after(&Outcome::Unchanged, at(60));
    assert_eq!(state.wake_at(), None);
    assert!(!state.pending);
    state.pending = true;
    state.after(&written(1, 11), at(61));
    assert_eq!(state.written, Some(fingerprint(1, 11)));
    assert!(!state.full_read_due(at(100)));

    // A failure is retried after a minute, then two, whatever moves meanwhile.
    state.after(&Outcome::Failed("the disk is full".to_string()), at(70));
    assert_eq!((state.failures, state.retry_at), (1, Some(at(130))));
    assert_eq!(state.wake_at(), Some(at(130)));
    assert!(state.waiting_for_retry(at(129)) && !state.waiting_for_retry(at(130)));
    assert!(
        state.full_read_due(at(130)),
        "a retry reads the records whole"
    );
    state.after(&Outcome::Failed("the disk is full".to_string()), at(130));
    assert_eq!(state.retry_at, Some(at(250)));
    state.after(&written(2, 12), at(250));
    assert_eq!((state.failures, state.retry_at), (0, None));
    assert_eq!(state.written, Some(fingerprint(2, 12)));

    // Records unchanged since the last write: what is on disk is current.
    state.after(&Outcome::Failed("permission denied".to_string()), at(300));
    state.after(&Outcome::Unchanged, at(360));
    assert_eq!((state.failures, state.retry_at), (0, None));
}

fn proposal(number: u64, stage: Stage) -> Proposal {
    let at = chrono::DateTime::from_timestamp(1_796_000_000, 0).expect("a time");
    Proposal {
        number,
        action: Action::Motion,
        urgent: false,
        reason: "we adopt a code of conduct".to_string(),
        proposer: Identity {
            account_id: "10".to_string(),
            acct: "alice".to_string(),
        },
        request: StatusRef {
            status_id: "90".to_string(),
            url: "https://social.example/@alice/90".to_string(),
        },
        rule: Rule::social_coop(),
        opened_at: at,
        closes_at: at,
        ballot: None,
        votes: Default::default(),
        favourites: Default::default(),
        explained: Default::default(),
        stage,
        reminded: false,
        jury: None,
        origin: Default::default(),
    }
}

#[test]
fn a_milestone_is_an_opening_a_ballot_a_close_a_result_or_an_application_not_a_vote() {
    let at = chrono::DateTime::from_timestamp(1_796_000_000, 0).expect("a time");
    let base = vec![proposal(1, Stage::Opening)];
    let changed = |change: &dyn Fn(&mut Proposal)| {
        let mut proposals = base.clone();
        change(&mut proposals[0]);
        milestones(&proposals)
    };
    let vote = Vote {
        voter: Identity {
            account_id: "11".to_string(),
            acct: "bob".to_string(),
        },
        position: Position::Agree,
        reason: String::new(),
        status_id: "700".to_string(),
        in_thread: true,
        receipt: None,
    };
    let closed = |application| Stage::Closed(Closing::cancelled_unvoted(at, application));
    let same = milestones(&base);
    for (what, after) in [
        (
            "a vote",
            changed(&|p| {
                p.votes.insert("11".to_string(), vote.clone());
            }),
        ),
        (
            "a refusal explained",
            changed(&|p| {
                p.explained.insert("66".to_string());
            }),
        ),
        ("the reminder", changed(&|p| p.reminded = true)),
    ] {
        assert_eq!(after, same, "{what} is no milestone");
    }
    let ballot = StatusRef {
        status_id: "500".to_string(),
        url: "https://social.example/@coopbot/500".to_string(),
    };
    let mut moved = vec![
        changed(&|p| p.ballot = Some(ballot.clone())),
        changed(&|p| p.stage = Stage::Open),
        changed(&|p| p.stage = closed(Application::Pending)),
        changed(&|p| p.stage = closed(Application::Applied { at })),
        changed(&|p| {
            p.stage = closed(Application::Failed {
                reason: "403".to_string(),
            })
        }),
        changed(&|p| {
            let mut closing = Closing::cancelled_unvoted(at, Application::Pending);
            closing.announcement = Some(ballot.clone());
            p.stage = Stage::Closed(closing);
        }),
        milestones(&[proposal(1, Stage::Opening), proposal(2, Stage::Opening)]),
        same,
    ];
    let count = moved.len();
    moved.sort_unstable();
    moved.dedup();
    assert_eq!(moved.len(), count, "each milestone moves the fingerprint");

    // Votes move the content, so the minute's full read writes them.
    let records = |votes: Vec<Vote>| SiteRecords {
        bot_acct: Some("coopbot".to_string()),
        proposals: vec![RecordedProposal {
            proposal: proposal(1, Stage::Open),
            votes,
            favourites: Vec::new(),
        }],
    };
    let (before, after) = (
        Fingerprint::of(&records(Vec::new())),
        Fingerprint::of(&records(vec![vote])),
    );
    assert_eq!(before.milestones, after.milestones);
    assert_ne!(before.content, after.content);
}
