//! Text → requests: status HTML to plain text, the request grammar, positions, domains
//! and durations. Pure: no I/O, no clock; a `ParseError`'s `Display` is the bot's reply.

mod consent;
mod domain;
mod duration;
mod error;
mod html;
mod parse;
mod vocabulary;
mod working_group;

pub use consent::parse_consent;
pub use domain::{normalize_domain, DomainError};
pub use duration::{format_duration, parse_duration};
pub use error::{help_text, help_text_with, ParseError};
pub use html::{normalize_text, status_text, strip_leading_mentions, MentionRef};
pub use parse::{parse_request, parse_vote_reply, JuryRequest, ProposeRequest, Request};
pub use vocabulary::{Vocabulary, VocabularyDifference, SEPARATORS as WORD_SEPARATORS};
pub use working_group::{parse_command, working_group_help, Command, CommandError};
