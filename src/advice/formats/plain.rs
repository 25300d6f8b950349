//! `plain`: one domain per line; blank lines and lines starting with `#` are skipped.

use super::shared::{domain_text, quote, Collector, Row};
use super::FormatError;
use crate::governance::advice::{Advice, Format, ListReading};
use crate::model::Severity;

const SUSPEND: Advice = Advice::Block {
    severity: Severity::Suspend,
    reject_media: false,
    reject_reports: false,
};

/// A document that is plainly something else (a web page, JSON) is an error, not a list
/// whose every line is invalid.
fn other_document(body: &str, number: usize, line: &str) -> Option<FormatError> {
    let detail = if line.starts_with('<') {
        format!(
            "line {number} reads {}, which is a web page (HTML), not one domain per line",
            quote(line)
        )
    } else if (line.starts_with('{') || line.starts_with('['))
        && serde_json::from_str::<serde::de::IgnoredAny>(body).is_ok()
    {
        "it is a JSON document, not one domain per line; set the subscription's format to gotosocial-json, instance-api or fires".to_owned()
    } else {
        return None;
    };
    Some(FormatError::NotTheFormat {
        format: Format::Plain,
        detail,
    })
}

pub(super) fn parse(body: &str) -> Result<ListReading, FormatError> {
    let mut out = Collector::default();
    let mut first = true;
    // `lines` also ends a line at "\r\n".
    for (index, line) in body.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if std::mem::take(&mut first) {
            if let Some(error) = other_document(body, index + 1, line) {
                return Err(error);
            }
        }
        out.take(domain_text(Some(line)).map(|domain| Row {
            domain,
            advice: SUSPEND,
            comment: "",
        }));
    }
    Ok(out.finish())
}
