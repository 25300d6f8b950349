//! `bot.toml` as written: serde structs that refuse unknown keys and keep each value's span.
//!
//! Nothing here is checked beyond TOML types; `check` turns these into a `Config`.
//! Values that are validated later are `Spanned` so an error can name their line.

use serde::{Deserialize, Deserializer};
use std::fmt;
use toml::Spanned;

/// An optional value with its place in the file.
pub(super) type Field<T> = Option<Spanned<T>>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub instance: Option<Spanned<RawInstance>>,
    #[serde(default)]
    pub storage: RawStorage,
    #[serde(default)]
    pub membership: RawMembership,
    #[serde(default)]
    pub proposals: RawProposals,
    #[serde(default)]
    pub rules: RawRules,
    #[serde(default)]
    pub actions: RawActions,
    #[serde(default)]
    pub vocabulary: RawVocabulary,
    #[serde(default)]
    pub limits: RawLimits,
    pub jury: Option<Spanned<RawJury>>,
    pub reports: Option<RawReports>,
    #[serde(default)]
    pub appeals: RawAppeals,
    pub publish: Option<RawPublish>,
    #[serde(default)]
    pub subscriptions: Vec<Spanned<RawSubscription>>,
    pub advice: Option<Spanned<RawAdvice>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSubscription {
    pub name: Field<String>,
    pub url: Field<String>,
    pub format: Field<String>,
    pub every: Field<DurationText>,
    pub max_severity: Field<String>,
    pub propose: Field<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAdvice {
    pub min_sources: Field<i64>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    pub max_open: Field<i64>,
    pub batch_max: Field<i64>,
    pub max_removals: Field<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInstance {
    pub url: Field<String>,
    pub software: Field<String>,
    pub token_env: Field<String>,
    pub token_file: Field<String>,
    pub poll_interval: Field<DurationText>,
    pub request_timeout: Field<DurationText>,
    pub stream_silence: Field<DurationText>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStorage {
    pub path: Field<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMembership {
    pub voters: Field<String>,
    pub roster_file: Field<String>,
    pub min_account_age_days: Field<i64>,
    pub proposers: Field<String>,
    pub working_group: Option<Spanned<Vec<Spanned<String>>>>,
    pub guide_url: Field<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProposals {
    pub default_duration: Field<DurationText>,
    pub min_duration: Field<DurationText>,
    pub urgent_min_duration: Field<DurationText>,
    pub max_duration: Field<DurationText>,
    pub reminder_before: Field<DurationText>,
    pub visibility: Field<String>,
    pub favourites_count_as: Field<String>,
    pub receipts: Field<String>,
    pub block_requires_reason: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRules {
    pub default: Option<RawRule>,
    pub suspend: Option<RawRule>,
    pub silence: Option<RawRule>,
    pub unblock: Option<RawRule>,
    pub motion: Option<RawRule>,
    /// Spanned: `[rules.jury]` without `[jury]` is refused at its header's line.
    pub jury: Option<Spanned<RawRule>>,
    pub ratify: Option<RawRule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub method: Field<String>,
    /// An integer (voters) or a string like "20%"; told apart in `check`.
    pub quorum: Field<toml::Value>,
    pub threshold: Field<f64>,
    pub max_blocks: Field<i64>,
    pub block_override_ratio: Field<f64>,
    pub sealed: Field<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawJury {
    pub pool: Field<String>,
    pub pool_file: Field<String>,
    pub size: Field<i64>,
    pub consent_within: Field<DurationText>,
    pub duration: Field<DurationText>,
    pub decides: Option<Vec<Spanned<String>>>,
    pub when_short: Field<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReports {
    pub watch: Option<bool>,
    pub poll_every: Field<DurationText>,
    pub open_after: Field<i64>,
    pub within: Field<DurationText>,
    pub propose: Field<String>,
    pub resolve: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAppeals {
    pub within: Field<DurationText>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPublish {
    pub dir: Field<String>,
    pub base_url: Field<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLimits {
    pub answers_per_account_per_day: Field<i64>,
    pub proposals_per_member_per_day: Field<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawActions {
    pub mode: Field<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVocabulary {
    pub mode: Field<String>,
    pub agree: Option<Vec<Spanned<String>>>,
    pub abstain: Option<Vec<Spanned<String>>>,
    pub disagree: Option<Vec<Spanned<String>>>,
    pub block: Option<Vec<Spanned<String>>>,
}

/// A duration as written: a string like "48h", or the bare integer 0 (read as "0").
#[derive(Debug)]
pub(super) struct DurationText(pub String);

impl<'de> Deserialize<'de> for DurationText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DurationVisitor)
    }
}

struct DurationVisitor;

impl serde::de::Visitor<'_> for DurationVisitor {
    type Value = DurationText;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(r#"a duration, like "90m", "48h" or "6d""#)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DurationText, E> {
        Ok(DurationText(text.to_owned()))
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<DurationText, E> {
        if number == 0 {
            return Ok(DurationText("0".to_owned()));
        }
        Err(E::custom(format!(
            "{number} has no unit; write a number and a unit, like \"{number}m\", \"{number}h\" or \"{number}d\""
        )))
    }
}
