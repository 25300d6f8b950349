//! The request grammar: plain text → `Request`, or a `ParseError` to reply with.

use std::fmt;
use std::time::Duration;

use super::domain::normalize_domain;
use super::duration::{format_duration, with_unit};
use super::error::ParseError;
use super::vocabulary::{is_punctuation, trim_punctuation, Vocabulary};
use crate::model::{Action, ActionKind, Position};

/// A request a member sent to the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `propose [urgent] <action> [<domain>] [<duration>] <reason…>`
    Propose(ProposeRequest),
    /// `vote <n> <position> [<reason…>]` or `#<n> <position> [<reason…>]`; the reason may be empty.
    Vote {
        number: u64,
        position: Position,
        reason: String,
    },
    /// `status <n>`
    Status { number: u64 },
    /// `help`
    Help,
    /// `jury join`, `jury leave` or `jury pool`
    Jury(JuryRequest),
    /// `appeal <n> <reason…>`: all members decide again what a jury or a ratification decided.
    Appeal { number: u64, reason: String },
}

/// What a member asks of the Standing Jury's pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JuryRequest {
    /// Volunteer to be drawn.
    Join,
    /// Stop being drawn (a seated juror stays seated).
    Leave,
    /// How many may be drawn.
    Pool,
}

impl JuryRequest {
    pub fn word(self) -> &'static str {
        match self {
            JuryRequest::Join => "join",
            JuryRequest::Leave => "leave",
            JuryRequest::Pool => "pool",
        }
    }
}

/// A proposal as requested; its duration is not yet checked against the configured bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposeRequest {
    pub urgent: bool,
    pub action: Action,
    /// `None` when no duration was given: the configured default applies.
    pub duration: Option<Duration>,
    /// The reason (or a motion's text): never empty, original case, whitespace collapsed.
    pub reason: String,
}

/// Writes the request in its canonical form, which [`parse_request`] reads back.
impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Propose(propose) => {
                f.write_str("propose ")?;
                if propose.urgent {
                    f.write_str("urgent ")?;
                }
                f.write_str(propose.action.kind().name())?;
                if let Some(domain) = propose.action.domain() {
                    write!(f, " {domain}")?;
                }
                if let Some(duration) = propose.duration {
                    write!(f, " {}", format_duration(duration))?;
                }
                write!(f, " {}", propose.reason)
            }
            Request::Vote {
                number,
                position,
                reason,
            } if reason.is_empty() => {
                write!(f, "vote {number} {position}")
            }
            Request::Vote {
                number,
                position,
                reason,
            } => {
                write!(f, "vote {number} {position} {reason}")
            }
            Request::Status { number } => write!(f, "status {number}"),
            Request::Help => f.write_str("help"),
            Request::Jury(request) => write!(f, "jury {}", request.word()),
            Request::Appeal { number, reason } => write!(f, "appeal {number} {reason}"),
        }
    }
}

/// Reads a request (the status text with the bot's mention removed).
pub fn parse_request(text: &str, vocabulary: &Vocabulary) -> Result<Request, ParseError> {
    let tokens = skip_punctuation(&text.split_whitespace().collect::<Vec<_>>());
    let Some(first) = tokens.first() else {
        return Err(ParseError::Empty);
    };
    let rest = &tokens[1..];
    match keyword(first).as_str() {
        "propose" => parse_propose(rest).map(Request::Propose),
        "vote" => parse_vote(rest, vocabulary),
        "status" => parse_status(rest),
        "help" => Ok(Request::Help),
        "jury" => parse_jury(rest).map(Request::Jury),
        "appeal" => parse_appeal(rest),
        _ if is_hash_number(first) => parse_vote(&tokens, vocabulary),
        _ => Err(ParseError::UnknownRequest {
            word: first.to_string(),
        }),
    }
}

/// Reads a reply to a ballot whose first word is a position: the position and the rest
/// as the reason (separators like `—`, `:` or `,` after the word removed). `None` for
/// any other reply, including `vote <n> …` and `#<n> …`, which are requests.
pub fn parse_vote_reply(text: &str, vocabulary: &Vocabulary) -> Option<(Position, String)> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let first = *tokens.first()?;
    if let Some(position) = vocabulary.position_of(first) {
        return Some((position, join_reason(&tokens[1..])));
    }
    // "agree,because…" written without a space.
    let (head, tail) = first.split_once([',', ':', ';', '—', '–'])?;
    let position = vocabulary.position_of(head)?;
    let mut reason_tokens = vec![tail];
    reason_tokens.extend_from_slice(&tokens[1..]);
    Some((position, join_reason(&reason_tokens)))
}

fn parse_propose(tokens: &[&str]) -> Result<ProposeRequest, ParseError> {
    let urgent = tokens
        .first()
        .is_some_and(|token| keyword(token) == "urgent");
    let tokens = &tokens[usize::from(urgent)..];
    let Some(action_token) = tokens.first() else {
        return Err(ParseError::MissingAction);
    };
    let kind = match keyword(action_token).as_str() {
        "suspend" => ActionKind::Suspend,
        "silence" | "limit" => ActionKind::Silence,
        "unblock" => ActionKind::Unblock,
        "motion" => ActionKind::Motion,
        "" => return Err(ParseError::MissingAction),
        _ => {
            return Err(ParseError::UnknownAction {
                word: action_token.to_string(),
            })
        }
    };
    let mut rest = &tokens[1..];
    let action = if kind == ActionKind::Motion {
        Action::Motion
    } else {
        let Some(domain_token) = rest.first() else {
            return Err(ParseError::MissingDomain { action: kind });
        };
        rest = &rest[1..];
        let domain = normalize_domain(trim_around_domain(domain_token)).map_err(|problem| {
            ParseError::InvalidDomain {
                action: kind,
                given: domain_token.to_string(),
                problem,
            }
        })?;
        domain_action(kind, domain)
    };
    let duration = rest
        .first()
        .and_then(|token| with_unit(trim_punctuation(token)));
    if duration.is_some() {
        rest = &rest[1..];
    }
    let reason = join_reason(rest);
    if reason.is_empty() {
        return Err(ParseError::MissingReason { action: kind });
    }
    Ok(ProposeRequest {
        urgent,
        action,
        duration,
        reason,
    })
}

fn domain_action(kind: ActionKind, domain: String) -> Action {
    match kind {
        ActionKind::Suspend => Action::Suspend { domain },
        ActionKind::Silence => Action::Silence { domain },
        ActionKind::Unblock => Action::Unblock { domain },
        ActionKind::Motion => Action::Motion,
    }
}

/// `tokens` starts at the proposal number (`3`, `#3`, `#3:`).
fn parse_vote(tokens: &[&str], vocabulary: &Vocabulary) -> Result<Request, ParseError> {
    let Some(number_token) = tokens.first() else {
        return Err(ParseError::VoteWithoutNumber);
    };
    let number = parse_number(number_token).ok_or_else(|| ParseError::VoteBadNumber {
        given: number_token.to_string(),
    })?;
    let rest = skip_punctuation(&tokens[1..]);
    let Some(position_token) = rest.first() else {
        return Err(ParseError::MissingPosition {
            number,
            accepted: vocabulary.listing(),
        });
    };
    let position =
        vocabulary
            .position_of(position_token)
            .ok_or_else(|| ParseError::UnknownPosition {
                number,
                given: position_token.to_string(),
                accepted: vocabulary.listing(),
            })?;
    Ok(Request::Vote {
        number,
        position,
        reason: join_reason(&rest[1..]),
    })
}

fn parse_status(tokens: &[&str]) -> Result<Request, ParseError> {
    let Some(number_token) = tokens.first() else {
        return Err(ParseError::StatusWithoutNumber);
    };
    let number = parse_number(number_token).ok_or_else(|| ParseError::StatusBadNumber {
        given: number_token.to_string(),
    })?;
    Ok(Request::Status { number })
}

fn parse_appeal(tokens: &[&str]) -> Result<Request, ParseError> {
    let Some(number_token) = tokens.first() else {
        return Err(ParseError::AppealWithoutNumber);
    };
    let number = parse_number(number_token).ok_or_else(|| ParseError::AppealBadNumber {
        given: number_token.to_string(),
    })?;
    let reason = join_reason(&tokens[1..]);
    if reason.is_empty() {
        return Err(ParseError::AppealWithoutReason { number });
    }
    Ok(Request::Appeal { number, reason })
}

/// Words after the jury request are ignored, as after `help`: `jury join, please`.
fn parse_jury(tokens: &[&str]) -> Result<JuryRequest, ParseError> {
    let tokens = skip_punctuation(tokens);
    let Some(word) = tokens.first() else {
        return Err(ParseError::JuryWithoutWord);
    };
    match keyword(word).as_str() {
        "join" => Ok(JuryRequest::Join),
        "leave" => Ok(JuryRequest::Leave),
        "pool" => Ok(JuryRequest::Pool),
        _ => Err(ParseError::UnknownJuryWord {
            word: word.to_string(),
        }),
    }
}

/// A request keyword: lowercase, surrounding punctuation removed (`Propose:` → `propose`).
pub(super) fn keyword(token: &str) -> String {
    trim_punctuation(token).to_lowercase()
}

/// A positive proposal number, written `3`, `#3` or with punctuation after it (`#3:`).
pub(super) fn parse_number(token: &str) -> Option<u64> {
    let trimmed = token.trim_end_matches(is_punctuation);
    let digits = trimmed.strip_prefix('#').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok().filter(|number| *number > 0)
}

/// `#3`, `#3:`: the short form of a vote (`#abc` is a hashtag, not a number).
fn is_hash_number(token: &str) -> bool {
    token
        .trim_end_matches(is_punctuation)
        .strip_prefix('#')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes quotes, brackets and sentence punctuation around a domain, but not the
/// `/` or `:` that show a URL or port, nor the trailing dot `normalize_domain` handles.
fn trim_around_domain(token: &str) -> &str {
    token
        .trim_start_matches(['(', '[', '<', '"', '\'', '“', '‘', '«'])
        .trim_end_matches([
            ',', ';', ':', '!', '?', ')', ']', '>', '"', '\'', '”', '’', '»',
        ])
}

/// Tokens from the first one that is not only punctuation (`—`, `:`).
pub(super) fn skip_punctuation<'a>(tokens: &[&'a str]) -> Vec<&'a str> {
    tokens
        .iter()
        .skip_while(|token| token.chars().all(is_punctuation))
        .copied()
        .collect()
}

/// The reason: the tokens joined by single spaces, leading separators removed.
pub(super) fn join_reason(tokens: &[&str]) -> String {
    let joined = skip_punctuation(tokens).join(" ");
    joined
        .trim_start_matches([',', ':', ';', '—', '–'])
        .trim_start()
        .to_string()
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
