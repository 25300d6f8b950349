//! `index.html`: the open proposals (what, who decides, time left, votes so far) and the
//! recent decisions (outcome, date, a small tally), each linking to its page.

use super::{chart, page_path, style, words, Site};
use crate::governance::{messages, Outcome, Proposal, Tally};
use chrono::{DateTime, Utc};
use maud::{html, Markup};

/// Decisions shown whole; older ones are listed by number only.
const RECENT: usize = 25;

pub(super) fn page(site: &Site) -> String {
    let proposals = &site.input.proposals;
    let open: Vec<&Proposal> = proposals.iter().filter(|p| p.closing().is_none()).collect();
    let decisions = site.decisions();
    let (recent, earlier) = decisions.split_at(decisions.len().min(RECENT));
    let cancelled: Vec<&Proposal> = site
        .paged()
        .filter(|p| p.closing().is_some_and(|c| c.outcome == Outcome::Cancelled))
        .collect();
    let body = html! {
        h1 { "Decisions of " (site.host()) }
        p {
            "The members of " a href=(site.instance) { (site.host()) } " decide together how the instance is run, and which servers it blocks: by replying to a ballot that "
            "@" (site.input.bot_acct) " posts and counts. This is the public record of what was asked and decided. "
            a href="blocklist.html" { "The blocks in force" } " are listed with the decision behind each."
        }
        section {
            h2 { "Open proposals" }
            @if open.is_empty() {
                p.muted { "No proposal is open now." }
            } @else {
                ul.cards { @for proposal in &open { li { (open_card(site, proposal)) } } }
            }
        }
        section {
            h2 { "Recent decisions" }
            @if recent.is_empty() {
                p.muted { "Nothing has been decided yet." }
            } @else {
                ul.cards { @for proposal in recent { li { (decision_card(proposal)) } } }
            }
            @if !earlier.is_empty() {
                p { "Earlier decisions: " (number_links(earlier)) }
            }
            @if !cancelled.is_empty() {
                p.muted { "Cancelled without a decision: " (number_links(&cancelled)) }
            }
        }
    };
    style::page(site, "Decisions", "", body)
}

/// "#n: action", linked to its page when it has one.
fn heading(proposal: &Proposal, linked: bool) -> Markup {
    let action = words::title(proposal);
    html! {
        h3 {
            @if linked {
                a href=(page_path(proposal.number)) { "#" (proposal.number) ": " (action) }
            } @else {
                "#" (proposal.number) ": " (action)
            }
        }
    }
}

fn open_card(site: &Site, proposal: &Proposal) -> Markup {
    let now = site.input.generated_at;
    html! {
        (heading(proposal, super::has_page(proposal)))
        @if let Some(origin) = messages::origin_phrase(proposal) {
            p.muted { (words::capitalised(&origin)) "." }
        }
        dl.facts {
            dt { "Decided by" } dd { (words::who_decides(proposal)) }
            @if proposal.ballot.is_none() {
                dt { "Stage" } dd { "the ballot is being posted" }
            } @else {
                dt { "Time left" } dd { (time_left(proposal, now)) }
                dt { "Votes so far" }
                dd {
                    @if proposal.is_seating() {
                        "none count until the jury is seated"
                    } @else {
                        @let tally = proposal.tally(site.input.favourites_count_as);
                        @if proposal.is_sealed() {
                            (crate::governance::messages::sealed::so_far(proposal, &tally))
                        } @else {
                            (counts(&tally))
                        }
                    }
                }
            }
        }
    }
}

fn decision_card(proposal: &Proposal) -> Markup {
    let Some(closing) = proposal.closing() else {
        return html! {};
    };
    html! {
        (heading(proposal, true))
        p {
            span.outcome.(closing.outcome.name()) { (words::outcome(closing.outcome)) }
            " on " time datetime=(closing.closed_at.to_rfc3339()) { (messages::time(closing.closed_at)) }
            " · decided by " (words::who_decides(proposal))
            @if let Some(tag) = messages::origin_tag(proposal) { " · " (tag) }
        }
        p { (counts(&closing.tally)) }
    }
}

/// When voting closes, and the time left as of the page's writing, each date on one line.
fn time_left(proposal: &Proposal, now: DateTime<Utc>) -> Markup {
    words::dated(&words::time_left(proposal, now))
}

/// The small chart and the counts beside it.
fn counts(tally: &Tally) -> Markup {
    html! { (chart::mini_chart(tally)) span.counts { (chart::in_words(tally)) } }
}

fn number_links(proposals: &[&Proposal]) -> Markup {
    html! {
        @for (at, proposal) in proposals.iter().enumerate() {
            @if at > 0 { ", " }
            a href=(page_path(proposal.number)) { "#" (proposal.number) }
        }
    }
}
