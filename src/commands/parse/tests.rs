//! Table and property tests for the request grammar.
//! (Over 400 lines: the grammar's whole table in one place, so a new word is checked against all.)

use std::time::Duration;

use super::*;
use crate::commands::domain::DomainError;
use ActionKind::{Motion, Silence, Suspend, Unblock};
use Position::{Abstain, Agree, Block, Disagree};

pub(super) type Expected = Result<Request, ParseError>;

pub(super) fn check(cases: &[(&str, Expected)]) {
    let vocabulary = Vocabulary::standard();
    for (input, expected) in cases {
        assert_eq!(
            &parse_request(input, &vocabulary),
            expected,
            "input: {input:?}"
        );
    }
}

pub(super) fn propose(
    urgent: bool,
    action: Action,
    duration: Option<u64>,
    reason: &str,
) -> Expected {
    Ok(Request::Propose(ProposeRequest {
        urgent,
        action,
        duration: duration.map(Duration::from_secs),
        reason: reason.to_string(),
    }))
}

pub(super) fn suspend(domain: &str) -> Action {
    Action::Suspend {
        domain: domain.to_string(),
    }
}

pub(super) fn vote(number: u64, position: Position, reason: &str) -> Expected {
    Ok(Request::Vote {
        number,
        position,
        reason: reason.to_string(),
    })
}

pub(super) fn invalid_domain(action: ActionKind, given: &str, problem: DomainError) -> Expected {
    Err(ParseError::InvalidDomain {
        action,
        given: given.to_string(),
        problem,
    })
}

fn listing() -> Vec<(Position, Vec<String>)> {
    Vocabulary::standard().listing()
}

#[test]
fn help_and_status() {
    check(&[
        ("help", Ok(Request::Help)),
        ("HELP", Ok(Request::Help)),
        ("Help!", Ok(Request::Help)),
        ("help me please", Ok(Request::Help)),
        (": help", Ok(Request::Help)),
        ("status 3", Ok(Request::Status { number: 3 })),
        ("status #3", Ok(Request::Status { number: 3 })),
        ("Status: #12?", Ok(Request::Status { number: 12 })),
        ("status", Err(ParseError::StatusWithoutNumber)),
        (
            "status three",
            Err(ParseError::StatusBadNumber {
                given: "three".into(),
            }),
        ),
        (
            "status 0",
            Err(ParseError::StatusBadNumber { given: "0".into() }),
        ),
        (
            "status 99999999999999999999",
            Err(ParseError::StatusBadNumber {
                given: "99999999999999999999".into(),
            }),
        ),
    ]);
}

#[test]
fn jury_requests() {
    let jury = |request| Ok(Request::Jury(request));
    let unknown = |word: &str| {
        Err(ParseError::UnknownJuryWord {
            word: word.to_string(),
        })
    };
    check(&[
        ("jury join", jury(JuryRequest::Join)),
        ("Jury Join!", jury(JuryRequest::Join)),
        ("JURY: join, please", jury(JuryRequest::Join)),
        ("jury — leave", jury(JuryRequest::Leave)),
        ("jury leave now", jury(JuryRequest::Leave)),
        ("jury pool?", jury(JuryRequest::Pool)),
        ("jury", Err(ParseError::JuryWithoutWord)),
        ("jury:", Err(ParseError::JuryWithoutWord)),
        ("jury !", Err(ParseError::JuryWithoutWord)),
        ("jury duty sounds fun", unknown("duty")),
        ("jury joined", unknown("joined")),
        ("jury 3", unknown("3")),
        (
            "juries join",
            Err(ParseError::UnknownRequest {
                word: "juries".into(),
            }),
        ),
    ]);
    assert!(ParseError::UnknownJuryWord {
        word: "duty".into()
    }
    .is_not_a_request());
    assert!(!ParseError::JuryWithoutWord.is_not_a_request());
}

#[test]
fn appeals() {
    let appeal = |number, reason: &str| {
        Ok(Request::Appeal {
            number,
            reason: reason.to_string(),
        })
    };
    check(&[
        (
            "appeal 3 they were not heard",
            appeal(3, "they were not heard"),
        ),
        (
            "Appeal #3: they were not heard",
            appeal(3, "they were not heard"),
        ),
        ("appeal", Err(ParseError::AppealWithoutNumber)),
        (
            "appeal three please",
            Err(ParseError::AppealBadNumber {
                given: "three".into(),
            }),
        ),
        (
            "appeal 3",
            Err(ParseError::AppealWithoutReason { number: 3 }),
        ),
    ]);
    let request = Request::Appeal {
        number: 3,
        reason: "they were not heard".into(),
    };
    assert_eq!(
        parse_request(&request.to_string(), &Vocabulary::standard()),
        Ok(request)
    );
}

#[test]
fn votes() {
    check(&[
        ("vote 3 agree", vote(3, Agree, "")),
        ("VOTE 3 AGREE", vote(3, Agree, "")),
        ("vote #3 agree", vote(3, Agree, "")),
        ("vote 3: agree", vote(3, Agree, "")),
        ("#3 agree", vote(3, Agree, "")),
        ("#3: agree", vote(3, Agree, "")),
        ("#3 : abstain", vote(3, Abstain, "")),
        (
            "vote 3 Agree, because it Helps",
            vote(3, Agree, "because it Helps"),
        ),
        ("vote 3 agree! Finally", vote(3, Agree, "Finally")),
        (
            "vote 3 block — this cuts us off\nfrom friends",
            vote(3, Block, "this cuts us off from friends"),
        ),
        ("vote 3 no: too harsh", vote(3, Disagree, "too harsh")),
        ("vote 42 👎️ nope", vote(42, Disagree, "nope")),
        ("vote", Err(ParseError::VoteWithoutNumber)),
        (
            "vote agree",
            Err(ParseError::VoteBadNumber {
                given: "agree".into(),
            }),
        ),
        (
            "vote 0 agree",
            Err(ParseError::VoteBadNumber { given: "0".into() }),
        ),
        (
            "vote -3 agree",
            Err(ParseError::VoteBadNumber { given: "-3".into() }),
        ),
        (
            "vote #x agree",
            Err(ParseError::VoteBadNumber { given: "#x".into() }),
        ),
        (
            "vote 3",
            Err(ParseError::MissingPosition {
                number: 3,
                accepted: listing(),
            }),
        ),
        (
            "#3",
            Err(ParseError::MissingPosition {
                number: 3,
                accepted: listing(),
            }),
        ),
        (
            "#3 —",
            Err(ParseError::MissingPosition {
                number: 3,
                accepted: listing(),
            }),
        ),
        (
            "vote 3 maybe",
            Err(ParseError::UnknownPosition {
                number: 3,
                given: "maybe".into(),
                accepted: listing(),
            }),
        ),
        (
            "#abc agree",
            Err(ParseError::UnknownRequest {
                word: "#abc".into(),
            }),
        ),
    ]);
}

#[test]
fn every_vocabulary_word_votes() {
    let vocabulary = Vocabulary::standard();
    for (position, words) in vocabulary.listing() {
        for word in words {
            let cases = [
                (format!("vote 5 {word}"), vote(5, position, "")),
                (format!("#5 {word} fine"), vote(5, position, "fine")),
                (
                    format!("vote 5 {}!", word.to_uppercase()),
                    vote(5, position, ""),
                ),
            ];
            let cases: Vec<(&str, Expected)> = cases
                .iter()
                .map(|(input, expected)| (input.as_str(), expected.clone()))
                .collect();
            check(&cases);
        }
    }
}

#[test]
fn proposals() {
    let silence = Action::Silence {
        domain: "x.org".into(),
    };
    let unblock = Action::Unblock {
        domain: "x.org".into(),
    };
    check(&[
        (
            "propose suspend spam.example They send spam",
            propose(false, suspend("spam.example"), None, "They send spam"),
        ),
        (
            "Propose Suspend Spam.Example They Send Spam",
            propose(false, suspend("spam.example"), None, "They Send Spam"),
        ),
        (
            "PROPOSE: URGENT SUSPEND spam.example 48H Live attack",
            propose(true, suspend("spam.example"), Some(172_800), "Live attack"),
        ),
        (
            "propose silence x.org 3d noisy bots",
            propose(false, silence.clone(), Some(259_200), "noisy bots"),
        ),
        (
            "propose limit x.org noisy",
            propose(false, silence.clone(), None, "noisy"),
        ),
        (
            "propose unblock x.org 30s they fixed it",
            propose(false, unblock.clone(), Some(30), "they fixed it"),
        ),
        (
            "propose motion We adopt the CoC",
            propose(false, Action::Motion, None, "We adopt the CoC"),
        ),
        (
            "propose motion 7d We adopt the CoC",
            propose(false, Action::Motion, Some(604_800), "We adopt the CoC"),
        ),
        (
            "propose urgent motion 90m Now",
            propose(true, Action::Motion, Some(5400), "Now"),
        ),
        (
            "propose motion urgent things",
            propose(false, Action::Motion, None, "urgent things"),
        ),
        (
            "propose suspend x.org 5x spam",
            propose(false, suspend("x.org"), None, "5x spam"),
        ),
        (
            "propose suspend x.org 0 spam",
            propose(false, suspend("x.org"), None, "0 spam"),
        ),
        (
            "propose suspend x.org 48h, spam",
            propose(false, suspend("x.org"), Some(172_800), "spam"),
        ),
        (
            "propose suspend bücher.example spam",
            propose(false, suspend("xn--bcher-kva.example"), None, "spam"),
        ),
        (
            "propose suspend x.org, because spam",
            propose(false, suspend("x.org"), None, "because spam"),
        ),
        (
            "propose suspend x.org: spam",
            propose(false, suspend("x.org"), None, "spam"),
        ),
        (
            "propose suspend (x.org) spam",
            propose(false, suspend("x.org"), None, "spam"),
        ),
        (
            "propose suspend x.org. Spam",
            propose(false, suspend("x.org"), None, "Spam"),
        ),
        (
            "propose suspend x.org — spam",
            propose(false, suspend("x.org"), None, "spam"),
        ),
        (
            "propose suspend x.org line one\n\nline  two",
            propose(false, suspend("x.org"), None, "line one line two"),
        ),
    ]);
}

#[test]
fn proposal_errors() {
    check(&[
        ("propose", Err(ParseError::MissingAction)),
        ("propose urgent", Err(ParseError::MissingAction)),
        ("propose —", Err(ParseError::MissingAction)),
        (
            "propose ban x.org spam",
            Err(ParseError::UnknownAction { word: "ban".into() }),
        ),
        (
            "propose block x.org spam",
            Err(ParseError::UnknownAction {
                word: "block".into(),
            }),
        ),
        (
            "propose suspend",
            Err(ParseError::MissingDomain { action: Suspend }),
        ),
        (
            "propose urgent silence",
            Err(ParseError::MissingDomain { action: Silence }),
        ),
        (
            "propose unblock",
            Err(ParseError::MissingDomain { action: Unblock }),
        ),
        (
            "propose suspend https://x.org spam",
            invalid_domain(Suspend, "https://x.org", DomainError::NotBare),
        ),
        (
            "propose suspend x.org/path spam",
            invalid_domain(Suspend, "x.org/path", DomainError::NotBare),
        ),
        (
            "propose silence x.org:443 spam",
            invalid_domain(Silence, "x.org:443", DomainError::NotBare),
        ),
        (
            "propose suspend *.x.org spam",
            invalid_domain(Suspend, "*.x.org", DomainError::Wildcard),
        ),
        (
            "propose suspend localhost spam",
            invalid_domain(Suspend, "localhost", DomainError::SingleLabel),
        ),
        (
            "propose suspend 10.0.0.1 spam",
            invalid_domain(Suspend, "10.0.0.1", DomainError::IpAddress),
        ),
        (
            "propose suspend x.org",
            Err(ParseError::MissingReason { action: Suspend }),
        ),
        (
            "propose unblock x.org 48h",
            Err(ParseError::MissingReason { action: Unblock }),
        ),
        (
            "propose motion",
            Err(ParseError::MissingReason { action: Motion }),
        ),
        (
            "propose motion 7d —",
            Err(ParseError::MissingReason { action: Motion }),
        ),
    ]);
}

#[test]
fn empty_and_unknown_requests() {
    check(&[
        ("", Err(ParseError::Empty)),
        ("  \n ", Err(ParseError::Empty)),
        ("— !", Err(ParseError::Empty)),
        (
            "hello there",
            Err(ParseError::UnknownRequest {
                word: "hello".into(),
            }),
        ),
        (
            "agree",
            Err(ParseError::UnknownRequest {
                word: "agree".into(),
            }),
        ),
    ]);
}

#[test]
fn vote_replies() {
    let vocabulary = Vocabulary::standard();
    let cases: &[(&str, Option<(Position, &str)>)] = &[
        ("agree", Some((Agree, ""))),
        ("Agree! Makes sense", Some((Agree, "Makes sense"))),
        ("agree, because it helps", Some((Agree, "because it helps"))),
        ("agree — because", Some((Agree, "because"))),
        ("agree: because", Some((Agree, "because"))),
        ("agree,because it", Some((Agree, "because it"))),
        ("+1:great", Some((Agree, "great"))),
        ("👍", Some((Agree, ""))),
        ("👍️ great", Some((Agree, "great"))),
        ("NO. Too harsh", Some((Disagree, "Too harsh"))),
        ("abstain", Some((Abstain, ""))),
        (
            "block: this would cut us off\nfrom friends",
            Some((Block, "this would cut us off from friends")),
        ),
        ("I agree", None),
        ("vote 3 agree", None),
        ("#3 agree", None),
        ("", None),
        ("agreed", None),
        ("maybe later", None),
    ];
    for (input, expected) in cases {
        let expected = expected.map(|(position, reason)| (position, reason.to_string()));
        assert_eq!(
            parse_vote_reply(input, &vocabulary),
            expected,
            "input: {input:?}"
        );
    }
}
