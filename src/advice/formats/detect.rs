//! `auto`: telling a list's format from the document itself.

use super::shared::{clean_text, json_error, json_kind, quote, strip_bom, COMMENT_CHARS};
use crate::commands::normalize_domain;
use crate::governance::advice::Format;
use serde_json::Value;

/// Whether a JSON `type` field is one of `names` (or, as an array, includes one).
pub(super) fn has_type(kind: Option<&Value>, names: &[&str]) -> bool {
    match kind {
        Some(Value::String(found)) => names.contains(&found.as_str()),
        Some(Value::Array(found)) => found
            .iter()
            .filter_map(Value::as_str)
            .any(|found| names.contains(&found)),
        _ => false,
    }
}

/// The first line that is not blank.
fn first_line(body: &str) -> Option<&str> {
    body.lines().map(str::trim).find(|line| !line.is_empty())
}

/// Whether a line is the header of a Mastodon CSV: `#domain,…` or `domain,…`, any case.
fn is_csv_header(line: &str) -> bool {
    let line = line.trim_start_matches('"').to_ascii_lowercase();
    let rest = line.strip_prefix('#').unwrap_or(&line);
    rest.strip_prefix("domain")
        .is_some_and(|after| after.is_empty() || after.starts_with([',', '"']))
}

/// Whether a line of a plain list looks like a domain (an obfuscated one included).
fn looks_like_domain(line: &str) -> bool {
    normalize_domain(&line.replace('*', "x")).is_ok()
}

/// The format of a list, told from its content: a FIRES dataset (a JSON object of `type`
/// `Dataset`), a JSON array (`instance-api` when its first object has a `digest`, else
/// `gotosocial-json`), a Mastodon CSV (its first line is a `#domain,…` header), or a plain
/// list (its first line that is not a `#` comment is a domain). `None` when it is none of
/// those; never `Some(Format::Auto)`.
pub fn detect(body: &str) -> Option<Format> {
    let body = strip_bom(body).trim();
    if body.starts_with('{') {
        let value: Value = serde_json::from_str(body).ok()?;
        return has_type(value.get("type"), &["Dataset"]).then_some(Format::Fires);
    }
    if body.starts_with('[') {
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(body) else {
            return None;
        };
        let first = items.iter().find_map(Value::as_object);
        return Some(if first.is_some_and(|entry| entry.contains_key("digest")) {
            Format::InstanceApi
        } else {
            Format::GotosocialJson
        });
    }
    if is_csv_header(first_line(body)?) {
        return Some(Format::MastodonCsv);
    }
    body.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .filter(|line| looks_like_domain(line))
        .map(|_| Format::Plain)
}

/// Why [`detect`] found nothing, as the end of an error sentence.
pub(super) fn why_unrecognized(raw: &str) -> String {
    let raw = strip_bom(raw);
    let body = raw.trim();
    if body.is_empty() {
        return "the document is empty".to_owned();
    }
    if body.starts_with('<') {
        return "it is a web page (HTML), not a list".to_owned();
    }
    if body.starts_with('{') || body.starts_with('[') {
        return match serde_json::from_str::<Value>(raw) {
            Err(error) => json_error(raw, &error),
            Ok(value) => match value.get("dataset").and_then(Value::as_str) {
                None if value.get("error").is_some_and(Value::is_string) => format!(
                    "the server answered with an error, {}",
                    quote(value["error"].as_str().unwrap_or_default())
                ),
                Some(dataset) => format!(
                    "it is part of a FIRES dataset (a snapshot, change feed or labels), not the dataset itself; subscribe to the dataset's address, “{}”",
                    clean_text(dataset, COMMENT_CHARS)
                ),
                None => format!(
                    "it is a JSON {} but neither a list of entries nor a FIRES dataset",
                    json_kind(&value)
                ),
            },
        };
    }
    match raw
        .lines()
        .map(str::trim)
        .enumerate()
        .find(|(_, line)| !line.is_empty() && !line.starts_with('#'))
    {
        Some((index, line)) => format!(
            "line {} reads {}, which is not a domain, a Mastodon CSV header (#domain,…) or JSON",
            index + 1,
            quote(line)
        ),
        None => "it has only comment lines (starting with #), no domain".to_owned(),
    }
}
