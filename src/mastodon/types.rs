//! Lenient wire types: only the fields coopgov reads, each tolerant of what real servers send.
//!
//! Unknown fields are ignored, optional ones default, and a field of an unexpected type
//! makes only the one item that holds it unreadable (pages are decoded item by item).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// An account as embedded in statuses, notifications and lists.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub acct: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub bot: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub suspended: bool,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
}

/// A mention inside a status (`mentions[]`).
#[derive(Debug, Clone, Deserialize)]
pub struct Mention {
    pub id: String,
    pub username: String,
    pub acct: String,
    #[serde(default)]
    pub url: String,
}

/// A status. `content` is absent on the DELETE response, so it defaults to empty.
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub uri: Option<String>,
    pub account: Account,
    #[serde(default)]
    pub content: String,
    /// The plain source text: GoToSocial sends it with every status, Mastodon only when a
    /// status is deleted.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub spoiler_text: String,
    #[serde(default)]
    pub in_reply_to_id: Option<String>,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub mentions: Vec<Mention>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub edited_at: Option<DateTime<Utc>>,
}

impl Status {
    /// The address a person can open; falls back to the ActivityPub uri.
    pub fn link(&self) -> String {
        self.url
            .clone()
            .or_else(|| self.uri.clone())
            .unwrap_or_default()
    }
}

/// A notification (v1). Types coopgov does not handle are kept as their name and skipped.
#[derive(Debug, Clone, Deserialize)]
pub struct Notification {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub account: Option<Account>,
    #[serde(default)]
    pub status: Option<Status>,
}

/// `GET /api/v1/statuses/:id/context`, its replies left as the text they came in: a
/// thread of thousands is read one status at a time, never as a whole tree of values
/// (which takes several times the text's size).
#[derive(Debug, Deserialize)]
struct Context<'a> {
    #[serde(default, borrow)]
    descendants: Vec<&'a serde_json::value::RawValue>,
}

/// The replies in a context's body that can be read, each made into what the caller
/// keeps of it as soon as it is read, and why the others cannot be read.
pub fn decode_descendants<T>(
    body: &str,
    mut keep: impl FnMut(Status) -> T,
) -> Result<(Vec<T>, Vec<String>), serde_json::Error> {
    let context: Context = serde_json::from_str(body)?;
    let mut good = Vec::with_capacity(context.descendants.len());
    let mut bad = Vec::new();
    for item in context.descendants {
        match serde_json::from_str::<Status>(item.get()) {
            Ok(status) => good.push(keep(status)),
            Err(error) => bad.push(error.to_string()),
        }
    }
    Ok((good, bad))
}

/// An admin domain block (`/api/v1/admin/domain_blocks`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DomainBlock {
    pub id: String,
    pub domain: String,
    /// Absent on GoToSocial, whose every block is a suspension (see `blocks.rs`).
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub public_comment: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub private_comment: Option<String>,
    /// Absent on GoToSocial, like the severity.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub reject_media: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub reject_reports: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub obfuscate: bool,
}

/// The parts of `GET /api/v2/instance` (or v1) coopgov needs.
#[derive(Debug, Clone, Default)]
pub struct InstanceInfo {
    pub domain: String,
    pub version: String,
    pub max_characters: usize,
    pub streaming_url: Option<String>,
}

/// An API error body: `{"error": "…"}`, sometimes with `existing_domain_block`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub existing_domain_block: Option<DomainBlock>,
}

/// One WebSocket frame of the streaming API.
#[derive(Debug, Clone, Deserialize)]
pub struct StreamFrame {
    pub event: String,
    #[serde(default)]
    pub payload: Option<serde_json::Value>,
}

pub(super) fn lenient_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(matches!(value, Some(serde_json::Value::Bool(true))))
}

/// A text, or None for `null`, a missing field or anything that is not a string.
pub(super) fn lenient_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(value.and_then(|value| value.as_str().map(str::to_string)))
}

/// Times come as ISO 8601 with or without millis, sometimes date-only; anything else is None.
fn lenient_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(value.and_then(|value| parse_time(value.as_str()?)))
}

pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

/// Parses the instance document of either API version.
pub fn parse_instance(value: &serde_json::Value) -> InstanceInfo {
    let text = |pointer: &str| value.pointer(pointer).and_then(|v| v.as_str());
    let domain = text("/domain")
        .or_else(|| text("/uri"))
        .unwrap_or_default()
        .to_string();
    let max_characters = value
        .pointer("/configuration/statuses/max_characters")
        .and_then(|v| v.as_u64())
        .unwrap_or(500) as usize;
    let streaming_url = text("/configuration/urls/streaming")
        .or_else(|| text("/urls/streaming_api"))
        .map(str::to_string);
    InstanceInfo {
        domain,
        version: text("/version").unwrap_or_default().to_string(),
        max_characters,
        streaming_url,
    }
}

/// Decodes a JSON array item by item, keeping what parses and reporting what does not.
pub fn decode_items<T: serde::de::DeserializeOwned>(
    items: Vec<serde_json::Value>,
) -> (Vec<T>, Vec<String>) {
    let mut good = Vec::with_capacity(items.len());
    let mut bad = Vec::new();
    for item in items {
        match serde_json::from_value::<T>(item) {
            Ok(parsed) => good.push(parsed),
            Err(error) => bad.push(error.to_string()),
        }
    }
    (good, bad)
}
