//! `p/<n>.html`: one proposal — what it asked and why, how it came to be, the rule, who
//! decided, the tally drawn, the outcome and what became of it, its history, and the
//! links and command to check it against the public thread.
//!
//! The proposer's post is never linked: an urgent action or an appeal may have been asked
//! for by direct message.

use super::{chart, jury, style, words, Site};
use crate::governance::proposal::{Closing, Origin};
use crate::governance::sealed::Sealed;
use crate::governance::terms::rule_sentence;
use crate::governance::{messages, Action, Proposal, Stage};
use maud::{html, Markup};

/// The whole page of `proposal`, which has a ballot.
pub(super) fn page(site: &Site, proposal: &Proposal) -> String {
    let title = format!("#{}: {}", proposal.number, words::title(proposal));
    let status_class = match proposal.closing() {
        Some(closing) => closing.outcome.name(),
        None => "open",
    };
    let closing = proposal.closing();
    let body = html! {
        h1 { (title) }
        p.outcome.(status_class) { (words::dated(&words::stage(proposal, site.input.generated_at))) }
        section {
            h2 { "The proposal" }
            (what_it_asks(site, proposal))
        }
        section {
            h2 { "The rule" }
            p { (rule_sentence(&proposal.rule)) }
            p.muted {
                "Opened " (words::dated(&messages::time(proposal.opened_at))) "; "
                @if let Some(closing) = closing {
                    "voting closed " (words::dated(&messages::time(closing.closed_at))) "."
                } @else if proposal.is_seating() {
                    (words::dated(&words::time_left(proposal, site.input.generated_at))) "."
                } @else {
                    "voting closes " (words::dated(&messages::time(proposal.closes_at))) "."
                }
            }
        }
        section {
            h2 { @if closing.is_some() { "Who decided" } @else { "Who decides" } }
            (jury::who_decided(proposal))
        }
        section {
            h2 { @if closing.is_some() { "The tally" } @else { "Votes so far" } }
            (tally(site, proposal))
        }
        @if let Some(closing) = closing {
            section {
                h2 { "The outcome" }
                p { span.outcome.(closing.outcome.name()) { (words::outcome(closing.outcome)) } ". " (words::dated(&words::application(proposal, closing))) }
                (appealed(site, proposal))
            }
        }
        section {
            h2 { "History" }
            ol.history {
                @for event in words::history(proposal) {
                    li {
                        @if let Some(at) = event.at { time datetime=(at.to_rfc3339()) { (messages::time(at)) } ": " }
                        (words::dated(&event.what))
                    }
                }
            }
        }
        section {
            h2 { "Check it" }
            (check_it(site, proposal))
        }
    };
    style::page(site, &title, "../", body)
}

/// The action, who asked, how it came to be, and the reason (a member's words).
fn what_it_asks(site: &Site, proposal: &Proposal) -> Markup {
    let asks = match &proposal.action {
        Action::Motion => "A motion: a decision with nothing for the bot to change.".to_string(),
        action => format!("To {} on this instance.", messages::action_phrase(action)),
    };
    let proposer = match &proposal.origin {
        Origin::Reports(_) => format!("the bot, @{}", site.input.bot_acct),
        Origin::Request
        | Origin::Ratification(_)
        | Origin::Appeal { .. }
        | Origin::Subscription(_) => {
            format!("@{}", proposal.proposer.acct)
        }
    };
    html! {
        dl.facts {
            dt { "Asks" } dd { (asks) }
            dt { "Proposed by" } dd { (proposer) }
            @if let Some(origin) = words::origin(proposal) {
                dt { "How it came" }
                dd {
                    (origin)
                    @if let Origin::Appeal { of } = proposal.origin {
                        @if site.page_of(of).is_some() {
                            " " a href={ (of) ".html" } { "See proposal #" (of) "." }
                        }
                    }
                }
            }
        }
        p { "The reason given:" }
        blockquote.reason { (proposal.reason) }
        (batch_entries(site, proposal))
    }
}

/// A batch's entries: each server, the block asked, what the lists say, and whether a
/// member took it out (to its own proposal) or it was applied.
fn batch_entries(site: &Site, proposal: &Proposal) -> Markup {
    let Some(advised) = proposal.origin.advised().filter(|a| !a.batch.is_empty()) else {
        return html! {};
    };
    // A list, not a table: a phone shows each entry whole, without scrolling sideways.
    html! {
        h2 { "The batch’s entries" }
        ol.entries {
            @for entry in &advised.batch {
                li {
                    strong { (messages::domain_shown(&entry.domain)) } " — " (entry.severity.name())
                    br;
                    (words::sources(&entry.sources))
                    br;
                    @if let Some(excluded) = &entry.excluded {
                        "Taken out by @" (excluded.by.acct) ": " (excluded.reason) "; put to the members as "
                        @if site.page_of(excluded.proposal).is_some() {
                            a href={ (excluded.proposal) ".html" } { "proposal #" (excluded.proposal) }
                        } @else {
                            "proposal #" (excluded.proposal)
                        }
                        "."
                    } @else {
                        @match &entry.applied {
                            Some(Ok(())) => "Blocked.",
                            Some(Err(why)) => { "Not applied: " (why) "." },
                            None => "In the batch.",
                        }
                    }
                }
            }
        }
    }
}

/// The tally drawn, with what the thread cannot show and the blocks' reasons.
fn tally(site: &Site, proposal: &Proposal) -> Markup {
    if proposal.is_seating() {
        return html! { p { "No vote counts until the jury is seated." } };
    }
    let (tally, title) = match proposal.closing() {
        Some(closing) => (
            closing.tally,
            format!("Final tally of proposal #{}", proposal.number),
        ),
        None => (
            proposal.tally(site.input.favourites_count_as),
            format!("Votes so far on proposal #{}", proposal.number),
        ),
    };
    if let (true, None) = (proposal.is_sealed(), proposal.closing()) {
        return html! {
            p { (messages::sealed::so_far(proposal, &tally)) "." }
            p.muted { "This ballot is sealed: members vote by direct message and each gets a receipt. At the close every receipt is listed here with its vote, and who voted apart." }
        };
    }
    let cancelled_unvoted = matches!(&proposal.stage, Stage::Closed(c) if c.outcome == crate::governance::Outcome::Cancelled)
        && tally.voters() == 0;
    if cancelled_unvoted {
        return html! { p { "Cancelled before any vote was counted." } };
    }
    html! {
        figure.chart {
            (chart::tally_chart(&tally, &title, &format!("tally-{}", proposal.number)))
            figcaption.muted { (chart::in_words(&tally)) }
        }
        @if let Some(closing) = proposal.closing() {
            (unseen_and_blocks(closing))
            @if let Some(sealed) = &closing.sealed {
                (sealed_lists(proposal.number, sealed))
            }
        }
    }
}

/// A sealed ballot's receipts with their votes, and who voted, apart.
fn sealed_lists(number: u64, sealed: &Sealed) -> Markup {
    html! {
        h3 { "Receipts" }
        p.muted {
            "The ballot was sealed. Each voter got a receipt code by direct message; find yours below, or run "
            code { "coopgov verify <ballot> --receipt <code>" } ". The same lists: "
            a href={ (number) "-receipts.txt" } { (number) "-receipts.txt" } "."
        }
        @if sealed.receipts.is_empty() {
            p { "No vote was counted." }
        } @else {
            ul.receipts {
                @for line in sealed.receipt_lines() {
                    li { code { (line) } }
                }
            }
        }
        h3 { "Who voted" }
        @if sealed.voters.is_empty() {
            p { "Nobody." }
        } @else {
            ul.voters {
                @for acct in &sealed.voters {
                    li { "@" (acct) }
                }
            }
        }
    }
}

/// `p/<n>-receipts.txt`: the lists as the thread gives them, for `verify` and for anyone
/// who keeps a copy.
pub(super) fn receipts_text(number: u64, sealed: &Sealed) -> String {
    let mut text = format!("Receipts of proposal #{number}:\n");
    for line in sealed.receipt_lines() {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(&format!("\nVoters of proposal #{number}:\n"));
    for acct in &sealed.voters {
        text.push_str(&format!("@{acct}\n"));
    }
    text
}

fn unseen_and_blocks(closing: &Closing) -> Markup {
    html! {
        @if !closing.unseen.is_empty() {
            p.muted {
                "Counted from outside the ballot’s thread (" code { "vote <n>" } "): "
                (closing.unseen.outside_thread)
                ". Replies or favourites not counted because their author may not vote: "
                (closing.unseen.not_eligible) "."
            }
        }
        @if !closing.block_reasons.is_empty() {
            h3 { "Blocks and their reasons" }
            ul.blocks {
                @for (acct, reason) in &closing.block_reasons {
                    li { "@" (acct) ": " q.reason { (reason) } }
                }
            }
        }
    }
}

/// A later appeal of this decision, linked.
fn appealed(site: &Site, proposal: &Proposal) -> Markup {
    let appeal = site.paged().find(|p| {
        p.origin
            == Origin::Appeal {
                of: proposal.number,
            }
    });
    html! {
        @if let Some(appeal) = appeal {
            p { "This decision was appealed: " a href={ (appeal.number) ".html" } { "proposal #" (appeal.number) } "." }
        }
    }
}

/// The ballot, the announcement, and the command that recounts the thread.
fn check_it(site: &Site, proposal: &Proposal) -> Markup {
    let ballot = proposal.ballot.as_ref().map(|ballot| ballot.url.as_str());
    let announcement = proposal
        .closing()
        .and_then(|closing| closing.announcement.as_ref())
        .map(|status| status.url.as_str());
    let link = |url: Option<&str>, name: &str| -> Markup {
        match url {
            Some(url) => match site.on_instance(url) {
                Some(url) => html! { a href=(url) { (name) } },
                None => html! { (name) " (" (url) ")" },
            },
            None => html! { (name) " (not posted yet)" },
        }
    };
    html! {
        ul {
            li { (link(ballot, "The ballot")) ": the proposal and every reply, vote or not." }
            @if proposal.closing().is_some() {
                li { (link(announcement, "The result")) ", as announced in the ballot’s thread." }
            }
        }
        @match (ballot, proposal.closing()) {
            (Some(ballot), Some(_)) => {
                p { "Anyone can recount the decision from the public thread alone:" }
                pre.verify { code { "coopgov verify " (ballot) } }
            }
            _ => p { "Once it closes, " code { "coopgov verify" } " with the ballot’s address recounts it from the public thread alone." }
        }
    }
}
