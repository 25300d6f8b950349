//! The fixed record: a proposal at every stage and of every origin, built by hand.

use super::super::*;
pub(super) use crate::governance::jury::draw;
use crate::governance::jury::{Answer, Jury, JuryCase, Seating, Summons, WhenShort};
use crate::governance::proposal::{
    Application, Closing, Earlier, Identity, Origin, Provisional, ReportCase, StatusRef, Unseen,
    Vote,
};
use crate::governance::{Action, Outcome, Rule, Stage, Tally};
use crate::model::BlockState;

pub(super) const INSTANCE: &str = "https://social.example";

/// A reason no page may run or mangle.
pub(super) const HOSTILE: &str =
    "They post <script>alert(1)</script> & say \"hi\" & 'bye' </blockquote><b>bold</b>";
/// A block's reason, as hostile.
pub(super) const HOSTILE_BLOCK: &str = "<img src=x onerror=alert(2)> & \"no\"";
/// The working group's note on a block: private, never shown.
pub(super) const PRIVATE_NOTE: &str = "PRIVATE-NOTE-of-the-admins";

pub(super) fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a test time")
        .with_timezone(&Utc)
}

/// When the site is written: 10 December 2026, noon UTC.
pub(super) fn now() -> DateTime<Utc> {
    utc("2026-12-10T12:00:00Z")
}

fn member(name: &str, id: &str) -> Identity {
    Identity {
        account_id: id.to_string(),
        acct: name.to_string(),
    }
}

fn status(id: String) -> StatusRef {
    StatusRef {
        url: format!("{INSTANCE}/@coopbot/{id}"),
        status_id: id,
    }
}

fn vote(name: &str, id: &str, position: Position) -> Vote {
    Vote {
        voter: member(name, id),
        position,
        reason: format!("{name}'s public reply"),
        status_id: format!("9{id}"),
        in_thread: true,
        receipt: None,
    }
}

/// Proposal `number`, open with its ballot posted: opened on 1 December, an hour per
/// number later, closing six days after. Its request was a direct message.
fn open(number: u64, action: Action, reason: &str, proposer: &str) -> Proposal {
    let opened_at = utc("2026-12-01T10:00:00Z") + chrono::Duration::hours(number as i64);
    Proposal {
        number,
        action,
        urgent: false,
        reason: reason.to_string(),
        proposer: member(proposer, &format!("1{number}")),
        request: StatusRef {
            status_id: format!("dm-{number}"),
            url: format!("{INSTANCE}/@{proposer}/dm-{number}"),
        },
        rule: Rule::social_coop(),
        opened_at,
        closes_at: opened_at + chrono::Duration::days(6),
        ballot: Some(status(format!("50{number}"))),
        votes: Default::default(),
        favourites: Default::default(),
        explained: Default::default(),
        stage: Stage::Open,
        reminded: false,
        jury: None,
        origin: Origin::Request,
    }
}

pub(super) fn tally(agree: u32, abstain: u32, disagree: u32, block: u32) -> Tally {
    Tally {
        agree,
        abstain,
        disagree,
        block,
    }
}

/// Closed at its closing time, announced, and applied an hour later when `applied`.
fn closed(mut proposal: Proposal, outcome: Outcome, tally: Tally, applied: bool) -> Proposal {
    let closed_at = proposal.closes_at;
    let application = match (applied, &proposal.action) {
        (true, _) => Application::Applied {
            at: closed_at + chrono::Duration::hours(1),
        },
        (false, _) => Application::NotNeeded,
    };
    proposal.stage = Stage::Closed(Closing {
        outcome,
        tally,
        closed_at,
        block_reasons: Vec::new(),
        application,
        unseen: Unseen::default(),
        announcement: Some(status(format!("60{}", proposal.number))),
        sealed: None,
    });
    proposal
}

fn with_votes(mut proposal: Proposal, votes: &[(&str, &str, Position)]) -> Proposal {
    proposal.votes = votes
        .iter()
        .map(|(name, id, position)| (id.to_string(), vote(name, id, *position)))
        .collect();
    proposal
}

fn ratification(mut proposal: Proposal, earlier: Earlier) -> Proposal {
    proposal.urgent = true;
    proposal.rule = Rule::ratify();
    proposal.origin = Origin::Ratification(Provisional {
        actor: proposal.proposer.clone(),
        earlier,
    });
    proposal
}

/// The pool every jury here is drawn from.
const POOL: [&str; 5] = ["alice", "bob", "carol", "dave", "erin"];

/// A jury of `size` for `proposal`, drawn as SPEC §10 says; `answers` are the answers of
/// the first members in draw order (`true` takes a seat).
fn juried(
    mut proposal: Proposal,
    size: u32,
    answers: &[Option<bool>],
    seating: Seating,
) -> Proposal {
    // As the engine draws: never the proposer.
    let pool = draw::sorted_pool(
        POOL.into_iter()
            .filter(|acct| *acct != proposal.proposer.acct),
    );
    let ballot_id = proposal
        .ballot
        .as_ref()
        .map(|b| b.status_id.clone())
        .unwrap_or_default();
    let seed = draw::seed(proposal.number, &ballot_id, &pool);
    let mut jury = Jury::new(size, seed.clone(), draw::draw_order(&seed, &pool));
    let at = proposal.opened_at + chrono::Duration::hours(2);
    for (acct, answer) in jury.order.clone().iter().zip(answers) {
        let answer = match answer {
            Some(true) => Answer::Seated {
                account_id: format!("id-{acct}"),
                at,
            },
            Some(false) => Answer::PassedOver { at },
            None => Answer::Invited {
                deadline: at + chrono::Duration::days(1),
            },
        };
        jury.summoned.push(Summons {
            acct: acct.clone(),
            answer,
            invitation: None,
        });
    }
    proposal.jury = Some(JuryCase {
        size,
        consent_within: std::time::Duration::from_secs(86_400),
        voting: std::time::Duration::from_secs(3 * 86_400),
        when_short: WhenShort::Members,
        members_rule: Rule::social_coop(),
        draw: Some(jury),
        seating,
    });
    proposal
}

/// Every proposal of the fixed record, in number order.
pub(super) fn proposals() -> Vec<Proposal> {
    let mut first = closed(
        open(
            1,
            Action::Suspend {
                domain: "bad.example".into(),
            },
            HOSTILE,
            "alice",
        ),
        Outcome::Passed,
        tally(9, 1, 0, 1),
        true,
    );
    if let Stage::Closed(closing) = &mut first.stage {
        closing.block_reasons = vec![("carol".to_string(), HOSTILE_BLOCK.to_string())];
        closing.unseen = Unseen {
            outside_thread: 1,
            not_eligible: 2,
        };
    }
    let mut from_reports = open(2, Action::Silence { domain: "spam.example".into() }, "3 members reported accounts of spam.example in the last 7d (reports by category: spam 2, violation 2). The reports themselves are private: the jurors read them once seated.", "coopbot");
    from_reports.origin = Origin::Reports(ReportCase {
        domain: "spam.example".to_string(),
        reporters: 3,
        categories: [("spam".to_string(), 2), ("violation".to_string(), 2)].into(),
        within: std::time::Duration::from_secs(7 * 86_400),
        report_ids: vec!["report-id-r1".to_string(), "report-id-r2".to_string()],
        resolve: true,
    });
    let seated_at = from_reports.opened_at + chrono::Duration::hours(3);
    let from_reports = juried(
        from_reports,
        2,
        &[Some(false), Some(true), Some(true)],
        Seating::Seated { at: seated_at },
    );
    let earlier_silence = BlockState {
        severity: crate::model::Severity::Silence,
        public_comment: "limited by hand".to_string(),
        private_comment: PRIVATE_NOTE.to_string(),
        reject_media: true,
        reject_reports: false,
        obfuscate: false,
    };
    let mut undone = closed(
        ratification(
            open(
                6,
                Action::Suspend {
                    domain: "worse.example".into(),
                },
                "harassment wave, acting now",
                "wg",
            ),
            Earlier::Unblocked,
        ),
        Outcome::Blocked,
        tally(1, 0, 0, 2),
        true,
    );
    if let Stage::Closed(closing) = &mut undone.stage {
        closing.block_reasons = vec![
            ("bob".to_string(), "too hasty".to_string()),
            ("erin".to_string(), "ask them first".to_string()),
        ];
    }
    let mut opening = open(
        12,
        Action::Silence {
            domain: "new.example".into(),
        },
        "noisy",
        "frank",
    );
    opening.stage = Stage::Opening;
    opening.ballot = None;
    let mut cancelled = open(11, Action::Motion, "withdrawn idea", "bob");
    cancelled.stage = Stage::Closed(Closing::cancelled_unvoted(
        cancelled.opened_at + chrono::Duration::hours(1),
        Application::NotNeeded,
    ));
    let later = |mut proposal: Proposal| {
        proposal.closes_at = utc("2026-12-12T18:00:00Z");
        proposal
    };
    vec![
        first,
        closed(from_reports, Outcome::Passed, tally(2, 0, 0, 0), true),
        closed(
            open(
                3,
                Action::Suspend {
                    domain: "old.example".into(),
                },
                "spam",
                "alice",
            ),
            Outcome::Passed,
            tally(4, 0, 1, 0),
            true,
        ),
        closed(
            open(
                4,
                Action::Unblock {
                    domain: "old.example".into(),
                },
                "they cleaned up",
                "bob",
            ),
            Outcome::Passed,
            tally(5, 0, 0, 0),
            true,
        ),
        closed(
            open(5, Action::Motion, "adopt a code of conduct", "carol"),
            Outcome::Rejected,
            tally(1, 0, 3, 0),
            false,
        ),
        undone,
        closed(
            ratification(
                open(
                    7,
                    Action::Suspend {
                        domain: "nasty.example".into(),
                    },
                    "ongoing raid",
                    "wg",
                ),
                Earlier::Blocked(earlier_silence),
            ),
            Outcome::Passed,
            tally(6, 0, 1, 0),
            true,
        ),
        with_favourite(later(appeal(open(
            8,
            Action::Unblock {
                domain: "spam.example".into(),
            },
            "the jury was wrong",
            "erin",
        )))),
        with_votes(
            later(ratification(
                open(
                    9,
                    Action::Suspend {
                        domain: "evil.example".into(),
                    },
                    "raid in progress",
                    "wg",
                ),
                Earlier::Unblocked,
            )),
            &[("bob", "11", Position::Agree)],
        ),
        juried(
            later(open(
                10,
                Action::Suspend {
                    domain: "other.example".into(),
                },
                "hate speech",
                "dave",
            )),
            3,
            &[Some(true), None, None],
            Seating::Seating,
        ),
        cancelled,
        opening,
    ]
}

fn appeal(mut proposal: Proposal) -> Proposal {
    proposal.origin = Origin::Appeal { of: 2 };
    with_votes(
        proposal,
        &[
            ("bob", "11", Position::Agree),
            ("carol", "12", Position::Disagree),
        ],
    )
}

fn with_favourite(mut proposal: Proposal) -> Proposal {
    proposal.favourites = [("13".to_string(), member("dave", "13"))].into();
    proposal
}

pub(super) fn input() -> SiteInput {
    SiteInput {
        proposals: proposals(),
        instance_url: INSTANCE.to_string(),
        base_url: None,
        bot_acct: "coopbot".to_string(),
        generated_at: now(),
        notice: None,
        favourites_count_as: Some(Position::Agree),
        fires_page_size: crate::site::FIRES_PAGE_SIZE,
    }
}

/// A batch of three entries from the list "neighbours", passed: one taken out by bob to
/// its own proposal #8, one applied, one that could not be.
pub(super) fn batch() -> Proposal {
    use crate::governance::proposal::{Advised, Batched, Exclusion, Source};
    use crate::model::Severity;
    let entry = |domain: &str, comment: &str| Batched {
        domain: domain.to_string(),
        severity: Severity::Suspend,
        reject_media: false,
        reject_reports: false,
        sources: vec![Source {
            name: "neighbours".to_string(),
            comment: comment.to_string(),
            labels: vec!["Spam".to_string()],
        }],
        excluded: None,
        applied: None,
        attempt: 0,
    };
    let mut taken = entry("friendly.example", "");
    taken.excluded = Some(Exclusion {
        by: member("bob", "11"),
        reason: "they answer our reports".to_string(),
        status_id: "900".to_string(),
        proposal: 8,
    });
    let mut blocked = entry("raiders.example", HOSTILE);
    blocked.applied = Some(Ok(()));
    let mut failed = entry("stubborn.example", "");
    failed.applied = Some(Err("the server refused".to_string()));
    let mut proposal = closed(
        open(
            7,
            Action::Adopt {
                from: "neighbours".to_string(),
                suspend: 3,
                silence: 0,
            },
            "What neighbours lists that we have not decided about.",
            "coopbot",
        ),
        Outcome::Passed,
        tally(4, 0, 1, 0),
        true,
    );
    proposal.origin = Origin::Subscription(Advised {
        sources: vec![Source {
            name: "neighbours".to_string(),
            comment: String::new(),
            labels: Vec::new(),
        }],
        of: 1,
        reject_media: false,
        reject_reports: false,
        batch: vec![taken, blocked, failed],
    });
    proposal
}

/// Proposal `number` asking `action`, passed and applied `hours` after 1 December.
pub(super) fn decided(number: u64, action: Action, hours: i64) -> Proposal {
    let mut proposal = closed(
        open(number, action, "a reason", "alice"),
        Outcome::Passed,
        tally(5, 0, 0, 0),
        true,
    );
    let at = utc("2026-12-01T00:00:00Z") + chrono::Duration::hours(hours);
    if let Stage::Closed(closing) = &mut proposal.stage {
        closing.closed_at = at;
        closing.application = Application::Applied { at };
    }
    proposal
}
