//! The site's sentences, from the record alone: who decides, how it ended, what became of
//! it on the instance, and its public history. Nothing a direct message said: an
//! application's error, for one, went to the working group only.

use crate::governance::jury::{Seating, WhenShort};
use crate::governance::messages;
use crate::governance::proposal::{Application, Closing, Earlier, Origin};
use crate::governance::{Action, Outcome, Proposal, Stage};
use chrono::{DateTime, NaiveDateTime, Utc};
use maud::{html, Markup};
use regex::Regex;
use std::sync::LazyLock;

/// A time as `messages::time` writes it.
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)? UTC").expect("a constant, valid pattern")
});

/// `text` as markup, each time in it a `<time>` element, which the stylesheet keeps on
/// one line: a phone would otherwise break "2026-12-07" at its hyphens.
pub(super) fn dated(text: &str) -> Markup {
    let mut pieces = Vec::new();
    let mut last = 0;
    for found in TIME.find_iter(text) {
        pieces.push((&text[last..found.start()], None));
        let shown = found.as_str();
        let format = match shown.len() {
            20 => "%Y-%m-%d %H:%M UTC",
            _ => "%Y-%m-%d %H:%M:%S UTC",
        };
        let at = NaiveDateTime::parse_from_str(shown, format)
            .map(|at| at.and_utc().to_rfc3339())
            .ok();
        pieces.push((shown, Some(at)));
        last = found.end();
    }
    pieces.push((&text[last..], None));
    html! {
        @for (piece, time) in pieces {
            @match time {
                None => (piece),
                Some(Some(at)) => time datetime=(at) { (piece) },
                Some(None) => time { (piece) },
            }
        }
    }
}

/// Who decides (or decided) a proposal, for lists: all members, or the Standing Jury.
pub(super) fn who_decides(proposal: &Proposal) -> String {
    let Some(case) = &proposal.jury else {
        return "all members".to_string();
    };
    match case.seating {
        Seating::Short { .. } => match case.when_short {
            WhenShort::Members => "all members (the jury pool ran out)".to_string(),
            WhenShort::Cancel => "nobody: the jury pool ran out".to_string(),
        },
        Seating::Seated { .. } => {
            let size = case
                .draw
                .as_ref()
                .map_or(case.size as usize, |draw| draw.seated_count());
            format!("the Standing Jury ({size} seated jurors)")
        }
        Seating::Seating => format!(
            "the Standing Jury (being seated: {})",
            messages::seating::progress(proposal)
        ),
    }
}

/// What a proposal asks, as headings name it: its action, or a motion's own words
/// (shortened).
pub(super) fn title(proposal: &Proposal) -> String {
    match &proposal.action {
        Action::Motion => format!("motion: {}", messages::shorten(proposal.reason.trim(), 80)),
        _ => messages::proposal_phrase(proposal),
    }
}

/// "Passed", "No quorum"…
pub(super) fn outcome(outcome: Outcome) -> String {
    capitalised(&outcome.to_string())
}

pub(super) fn capitalised(text: &str) -> String {
    let mut letters = text.chars();
    letters
        .next()
        .map(|first| first.to_uppercase().chain(letters).collect())
        .unwrap_or_default()
}

/// The proposal's stage in a few words, for a page's first line and the index.
pub(super) fn stage(proposal: &Proposal, now: DateTime<Utc>) -> String {
    match &proposal.stage {
        Stage::Opening => "Opening: the ballot is being posted".to_string(),
        Stage::Open if proposal.is_seating() => "Open: the jury is being seated".to_string(),
        Stage::Open => format!("Open: {}", time_left(proposal, now)),
        Stage::Closed(closing) => format!(
            "{} on {}",
            outcome(closing.outcome),
            messages::time(closing.closed_at)
        ),
    }
}

/// When voting closes, and the time left as of `now`, when the page was written (a static
/// page is read later): "until 2026-12-07 20:00 UTC (2 days left as of 2026-12-05
/// 18:00 UTC)".
pub(super) fn time_left(proposal: &Proposal, now: DateTime<Utc>) -> String {
    let until = messages::time(proposal.closes_at);
    if proposal.is_seating() {
        return match &proposal.jury {
            Some(case) => format!(
                "voting runs {} from the jury’s seating",
                chrono::Duration::from_std(case.voting)
                    .map_or_else(|_| "long".to_string(), messages::time_left)
            ),
            None => until,
        };
    }
    match proposal.closes_at > now {
        true => format!(
            "until {until} ({} left as of {})",
            messages::time_left(proposal.closes_at - now),
            messages::time(now)
        ),
        false => format!("voting ended {until}; being counted"),
    }
}

/// What became of the decision on the instance, in a sentence.
pub(super) fn application(proposal: &Proposal, closing: &Closing) -> String {
    if let Some(provisional) = proposal.origin.ratified() {
        return ratification(proposal, closing, &provisional.earlier);
    }
    let action = messages::action_phrase(&proposal.action);
    match (&closing.application, &proposal.action) {
        (Application::NotNeeded, Action::Motion) if closing.outcome == Outcome::Passed => {
            "The motion is adopted; there is nothing for the bot to change.".to_string()
        }
        (Application::NotNeeded, _) => "Nothing was changed on the instance.".to_string(),
        (Application::Pending, _) => format!("Being carried out on the instance: {action}."),
        (Application::AwaitingConfirmation, _) => {
            format!("Waiting for the working group to confirm: {action}.")
        }
        (Application::DryRun, _) => {
            format!("Dry run: the bot would {action}; nothing was changed.")
        }
        (Application::Applied { at }, _) => {
            format!("Done on the instance on {}: {action}.", messages::time(*at))
        }
        (Application::Failed { .. }, _) => {
            "Not carried out yet: the instance refused, and the working group was told.".to_string()
        }
    }
}

/// A ratification's end: the urgent block stays, or is undone.
fn ratification(proposal: &Proposal, closing: &Closing, earlier: &Earlier) -> String {
    let domain = proposal
        .action
        .domain()
        .map(messages::domain_shown)
        .unwrap_or_default();
    let back = match earlier {
        Earlier::Blocked(block) => format!(
            "{domain} is back under its earlier {} block",
            block.severity
        ),
        Earlier::Unblocked | Earlier::Unknown => format!("{domain} is unblocked"),
    };
    let passed = closing.outcome == Outcome::Passed;
    match (&closing.application, passed) {
        (Application::NotNeeded, _) => {
            "The urgent action never reached the instance; there was nothing to undo.".to_string()
        }
        (Application::Applied { at }, true) => format!(
            "The block on {domain} stays, as the members decided ({}).",
            messages::time(*at)
        ),
        (Application::Applied { at }, false) => {
            format!(
                "The urgent action was undone on {}: {back}.",
                messages::time(*at)
            )
        }
        (_, true) => format!("The block on {domain} stays; its provisional mark is being removed."),
        (_, false) => format!("The urgent action is being undone: {back}."),
    }
}

/// How a proposal came to be, in a sentence without links (the page adds them).
pub(super) fn origin(proposal: &Proposal) -> Option<String> {
    match &proposal.origin {
        Origin::Request => None,
        Origin::Reports(case) => {
            let members = match case.reporters {
                1 => "1 member’s report".to_string(),
                n => format!("{n} members’ reports"),
            };
            let categories: Vec<String> = case
                .categories
                .iter()
                .map(|(category, count)| format!("{category} {count}"))
                .collect();
            Some(format!(
                "Opened by the bot from {members} about {}: {}. The reports themselves are private.",
                messages::domain_shown(&case.domain),
                categories.join(", ")
            ))
        }
        Origin::Ratification(provisional) => Some(format!(
            "Ratifies an urgent action: @{} of the working group acted at once, before any vote, because harm was ongoing. Agree keeps the block; if it does not pass, the block is undone.",
            provisional.actor.acct
        )),
        Origin::Appeal { of } => Some(format!("An appeal of proposal #{of}, decided by all members.")),
        Origin::Subscription(advised) => {
            let sources: Vec<&str> = advised.sources.iter().map(|s| s.name.as_str()).collect();
            Some(format!(
                "Opened by the bot from the advice of lists the cooperative subscribes to ({}). A list is advice: the members decide.",
                sources.join(", ")
            ))
        }
    }
}

/// What the lists say of one server: each list's name, its words and labels.
pub(super) fn sources(sources: &[crate::governance::proposal::Source]) -> String {
    sources
        .iter()
        .map(|source| {
            let mut said = source.name.clone();
            if !source.comment.trim().is_empty() {
                said.push_str(&format!(": “{}”", source.comment.trim()));
            }
            if !source.labels.is_empty() {
                said.push_str(&format!(" [{}]", source.labels.join(", ")));
            }
            said
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One line of a proposal's public history: when (if the record knows) and what.
pub(super) struct Event {
    pub at: Option<DateTime<Utc>>,
    pub what: String,
}

/// The history the record itself shows, oldest first.
pub(super) fn history(proposal: &Proposal) -> Vec<Event> {
    let event = |at: Option<DateTime<Utc>>, what: String| Event { at, what };
    let mut events = vec![event(Some(proposal.opened_at), "Opened.".to_string())];
    if proposal.ballot.is_some() {
        events.push(event(None, "Ballot posted on the instance.".to_string()));
    }
    if let Some(case) = &proposal.jury {
        match case.seating {
            Seating::Seated { at } => events.push(event(
                Some(at),
                "The jury is seated; voting opens.".to_string(),
            )),
            Seating::Short { at } => events.push(event(
                Some(at),
                "The jury pool ran out before the jury was full.".to_string(),
            )),
            Seating::Seating => {}
        }
    }
    match &proposal.stage {
        Stage::Closed(closing) => {
            events.push(event(
                Some(closing.closed_at),
                format!("Closed: {}.", outcome(closing.outcome).to_lowercase()),
            ));
            if let Application::Applied { at } = closing.application {
                let what = match &proposal.origin {
                    Origin::Ratification(_) if closing.outcome == Outcome::Passed => {
                        "The block is confirmed on the instance."
                    }
                    Origin::Ratification(_) => "The urgent action is undone on the instance.",
                    Origin::Request
                    | Origin::Reports(_)
                    | Origin::Appeal { .. }
                    | Origin::Subscription(_) => "Carried out on the instance.",
                };
                events.push(event(Some(at), what.to_string()));
            }
        }
        _ if proposal.is_open() => events.push(event(
            Some(proposal.closes_at),
            "Voting is due to close.".to_string(),
        )),
        _ => {}
    }
    // Seatings and the close can share a minute; the order above breaks ties.
    events.sort_by_key(|event| event.at.unwrap_or(proposal.opened_at));
    events
}
