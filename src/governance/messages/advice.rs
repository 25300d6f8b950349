//! What people read about the lists' advice: a proposal's reason quoting and attributing
//! its sources, the working group's notices about a list, and the record's phrases.

use super::{defang_all, domain_shown};
use crate::governance::advice::{About, Candidate};
use crate::governance::proposal::{Advised, Batched, Proposal, Source};
use crate::model::Severity;

/// The reason of a proposal opened from the lists' advice: who lists it, of how many,
/// and their own words quoted (never read as markup, never mentioning anyone):
/// `From neighbours (2 of our 3 subscriptions list it): "coordinated harassment"`.
pub fn reason(candidate: &Candidate, subscriptions: usize) -> String {
    let names: Vec<&str> = candidate.sources.iter().map(|s| s.name.as_str()).collect();
    let count = candidate.sources.len();
    let verb = match (candidate.about, count) {
        (About::Unblock, 1) => "no longer lists it",
        (About::Unblock, _) => "no longer list it",
        (About::Block { .. }, 1) => "lists it",
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

/// A batch's title: `adopt 37 entries from neighbours (30 suspend, 7 silence)`.
pub fn adopt_phrase(from: &str, suspend: u32, silence: u32) -> String {
    let total = suspend + silence;
    let entries = match total {
        1 => "1 entry".to_string(),
        n => format!("{n} entries"),
    };
    let parts: Vec<String> = [(suspend, "suspend"), (silence, "silence")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
    format!("adopt {entries} from {from} ({})", parts.join(", "))
}

/// The entries a batch still holds (not taken out by a member).
pub fn kept_entries(proposal: &Proposal) -> Vec<&Batched> {
    proposal
        .origin
        .advised()
        .map(|advised| {
            advised
                .batch
                .iter()
                .filter(|b| b.excluded.is_none())
                .collect()
        })
        .unwrap_or_default()
}

/// A batch ballot's reason: where its entries come from and how to take one out.
pub fn batch_reason(candidates: &[Candidate], from: &str, subscriptions: usize) -> String {
    let others: Vec<&str> = {
        let mut names: Vec<&str> = candidates
            .iter()
            .flat_map(|c| c.sources.iter().map(|s| s.name.as_str()))
            .filter(|name| *name != from)
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let also = match others.is_empty() {
        true => String::new(),
        false => format!(" (some also listed by {})", and_list(&others)),
    };
    format!(
        "What {from}, one of our {subscriptions} subscriptions, lists that we have not decided about{also}. Each entry, with the list's own words, is in the numbered replies below. To take one out and vote on it on its own, reply: exclude <domain> <reason>."
    )
}

/// The numbered replies listing a batch's entries, each cut to `max` characters.
pub fn batch_lists(number: u64, entries: &[Batched], max: usize) -> Vec<String> {
    let lines: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let severity = match entry.severity {
                Severity::Silence => "silence",
                _ => "suspend",
            };
            let said = said(&entry.sources);
            let said = match said.is_empty() {
                true => String::new(),
                false => format!(": {}", super::shorten(&said, 200)),
            };
            defang_all(&format!(
                "{}. {} ({severity}){said}",
                index + 1,
                domain_shown(&entry.domain)
            ))
        })
        .collect();
    super::numbered_posts(&format!("Entries of proposal #{number}"), &lines, max)
}

/// Told in the thread when a member takes an entry out of a batch.
pub fn excluded(domain: &str, by: &str, reason: &str, own: u64) -> String {
    defang_all(&format!(
        "{} is taken out of this batch by @{by}: {reason}. It is put to the members on its own as proposal #{own}; the batch goes on without it.",
        domain_shown(domain),
    ))
}

/// The reason of an entry's own proposal, once taken out of a batch.
pub fn excluded_reason(
    batch: u64,
    by: &str,
    reason: &str,
    sources: &[Source],
    subscriptions: usize,
) -> String {
    let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    let said = said(sources);
    let said = match said.is_empty() {
        true => String::new(),
        false => format!(": {said}"),
    };
    defang_all(&format!(
        "Taken out of batch #{batch} by @{by}: {reason}. From {} ({} of our {subscriptions} subscriptions){said}",
        and_list(&names),
        sources.len()
    ))
}

/// What a passed batch did, once each of its entries was applied.
pub fn batch_applied(proposal: &Proposal) -> String {
    let entries = kept_entries(proposal);
    let failed: Vec<String> = entries
        .iter()
        .filter_map(|entry| {
            entry
                .applied
                .as_ref()
                .and_then(|result| result.as_ref().err())
                .map(|why| format!("{} ({why})", domain_shown(&entry.domain)))
        })
        .collect();
    let done = entries.len() - failed.len();
    let mut text = format!(
        "Done: {done} of the batch's {} entries are now blocked on this instance, each naming proposal #{} and its list.",
        entries.len(),
        proposal.number
    );
    if !failed.is_empty() {
        text.push_str(&format!(
            " Could not be applied: {}; the working group is told.",
            failed.join(", ")
        ));
    }
    text
}

/// A batch's deed in a few words.
pub fn batch_deed(proposal: &Proposal) -> String {
    let applied = kept_entries(proposal)
        .iter()
        .filter(|entry| matches!(entry.applied, Some(Ok(()))))
        .count();
    format!("adopted {applied} entries as blocks")
}
