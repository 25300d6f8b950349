//! Members' reports, read from the instance at start, every `poll_every`, and at once
//! when staff are notified of a new one; the core decides what they lead to.

use super::Bot;
use crate::governance::engine::{self, Event};
use crate::mastodon::events::Incoming;
use crate::mastodon::rate_limit::Priority;
use chrono::{DateTime, Utc};
use std::time::Duration;
use tracing::{info, warn};

/// When `[reports] watch` is on: how often, and when next, the reports are read.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReportWatch {
    pub every: Duration,
    pub due_at: DateTime<Utc>,
}

impl Bot {
    /// A report was filed: the reports are read at the next turn, not at the next poll.
    pub(super) fn note_new_report(&mut self, incoming: &Incoming) {
        if let Some(watch) = self.reports.as_mut().filter(|_| incoming.is_new_report()) {
            watch.due_at = Utc::now();
        }
    }

    /// Reads the unresolved reports and hands them to the core: kept once each, added to
    /// an open case, or opening one. A failed read is tried again at the next poll.
    pub(super) async fn read_reports(&mut self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let Some(watch) = self.reports.filter(|watch| watch.due_at <= now) else {
            return Ok(());
        };
        let every = chrono::Duration::from_std(watch.every).unwrap_or(chrono::Duration::MAX);
        self.reports = Some(ReportWatch {
            due_at: now + every,
            ..watch
        });
        let listening = self.client.at(Priority::Listen);
        match listening.unresolved_reports(&self.capabilities).await {
            Ok(reports) => {
                let heard = Event::Reports(&reports);
                let step = engine::decide(&self.settings, &self.store, heard, now)?;
                if !step.is_empty() || !step.audit.is_empty() {
                    info!(
                        unresolved = reports.len(),
                        opened = step.proposals.iter().filter(|p| p.ballot.is_none()).count(),
                        "reports read"
                    );
                    self.store.commit(&step, None, now)?;
                    self.decided(super::handling::most_urgent(&step));
                }
            }
            Err(error) => {
                warn!(%error, advice = error.advice(), "could not read the reports; will try again at the next poll")
            }
        }
        Ok(())
    }
}
