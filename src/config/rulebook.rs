//! `[rules.*]`: each kind's rule, merged over `[rules.default]` and checked; `[rules.ratify]`
//! over its own base.

use super::raw::{RawRule, RawRules};
use super::values::Checker;
use super::{ConfigError, RuleBook};
use crate::governance::{Method, Quorum, Rule};
use toml::Spanned;

type Checked<T> = Result<T, ConfigError>;

impl Checker<'_> {
    pub(super) fn rules(&self, raw: RawRules, roster: bool) -> Checked<RuleBook> {
        let default = self.rule(raw.default, Rule::social_coop(), "default", roster)?;
        Ok(RuleBook {
            suspend: self.rule(raw.suspend, default, "suspend", roster)?,
            silence: self.rule(raw.silence, default, "silence", roster)?,
            unblock: self.rule(raw.unblock, default, "unblock", roster)?,
            motion: self.rule(raw.motion, default, "motion", roster)?,
            // Ratifying asks whether an action already taken may stand, not whether to
            // take it: its base is its own, not what [rules.default] says of a proposal.
            ratify: self.rule(raw.ratify, Rule::ratify(), "ratify", roster)?,
            default,
        })
    }

    /// `[rules.<name>]`, its missing fields taken from `base`.
    pub(super) fn rule(
        &self,
        raw: Option<RawRule>,
        base: Rule,
        name: &str,
        roster: bool,
    ) -> Checked<Rule> {
        let Some(raw) = raw else {
            return Ok(base);
        };
        let key = |field: &str| format!("rules.{name}.{field}");
        let methods = [
            ("consensus", Method::Consensus),
            ("consent", Method::Consent),
            ("majority", Method::Majority),
        ];
        let mut rule = Rule {
            method: self.choose(
                &raw.method,
                &key("method"),
                "a method",
                &methods,
                base.method,
            )?,
            max_blocks: self.count(&raw.max_blocks, &key("max_blocks"), base.max_blocks)?,
            sealed: raw
                .sealed
                .as_ref()
                .map_or(base.sealed, |sealed| *sealed.get_ref()),
            ..base
        };
        if let Some(quorum) = &raw.quorum {
            rule.quorum = self.quorum(quorum, &key("quorum"), roster)?;
        }
        if let Some(threshold) = &raw.threshold {
            let value = *threshold.get_ref();
            if !(0.0..1.0).contains(&value) {
                let message = format!(
                    "{} is {value}; write a share from 0 up to (not including) 1, \
                     like 0.5 for more agree than disagree",
                    key("threshold")
                );
                return Err(self.at(threshold.span(), message));
            }
            rule.threshold = value;
        }
        if let Some(ratio) = &raw.block_override_ratio {
            let value = *ratio.get_ref();
            rule.block_override_ratio = match value {
                0.0 => None,
                _ if value > 0.0 && value.is_finite() => Some(value),
                _ => {
                    let message = format!(
                        "{} is {value}; write a positive number, like 9 for agree ≥ 9 × \
                         (disagree + block), or 0 to let any block stop a proposal",
                        key("block_override_ratio")
                    );
                    return Err(self.at(ratio.span(), message));
                }
            };
        }
        Ok(rule)
    }

    /// An integer number of voters, or "20%" of the roster (only with a roster).
    fn quorum(&self, value: &Spanned<toml::Value>, key: &str, roster: bool) -> Checked<Quorum> {
        let fail = |message: String| Err(self.at(value.span(), message));
        match value.get_ref() {
            toml::Value::Integer(number) => match u32::try_from(*number) {
                Ok(voters) => Ok(Quorum::Voters(voters)),
                Err(_) => fail(format!(
                    "{key} is {number}; write a number of voters from 0 up"
                )),
            },
            toml::Value::String(text) => {
                let percent = text
                    .trim()
                    .strip_suffix('%')
                    .and_then(|number| number.trim().parse::<f64>().ok());
                match percent {
                    Some(percent) if (0.0..=100.0).contains(&percent) && roster => Ok(Quorum::PercentOfRoster(percent)),
                    Some(percent) if (0.0..=100.0).contains(&percent) => fail(format!(
                        "{key} {text:?} is a share of the roster, but membership.voters is not \
                         \"roster\"; write a number of voters, like 10, or set voters = \"roster\""
                    )),
                    Some(_) => fail(format!("{key} {text:?} is not a percentage; write one from \"0%\" to \"100%\", like \"20%\"")),
                    // A whole number in quotes: the quotes are the only thing wrong.
                    None if text.trim().parse::<u32>().is_ok() => fail(format!(
                        "{key} {text:?} is a number in quotes; write a number of voters without \
                         them, like 10, or a percentage of the roster, like \"20%\""
                    )),
                    None => fail(format!(
                        "{key} {text:?} is neither a number of voters (like 10) nor a percentage \
                         of the roster (like \"20%\")"
                    )),
                }
            }
            _ => fail(format!(
                "{key} must be a number of voters, like 10, or a share of the roster, like \"20%\""
            )),
        }
    }
}
