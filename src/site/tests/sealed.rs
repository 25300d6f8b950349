//! A sealed ballot's pages: while open only the number of voters; closed, the receipt
//! list and the voters list apart, and `p/<n>-receipts.txt` with the same.

use super::fixture::*;
use super::*;
use crate::governance::proposal::Issued;
use crate::governance::sealed::{Receipt, Sealed, SealedVote};
use crate::governance::{Outcome, Proposal, Rule, Stage};

/// Proposal #1 of the fixture, sealed; its votes cast by bob (agree), carol (block).
fn sealed_one(closed: bool) -> Proposal {
    let mut proposal = input()
        .proposals
        .into_iter()
        .find(|p| p.is_open() && p.jury.is_none() && p.closing().is_none())
        .expect("an open proposal in the fixture");
    proposal.rule = Rule {
        sealed: true,
        ..proposal.rule
    };
    let cast = [
        ("bob", "21", Position::Agree, "", 0x1234_5678_9ABC),
        (
            "carol",
            "22",
            Position::Block,
            "they harass us",
            0x0FED_CBA9_8765,
        ),
    ];
    proposal.votes = cast
        .iter()
        .map(|(name, id, position, reason, bits)| {
            let vote = crate::governance::proposal::Vote {
                voter: crate::governance::Identity {
                    account_id: id.to_string(),
                    acct: name.to_string(),
                },
                position: *position,
                reason: reason.to_string(),
                status_id: format!("9{id}"),
                in_thread: true,
                receipt: Some(Issued {
                    receipt: Receipt::from_bits(*bits),
                    serial: 0,
                }),
            };
            (id.to_string(), vote)
        })
        .collect();
    if closed {
        let current = cast
            .iter()
            .map(|(name, _, position, reason, bits)| {
                let vote = SealedVote {
                    position: *position,
                    reason: reason.to_string(),
                    receipt: Receipt::from_bits(*bits),
                };
                (name.to_string(), vote)
            })
            .collect();
        let sealed = Sealed::close(&current);
        let closing = crate::governance::proposal::Closing {
            outcome: Outcome::Blocked,
            tally: sealed.tally(),
            closed_at: proposal.closes_at,
            block_reasons: Vec::new(),
            application: crate::governance::proposal::Application::NotNeeded,
            unseen: Default::default(),
            announcement: None,
            sealed: Some(sealed),
        };
        proposal.votes.clear();
        proposal.stage = Stage::Closed(closing);
    }
    proposal
}

fn pages_of(proposal: Proposal) -> BTreeMap<String, String> {
    let mut input = input();
    input.proposals.retain(|p| p.number != proposal.number);
    input.proposals.push(proposal);
    input.proposals.sort_by_key(|p| p.number);
    site(&input)
}

#[test]
fn an_open_sealed_ballot_shows_how_many_voted_never_how() {
    let proposal = sealed_one(false);
    let path = format!("p/{}.html", proposal.number);
    let pages = pages_of(proposal);
    let page = &pages[&path];
    assert!(page.contains("2 voters"), "{page}");
    for hidden in ["agree 1", "block 1", "they harass us", "@bob", "@carol"] {
        assert!(!page.contains(hidden), "{hidden:?} on an open sealed page");
    }
    assert!(pages["index.html"].contains("2 voters (sealed"));
}

#[test]
fn a_closed_sealed_ballot_lists_receipts_and_voters_apart() {
    let proposal = sealed_one(true);
    let number = proposal.number;
    let pages = pages_of(proposal);
    let page = &pages[&format!("p/{number}.html")];
    let agree = Receipt::from_bits(0x1234_5678_9ABC).to_string();
    let block = Receipt::from_bits(0x0FED_CBA9_8765).to_string();
    assert!(page.contains(&format!("{agree} agree")), "{page}");
    assert!(page.contains(&format!("{block} block: they harass us")));
    assert!(page.contains("<li>@bob</li>") && page.contains("<li>@carol</li>"));
    let text = &pages[&format!("p/{number}-receipts.txt")];
    assert!(text.contains(&format!("{agree} agree\n")), "{text}");
    assert!(text.contains("@carol\n"));
    if let Ok(folder) = std::env::var("COOPGOV_SEALED_PAGE_TO") {
        for (path, text) in &pages {
            let file = std::path::Path::new(&folder).join(path);
            std::fs::create_dir_all(file.parent().expect("a folder")).expect("folder");
            std::fs::write(file, text).expect("written");
        }
    }
}
