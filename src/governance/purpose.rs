//! What an effect is for, read from (and written as) its key: `ballot-3`, `receipt-<id>`.
//!
//! Keys are stored (the outbox, `done: <key>` history lines) and sent as idempotency
//! keys, so their shapes never change; this is the one place that reads them.
//! (Over 400 lines: every key shape, written, read back and tested, in one place.)

use serde::{Deserialize, Serialize};
use std::fmt;

/// The purpose an effect key names. `Display` writes the key back exactly, and the
/// store keeps a purpose as its key, so databases and idempotency keys stay as they were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Purpose {
    /// `ballot-3`: the ballot.
    Ballot { number: u64 },
    /// `opened-3`: the proposer told by direct message that voting is open.
    Opened { number: u64 },
    /// `reminder-3`: the one reminder before the close.
    Reminder { number: u64 },
    /// `extend-3-<command status id>`: a working-group extension announced in the thread.
    Extension { number: u64, command_id: String },
    /// `cancel-3`: a working-group cancellation announced in the thread.
    Cancellation { number: u64 },
    /// `result-3`: the result.
    Result { number: u64 },
    /// `apply-3`: the decision carried out on the instance right after the close.
    Apply { number: u64 },
    /// `apply-3-<command status id>`: carried out because the working group said `apply 3`;
    /// a new key per command, so a failed application can be tried again.
    ApplyOnCommand { number: u64, command_id: String },
    /// `applied-3`: the application announced in the thread.
    Applied { number: u64 },
    /// `apply-failed-3-<acct>`: a working-group member told the application failed.
    ApplyFailed { number: u64, acct: String },
    /// `act-failed-3-<acct>`: a working-group member told an urgent action could not be
    /// carried out (apart from `apply-failed-`, so a failed undo that follows is told too).
    ActFailed { number: u64, acct: String },
    /// `explain-3-<account id>`: a member told why their vote was not counted.
    Explanation { number: u64, account_id: String },
    /// `answer-<status id>`: an answer to a request or command.
    Answer { status_id: String },
    /// `receipt-<status id>`: a counted vote favourited.
    Receipt { status_id: String },
    /// `draw-3-1`: part 1 of the jury's draw (seed and pool) in the ballot's thread.
    Draw { number: u64, part: u64 },
    /// `invite-3-<acct>`: a drawn member invited to serve on the jury.
    Invitation { number: u64, acct: String },
    /// `seated-3`: the seated jury (or the pool running out) told in the thread.
    Seated { number: u64 },
    /// `remind-3-<acct>`: a juror who has not voted reminded by DM.
    JurorReminder { number: u64, acct: String },
    /// `snapshot-3`: the domain's block read before an urgent action changes it (as
    /// versions that opened the ratification first enqueued it).
    Snapshot { number: u64 },
    /// `actnow-<status id>`: the domain's block read for the working group's urgent
    /// action in that direct message, before any proposal is opened.
    ActNow { request: String },
    /// `provisional-3`: the urgent action's block, in force until the vote.
    Provisional { number: u64 },
    /// `atonce-3`: the ratification's thread told what was done at once.
    AtOnce { number: u64 },
    /// `terms-3`: the ballot's first reply, stating how it is decided (the rule, every
    /// word that counts), where the instance's limit leaves the ballot too little room.
    Terms { number: u64 },
    /// `case-3-<report id>-<acct>`: one report of a case sent by DM to a juror or the
    /// working group (report ids hold no `-`).
    CaseFile {
        number: u64,
        report: String,
        acct: String,
    },
    /// `resolve-3-<report id>`: a report of the case resolved at its close.
    Resolve { number: u64, report: String },
    /// `advice-<notice>-<acct>`: a working-group member told about a subscribed list (it
    /// cannot be read, it works again, it dropped too much at once); `notice` numbers the
    /// occasion, so each is told once.
    AdviceNotice { notice: u64, acct: String },
    /// `entries-3-1`: part 1 of a batch ballot's numbered list of entries.
    Entries { number: u64, part: u64 },
    /// `excluded-3-<domain>`: the thread told a member took `domain` out of batch 3.
    Excluded { number: u64, domain: String },
    /// `adopt-3-0-<domain>`: one entry of passed batch 3 applied as its own block, at its
    /// attempt 0 (a working group's `apply 3` tries a failed entry again as attempt 1…).
    AdoptEntry {
        number: u64,
        attempt: u64,
        domain: String,
    },
    /// `sealedhow-3`: the reply under sealed ballot 3 saying how to vote on it.
    SealedHow { number: u64 },
    /// `sealedvote-3-<status id>-<serial>`: the receipt of a vote on sealed ballot 3, sent
    /// by direct message; `serial` counts the voter's earlier receipts on it. No receipt
    /// code in the key: keys are logged, and a code beside its time points to its voter.
    SealedReceipt {
        number: u64,
        status_id: String,
        serial: u64,
    },
    /// `receipts-3-1`: part 1 of sealed ballot 3's receipt list, at its close.
    ReceiptList { number: u64, part: u64 },
    /// `voters-3-1`: part 1 of sealed ballot 3's voters list, at its close.
    VoterList { number: u64, part: u64 },
}

impl Purpose {
    /// The purpose `key` names, or `None` for a key of no known shape.
    pub fn parse(key: &str) -> Option<Purpose> {
        // `apply-failed-` first: it also starts with `apply-`.
        if let Some(rest) = key.strip_prefix("apply-failed-") {
            let (number, acct) = number_and_id(rest)?;
            return Some(Purpose::ApplyFailed { number, acct });
        }
        if let Some(rest) = key.strip_prefix("act-failed-") {
            let (number, acct) = number_and_id(rest)?;
            return Some(Purpose::ActFailed { number, acct });
        }
        if let Some(rest) = key.strip_prefix("apply-") {
            return Some(match rest.split_once('-') {
                None => Purpose::Apply {
                    number: number(rest)?,
                },
                Some(_) => {
                    let (number, command_id) = number_and_id(rest)?;
                    Purpose::ApplyOnCommand { number, command_id }
                }
            });
        }
        let (kind, rest) = key.split_once('-')?;
        let purpose = match kind {
            "ballot" => Purpose::Ballot {
                number: number(rest)?,
            },
            "opened" => Purpose::Opened {
                number: number(rest)?,
            },
            "reminder" => Purpose::Reminder {
                number: number(rest)?,
            },
            "cancel" => Purpose::Cancellation {
                number: number(rest)?,
            },
            "result" => Purpose::Result {
                number: number(rest)?,
            },
            "applied" => Purpose::Applied {
                number: number(rest)?,
            },
            "extend" => {
                let (number, command_id) = number_and_id(rest)?;
                Purpose::Extension { number, command_id }
            }
            "explain" => {
                let (number, account_id) = number_and_id(rest)?;
                Purpose::Explanation { number, account_id }
            }
            "answer" => Purpose::Answer {
                status_id: id(rest)?,
            },
            "receipt" => Purpose::Receipt {
                status_id: id(rest)?,
            },
            "draw" => {
                let (number, part) = number_and_part(rest)?;
                Purpose::Draw { number, part }
            }
            "invite" => {
                let (number, acct) = number_and_id(rest)?;
                Purpose::Invitation { number, acct }
            }
            "seated" => Purpose::Seated {
                number: number(rest)?,
            },
            "remind" => {
                let (number, acct) = number_and_id(rest)?;
                Purpose::JurorReminder { number, acct }
            }
            "actnow" => Purpose::ActNow { request: id(rest)? },
            "snapshot" => Purpose::Snapshot {
                number: number(rest)?,
            },
            "provisional" => Purpose::Provisional {
                number: number(rest)?,
            },
            "atonce" => Purpose::AtOnce {
                number: number(rest)?,
            },
            "terms" => Purpose::Terms {
                number: number(rest)?,
            },
            "case" => {
                let (number, rest) = number_and_id(rest)?;
                let (report, acct) = rest.split_once('-')?;
                Purpose::CaseFile {
                    number,
                    report: id(report)?,
                    acct: id(acct)?,
                }
            }
            "resolve" => {
                let (number, report) = number_and_id(rest)?;
                Purpose::Resolve { number, report }
            }
            "advice" => {
                let (notice, acct) = number_and_id(rest)?;
                Purpose::AdviceNotice { notice, acct }
            }
            "entries" => {
                let (number, part) = number_and_part(rest)?;
                Purpose::Entries { number, part }
            }
            "excluded" => {
                let (number, domain) = number_and_id(rest)?;
                Purpose::Excluded { number, domain }
            }
            "sealedhow" => Purpose::SealedHow {
                number: number(rest)?,
            },
            "sealedvote" => {
                let (number, rest) = number_and_id(rest)?;
                let (status_id, serial) = rest.rsplit_once('-')?;
                Purpose::SealedReceipt {
                    number,
                    status_id: id(status_id)?,
                    serial: self::number(serial)?,
                }
            }
            "receipts" => {
                let (number, part) = number_and_part(rest)?;
                Purpose::ReceiptList { number, part }
            }
            "voters" => {
                let (number, part) = number_and_part(rest)?;
                Purpose::VoterList { number, part }
            }
            "adopt" => {
                let (number, rest) = number_and_id(rest)?;
                let (attempt, domain) = number_and_id(&rest)?;
                Purpose::AdoptEntry {
                    number,
                    attempt,
                    domain,
                }
            }
            _ => return None,
        };
        Some(purpose)
    }

    /// The proposal the effect belongs to; answers and receipts (keyed by a status id)
    /// belong to none.
    pub fn proposal(&self) -> Option<u64> {
        match self {
            Purpose::Ballot { number }
            | Purpose::Opened { number }
            | Purpose::Reminder { number }
            | Purpose::Extension { number, .. }
            | Purpose::Cancellation { number }
            | Purpose::Result { number }
            | Purpose::Apply { number }
            | Purpose::ApplyOnCommand { number, .. }
            | Purpose::Applied { number }
            | Purpose::ApplyFailed { number, .. }
            | Purpose::ActFailed { number, .. }
            | Purpose::Explanation { number, .. }
            | Purpose::Draw { number, .. }
            | Purpose::Invitation { number, .. }
            | Purpose::Seated { number }
            | Purpose::JurorReminder { number, .. }
            | Purpose::Snapshot { number }
            | Purpose::Provisional { number }
            | Purpose::AtOnce { number }
            | Purpose::Terms { number }
            | Purpose::CaseFile { number, .. }
            | Purpose::Resolve { number, .. }
            | Purpose::Entries { number, .. }
            | Purpose::Excluded { number, .. }
            | Purpose::AdoptEntry { number, .. }
            | Purpose::SealedHow { number }
            | Purpose::SealedReceipt { number, .. }
            | Purpose::ReceiptList { number, .. }
            | Purpose::VoterList { number, .. } => Some(*number),
            Purpose::Answer { .. }
            | Purpose::Receipt { .. }
            | Purpose::ActNow { .. }
            | Purpose::AdviceNotice { .. } => None,
        }
    }
}

impl Purpose {
    /// Whether the effect carries a decision out or makes one known (the ballot, the
    /// result, what was applied, a cancellation): first served when requests run short.
    pub fn is_decision(&self) -> bool {
        match self {
            Purpose::Ballot { .. }
            | Purpose::Result { .. }
            | Purpose::Apply { .. }
            | Purpose::ApplyOnCommand { .. }
            | Purpose::Applied { .. }
            | Purpose::Cancellation { .. }
            | Purpose::Draw { .. }
            | Purpose::Invitation { .. }
            | Purpose::Seated { .. }
            | Purpose::Snapshot { .. }
            | Purpose::ActNow { .. }
            | Purpose::Provisional { .. }
            | Purpose::AtOnce { .. }
            | Purpose::Terms { .. }
            | Purpose::Entries { .. }
            | Purpose::Excluded { .. }
            | Purpose::AdoptEntry { .. }
            | Purpose::SealedHow { .. }
            | Purpose::ReceiptList { .. }
            | Purpose::VoterList { .. } => true,
            Purpose::Opened { .. }
            | Purpose::SealedReceipt { .. }
            | Purpose::CaseFile { .. }
            | Purpose::Resolve { .. }
            | Purpose::JurorReminder { .. }
            | Purpose::Reminder { .. }
            | Purpose::Extension { .. }
            | Purpose::ApplyFailed { .. }
            | Purpose::ActFailed { .. }
            | Purpose::Explanation { .. }
            | Purpose::Answer { .. }
            | Purpose::Receipt { .. }
            | Purpose::AdviceNotice { .. } => false,
        }
    }

    /// Whether the effect answers a member's post, and so counts against the daily
    /// allowance of answers.
    pub fn is_answer(&self) -> bool {
        match self {
            Purpose::Answer { .. } | Purpose::Explanation { .. } => true,
            Purpose::Ballot { .. }
            | Purpose::Opened { .. }
            | Purpose::Reminder { .. }
            | Purpose::Extension { .. }
            | Purpose::Cancellation { .. }
            | Purpose::Result { .. }
            | Purpose::Apply { .. }
            | Purpose::ApplyOnCommand { .. }
            | Purpose::Applied { .. }
            | Purpose::ApplyFailed { .. }
            | Purpose::ActFailed { .. }
            | Purpose::Receipt { .. }
            | Purpose::Draw { .. }
            | Purpose::Invitation { .. }
            | Purpose::Seated { .. }
            | Purpose::JurorReminder { .. }
            | Purpose::Snapshot { .. }
            | Purpose::ActNow { .. }
            | Purpose::Provisional { .. }
            | Purpose::AtOnce { .. }
            | Purpose::Terms { .. }
            | Purpose::CaseFile { .. }
            | Purpose::Resolve { .. }
            | Purpose::AdviceNotice { .. }
            | Purpose::Entries { .. }
            | Purpose::Excluded { .. }
            | Purpose::AdoptEntry { .. }
            | Purpose::SealedHow { .. }
            | Purpose::SealedReceipt { .. }
            | Purpose::ReceiptList { .. }
            | Purpose::VoterList { .. } => false,
        }
    }
}

impl From<Purpose> for String {
    fn from(purpose: Purpose) -> String {
        purpose.to_string()
    }
}

impl TryFrom<String> for Purpose {
    type Error = String;

    fn try_from(key: String) -> Result<Purpose, String> {
        Purpose::parse(&key).ok_or_else(|| format!("an effect key of no known shape: {key:?}"))
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Purpose::Ballot { number } => write!(f, "ballot-{number}"),
            Purpose::Opened { number } => write!(f, "opened-{number}"),
            Purpose::Reminder { number } => write!(f, "reminder-{number}"),
            Purpose::Extension { number, command_id } => write!(f, "extend-{number}-{command_id}"),
            Purpose::Cancellation { number } => write!(f, "cancel-{number}"),
            Purpose::Result { number } => write!(f, "result-{number}"),
            Purpose::Apply { number } => write!(f, "apply-{number}"),
            Purpose::ApplyOnCommand { number, command_id } => {
                write!(f, "apply-{number}-{command_id}")
            }
            Purpose::Applied { number } => write!(f, "applied-{number}"),
            Purpose::ApplyFailed { number, acct } => write!(f, "apply-failed-{number}-{acct}"),
            Purpose::ActFailed { number, acct } => write!(f, "act-failed-{number}-{acct}"),
            Purpose::Explanation { number, account_id } => {
                write!(f, "explain-{number}-{account_id}")
            }
            Purpose::Answer { status_id } => write!(f, "answer-{status_id}"),
            Purpose::Receipt { status_id } => write!(f, "receipt-{status_id}"),
            Purpose::Draw { number, part } => write!(f, "draw-{number}-{part}"),
            Purpose::Invitation { number, acct } => write!(f, "invite-{number}-{acct}"),
            Purpose::Seated { number } => write!(f, "seated-{number}"),
            Purpose::JurorReminder { number, acct } => write!(f, "remind-{number}-{acct}"),
            Purpose::Snapshot { number } => write!(f, "snapshot-{number}"),
            Purpose::ActNow { request } => write!(f, "actnow-{request}"),
            Purpose::Provisional { number } => write!(f, "provisional-{number}"),
            Purpose::AtOnce { number } => write!(f, "atonce-{number}"),
            Purpose::Terms { number } => write!(f, "terms-{number}"),
            Purpose::CaseFile {
                number,
                report,
                acct,
            } => write!(f, "case-{number}-{report}-{acct}"),
            Purpose::Resolve { number, report } => write!(f, "resolve-{number}-{report}"),
            Purpose::AdviceNotice { notice, acct } => write!(f, "advice-{notice}-{acct}"),
            Purpose::Entries { number, part } => write!(f, "entries-{number}-{part}"),
            Purpose::Excluded { number, domain } => write!(f, "excluded-{number}-{domain}"),
            Purpose::AdoptEntry {
                number,
                attempt,
                domain,
            } => write!(f, "adopt-{number}-{attempt}-{domain}"),
            Purpose::SealedHow { number } => write!(f, "sealedhow-{number}"),
            Purpose::SealedReceipt {
                number,
                status_id,
                serial,
            } => write!(f, "sealedvote-{number}-{status_id}-{serial}"),
            Purpose::ReceiptList { number, part } => write!(f, "receipts-{number}-{part}"),
            Purpose::VoterList { number, part } => write!(f, "voters-{number}-{part}"),
        }
    }
}

/// A proposal number as the keys write it: digits, no sign, no leading zero, so that a
/// key read and written again is the same key.
fn number(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|byte| byte.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

/// A status id, account id or acct: anything but nothing. An acct may hold `-`.
fn id(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// `3-1`: a proposal's number, then a part's.
fn number_and_part(text: &str) -> Option<(u64, u64)> {
    let (number_text, part) = text.split_once('-')?;
    Some((number(number_text)?, number(part)?))
}

/// `3-<id>`: a number, then the rest after the first `-`.
fn number_and_id(text: &str) -> Option<(u64, String)> {
    let (number_text, rest) = text.split_once('-')?;
    Some((number(number_text)?, id(rest)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every shape of key the core writes, with what it reads as.
    fn every_shape() -> Vec<(&'static str, Purpose)> {
        let id = |text: &str| text.to_string();
        vec![
            ("ballot-3", Purpose::Ballot { number: 3 }),
            (
                "advice-178000000001-alice",
                Purpose::AdviceNotice {
                    notice: 178000000001,
                    acct: id("alice"),
                },
            ),
            ("entries-3-2", Purpose::Entries { number: 3, part: 2 }),
            (
                "excluded-3-spam-farm.example.org",
                Purpose::Excluded {
                    number: 3,
                    domain: id("spam-farm.example.org"),
                },
            ),
            (
                "adopt-3-1-xn--bcher-kva.example",
                Purpose::AdoptEntry {
                    number: 3,
                    attempt: 1,
                    domain: id("xn--bcher-kva.example"),
                },
            ),
            ("sealedhow-3", Purpose::SealedHow { number: 3 }),
            (
                "sealedvote-3-01HQ2Z7K9M8N-2",
                Purpose::SealedReceipt {
                    number: 3,
                    status_id: id("01HQ2Z7K9M8N"),
                    serial: 2,
                },
            ),
            ("receipts-3-1", Purpose::ReceiptList { number: 3, part: 1 }),
            ("voters-3-2", Purpose::VoterList { number: 3, part: 2 }),
            ("opened-3", Purpose::Opened { number: 3 }),
            ("reminder-12", Purpose::Reminder { number: 12 }),
            (
                "extend-3-113456789012345678",
                Purpose::Extension {
                    number: 3,
                    command_id: id("113456789012345678"),
                },
            ),
            ("cancel-3", Purpose::Cancellation { number: 3 }),
            ("result-3", Purpose::Result { number: 3 }),
            ("apply-3", Purpose::Apply { number: 3 }),
            (
                "apply-3-113456789012345678",
                Purpose::ApplyOnCommand {
                    number: 3,
                    command_id: id("113456789012345678"),
                },
            ),
            ("applied-3", Purpose::Applied { number: 3 }),
            (
                "apply-failed-3-mod-team@social.example",
                Purpose::ApplyFailed {
                    number: 3,
                    acct: id("mod-team@social.example"),
                },
            ),
            (
                "explain-1-1796150810836",
                Purpose::Explanation {
                    number: 1,
                    account_id: id("1796150810836"),
                },
            ),
            (
                "answer-AbCd123",
                Purpose::Answer {
                    status_id: id("AbCd123"),
                },
            ),
            (
                "receipt-113456789012345678",
                Purpose::Receipt {
                    status_id: id("113456789012345678"),
                },
            ),
            ("draw-3-2", Purpose::Draw { number: 3, part: 2 }),
            (
                "invite-3-dave",
                Purpose::Invitation {
                    number: 3,
                    acct: id("dave"),
                },
            ),
            ("seated-3", Purpose::Seated { number: 3 }),
            (
                "remind-3-bob",
                Purpose::JurorReminder {
                    number: 3,
                    acct: id("bob"),
                },
            ),
            (
                "act-failed-4-mod-team",
                Purpose::ActFailed {
                    number: 4,
                    acct: id("mod-team"),
                },
            ),
            ("snapshot-4", Purpose::Snapshot { number: 4 }),
            (
                "actnow-01M8SFHPGNNAQKJ2F734G2KK8F",
                Purpose::ActNow {
                    request: id("01M8SFHPGNNAQKJ2F734G2KK8F"),
                },
            ),
            ("provisional-4", Purpose::Provisional { number: 4 }),
            ("atonce-4", Purpose::AtOnce { number: 4 }),
            ("terms-4", Purpose::Terms { number: 4 }),
            (
                "case-5-01M8SFHPGNNAQKJ2F734G2KK8F-wg_member",
                Purpose::CaseFile {
                    number: 5,
                    report: id("01M8SFHPGNNAQKJ2F734G2KK8F"),
                    acct: id("wg_member"),
                },
            ),
            (
                "resolve-5-12",
                Purpose::Resolve {
                    number: 5,
                    report: id("12"),
                },
            ),
        ]
    }

    #[test]
    fn every_key_shape_reads_as_its_purpose_and_writes_back_the_same() {
        for (key, purpose) in every_shape() {
            assert_eq!(Purpose::parse(key).as_ref(), Some(&purpose), "{key}");
            assert_eq!(purpose.to_string(), key);
        }
    }

    #[test]
    fn the_table_has_one_row_per_purpose() {
        let kinds: std::collections::HashSet<_> = every_shape()
            .iter()
            .map(|(_, purpose)| std::mem::discriminant(purpose))
            .collect();
        assert_eq!(kinds.len(), 33, "a purpose added needs its row above");
    }

    #[test]
    fn keys_of_no_known_shape_are_not_read() {
        for key in [
            "",
            "ballot",
            "ballot-",
            "ballot-x",
            "ballot-+3",
            "ballot-03",
            "ballot-3-1",
            "apply-",
            "apply-3-",
            "apply-failed-3",
            "apply-failed-x-bob",
            "explain-3",
            "extend--1",
            "answer-",
            "receipt-",
            "draw-3",
            "draw-3-x",
            "invite-3",
            "seated-",
            "vote-3",
            "Ballot-3",
            "sealedvote-3-1234",
            "sealedvote-3--1",
            "receipts-3",
        ] {
            assert_eq!(Purpose::parse(key), None, "{key:?}");
        }
    }

    #[test]
    fn the_proposal_is_read_from_the_key() {
        for (key, proposal) in [
            ("apply-failed-3-bob", Some(3)),
            ("apply-4-1234", Some(4)),
            ("explain-5-99", Some(5)),
            ("answer-1234", None),
            ("receipt-1234", None),
        ] {
            assert_eq!(
                Purpose::parse(key).and_then(|p| p.proposal()),
                proposal,
                "{key}"
            );
        }
    }

    proptest! {
        /// Whatever is read back writes the very key it was read from.
        #[test]
        fn a_key_read_is_written_back_unchanged(
            key in "(ballot|opened|reminder|extend|cancel|result|apply|apply-failed|applied|explain|answer|receipt|draw|invite|seated|remind)-[0-9a-z@.+-]{0,12}"
        ) {
            if let Some(purpose) = Purpose::parse(&key) {
                prop_assert_eq!(purpose.to_string(), key);
            }
        }
    }
}
