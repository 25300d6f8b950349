//! `[[subscriptions]]` and `[advice]`: the lists the cooperative follows, and how their
//! advice is put to the members (SPEC §15).

use super::raw::{RawAdvice, RawSubscription};
use super::values::{one_of, Checker};
use super::ConfigError;
use crate::commands::normalize_domain;
use crate::governance::advice::{AdviceSettings, Format, Propose, Subscription};
use crate::model::Severity;
use std::time::Duration;
use toml::Spanned;

type Checked<T> = Result<T, ConfigError>;

/// A list is read at most this often: lists change slowly, and their servers are
/// somebody's too.
const SHORTEST_EVERY: Duration = Duration::from_secs(15 * 60);

impl Checker<'_> {
    /// `None` without `[[subscriptions]]`: no list is read.
    pub(super) fn advice(
        &self,
        raw: Vec<Spanned<RawSubscription>>,
        advice: Option<Spanned<RawAdvice>>,
    ) -> Checked<Option<AdviceSettings>> {
        if raw.is_empty() {
            if let Some(advice) = advice {
                let message = "[advice] is set but there is no [[subscriptions]] table for it \
                               to apply to; add one (see the example bot.toml) or remove [advice]";
                return Err(self.at(advice.span(), message.to_owned()));
            }
            return Ok(None);
        }
        let mut subscriptions: Vec<Subscription> = Vec::new();
        for table in raw {
            let span = table.span();
            let subscription = self.subscription(table.into_inner(), span.clone())?;
            if subscriptions.iter().any(|s| s.name == subscription.name) {
                let message = format!(
                    "two [[subscriptions]] are named {:?}; give each its own name, since the \
                     name is how ballots and the record tell them apart",
                    subscription.name
                );
                return Err(self.at(span, message));
            }
            subscriptions.push(subscription);
        }
        let advice = advice.map(Spanned::into_inner).unwrap_or_default();
        let at_least_one = |value: &super::raw::Field<i64>, key: &str, default: u32| {
            let count = self.count(value, key, default)?;
            match (count, value) {
                (0, Some(value)) => Err(self.at(
                    value.span(),
                    format!("{key} is 0; write 1 or more, like {key} = {default}"),
                )),
                _ => Ok(count),
            }
        };
        let min_sources = at_least_one(&advice.min_sources, "advice.min_sources", 1)?;
        if min_sources as usize > subscriptions.len() {
            let message = format!(
                "advice.min_sources is {min_sources} but there are only {} [[subscriptions]], \
                 so nothing could ever be proposed; lower it or subscribe to more lists",
                subscriptions.len()
            );
            let span = advice.min_sources.as_ref().map(Spanned::span);
            return Err(match span {
                Some(span) => self.at(span, message),
                None => self.whole(message),
            });
        }
        let mut exclude = Vec::new();
        for domain in &advice.exclude {
            let normal = normalize_domain(domain.get_ref()).map_err(|error| {
                self.at(
                    domain.span(),
                    format!("advice.exclude {:?}: {error}", domain.get_ref()),
                )
            })?;
            exclude.push(normal);
        }
        Ok(Some(AdviceSettings {
            subscriptions,
            min_sources,
            exclude,
            max_open: at_least_one(&advice.max_open, "advice.max_open", 3)?,
            batch_max: at_least_one(&advice.batch_max, "advice.batch_max", 50)?,
            max_removals: self.count(&advice.max_removals, "advice.max_removals", 5)?,
        }))
    }

    fn subscription(
        &self,
        raw: RawSubscription,
        table: std::ops::Range<usize>,
    ) -> Checked<Subscription> {
        let Some(name) = &raw.name else {
            let message = "a [[subscriptions]] table has no name; add a short one, like \
                           name = \"neighbours\"";
            return Err(self.at(table, message.to_owned()));
        };
        let name_text = name.get_ref().trim();
        let fine = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if name_text.is_empty() || name_text.chars().count() > 30 || !name_text.chars().all(fine) {
            let message = format!(
                "subscriptions.name {:?} is not a short name; use up to 30 letters, digits, \
                 '-' or '_', like name = \"neighbours\"",
                name.get_ref()
            );
            return Err(self.at(name.span(), message));
        }
        let Some(url) = &raw.url else {
            let message = format!(
                "the subscription {name_text:?} has no url; add the list's address, like \
                 url = \"https://coop.example/governance/fires/dataset.json\""
            );
            return Err(self.at(table, message));
        };
        let url_text = url.get_ref().trim();
        if let Some(problem) = list_address_problem(url_text) {
            let message = format!("subscriptions.url {url_text:?} {problem}");
            return Err(self.at(url.span(), message));
        }
        let formats: Vec<(&str, Format)> = Format::ALL.iter().map(|f| (f.name(), *f)).collect();
        let format = self.choose(
            &raw.format,
            "subscriptions.format",
            "a list format coopgov reads",
            &formats,
            Format::Auto,
        )?;
        let every = self.duration(&raw.every, "subscriptions.every", "6h", false)?;
        if let (true, Some(span)) = (every.value < SHORTEST_EVERY, every.span.clone()) {
            let message = format!(
                "subscriptions.every {} is shorter than 15 minutes; a list is read at most \
                 that often, like every = \"6h\"",
                every.shown
            );
            return Err(self.at(span, message));
        }
        let max_severity = self.choose(
            &raw.max_severity,
            "subscriptions.max_severity",
            "a severity a list may lead to",
            &[
                ("suspend", Severity::Suspend),
                ("silence", Severity::Silence),
            ],
            Severity::Suspend,
        )?;
        let propose = self.choose(
            &raw.propose,
            "subscriptions.propose",
            "a way to put a list's advice to the members",
            &[("each", Propose::Each), ("batch", Propose::Batch)],
            Propose::Each,
        )?;
        Ok(Subscription {
            name: name_text.to_string(),
            url: url_text.to_string(),
            format,
            every: every.value,
            max_severity,
            propose,
        })
    }
}

/// Why a list's address cannot be read: HTTPS only, plain HTTP only to this machine.
fn list_address_problem(text: &str) -> Option<String> {
    let Ok(url) = url::Url::parse(text) else {
        return Some(
            "is not a web address; write the list's whole address, like \
             \"https://coop.example/blocklist.csv\""
                .to_string(),
        );
    };
    if crate::governance::advice::readable_address(&url) {
        return None;
    }
    match url.scheme() {
        "http" => Some(
            "is plain http; lists are read over https only (plain http only from this \
             machine), so that nobody on the way can change what members are asked"
                .to_string(),
        ),
        "https" => Some("names no host; write the list's whole address".to_string()),
        scheme => Some(format!(
            "starts with {scheme}:, which coopgov does not read; use {}",
            one_of(&["https://"])
        )),
    }
}
