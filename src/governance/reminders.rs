//! The one reminder a ballot gets, `reminder_before` its close.

use super::effects::{Effect, Step};
use super::messages;
use super::proposal::Proposal;
use super::purpose::Purpose;
use super::settings::{Settings, Visibility};
use chrono::{DateTime, Utc};

/// When `proposal`'s reminder is due, if it gets one: only open votes longer than
/// `reminder_before`, and only once.
pub fn reminder_time(settings: &Settings, proposal: &Proposal) -> Option<DateTime<Utc>> {
    let before = chrono::Duration::from_std(settings.reminder_before?).ok()?;
    let at = proposal.closes_at - before;
    (proposal.is_open() && !proposal.reminded && at > proposal.opened_at).then_some(at)
}

/// Proposals whose reminder is due now.
pub fn due(settings: &Settings, proposals: &[Proposal], now: DateTime<Utc>) -> Vec<u64> {
    proposals
        .iter()
        .filter(|proposal| proposal.closes_at > now)
        .filter(|proposal| reminder_time(settings, proposal).is_some_and(|at| at <= now))
        .map(|proposal| proposal.number)
        .collect()
}

/// Posts the reminder in the ballot's thread, with the time left and the votes so far;
/// when a seated jury decides, each juror who has not voted yet is also reminded by DM.
/// `proposal` must come with its votes.
pub fn remind(settings: &Settings, proposal: &Proposal, now: DateTime<Utc>) -> Step {
    let (Some(ballot), Some(_)) = (&proposal.ballot, reminder_time(settings, proposal)) else {
        return Step::default();
    };
    let text = messages::reminder(settings, proposal, proposal.closes_at - now);
    let mut reminded = proposal.clone();
    reminded.reminded = true;
    let effect = Effect::post(
        Purpose::Reminder {
            number: proposal.number,
        },
        text,
        settings.ballot_visibility,
        Some(ballot.status_id.clone()),
    );
    let mut effects = vec![effect];
    let counted = proposal.counted_positions(settings.favourites_count_as);
    let jury = proposal.jury.as_ref().filter(|case| case.jury_decides());
    for (acct, account_id) in jury
        .and_then(|case| case.draw.as_ref())
        .into_iter()
        .flat_map(|jury| jury.jurors())
    {
        if counted.contains_key(account_id) {
            continue;
        }
        effects.push(Effect::post(
            Purpose::JurorReminder {
                number: proposal.number,
                acct: acct.to_string(),
            },
            messages::to(
                acct,
                &messages::seating::juror_reminder(proposal, &ballot.url, now),
            ),
            Visibility::Direct,
            None,
        ));
    }
    Step::of(vec![reminded], effects).logged(Some(proposal.number), None, "reminder posted")
}
