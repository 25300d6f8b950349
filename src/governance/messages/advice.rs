//! What people read about the lists' advice: a proposal's reason quoting and attributing
//! its sources, the working group's notices about a list, and the record's phrases.

use super::{defang_all, domain_shown};
use crate::governance::advice::{About, Candidate};
use crate::governance::proposal::{Advised, Source};

/// The reason of a proposal opened from the lists' advice: who lists it, of how many,
/// and their own words quoted (never read as markup, never mentioning anyone):
/// `From neighbours (2 of our 3 subscriptions list it): "coordinated harassment"`.
pub fn reason(candidate: &Candidate, subscriptions: usize) -> String {
    let names: Vec<&str> = candidate.sources.iter().map(|s| s.name.as_str()).collect();
    let count = candidate.sources.len();
    let verb = match (candidate.about, count) {
        (About::Unblock, 1) => "no longer lists it",
        (About::Unblock, _) => "no longer list it",
        (About::Block { .. }, 1) if subscriptions == 1 => "lists it",
        (About::Block { .. }, _) => "list it",
    };
    let tally = match candidate.about {
        About::Unblock => format!(
            "{} {verb}, and our block came from our subscriptions alone",
            and_list(&names)
        ),
        About::Block { .. } => {
            format!("{count} of our {subscriptions} subscriptions {verb}")
        }
    };
    let said = said(&candidate.sources);
    let said = match said.is_empty() {
        true => " (no reason given)".to_string(),
        false => format!(": {said}"),
    };
    let from = match candidate.about {
        About::Unblock => "Advice lifted".to_string(),
        About::Block { .. } => format!("From {}", and_list(&names)),
    };
    defang_all(&format!("{from} ({tally}){said}"))
}

/// Each source's words: `"coordinated harassment" [spam, harassment]`, prefixed by
/// its name when more than one speaks.
fn said(sources: &[Source]) -> String {
    let speaking: Vec<&Source> = sources
        .iter()
        .filter(|s| !s.comment.trim().is_empty() || !s.labels.is_empty())
        .collect();
    let one = speaking.len() == 1;
    speaking
        .iter()
        .map(|source| {
            let mut words = String::new();
            if !one {
                words.push_str(&source.name);
                words.push_str(" says ");
            }
            let comment = one_line(&source.comment);
            if !comment.is_empty() {
                words.push_str(&format!("“{comment}”"));
            }
            if !source.labels.is_empty() {
                if !comment.is_empty() {
                    words.push(' ');
                }
                words.push_str(&format!("[{}]", source.labels.join(", ")));
            }
            words
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A list's comment on one line, as plain text.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn and_list(names: &[&str]) -> String {
    match names {
        [] => "our subscriptions".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// How a proposal from advice came to be, for `show`, the exports and the pages.
pub fn origin_phrase(advised: &Advised) -> String {
    let names: Vec<&str> = advised.sources.iter().map(|s| s.name.as_str()).collect();
    match advised.batch.len() {
        0 => format!(
            "from subscriptions: opened by the bot from the advice of {}",
            and_list(&names)
        ),
        n => format!(
            "from subscriptions: a batch of {n} entries from {}",
            and_list(&names)
        ),
    }
}

/// The block's private comment: the proposal and the lists it came from.
pub fn private_comment(number: u64, advised: &Advised) -> String {
    let names: Vec<&str> = advised.sources.iter().map(|s| s.name.as_str()).collect();
    format!(
        "coopgov proposal #{number}, from subscriptions: {}",
        names.join(", ")
    )
}

/// The working group told a list cannot be read or used; once per failure spell.
pub fn failing(name: &str, url: &str, reason: &str) -> String {
    format!(
        "The subscribed list “{name}” ({url}) could not be used: {reason} Nothing was \
         changed or proposed from it; the bot reads it again at its next time and tells \
         you when it works again."
    )
}

/// The working group told a failing list works again.
pub fn recovered(name: &str, url: &str) -> String {
    format!("The subscribed list “{name}” ({url}) can be read again; its advice is considered as before.")
}

/// Why a reading that drops too many entries at once proposes nothing.
pub fn too_many_removals(removed: usize, max: u32) -> String {
    format!(
        "it dropped {removed} entries at once, more than [advice] max_removals ({max}); a \
         list that suddenly empties is more likely broken than forgiving, so no block is \
         proposed for lifting. If the list really changed, lift the blocks by hand or \
         with unblock proposals."
    )
}

/// A domain as a list's advice names it in a ballot's numbered reply.
pub fn entry_line(domain: &str) -> String {
    domain_shown(domain)
}
