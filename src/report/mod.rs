//! `coopgov list`, `show <n>` and `export`: the record, read from the store and written
//! for people (or, for `export`, for other tools).

mod export;
mod history;
mod page;

pub use export::{export, mastodon_blocklist, DecisionRecord, ExportFormat};
pub use history::in_words;
pub use page::{Line, Page, View, Zone};

use crate::governance::messages;
use crate::governance::proposal::{Application, Closing};
use crate::governance::{Action, Outcome, Position, Proposal, Records, Stage};
use crate::store::{Store, StoreError};

/// Detail lines under a proposal's first line.
const INDENT: &str = "    ";

/// Where a proposal stands, in a few lines: what, by whom, the counts, the times, and
/// what became of a passed decision. An open proposal must come with its votes.
fn summary(proposal: &Proposal, favourites_count_as: Option<Position>) -> Vec<Line> {
    let head = format!(
        "#{} {} by @{}: ",
        proposal.number,
        messages::proposal_phrase(proposal),
        proposal.proposer.acct
    );
    let origin = messages::origin_phrase(proposal)
        .map(|origin| Line::default().text(format!("{INDENT}{origin}")));
    let closes = || {
        Line::default()
            .text(format!("{INDENT}closes "))
            .at(proposal.closes_at)
            .text(", ")
            .until(proposal.closes_at)
    };
    let mut lines = match &proposal.stage {
        Stage::Opening => vec![
            Line::default().text(head + "opening, the ballot is being posted"),
            closes(),
        ],
        Stage::Open if proposal.is_seating() => vec![Line::default().text(format!(
            "{head}seating its jury: {}",
            messages::seating::progress(proposal)
        ))],
        Stage::Open => {
            let tally = proposal.tally(favourites_count_as);
            let voters = match tally.voters() {
                1 => "1 voter".to_string(),
                voters => format!("{voters} voters"),
            };
            let so_far = match proposal.is_sealed() {
                true => messages::sealed::so_far(proposal, &tally),
                false => format!("{} ({voters})", messages::counts(&tally)),
            };
            vec![
                Line::default().text(head + "open"),
                Line::default().text(format!("{INDENT}votes so far: {so_far}")),
                closes(),
            ]
        }
        Stage::Closed(closing) => {
            let mut lines = vec![
                Line::default().text(format!(
                    "{head}{} ({})",
                    closing.outcome,
                    messages::counts(&closing.tally)
                )),
                Line::default()
                    .text(format!("{INDENT}closed "))
                    .at(closing.closed_at),
            ];
            lines.extend(application(proposal, closing));
            lines
        }
    };
    if let Some(origin) = origin {
        lines.insert(1.min(lines.len()), origin);
    }
    lines
}

/// What became of a passed decision on the instance (or of an urgent action the members
/// did not back); nothing for one that changed nothing.
fn application(proposal: &Proposal, closing: &Closing) -> Option<Line> {
    let number = proposal.number;
    let words = match (&closing.application, &proposal.action) {
        (Application::NotNeeded, Action::Motion) if closing.outcome == Outcome::Passed => {
            "nothing to apply for a motion".to_string()
        }
        (Application::NotNeeded, _) => return None,
        (Application::Pending, _) => "being applied on the instance".to_string(),
        (Application::AwaitingConfirmation, _) => {
            format!("not applied yet: waiting for the working group's `apply {number}`")
        }
        (Application::DryRun, _) => "dry run: nothing changed on the instance".to_string(),
        (Application::Applied { at }, _) => {
            let deed = messages::deed(proposal, closing);
            return Some(
                Line::default()
                    .text(format!("{INDENT}done on the instance: {deed}, on "))
                    .at(*at),
            );
        }
        (Application::Failed { reason }, _) => format!(
            "could not be applied: {reason} (the working group may send `apply {number}` again)"
        ),
    };
    Some(Line::default().text(format!("{INDENT}{words}")))
}

/// An open proposal with its votes, for the running counts; others as they are.
fn with_votes(store: &Store, proposal: Proposal) -> Result<Proposal, ReportError> {
    if proposal.is_open() {
        Records::proposal_with_votes(store, proposal.number)?
            .ok_or(ReportError::Votes(proposal.number))
    } else {
        Ok(proposal)
    }
}

/// Every proposal, oldest first, a few lines each.
pub fn list(store: &Store, favourites_count_as: Option<Position>) -> Result<Page, ReportError> {
    let proposals = store.proposals()?;
    if proposals.is_empty() {
        return Ok(Page::text("No proposals yet."));
    }
    let mut page = Page::default();
    for proposal in proposals {
        let proposal = with_votes(store, proposal)?;
        for line in summary(&proposal, favourites_count_as) {
            page.push(line);
        }
    }
    Ok(page)
}

/// A proposal and its history, oldest first.
pub fn show(
    store: &Store,
    number: u64,
    favourites_count_as: Option<Position>,
) -> Result<Page, ReportError> {
    let proposal =
        Records::proposal_with_votes(store, number)?.ok_or(ReportError::NoProposal(number))?;
    let mut lines = summary(&proposal, favourites_count_as);
    lines.push(Line::default().text(format!("Reason: {}", proposal.reason)));
    if let Some(ballot) = &proposal.ballot {
        lines.push(Line::default().text(format!("Ballot: {}", ballot.url)));
    }
    lines.push(Line::default().text(messages::rule_line(&proposal.rule)));
    lines.push(Line::default());
    for record in store.history(number)? {
        let who = record
            .entry
            .account
            .map(|acct| format!("@{acct}"))
            .unwrap_or_else(|| "bot".to_string());
        lines.push(
            Line::default()
                .stamp(record.at)
                .text(format!("  {who:<20} {}", in_words(&record.entry.event))),
        );
    }
    Ok(Page::from(lines))
}

/// Why the record could not be read or written out; the `Display` is for the person who
/// asked.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("There is no proposal #{0}.")]
    NoProposal(u64),
    #[error("could not read the votes on proposal #{0}")]
    Votes(u64),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
}

#[cfg(test)]
mod tests;
