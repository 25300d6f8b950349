//! `gotosocial-json`: a top-level array of `{domain, public_comment | comment, obfuscate}`,
//! as GoToSocial's subscriptions read it; every entry is a suspension unless it says otherwise.

use super::shared::{block, bool_field, domain_text, json_array, text_field, Collector, Row};
use super::FormatError;
use crate::governance::advice::{Format, ListReading, Skipped};
use serde_json::Value;

/// One entry. Unlike GoToSocial we honour a `severity` (`silence`, `noop`) and the Mastodon
/// flags when an entry gives them; `obfuscate` is ignored (the domain is given in full).
fn row(entry: &Value) -> Result<Row<'_>, Skipped> {
    let entry = entry.as_object().ok_or(Skipped::Invalid)?;
    let domain = domain_text(text_field(entry, &["domain"])?)?;
    let reject_media = bool_field(entry, "reject_media")?;
    let reject_reports = bool_field(entry, "reject_reports")?;
    let advice = block(
        text_field(entry, &["severity"])?,
        reject_media,
        reject_reports,
    )?;
    let comment = text_field(entry, &["public_comment", "comment"])?.unwrap_or("");
    Ok(Row {
        domain,
        advice,
        comment,
    })
}

pub(super) fn parse(body: &str) -> Result<ListReading, FormatError> {
    let mut out = Collector::default();
    for entry in &json_array(body, Format::GotosocialJson)? {
        out.take(row(entry));
    }
    Ok(out.finish())
}
