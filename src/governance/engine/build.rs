//! A new proposal, built whole in one place from what it needs: what is asked and why,
//! by whom, and how it came to be. Its origin decides who decides it (a jury where one
//! decides its kind, all members for an appeal), under which rule, for how long, and
//! whether it is urgent; nothing patches a proposal afterwards.

use crate::governance::effects::{Effect, FollowUp};
use crate::governance::jury::{JuryCase, Seating};
use crate::governance::messages;
use crate::governance::proposal::{Advised, Identity, Origin, Proposal, Stage, StatusRef};
use crate::governance::purpose::Purpose;
use crate::governance::settings::Settings;
use crate::governance::{Action, ActionKind, Rule, Severity};
use chrono::{DateTime, Timelike, Utc};
use std::collections::BTreeMap;
use std::time::Duration;

/// What a new proposal asks, who asked, where, and how it came to be.
pub(super) struct Asked<'a> {
    pub action: &'a Action,
    pub reason: &'a str,
    pub proposer: Identity,
    /// The request's status (or, for a proposal the bot opened itself, a name for it).
    pub request: StatusRef,
    /// Replaces the default voting time (a member's `propose … 3d`).
    pub duration: Option<Duration>,
    /// Asked as `propose urgent …`.
    pub urgent: bool,
    pub origin: Origin,
}

/// The proposal `asked` opens as number `number` at `now`.
pub(super) fn new_proposal(
    settings: &Settings,
    number: u64,
    asked: Asked,
    now: DateTime<Utc>,
) -> Proposal {
    let kind = asked.action.kind();
    // Who decides, for how long, and under which rule follow from how it came to be.
    let (jury, duration, rule, urgent) = match &asked.origin {
        Origin::Request | Origin::Reports(_) | Origin::Subscription(_) => {
            let jury = case_for(settings, kind, asked.duration);
            let rule = match (&jury, &settings.jury) {
                (Some(_), Some(jury_settings)) => jury_settings.rule,
                _ => settings.rule_for(kind),
            };
            let duration = jury.as_ref().map_or(
                asked.duration.unwrap_or(settings.durations.default),
                |case| case.voting,
            );
            (jury, duration, rule, asked.urgent)
        }
        // Whoever decides it, a ratification is decided under its own rule and time.
        Origin::Ratification(_) => {
            let voting = settings.durations.urgent_min;
            let jury = case_for(settings, kind, Some(voting)).map(|case| JuryCase {
                members_rule: settings.ratify_rule,
                ..case
            });
            (jury, voting, settings.ratify_rule, true)
        }
        // All members decide an appeal, whatever a jury decides otherwise.
        Origin::Appeal { .. } => (
            None,
            settings.durations.default,
            settings.rule_for(kind),
            asked.urgent,
        ),
    };
    // A kind's ballots are sealed whoever decides them: a juror or a ratifier who votes
    // to suspend a harassers' server runs the same risk as any member.
    let rule = Rule {
        sealed: rule.sealed || settings.rule_for(kind).sealed,
        ..rule
    };
    Proposal {
        number,
        action: asked.action.clone(),
        urgent,
        reason: asked.reason.to_string(),
        proposer: asked.proposer,
        request: asked.request,
        rule,
        opened_at: now,
        closes_at: closing_time(now, duration),
        ballot: None,
        votes: BTreeMap::new(),
        favourites: BTreeMap::new(),
        explained: Default::default(),
        stage: Stage::Opening,
        reminded: false,
        jury,
        origin: asked.origin,
    }
}

/// The proposer and request of a proposal the bot opens itself (from reports, from the
/// lists' advice): the bot, and a request named `name`, which no status id can take, so
/// it is kept apart from members' requests.
pub(super) fn opened_by_bot(settings: &Settings, name: String) -> (Identity, StatusRef) {
    let bot = Identity {
        account_id: settings.membership.bot_account_id.clone(),
        acct: settings.bot_acct.clone(),
    };
    let request = StatusRef {
        status_id: name,
        url: String::new(),
    };
    (bot, request)
}

/// A proposal the bot opens itself from the lists' advice.
pub(super) fn advised_proposal(
    settings: &Settings,
    number: u64,
    action: &Action,
    reason: &str,
    advised: Advised,
    now: DateTime<Utc>,
) -> Proposal {
    let (proposer, request) = opened_by_bot(settings, format!("advice-{number}"));
    let asked = Asked {
        action,
        reason,
        proposer,
        request,
        duration: None,
        urgent: false,
        origin: Origin::Subscription(advised),
    };
    new_proposal(settings, number, asked, now)
}

/// The block a list's advice asks for: a silence, else a suspension.
pub(super) fn block_action(domain: &str, severity: Severity) -> Action {
    let domain = domain.to_string();
    match severity {
        Severity::Silence => Action::Silence { domain },
        _ => Action::Suspend { domain },
    }
}

/// The jury's terms for a new proposal of `kind`, when a jury decides that kind.
pub(super) fn case_for(
    settings: &Settings,
    kind: ActionKind,
    requested: Option<std::time::Duration>,
) -> Option<JuryCase> {
    let jury = settings.jury.as_ref().filter(|jury| jury.decides(kind))?;
    Some(JuryCase {
        size: jury.size,
        consent_within: jury.consent_within,
        voting: requested.unwrap_or(jury.duration),
        when_short: jury.when_short,
        members_rule: settings.rule_for(kind),
        draw: None,
        seating: Seating::Seating,
    })
}

/// The ballot's post; once it exists, voting opens (`on_ballot_posted`).
pub(super) fn ballot_effect(settings: &Settings, proposal: &Proposal) -> Effect {
    let number = proposal.number;
    Effect::Post {
        purpose: Purpose::Ballot { number },
        text: messages::ballot(settings, proposal),
        visibility: settings.ballot_visibility,
        in_reply_to: None,
        then: Some(FollowUp::BallotPosted {
            number,
            terms: messages::terms_reply(settings, proposal),
        }),
    }
}

/// `now + duration`, rounded up to the whole minute for votes of an hour or more, so
/// the ballot can state the exact closing time without seconds.
pub fn closing_time(now: DateTime<Utc>, duration: std::time::Duration) -> DateTime<Utc> {
    let exact = now + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX);
    if duration < std::time::Duration::from_secs(3600) {
        return exact;
    }
    let into_minute = chrono::Duration::seconds(i64::from(exact.second()))
        + chrono::Duration::nanoseconds(i64::from(exact.nanosecond()));
    if into_minute.is_zero() {
        exact
    } else {
        exact - into_minute + chrono::Duration::minutes(1)
    }
}
