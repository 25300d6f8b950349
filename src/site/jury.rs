//! Who decided a proposal: all members, or the Standing Jury with its draw laid out so
//! that anyone can recompute it with `sha256sum` (SPEC §10). Jurors are named once the
//! thread has named them, at the seating; until then only how far the seating has come.

use crate::governance::jury::{draw, Jury, JuryCase, Seating, WhenShort};
use crate::governance::{messages, Proposal};
use maud::{html, Markup};

/// The "Who decides" section's body.
pub(super) fn who_decided(proposal: &Proposal) -> Markup {
    let Some(case) = &proposal.jury else {
        return match proposal.is_sealed() {
            true => {
                html! { p { "All members: every member who may vote could answer the sealed ballot by direct message." } }
            }
            false => {
                html! { p { "All members: every member who may vote could reply to the ballot." } }
            }
        };
    };
    html! {
        p { (super::words::dated(&seating(proposal, case))) }
        @if let (Seating::Seated { .. }, Some(jury)) = (case.seating, &case.draw) {
            p { "The jurors, in draw order:" }
            ol.jurors {
                @for (acct, _) in jury.jurors() {
                    li { "@" (acct) }
                }
            }
        }
        @if let Some(jury) = &case.draw {
            (the_draw(proposal, jury))
        }
    }
}

fn seating(proposal: &Proposal, case: &JuryCase) -> String {
    let members = if case.size == 1 { "member" } else { "members" };
    let jury = format!(
        "A Standing Jury of {} {members} drawn by lot from its pool",
        case.size
    );
    match case.seating {
        Seating::Seating => format!(
            "{jury} decides it. It is being seated: {}.",
            messages::seating::progress(proposal)
        ),
        Seating::Seated { at } => format!(
            "{jury} decided it; the jury was seated on {}, and only the jurors’ votes count.",
            messages::time(at)
        ),
        Seating::Short { at } => format!(
            "{jury} was to decide it, but the pool ran out before the jury was full ({}); {}.",
            messages::time(at),
            match case.when_short {
                WhenShort::Members => "all members voted instead",
                WhenShort::Cancel => "it was cancelled",
            }
        ),
    }
}

/// The draw: the seed, the text it is the SHA-256 of, the pool and the draw order.
fn the_draw(proposal: &Proposal, jury: &Jury) -> Markup {
    let pool = draw::sorted_pool(jury.order.iter().map(String::as_str));
    let ballot_id = proposal
        .ballot
        .as_ref()
        .map(|ballot| ballot.status_id.as_str())
        .unwrap_or_default();
    let seed_text = draw::seed_text(proposal.number, ballot_id, &pool);
    html! {
        details.draw open {
            summary { "The draw, to recompute" }
            p {
                "Seed: " code.seed { (jury.seed) } ", the SHA-256 (as "
                code { "sha256sum" } " prints it) of these lines, without a final newline: "
                code { "coopgov-jury-v1" } ", the proposal’s number, the ballot’s id, then the pool sorted by name:"
            }
            pre.seed-text { (seed_text) }
            p {
                "The pool (" (pool.len()) " members) in draw order, lowest SHA-256 of the seed, a newline and the name first; members are invited in this order until every seat is taken:"
            }
            ol.order {
                @for acct in &jury.order {
                    li { "@" (acct) }
                }
            }
        }
    }
}
