//! `[jury]` and `[rules.jury]`: the Standing Jury (SPEC §10), checked like every table.

use super::raw::{RawJury, RawRule};
use super::values::Checker;
use super::{ConfigError, ProposalConfig};
use crate::commands::format_duration;
use crate::governance::jury::{JuryTerms, WhenShort};
use crate::governance::{ActionKind, Method, Quorum, Rule};
use std::collections::BTreeSet;
use std::path::PathBuf;
use toml::Spanned;

type Checked<T> = Result<T, ConfigError>;

/// `[jury]` with `[rules.jury]`, checked into the core's terms; a roster pool's file is
/// read by the runtime, at start and on SIGHUP, like the membership roster.
pub type JuryConfig = JuryTerms<JuryPool>;

/// Where jurors are drawn from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JuryPool {
    /// Members who sent `jury join`.
    Volunteers,
    /// The accts in `file`, one per line (resolved like `storage.path`).
    Roster { file: PathBuf },
}

impl JuryConfig {
    /// What an operator should hear about a jury that is valid but does nothing yet.
    pub fn warning(&self) -> Option<String> {
        self.decides.is_empty().then(|| {
            "[jury] decides = [] gives the jury no kind of proposal: members may join its \
             pool, but every proposal still goes to all members; list the kinds it decides, \
             like decides = [\"suspend\", \"silence\"]"
                .to_owned()
        })
    }
}

/// How a jury decides when `[rules.jury]` leaves a key out: consensus of at least four
/// jurors, no block allowed and no override. A jury is small and has agreed to serve,
/// so `[rules.default]`, written for the whole membership (an override by a 9-to-1
/// majority, a quorum of 0 or a share of the roster), is no base for it.
pub const JURY_RULE: Rule = Rule {
    method: Method::Consensus,
    quorum: Quorum::Voters(4),
    threshold: 0.5,
    max_blocks: 0,
    block_override_ratio: None,
    sealed: false,
};

const KINDS: [(&str, ActionKind); 4] = [
    ("suspend", ActionKind::Suspend),
    ("silence", ActionKind::Silence),
    ("unblock", ActionKind::Unblock),
    ("motion", ActionKind::Motion),
];

impl Checker<'_> {
    /// `None` without a `[jury]` table: every proposal goes to all members, as before.
    pub(super) fn jury(
        &self,
        raw: Option<Spanned<RawJury>>,
        rule: Option<Spanned<RawRule>>,
        proposals: &ProposalConfig,
    ) -> Checked<Option<JuryConfig>> {
        let (table, raw) = match (raw, rule.as_ref()) {
            (None, None) => return Ok(None),
            (None, Some(rule)) => {
                let message = "[rules.jury] says how a jury decides, but there is no [jury] \
                               table, so no jury is ever drawn; add [jury] (the example \
                               bot.toml shows one) or remove [rules.jury]";
                return Err(self.at(rule.span(), message.to_owned()));
            }
            (Some(raw), _) => (raw.span(), raw.into_inner()),
        };
        let size = self.jury_size(&raw)?;
        let consent_within =
            self.duration(&raw.consent_within, "jury.consent_within", "24h", false)?;
        let duration = self.duration(&raw.duration, "jury.duration", "3d", false)?;
        // The jury's time replaces min_duration (a jury was asked in person, so it may be
        // shorter), but not max_duration: no proposal runs longer than that.
        if duration.value > proposals.durations.max {
            let message = format!(
                "jury.duration {} is longer than proposals.max_duration ({}); a jury votes \
                 at most as long as any proposal may run",
                duration.shown,
                format_duration(proposals.durations.max)
            );
            return Err(self.at(duration.span.unwrap_or(table.clone()), message));
        }
        let when_short = [
            ("members", WhenShort::Members),
            ("cancel", WhenShort::Cancel),
        ];
        Ok(Some(JuryConfig {
            pool: self.jury_pool(&raw)?,
            size,
            consent_within: consent_within.value,
            duration: duration.value,
            decides: self.jury_decides(&raw.decides)?,
            when_short: self.choose(
                &raw.when_short,
                "jury.when_short",
                "what to do when the pool runs out",
                &when_short,
                WhenShort::Members,
            )?,
            rule: self.jury_rule(rule, size, &raw, table)?,
        }))
    }

    fn jury_pool(&self, raw: &RawJury) -> Checked<JuryPool> {
        let kinds = [("volunteers", false), ("roster", true)];
        let roster = self.choose(&raw.pool, "jury.pool", "a kind of pool", &kinds, false)?;
        match (&raw.pool, &raw.pool_file) {
            (Some(_), Some(file)) if roster => Ok(JuryPool::Roster {
                file: self.path(file, "jury.pool_file")?,
            }),
            (Some(pool), None) if roster => {
                let message = "jury.pool = \"roster\" needs pool_file, the accts that may be \
                               drawn, one per line; add pool_file = \"jury.txt\"";
                Err(self.at(pool.span(), message.to_owned()))
            }
            (_, Some(file)) => {
                let message = "jury.pool_file is only read when pool = \"roster\"; set \
                               pool = \"roster\" or remove pool_file";
                Err(self.at(file.span(), message.to_owned()))
            }
            _ => Ok(JuryPool::Volunteers),
        }
    }

    fn jury_size(&self, raw: &RawJury) -> Checked<u32> {
        if let Some(size) = raw.size.as_ref().filter(|size| *size.get_ref() < 1) {
            let message = format!(
                "jury.size is {}; seat at least one juror, like size = 5",
                size.get_ref()
            );
            return Err(self.at(size.span(), message));
        }
        self.count(&raw.size, "jury.size", 5)
    }

    /// Absent: suspensions and silences, the cases Social.coop's jury decides.
    fn jury_decides(&self, raw: &Option<Vec<Spanned<String>>>) -> Checked<BTreeSet<ActionKind>> {
        let Some(names) = raw else {
            return Ok(BTreeSet::from([ActionKind::Suspend, ActionKind::Silence]));
        };
        names
            .iter()
            .map(|name| {
                let name = Some(name.clone());
                self.choose(
                    &name,
                    "jury.decides",
                    "an action kind",
                    &KINDS,
                    ActionKind::Motion,
                )
            })
            .collect()
    }

    /// `[rules.jury]` over [`JURY_RULE`]; its quorum is a number of jurors a jury of
    /// `size` can reach.
    fn jury_rule(
        &self,
        raw: Option<Spanned<RawRule>>,
        size: u32,
        jury: &RawJury,
        table: std::ops::Range<usize>,
    ) -> Checked<Rule> {
        let quorum_span = raw
            .as_ref()
            .and_then(|raw| raw.get_ref().quorum.as_ref())
            .map(Spanned::span);
        let written = quorum_span.is_some();
        // A percentage is parsed, so that a mistyped one is told as such, then refused:
        // the roster is no measure of a jury.
        let rule = self.rule(raw.map(Spanned::into_inner), JURY_RULE, "jury", true)?;
        let quorum = match rule.quorum {
            Quorum::Voters(quorum) => quorum,
            Quorum::PercentOfRoster(percent) => {
                let message = format!(
                    "rules.jury.quorum \"{percent}%\" is a share of the roster, but a jury's \
                     quorum is a number of jurors; write one up to jury.size, like 4"
                );
                return Err(self.at(quorum_span.unwrap_or(table), message));
            }
        };
        if quorum > size {
            let default = if written { "" } else { " (the default)" };
            let message = format!(
                "rules.jury.quorum {quorum}{default} is more than jury.size {size}, so a jury \
                 could never decide; seat more jurors or lower the quorum in [rules.jury]"
            );
            let span = quorum_span.or(jury.size.as_ref().map(Spanned::span));
            return Err(self.at(span.unwrap_or(table), message));
        }
        Ok(rule)
    }
}
