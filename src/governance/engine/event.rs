//! The one way into the core: everything the bot hears is an `Event`, and `decide` turns
//! it into one `Step`; the moments the core waits for are its `timers`. The runtime turns
//! what the instance says into events in one place, and asks for the timers in one place.

use super::advice::{self, AdviceHeard};
use super::{apply, close, jury, open, reports, urgent, vote};
use crate::governance::effects::{FollowUp, Step, UrgentCommand};
use crate::governance::proposal::{Author, Post, Proposal, StatusRef};
use crate::governance::purpose::Purpose;
use crate::governance::records::{Records, ThreadRecord};
use crate::governance::reminders;
use crate::governance::reports::Report;
use crate::governance::sealed::Draw;
use crate::governance::settings::Settings;
use crate::governance::Severity;
use crate::model::BlockState;
use chrono::{DateTime, Utc};

/// Something the core hears, and decides about.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A post that mentions the bot, replies to one of its ballots or answers one of its
    /// invitations; with the bits drawn for its receipt, should it be a sealed vote.
    Post(&'a Post, Draw),
    /// A favourite of one of the bot's statuses (a vote when it is a ballot).
    Favourite {
        status_id: &'a str,
        author: &'a Author,
    },
    /// A status deleted: the vote it carried is withdrawn.
    Deleted { status_id: &'a str },
    /// The unresolved reports, as the instance lists them now.
    Reports(&'a [Report]),
    /// A subscribed list was read, or what waits from the lists may open.
    Advice(AdviceHeard<'a>),
    /// A timer the core asked for (`timers`) came due. A close comes as `ThreadRead`,
    /// once the ballot's thread is read.
    Due(Timer),
    /// A ballot's thread, read for its close.
    ThreadRead {
        number: u64,
        thread: &'a ThreadRecord,
    },
    /// An effect was carried out, or failed for good: what the instance answered.
    Done(Done<'a>),
}

/// A moment the core waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// A ballot's voting time is over: its thread is to be read, then it closes.
    Close(u64),
    /// A drawn juror's time to accept ran out.
    Consent(u64),
    /// The one reminder before a ballot closes.
    Reminder(u64),
}

/// What the instance answered to an effect.
#[derive(Debug, Clone, Copy)]
pub enum Done<'a> {
    /// A status was posted (or an earlier attempt of it found), with what it waited for.
    Posted {
        follow_up: &'a FollowUp,
        status: &'a StatusRef,
    },
    /// A domain's block was read for the working group's urgent command.
    BlockRead {
        command: &'a UrgentCommand,
        earlier: Option<&'a BlockState>,
    },
    /// The block could not be read: the urgent command is given up.
    BlockUnreadable {
        command: &'a UrgentCommand,
        reason: &'a str,
    },
    /// A domain's block was read for a ratification opened before the read (an outbox
    /// entry of an earlier version).
    Snapshot {
        number: u64,
        earlier: Option<&'a BlockState>,
    },
    /// A domain's block was set exactly (or could not be): for `purpose`.
    BlockSet {
        purpose: &'a Purpose,
        number: u64,
        result: Result<(), &'a str>,
    },
    /// A decision was carried out (`Some`: a stricter block was already there), or not.
    Applied {
        number: u64,
        result: Result<Option<Severity>, &'a str>,
    },
    /// One entry of a passed batch was blocked, or not.
    EntryApplied {
        number: u64,
        domain: &'a str,
        result: Result<(), &'a str>,
    },
}

/// What the core decides on hearing `event` at `now`.
pub fn decide<R: Records>(
    settings: &Settings,
    records: &R,
    event: Event,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    match event {
        Event::Post(post, draw) => super::on_post(settings, records, post, draw, now),
        Event::Favourite { status_id, author } => match records.proposal_by_ballot(status_id)? {
            Some(proposal) => vote::on_favourite(settings, records, &proposal, author),
            None => Ok(Step::default()),
        },
        Event::Deleted { status_id } => vote::on_deleted(records, status_id),
        Event::Reports(unresolved) => reports::on_reports(settings, records, unresolved, now),
        Event::Advice(heard) => advice::on_advice(settings, records, heard, now),
        Event::Due(Timer::Close(_)) => Ok(Step::default()),
        Event::Due(Timer::Consent(number)) => Ok(match records.proposal(number)? {
            Some(proposal) => jury::on_consent_deadline(settings, &proposal, now),
            None => Step::default(),
        }),
        Event::Due(Timer::Reminder(number)) => Ok(match records.proposal_with_votes(number)? {
            Some(proposal) => reminders::remind(settings, &proposal, now),
            None => Step::default(),
        }),
        Event::ThreadRead { number, thread } => Ok(match records.proposal_with_votes(number)? {
            Some(proposal) => close::close(settings, &proposal, thread, now),
            None => Step::default(),
        }),
        Event::Done(done) => on_done(settings, records, done, now),
    }
}

fn on_done<R: Records>(
    settings: &Settings,
    records: &R,
    done: Done,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    let proposal = |number| records.proposal(number);
    let then = |number, decide: &dyn Fn(&Proposal) -> Step| -> Result<Step, R::Error> {
        Ok(proposal(number)?.map(|p| decide(&p)).unwrap_or_default())
    };
    match done {
        Done::Posted { follow_up, status } => match follow_up {
            FollowUp::BallotPosted { number, terms } => match proposal(*number)? {
                Some(p) => open::on_ballot_posted(
                    settings,
                    records,
                    &p,
                    status.clone(),
                    terms.as_deref(),
                    now,
                ),
                None => Ok(Step::default()),
            },
            FollowUp::Invited { number, acct } => {
                then(*number, &|p| jury::on_invitation_sent(p, acct, status))
            }
            FollowUp::Announced { number } => {
                then(*number, &|p| close::on_announced(p, status.clone()))
            }
            FollowUp::Seated { number } => match proposal(*number)? {
                Some(p) => reports::on_seated(settings, records, &p),
                None => Ok(Step::default()),
            },
        },
        Done::BlockRead { command, earlier } => {
            urgent::on_block_read(settings, records, command, earlier.cloned(), now)
        }
        Done::BlockUnreadable { command, reason } => {
            Ok(urgent::on_block_unreadable(command, reason))
        }
        Done::Snapshot { number, earlier } => {
            then(number, &|p| urgent::on_snapshot(p, earlier.cloned(), now))
        }
        Done::BlockSet {
            purpose,
            number,
            result,
        } => then(number, &|p| match purpose {
            Purpose::Provisional { .. } => {
                urgent::on_provisional_block(settings, p, result.map_err(str::to_string), now)
            }
            _ => apply::on_applied(
                settings,
                p,
                result.map(|()| None).map_err(str::to_string),
                now,
            ),
        }),
        Done::Applied { number, result } => then(number, &|p| {
            apply::on_applied(settings, p, result.map_err(str::to_string), now)
        }),
        Done::EntryApplied {
            number,
            domain,
            result,
        } => then(number, &|p| {
            super::batch::on_entry_applied(settings, p, domain, result.map_err(str::to_string), now)
        }),
    }
}

/// The timers due at `now`, in the order they are to be heard: closings first (their
/// threads are read before anything else changes), then consent deadlines, then
/// reminders. `proposals` are the records without their votes.
pub fn timers(settings: &Settings, proposals: &[Proposal], now: DateTime<Utc>) -> Vec<Timer> {
    let closings = close::due(proposals, now).into_iter().map(Timer::Close);
    let consents = jury::consent_due(proposals, now)
        .into_iter()
        .map(Timer::Consent);
    let reminders = reminders::due(settings, proposals, now)
        .into_iter()
        .map(Timer::Reminder);
    closings.chain(consents).chain(reminders).collect()
}

/// When the next timer comes due after `now` (a close past its time, `now`), if any.
pub fn next_timer(
    settings: &Settings,
    proposals: &[Proposal],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let consent = jury::next_consent_deadline(proposals).map(|at| at.max(now));
    let open = proposals.iter().filter(|p| p.is_open());
    let closes = open.clone().map(|p| p.closes_at.max(now));
    let reminded = open
        .filter(|p| p.closes_at > now)
        .filter_map(|p| reminders::reminder_time(settings, p))
        .map(|at| at.max(now));
    consent.into_iter().chain(closes).chain(reminded).min()
}
