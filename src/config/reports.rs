//! `[reports]`, `[rules.ratify]` and `[appeals]`: cases opened from members' reports, the
//! ratification of the working group's urgent actions, and appeals (SPEC §11).

use super::raw::{RawAppeals, RawReports};
use super::values::Checker;
use super::{ConfigError, JuryConfig};
use crate::governance::reports::ReportSettings;
use crate::governance::{ActionKind, Quorum, Rule};
use std::ops::Range;
use std::time::Duration;

type Checked<T> = Result<T, ConfigError>;

/// `[reports]`, checked. The table alone reads nothing: only `watch = true` makes the
/// bot read members' reports and open cases from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportsConfig {
    /// Whether the bot reads unresolved reports at all (false by default).
    pub watch: bool,
    /// How often unresolved reports are read (also at start); at least 5 seconds.
    pub poll_every: Duration,
    /// When reports open a case, and what it proposes: the core's own terms.
    pub cases: ReportSettings,
}

impl ReportsConfig {
    /// What an operator should hear about a `[reports]` table that is valid but does nothing.
    pub fn warning(&self) -> Option<String> {
        (!self.watch).then(|| {
            "[reports] has watch = false, so the bot does not read members' reports and the \
             other [reports] settings do nothing; set watch = true to open cases from \
             reports, or remove [reports]"
                .to_owned()
        })
    }
}

/// Each read is a request (more for a long queue): every 5 seconds already spends a
/// fifth of Mastodon's 300 requests per 5 minutes, which members' votes need.
const SHORTEST_POLL: Duration = Duration::from_secs(5);

impl Checker<'_> {
    /// `None` without a `[reports]` table: no report is ever read, as before.
    pub(super) fn reports(&self, raw: Option<RawReports>) -> Checked<Option<ReportsConfig>> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        // "0" is let through here so that it is told the same as "30s": too often.
        let poll_every = self.duration(&raw.poll_every, "reports.poll_every", "5m", true)?;
        if let (true, Some(span)) = (poll_every.value < SHORTEST_POLL, poll_every.span) {
            let message = format!(
                "reports.poll_every {} is shorter than 5 seconds; the bot reads reports at \
                 most that often, so that members' votes keep the instance's rate limit: \
                 write \"5s\" or more, like poll_every = \"5m\"",
                poll_every.shown
            );
            return Err(self.at(span, message));
        }
        if let Some(open_after) = raw.open_after.as_ref().filter(|n| *n.get_ref() < 1) {
            let message = format!(
                "reports.open_after is {}; a case needs at least one member's report, like \
                 open_after = 3",
                open_after.get_ref()
            );
            return Err(self.at(open_after.span(), message));
        }
        let actions = [
            ("suspend", ActionKind::Suspend),
            ("silence", ActionKind::Silence),
        ];
        Ok(Some(ReportsConfig {
            watch: raw.watch.unwrap_or(false),
            poll_every: poll_every.value,
            cases: ReportSettings {
                open_after: self.count(&raw.open_after, "reports.open_after", 3)?,
                within: self
                    .duration(&raw.within, "reports.within", "7d", false)?
                    .value,
                propose: self.choose(
                    &raw.propose,
                    "reports.propose",
                    "an action a case can propose",
                    &actions,
                    ActionKind::Silence,
                )?,
                resolve: raw.resolve.unwrap_or(true),
            },
        }))
    }

    /// `[appeals] within`; `None` when it is "0", which turns appeals off.
    pub(super) fn appeals_within(&self, raw: &RawAppeals) -> Checked<Option<Duration>> {
        let within = self.duration(&raw.within, "appeals.within", "30d", true)?;
        Ok(Some(within.value).filter(|within| !within.is_zero()))
    }

    /// A ratification of a suspension or a silence is voted on by the jury when the jury
    /// decides that kind, under `[rules.ratify]`: a quorum no jury can reach would undo
    /// every such urgent action. `quorum` is where `rules.ratify.quorum` was written.
    pub(super) fn ratify_fits_jury(
        &self,
        ratify: &Rule,
        quorum: Option<Range<usize>>,
        jury: Option<&JuryConfig>,
    ) -> Checked<()> {
        let (Some(jury), Some(span)) = (jury, quorum) else {
            return Ok(());
        };
        let kinds: Vec<&str> = [ActionKind::Suspend, ActionKind::Silence]
            .into_iter()
            .filter(|kind| jury.decides.contains(kind))
            .map(ActionKind::name)
            .collect();
        if kinds.is_empty() {
            return Ok(());
        }
        let decided = format!(
            "the jury decides the ratification of an urgent {}",
            kinds.join(" or ")
        );
        let message = match ratify.quorum {
            Quorum::Voters(quorum) if quorum > jury.size => format!(
                "rules.ratify.quorum {quorum} is more than jury.size {}, and {decided}, so \
                 it could never pass and the urgent action would always be undone; lower \
                 the quorum in [rules.ratify] or seat more jurors",
                jury.size
            ),
            Quorum::Voters(_) => return Ok(()),
            Quorum::PercentOfRoster(percent) => format!(
                "rules.ratify.quorum \"{percent}%\" is a share of the roster, but {decided}, \
                 and a jury's quorum is a number of jurors; write one up to jury.size {}, \
                 like quorum = 0",
                jury.size
            ),
        };
        Err(self.at(span, message))
    }
}
