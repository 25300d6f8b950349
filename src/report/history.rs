//! A proposal's history in words: the stored lines name effects by their keys
//! (`done: explain-1-1796150810836`), which mean nothing to the people reading `show`.

use crate::governance::{EffectEvent, Purpose};

/// A stored history line as a person should read it. Lines are kept as they were
/// written (the history is append-only), so this translates at display time; a line
/// of no known shape is shown as it is.
pub fn in_words(event: &str) -> String {
    let Some(effect) = EffectEvent::parse(event) else {
        return event.to_string();
    };
    let (key, error) = match effect {
        EffectEvent::Done { key } => (key, None),
        EffectEvent::Failed { key, error } => (key, Some(Err(error))),
        EffectEvent::Dropped { key } => (key, Some(Ok(()))),
    };
    let Some(purpose) = Purpose::parse(key) else {
        return event.to_string();
    };
    let deed = deed(&purpose);
    match error {
        None => deed.done,
        Some(Err(error)) => format!("could not {}: {error}", deed.to_do),
        Some(Ok(())) => format!(
            "did not {}: the vote had closed before the request budget allowed it",
            deed.to_do
        ),
    }
}

/// What an effect did, and what it was to do: "posted the ballot", "post the ballot".
struct Deed {
    done: String,
    to_do: String,
}

fn deed(purpose: &Purpose) -> Deed {
    let words = |done: &str, to_do: &str| Deed {
        done: done.to_string(),
        to_do: to_do.to_string(),
    };
    match purpose {
        Purpose::Ballot { .. } => words("posted the ballot", "post the ballot"),
        Purpose::Opened { .. } => words(
            "told the proposer by direct message that voting is open",
            "tell the proposer by direct message that voting is open",
        ),
        Purpose::Reminder { .. } => words(
            "posted the reminder that voting closes soon",
            "post the reminder that voting closes soon",
        ),
        Purpose::Extension { .. } => words(
            "announced in the ballot's thread that voting was extended",
            "announce in the ballot's thread that voting was extended",
        ),
        Purpose::Cancellation { .. } => words(
            "announced in the ballot's thread that the proposal was cancelled",
            "announce in the ballot's thread that the proposal was cancelled",
        ),
        Purpose::Result { .. } => words("posted the result", "post the result"),
        Purpose::Apply { .. } => words(
            "applied the decision on the instance",
            "apply the decision on the instance",
        ),
        Purpose::ApplyOnCommand { .. } => words(
            "applied the decision on the instance, as the working group asked",
            "apply the decision on the instance, as the working group asked",
        ),
        Purpose::Applied { .. } => words(
            "announced in the ballot's thread that the decision was applied",
            "announce in the ballot's thread that the decision was applied",
        ),
        Purpose::ApplyFailed { acct, .. } => Deed {
            done: format!(
                "told @{acct} of the working group by direct message that the decision could not be applied"
            ),
            to_do: format!(
                "tell @{acct} of the working group by direct message that the decision could not be applied"
            ),
        },
        Purpose::ActFailed { acct, .. } => Deed {
            done: format!(
                "told @{acct} of the working group by direct message that the urgent action could not be carried out"
            ),
            to_do: format!(
                "tell @{acct} of the working group by direct message that the urgent action could not be carried out"
            ),
        },
        Purpose::Explanation { .. } => words(
            "told a member by direct message why their vote was not counted",
            "tell a member by direct message why their vote was not counted",
        ),
        Purpose::Answer { .. } => words("answered a request", "answer a request"),
        Purpose::SealedHow { .. } => words(
            "said under the sealed ballot how to vote on it",
            "say under the sealed ballot how to vote on it",
        ),
        Purpose::SealedReceipt { .. } => words(
            "sent a member the receipt of their sealed vote",
            "send a member the receipt of their sealed vote",
        ),
        Purpose::ReceiptList { part, .. } => Deed {
            done: format!("posted part {part} of the receipt list"),
            to_do: format!("post part {part} of the receipt list"),
        },
        Purpose::VoterList { part, .. } => Deed {
            done: format!("posted part {part} of the voters list"),
            to_do: format!("post part {part} of the voters list"),
        },
        Purpose::Entries { .. } => words(
            "listed the batch's entries in its thread",
            "list the batch's entries in its thread",
        ),
        Purpose::Excluded { domain, .. } => Deed {
            done: format!("said in the thread that {domain} was taken out of the batch"),
            to_do: format!("say in the thread that {domain} was taken out of the batch"),
        },
        Purpose::AdoptEntry { domain, .. } => Deed {
            done: format!("blocked {domain} as the batch decided"),
            to_do: format!("block {domain} as the batch decided"),
        },
        Purpose::AdviceNotice { acct, .. } => Deed {
            done: format!(
                "told @{acct} of the working group by direct message about a subscribed list"
            ),
            to_do: format!(
                "tell @{acct} of the working group by direct message about a subscribed list"
            ),
        },
        Purpose::ActNow { .. } => words(
            "read the domain's block before acting at once",
            "read the domain's block before acting at once",
        ),
        Purpose::Snapshot { .. } => words(
            "read the domain's block before acting at once",
            "read the domain's block before acting at once",
        ),
        Purpose::Provisional { .. } => words(
            "blocked the domain at once, provisionally",
            "block the domain at once, provisionally",
        ),
        Purpose::AtOnce { .. } => words(
            "said in the ballot's thread what was done at once",
            "say in the ballot's thread what was done at once",
        ),
        Purpose::Terms { .. } => words(
            "stated how it is decided in the ballot's first reply",
            "state how it is decided in the ballot's first reply",
        ),
        Purpose::CaseFile { acct, .. } => Deed {
            done: format!("sent a report of the case to @{acct} by direct message"),
            to_do: format!("send a report of the case to @{acct} by direct message"),
        },
        Purpose::Resolve { .. } => words(
            "resolved a member's report on the instance",
            "resolve a member's report on the instance",
        ),
        Purpose::Receipt { .. } => words(
            "favourited a vote as its receipt",
            "favourite a vote as its receipt",
        ),
        Purpose::Draw { part, .. } => Deed {
            done: format!("posted the jury's draw in the ballot's thread (part {part})"),
            to_do: format!("post the jury's draw in the ballot's thread (part {part})"),
        },
        Purpose::Invitation { acct, .. } => Deed {
            done: format!("invited {acct} by direct message to serve on the jury"),
            to_do: format!("invite {acct} by direct message to serve on the jury"),
        },
        Purpose::JurorReminder { acct, .. } => Deed {
            done: format!("reminded {acct} of the jury by direct message to vote"),
            to_do: format!("remind {acct} of the jury by direct message to vote"),
        },
        Purpose::Seated { .. } => words(
            "told the ballot's thread who sits on the jury",
            "tell the ballot's thread who sits on the jury",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effect_lines_are_told_in_words() {
        for (stored, shown) in [
            ("done: ballot-1", "posted the ballot"),
            (
                "done: opened-1",
                "told the proposer by direct message that voting is open",
            ),
            (
                "done: reminder-1",
                "posted the reminder that voting closes soon",
            ),
            (
                "done: extend-1-1796150810999",
                "announced in the ballot's thread that voting was extended",
            ),
            (
                "done: cancel-2",
                "announced in the ballot's thread that the proposal was cancelled",
            ),
            ("done: result-1", "posted the result"),
            ("done: apply-1", "applied the decision on the instance"),
            (
                "done: apply-1-1796150811000",
                "applied the decision on the instance, as the working group asked",
            ),
            (
                "done: applied-1",
                "announced in the ballot's thread that the decision was applied",
            ),
            (
                "done: apply-failed-1-alice",
                "told @alice of the working group by direct message that the decision could not be applied",
            ),
            (
                "done: explain-1-1796150810836",
                "told a member by direct message why their vote was not counted",
            ),
            ("done: answer-1796150810840", "answered a request"),
            ("done: receipt-1796150810841", "favourited a vote as its receipt"),
            (
                "failed: receipt-1796150810841: the instance refused (404): Record not found",
                "could not favourite a vote as its receipt: the instance refused (404): Record not found",
            ),
            (
                "failed: apply-1: the instance refused (403): This action is not allowed",
                "could not apply the decision on the instance: the instance refused (403): This action is not allowed",
            ),
        ] {
            assert_eq!(in_words(stored), shown, "{stored}");
        }
    }

    #[test]
    fn other_lines_are_shown_as_they_are() {
        for stored in [
            "vote counted: agree they spam",
            "closed: passed, agree 1, abstain 0, disagree 0, block 0 (1 voters)",
            "applied on the instance",
            "done: something-new-3",
            "done: ",
            "failed: ballot-1",
            "failed: mystery: it broke",
        ] {
            assert_eq!(in_words(stored), stored);
        }
    }
}
