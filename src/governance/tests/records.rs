//! A read of the records that fails stops the event with its error: it is never taken
//! for "no such proposal", "not a vote" or "the first proposal".

use super::support::*;
use crate::governance::engine::{self, working_group};
use crate::governance::proposal::Vote;
use crate::governance::sealed::Draw;
use crate::governance::{Post, Proposal, Records};
use std::cell::Cell;

/// The disk failing.
#[derive(Debug, thiserror::Error)]
#[error("the disk failed")]
struct DiskFailed;

/// `Memory`, with one kind of read failing while `failing` names it.
struct Failing {
    memory: Memory,
    failing: Cell<&'static str>,
}

impl Failing {
    fn read<T>(&self, what: &'static str, value: T) -> Result<T, DiskFailed> {
        if self.failing.get() == what {
            Err(DiskFailed)
        } else {
            Ok(value)
        }
    }
}

impl From<crate::governance::kept::Unreadable> for DiskFailed {
    fn from(_: crate::governance::kept::Unreadable) -> DiskFailed {
        DiskFailed
    }
}

impl Records for Failing {
    type Error = DiskFailed;

    fn all_proposals(&self) -> Result<Vec<Proposal>, DiskFailed> {
        self.read("all_proposals", self.memory.all_proposals())
    }
    fn proposal(&self, number: u64) -> Result<Option<Proposal>, DiskFailed> {
        self.read("proposal", self.memory.proposal(number))
    }
    fn proposal_with_votes(&self, number: u64) -> Result<Option<Proposal>, DiskFailed> {
        self.read(
            "proposal_with_votes",
            self.memory.proposal_with_votes(number),
        )
    }
    fn vote(&self, number: u64, account_id: &str) -> Result<Option<Vote>, DiskFailed> {
        self.read("vote", self.memory.vote(number, account_id))
    }
    fn has_favourite(&self, number: u64, account_id: &str) -> Result<bool, DiskFailed> {
        let found = infallible(Records::has_favourite(&self.memory, number, account_id));
        self.read("has_favourite", found)
    }
    fn proposal_by_ballot(&self, status_id: &str) -> Result<Option<Proposal>, DiskFailed> {
        let found = infallible(Records::proposal_by_ballot(&self.memory, status_id));
        self.read("proposal_by_ballot", found)
    }
    fn proposal_by_request(&self, status_id: &str) -> Result<Option<u64>, DiskFailed> {
        let found = infallible(Records::proposal_by_request(&self.memory, status_id));
        self.read("proposal_by_request", found)
    }
    fn next_number(&self) -> Result<u64, DiskFailed> {
        self.read("next_number", self.memory.next_number())
    }
    fn answers_given(&self, account_id: &str, day: chrono::NaiveDate) -> Result<u32, DiskFailed> {
        let given = infallible(Records::answers_given(&self.memory, account_id, day));
        self.read("answers_given", given)
    }
    fn jury_pool(&self) -> Result<std::collections::BTreeMap<String, String>, DiskFailed> {
        self.read("jury_pool", self.memory.pool())
    }
    fn kept_value(&self, table: &'static str, key: &str) -> Result<Option<Vec<u8>>, DiskFailed> {
        let found = infallible(Records::kept_value(&self.memory, table, key));
        self.read("kept", found)
    }
    fn kept_values(&self, table: &'static str) -> Result<Vec<Vec<u8>>, DiskFailed> {
        let found = infallible(Records::kept_values(&self.memory, table));
        self.read("kept", found)
    }
}

#[test]
fn every_read_that_fails_stops_the_event_and_the_same_event_succeeds_after() {
    let settings = settings();
    let records = Failing {
        memory: Memory::with_open_ballot(&settings),
        failing: Cell::new(""),
    };
    let (alice, bob, wg) = (member("alice", 10), member("bob", 11), member("wg", 50));
    let mut list = post(&wg, 97, "list", None);
    list.direct = true;
    let events: [(&str, Post); 9] = [
        (
            "next_number",
            post(
                &alice,
                91,
                "propose motion we adopt a code of conduct",
                None,
            ),
        ),
        (
            "proposal_by_request",
            post(
                &alice,
                91,
                "propose motion we adopt a code of conduct",
                None,
            ),
        ),
        (
            "all_proposals",
            post(&bob, 92, "propose motion we meet monthly", None),
        ),
        ("proposal_by_ballot", post(&bob, 93, "agree", Some("500"))),
        ("vote", post(&bob, 93, "agree", Some("500"))),
        ("proposal", post(&bob, 94, "vote 1 agree", None)),
        ("proposal_with_votes", post(&bob, 95, "status 1", None)),
        ("answers_given", post(&bob, 96, "help", None)),
        ("all_proposals", list),
    ];
    for (read, event) in events {
        records.failing.set(read);
        let failed = engine::on_post(&settings, &records, &event, Draw(1), t0());
        assert!(
            failed.is_err(),
            "{read} failing gave {failed:?} for {:?}",
            event.text
        );
        records.failing.set("");
        let step =
            engine::on_post(&settings, &records, &event, Draw(1), t0()).expect("reads succeed");
        assert!(
            !step.is_empty() || !step.audit.is_empty(),
            "{read}: {:?}",
            event.text
        );
    }

    let proposal = records.memory.one();
    records.failing.set("has_favourite");
    assert!(engine::on_favourite(&settings, &records, &proposal, &bob).is_err());
    records.failing.set("all_proposals");
    assert!(engine::on_deleted(&records, "600").is_err());
    records.failing.set("proposal_with_votes");
    let command = crate::commands::parse_command("close 1").expect("a command");
    let mut close = post(&wg, 98, "close 1", None);
    close.direct = true;
    assert!(working_group::on_command(&settings, &records, &close, command, t0()).is_err());

    // A pool that cannot be read is not an empty pool to join.
    let volunteers = with_jury(crate::governance::jury::PoolSource::Volunteers);
    records.failing.set("jury_pool");
    let join = post(&bob, 99, "jury join", None);
    assert!(engine::on_post(&volunteers, &records, &join, Draw(1), t0()).is_err());
}
