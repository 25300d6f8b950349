//! A passed decision carried out on the instance, and what the bot says when the admin
//! call has finished.

use crate::governance::effects::{Effect, Step};
use crate::governance::messages;
use crate::governance::proposal::{Application, Proposal, Stage};
use crate::governance::purpose::Purpose;
use crate::governance::settings::Settings;
use crate::governance::Severity;
use chrono::{DateTime, Utc};

/// The admin call finished: announce it, or tell the working group why it failed.
pub fn on_applied(
    settings: &Settings,
    proposal: &Proposal,
    result: Result<Option<Severity>, String>,
    now: DateTime<Utc>,
) -> Step {
    let Some(closing) = proposal.closing() else {
        return Step::default();
    };
    let mut closing = closing.clone();
    let mut updated = proposal.clone();
    let number = proposal.number;
    let effects = match result {
        Ok(stricter) => {
            closing.application = Application::Applied { at: now };
            let ballot = proposal.ballot.as_ref().map(|b| b.status_id.clone());
            vec![Effect::post(
                Purpose::Applied { number },
                messages::applied(proposal, stricter),
                settings.ballot_visibility,
                ballot,
            )]
        }
        Err(reason) => {
            let text = messages::apply_failed(proposal, &reason);
            closing.application = Application::Failed { reason };
            Effect::tell_working_group(
                &settings.working_group,
                |acct| Purpose::ApplyFailed { number, acct },
                &text,
            )
        }
    };
    let event = match &closing.application {
        Application::Failed { reason } => format!("could not be applied: {reason}"),
        _ => "applied on the instance".to_string(),
    };
    updated.stage = Stage::Closed(closing);
    Step::of(vec![updated], effects).logged(Some(number), None, event)
}
