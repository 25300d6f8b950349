//! Every rule outcome as a table: ties, the 9× override boundary, quorum edges.

use super::support::tally;
use crate::governance::rules::decide;
use crate::governance::{Method, Outcome, Quorum, Rule};
use Outcome::{Blocked, NoQuorum, Passed, Rejected};

fn rule(
    method: Method,
    quorum: Quorum,
    threshold: f64,
    max_blocks: u32,
    ratio: Option<f64>,
) -> Rule {
    Rule {
        method,
        quorum,
        threshold,
        max_blocks,
        block_override_ratio: ratio,
        sealed: false,
    }
}

fn check(
    name: &str,
    rule: Rule,
    roster: Option<usize>,
    votes: (u32, u32, u32, u32),
    expected: Outcome,
) {
    let (a, ab, d, b) = votes;
    let got = decide(&rule, &tally(a, ab, d, b), roster);
    assert_eq!(got, expected, "{name}: {votes:?} under {rule:?}");
}

#[test]
fn social_coop_bylaws() {
    let bylaws = Rule::social_coop();
    let cases = [
        ("nobody voted", (0, 0, 0, 0), Rejected),
        ("only abstentions", (0, 5, 0, 0), Rejected),
        ("one agree", (1, 0, 0, 0), Passed),
        ("tie", (1, 0, 1, 0), Rejected),
        ("tie with abstentions", (3, 4, 3, 0), Rejected),
        ("more agree", (2, 0, 1, 0), Passed),
        ("more disagree", (1, 0, 2, 0), Rejected),
        ("abstentions do not weigh", (2, 50, 1, 0), Passed),
        ("one block, little support", (1, 0, 0, 1), Blocked),
        ("one block, just under 9x", (8, 0, 0, 1), Blocked),
        ("one block, exactly 9x", (9, 0, 0, 1), Passed),
        ("block and disagree, under 9x", (17, 0, 1, 1), Blocked),
        ("block and disagree, exactly 9x", (18, 0, 1, 1), Passed),
        ("two blocks, 9x", (18, 0, 0, 2), Passed),
        ("two blocks, under 9x", (17, 0, 0, 2), Blocked),
    ];
    for (name, votes, expected) in cases {
        check(name, bylaws, None, votes, expected);
    }
}

#[test]
fn consensus_without_override_and_with_allowed_blocks() {
    let strict = rule(Method::Consensus, Quorum::Voters(0), 0.5, 0, None);
    check("any block stops", strict, None, (100, 0, 0, 1), Blocked);
    let lenient = rule(Method::Consensus, Quorum::Voters(0), 0.5, 1, None);
    check("one block allowed", lenient, None, (100, 0, 0, 1), Passed);
    check(
        "two blocks, one allowed",
        lenient,
        None,
        (100, 0, 0, 2),
        Blocked,
    );
    check(
        "allowed block, no support",
        lenient,
        None,
        (1, 0, 2, 1),
        Rejected,
    );
    let two_thirds = rule(Method::Consensus, Quorum::Voters(0), 0.66, 0, None);
    check("two thirds", two_thirds, None, (2, 0, 1, 0), Passed);
    check("under two thirds", two_thirds, None, (3, 0, 2, 0), Rejected);
    let exactly = rule(Method::Consensus, Quorum::Voters(0), 0.75, 0, None);
    check(
        "exactly the threshold does not pass",
        exactly,
        None,
        (3, 0, 1, 0),
        Rejected,
    );
}

#[test]
fn quorum_edges() {
    let three = rule(Method::Consensus, Quorum::Voters(3), 0.5, 0, Some(9.0));
    check("below quorum", three, None, (2, 0, 0, 0), NoQuorum);
    check(
        "abstention completes quorum",
        three,
        None,
        (2, 1, 0, 0),
        Passed,
    );
    check("quorum met, tie", three, None, (1, 1, 1, 0), Rejected);
    let five = rule(Method::Consensus, Quorum::Voters(5), 0.5, 0, None);
    check(
        "no quorum wins over blocks",
        five,
        None,
        (1, 0, 0, 1),
        NoQuorum,
    );
    let percent = rule(
        Method::Consensus,
        Quorum::PercentOfRoster(20.0),
        0.5,
        0,
        None,
    );
    check(
        "20% of 11 is 3: two voters",
        percent,
        Some(11),
        (2, 0, 0, 0),
        NoQuorum,
    );
    check(
        "20% of 11 is 3: three voters",
        percent,
        Some(11),
        (3, 0, 0, 0),
        Passed,
    );
    check("20% of 10 is 2", percent, Some(10), (2, 0, 0, 0), Passed);
    let zero = rule(Method::Consensus, Quorum::Voters(0), 0.5, 0, None);
    check("quorum 0", zero, None, (1, 0, 0, 0), Passed);
}

#[test]
fn consent() {
    let consent = rule(Method::Consent, Quorum::Voters(0), 0.5, 0, Some(9.0));
    check(
        "disagreement alone does not stop it",
        consent,
        None,
        (1, 0, 5, 0),
        Passed,
    );
    check("nobody agreed", consent, None, (0, 0, 3, 0), Rejected);
    check("nobody took a side", consent, None, (0, 2, 0, 0), Rejected);
    check("tie", consent, None, (2, 0, 2, 0), Rejected);
    check("a block stops it", consent, None, (3, 0, 0, 1), Blocked);
    check("overridden block", consent, None, (9, 0, 0, 1), Passed);
}

#[test]
fn majority() {
    let half = rule(Method::Majority, Quorum::Voters(0), 0.5, 0, None);
    check("blocks count against", half, None, (3, 0, 1, 1), Passed);
    check(
        "half is not more than half",
        half,
        None,
        (2, 0, 1, 1),
        Rejected,
    );
    check("blocks alone", half, None, (0, 0, 0, 2), Rejected);
    check("blocks do not block", half, None, (10, 0, 0, 3), Passed);
    check("abstentions do not weigh", half, None, (1, 9, 0, 0), Passed);
    let quorum = rule(Method::Majority, Quorum::Voters(4), 0.5, 0, None);
    check(
        "majority below quorum",
        quorum,
        None,
        (3, 0, 0, 0),
        NoQuorum,
    );
}
