//! The working group's commands, read from a direct message.
//!
//! `help`, `status <n>` and `propose …` are the members' requests; the verbs here are
//! the working group's alone.

use super::domain::{normalize_domain, DomainError};
use super::duration::with_unit;
use super::parse::{join_reason, keyword, parse_number, skip_punctuation};
use super::vocabulary::trim_punctuation;
use crate::model::Action;
use std::time::Duration;

/// A command only the working group may give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    List,
    Close {
        number: u64,
    },
    Extend {
        number: u64,
        by: Duration,
    },
    Cancel {
        number: u64,
        reason: String,
    },
    Apply {
        number: u64,
    },
    /// `suspend now` / `silence now` / `limit now <domain> <reason…>`: block at once, and
    /// put it to a vote that ratifies it or undoes it.
    Now {
        action: Action,
        reason: String,
    },
}

/// A working-group command the bot could not read; `Display` is the reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("“{verb}” needs the number of a proposal.\nExample: {verb} 3")]
    MissingNumber { verb: &'static str },
    #[error("“{given}” is not a proposal number; numbers look like 3 or #3.\nExample: {verb} 3")]
    BadNumber { verb: &'static str, given: String },
    #[error(
        "“extend” needs how much longer voting runs, like 90m, 48h or 2d.\nExample: extend 3 2d"
    )]
    MissingDuration,
    #[error("“cancel” needs a reason, which is posted in the ballot's thread.\nExample: cancel 3 duplicate of #2")]
    MissingReason,
    #[error("To act at once, write “{verb} now”, the domain and why; the members then vote on it.\nExample: {verb} now spam.example ongoing harassment of our members\n(To ask the members first, write “propose {verb} …” instead.)")]
    NotNow { verb: &'static str },
    #[error("“{verb} now” needs the domain of the server.\nExample: {verb} now spam.example ongoing harassment of our members")]
    MissingDomain { verb: &'static str },
    #[error("“{given}” is not a domain: {why}\nExample: {verb} now spam.example ongoing harassment of our members")]
    BadDomain {
        verb: &'static str,
        given: String,
        why: DomainError,
    },
    #[error("“{verb} now” needs a reason: it is public, in the block's comment and the vote that ratifies it.\nExample: {verb} now spam.example ongoing harassment of our members")]
    MissingUrgentReason { verb: &'static str },
}

/// Reads a working-group command. `None` when the text does not start with one of
/// their verbs (it may still be a member's request).
pub fn parse_command(text: &str) -> Option<Result<Command, CommandError>> {
    let tokens = skip_punctuation(&text.split_whitespace().collect::<Vec<_>>());
    let verb: &'static str = match keyword(tokens.first()?).as_str() {
        "list" => return Some(Ok(Command::List)),
        "close" => "close",
        "extend" => "extend",
        "cancel" => "cancel",
        "apply" => "apply",
        "suspend" => return Some(parse_now("suspend", &tokens[1..])),
        "silence" => return Some(parse_now("silence", &tokens[1..])),
        "limit" => return Some(parse_now("limit", &tokens[1..])),
        _ => return None,
    };
    Some(parse_numbered(verb, &tokens[1..]))
}

/// `<verb> now <domain> <reason…>`; "limit" is an alias of "silence".
fn parse_now(verb: &'static str, tokens: &[&str]) -> Result<Command, CommandError> {
    if tokens.first().map(|token| keyword(token)).as_deref() != Some("now") {
        return Err(CommandError::NotNow { verb });
    }
    let Some(given) = tokens.get(1) else {
        return Err(CommandError::MissingDomain { verb });
    };
    let domain =
        normalize_domain(trim_punctuation(given)).map_err(|why| CommandError::BadDomain {
            verb,
            given: given.to_string(),
            why,
        })?;
    let reason = join_reason(&tokens[2..]);
    if reason.is_empty() {
        return Err(CommandError::MissingUrgentReason { verb });
    }
    let action = match verb {
        "suspend" => Action::Suspend { domain },
        _ => Action::Silence { domain },
    };
    Ok(Command::Now { action, reason })
}

fn parse_numbered(verb: &'static str, tokens: &[&str]) -> Result<Command, CommandError> {
    let Some(first) = tokens.first() else {
        return Err(CommandError::MissingNumber { verb });
    };
    let number = parse_number(first).ok_or_else(|| CommandError::BadNumber {
        verb,
        given: first.to_string(),
    })?;
    let rest = &tokens[1..];
    match verb {
        "close" => Ok(Command::Close { number }),
        "apply" => Ok(Command::Apply { number }),
        "extend" => rest
            .first()
            .and_then(|token| with_unit(&keyword(token)))
            .filter(|by| !by.is_zero())
            .map(|by| Command::Extend { number, by })
            .ok_or(CommandError::MissingDuration),
        _ => {
            let reason = join_reason(rest);
            if reason.is_empty() {
                Err(CommandError::MissingReason)
            } else {
                Ok(Command::Cancel { number, reason })
            }
        }
    }
}

/// The working group's help, sent by direct message.
pub fn working_group_help() -> String {
    "Working-group commands, by direct message only:\n\
     list · status <n> · close <n> · extend <n> <duration> · cancel <n> <reason> · apply <n> · propose …\n\
     When harm is ongoing: suspend now <domain> <reason> · silence now <domain> <reason> \
     (blocks at once; the members then vote to keep it or undo it)\n\
     Example: extend 3 2d"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse() {
        let day = Duration::from_secs(86_400);
        let cases: Vec<(&str, Option<Result<Command, CommandError>>)> = vec![
            ("list", Some(Ok(Command::List))),
            ("LIST.", Some(Ok(Command::List))),
            ("close 3", Some(Ok(Command::Close { number: 3 }))),
            ("Close #3!", Some(Ok(Command::Close { number: 3 }))),
            (
                "extend 3 2d",
                Some(Ok(Command::Extend {
                    number: 3,
                    by: 2 * day,
                })),
            ),
            (
                "extend #3 90M",
                Some(Ok(Command::Extend {
                    number: 3,
                    by: Duration::from_secs(5400),
                })),
            ),
            (
                "cancel 3 duplicate of #2",
                Some(Ok(Command::Cancel {
                    number: 3,
                    reason: "duplicate of #2".into(),
                })),
            ),
            (
                "cancel 3: spam",
                Some(Ok(Command::Cancel {
                    number: 3,
                    reason: "spam".into(),
                })),
            ),
            ("apply 4", Some(Ok(Command::Apply { number: 4 }))),
            (
                "close",
                Some(Err(CommandError::MissingNumber { verb: "close" })),
            ),
            (
                "apply x",
                Some(Err(CommandError::BadNumber {
                    verb: "apply",
                    given: "x".into(),
                })),
            ),
            ("extend 3", Some(Err(CommandError::MissingDuration))),
            ("extend 3 0s", Some(Err(CommandError::MissingDuration))),
            ("extend 3 soon", Some(Err(CommandError::MissingDuration))),
            ("cancel 3", Some(Err(CommandError::MissingReason))),
            (
                "suspend now Spam.Example ongoing harassment",
                Some(Ok(Command::Now {
                    action: Action::Suspend {
                        domain: "spam.example".into(),
                    },
                    reason: "ongoing harassment".into(),
                })),
            ),
            (
                "Limit NOW spam.example: floods of spam",
                Some(Ok(Command::Now {
                    action: Action::Silence {
                        domain: "spam.example".into(),
                    },
                    reason: "floods of spam".into(),
                })),
            ),
            (
                "silence now spam.example",
                Some(Err(CommandError::MissingUrgentReason { verb: "silence" })),
            ),
            (
                "suspend now",
                Some(Err(CommandError::MissingDomain { verb: "suspend" })),
            ),
            (
                "suspend spam.example harassment",
                Some(Err(CommandError::NotNow { verb: "suspend" })),
            ),
            (
                "suspend now https://spam.example/ harassment",
                Some(Err(CommandError::BadDomain {
                    verb: "suspend",
                    given: "https://spam.example/".into(),
                    why: DomainError::NotBare,
                })),
            ),
            ("status 3", None),
            ("propose motion 1d hi", None),
            ("agree", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_command(text), expected, "{text:?}");
        }
    }

    #[test]
    fn errors_say_how_to_write_the_command() {
        for error in [
            CommandError::MissingNumber { verb: "close" },
            CommandError::MissingDuration,
            CommandError::MissingReason,
            CommandError::NotNow { verb: "suspend" },
            CommandError::MissingDomain { verb: "limit" },
            CommandError::MissingUrgentReason { verb: "silence" },
        ] {
            assert!(error.to_string().contains("Example: "), "{error}");
        }
    }
}
