//! What the list readers share: collecting entries, cleaning text, reading JSON leniently.

use super::FormatError;
use crate::commands::normalize_domain;
use crate::governance::advice::{Advice, Format, ListReading, Listed, Skipped};
use crate::model::Severity;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Longest comment kept, in characters (the last one is "…" when cut).
pub(super) const COMMENT_CHARS: usize = 500;
/// Longest name kept (a label's, a dataset's), in characters.
pub(super) const NAME_CHARS: usize = 100;

pub(super) fn strip_bom(body: &str) -> &str {
    body.strip_prefix('\u{feff}').unwrap_or(body)
}

/// Trims surrounding whitespace and keeps at most `max_chars` characters, ending in "…" when
/// cut (always on a character boundary). The text is otherwise kept exactly as given.
pub(super) fn clean_text(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    // A text of at most `max_chars` bytes has at most that many characters.
    if text.len() <= max_chars || text.chars().nth(max_chars).is_none() {
        return text.to_owned();
    }
    let cut = text
        .char_indices()
        .nth(max_chars.saturating_sub(1))
        .map_or(text.len(), |(index, _)| index);
    let mut kept = text[..cut].trim_end().to_owned();
    kept.push('…');
    kept
}

/// The start of a line quoted in an error sentence: at most 60 characters, controls blanked.
pub(super) fn quote(line: &str) -> String {
    let line: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("“{}”", clean_text(&line, 60))
}

/// One entry as a list gives it, before its domain is checked.
pub(super) struct Row<'a> {
    pub domain: &'a str,
    pub advice: Advice,
    pub comment: &'a str,
}

/// A block of `severity` (`None`: the list gives none, which means suspend). `noop` is
/// `Skipped::NoBlock`, an unknown severity `Skipped::Invalid`.
pub(super) fn block(
    severity: Option<&str>,
    reject_media: bool,
    reject_reports: bool,
) -> Result<Advice, Skipped> {
    let severity = match severity.map(str::trim) {
        None | Some("") => Severity::Suspend,
        Some(name) => Severity::from_name(name).ok_or(Skipped::Invalid)?,
    };
    if severity == Severity::Noop {
        return Err(Skipped::NoBlock);
    }
    Ok(Advice::Block {
        severity,
        reject_media,
        reject_reports,
    })
}

/// The domain as given: absent or blank is `Invalid`, one with `*` is `Obfuscated`.
pub(super) fn domain_text(raw: Option<&str>) -> Result<&str, Skipped> {
    match raw.map(str::trim) {
        None | Some("") => Err(Skipped::Invalid),
        Some(domain) if domain.contains('*') => Err(Skipped::Obfuscated),
        Some(domain) => Ok(domain),
    }
}

/// A boolean as lists write it: true/false, 1/0, yes/no (any case); empty is false.
pub(super) fn flag(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" | "f" | "n" | "off" => Some(false),
        "true" | "1" | "yes" | "t" | "y" | "on" => Some(true),
        _ => None,
    }
}

/// Gathers a list's entries in order: checks each domain, keeps the first of a repeated one.
#[derive(Default)]
pub(super) struct Collector {
    reading: ListReading,
    seen: HashSet<String>,
}

impl Collector {
    pub fn skip(&mut self, why: Skipped) {
        self.reading.skip(why);
    }

    /// Adds a row read from the list, or counts why it is left out.
    pub fn take(&mut self, row: Result<Row<'_>, Skipped>) {
        let row = match row {
            Ok(row) => row,
            Err(why) => return self.skip(why),
        };
        let domain = match normalize_domain(row.domain) {
            Ok(domain) => domain,
            Err(_) => return self.skip(Skipped::Invalid),
        };
        if !self.seen.insert(domain.clone()) {
            return self.skip(Skipped::Repeated);
        }
        self.reading.entries.push(Listed {
            domain,
            advice: row.advice,
            comment: clean_text(row.comment, COMMENT_CHARS),
            labels: Vec::new(),
        });
    }

    pub fn finish(self) -> ListReading {
        self.reading
    }
}

/// Where and how a JSON document is broken, as the end of an error sentence.
pub(super) fn json_error(body: &str, error: &serde_json::Error) -> String {
    if body.trim_start().starts_with('<') {
        return "it is a web page (HTML), not JSON".to_owned();
    }
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(message, _)| message);
    let (line, column) = (error.line(), error.column());
    match error.classify() {
        serde_json::error::Category::Eof => format!(
            "the JSON stops too early at line {line}, column {column} ({message}); the document may be cut off"
        ),
        _ => format!("the JSON is broken at line {line}, column {column} ({message})"),
    }
}

/// What kind of JSON value this is, in words.
pub(super) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "number",
        Value::String(_) => "text",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The top-level array of a JSON list; anything else is an error naming what it is.
pub(super) fn json_array(body: &str, format: Format) -> Result<Vec<Value>, FormatError> {
    let not = |detail: String| FormatError::NotTheFormat { format, detail };
    match serde_json::from_str::<Value>(body) {
        Err(error) => Err(not(json_error(body, &error))),
        Ok(Value::Array(items)) => Ok(items),
        Ok(Value::Object(object)) => {
            let mut detail =
                "it is a JSON object, not the array of entries a list is (at line 1)".to_owned();
            if let Some(said) = object.get("error").and_then(Value::as_str) {
                detail.push_str(&format!("; the server said {}", quote(said)));
            }
            Err(not(detail))
        }
        Ok(other) => Err(not(format!(
            "it is a JSON {}, not an array of entries",
            json_kind(&other)
        ))),
    }
}

/// The first of `names` given as a non-blank text; `null` or blank count as absent, any other
/// type is `Invalid`.
pub(super) fn text_field<'a>(
    entry: &'a Map<String, Value>,
    names: &[&str],
) -> Result<Option<&'a str>, Skipped> {
    for name in names {
        match entry.get(*name) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if text.trim().is_empty() => {}
            Some(Value::String(text)) => return Ok(Some(text)),
            Some(_) => return Err(Skipped::Invalid),
        }
    }
    Ok(None)
}

/// A boolean field: JSON true/false, 0/1 or a text [`flag`]; absent or `null` is false.
pub(super) fn bool_field(entry: &Map<String, Value>, name: &str) -> Result<bool, Skipped> {
    match entry.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(value)) => Ok(*value),
        Some(Value::Number(number)) => match number.as_u64() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(Skipped::Invalid),
        },
        Some(Value::String(text)) => flag(text).ok_or(Skipped::Invalid),
        Some(_) => Err(Skipped::Invalid),
    }
}
