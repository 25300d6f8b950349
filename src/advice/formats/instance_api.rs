//! `instance-api`: Mastodon's public `GET /api/v1/instance/domain_blocks`, an array of
//! `{domain, digest, severity, comment}` where an obfuscated domain has `*` in it.

use super::shared::{block, domain_text, json_array, text_field, Collector, Row};
use super::FormatError;
use crate::governance::advice::{Format, ListReading, Skipped};
use serde_json::Value;

fn row(entry: &Value) -> Result<Row<'_>, Skipped> {
    let entry = entry.as_object().ok_or(Skipped::Invalid)?;
    let domain = match text_field(entry, &["domain"])? {
        // Only the digest: the server hides which domain it means.
        None if text_field(entry, &["digest"]).is_ok_and(|digest| digest.is_some()) => {
            return Err(Skipped::Obfuscated)
        }
        given => domain_text(given)?,
    };
    let advice = block(text_field(entry, &["severity"])?, false, false)?;
    let comment = text_field(entry, &["comment", "public_comment"])?.unwrap_or("");
    Ok(Row {
        domain,
        advice,
        comment,
    })
}

pub(super) fn parse(body: &str) -> Result<ListReading, FormatError> {
    let mut out = Collector::default();
    for entry in &json_array(body, Format::InstanceApi)? {
        out.take(row(entry));
    }
    Ok(out.finish())
}
