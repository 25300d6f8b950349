//! The lists the cooperative subscribes to: each read at start and every `every`, off the
//! loop (a slow list never delays a vote), one at a time; what each reading says handed
//! to the core, with the instance's blocks read only when something would be proposed.
//! Every five seconds, what waits its turn (`max_open`) is offered again, at no request when
//! nothing waits.

use super::Bot;
use crate::advice::fetch::{Limits, ListReader};
use crate::advice::{self as lists, ReadOptions};
use crate::governance::advice::reading::Reading;
use crate::governance::advice::{AdviceSettings, Subscribed};
use crate::governance::engine::{self, AdviceHeard, Event};
use crate::governance::Records;
use crate::mastodon::rate_limit::Priority;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use tokio::task::JoinHandle;
use tracing::{info, warn};

/// How often what waits from the lists is offered again.
const WAITING_EVERY: chrono::Duration = chrono::Duration::seconds(5);

/// The subscriptions' schedule and the reading under way.
pub(super) struct AdviceWatch {
    reader: ListReader,
    /// When each subscription is read next.
    due: BTreeMap<String, DateTime<Utc>>,
    reading: Option<JoinHandle<Reading>>,
    waiting_at: DateTime<Utc>,
    /// Something waited for room at the last hearing: only then is the turn offered
    /// again (it reads every list's record and every proposal).
    waits: bool,
}

impl AdviceWatch {
    pub(super) fn start(
        settings: &AdviceSettings,
        now: DateTime<Utc>,
    ) -> anyhow::Result<AdviceWatch> {
        let reader = ListReader::new(Limits::default())?;
        Ok(AdviceWatch {
            reader,
            due: settings
                .subscriptions
                .iter()
                .map(|s| (s.name.clone(), now))
                .collect(),
            reading: None,
            waiting_at: now + WAITING_EVERY,
            waits: true,
        })
    }

    /// When the loop must look again.
    pub(super) fn next_wake_up(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        if self.reading.is_some() {
            return now + chrono::Duration::milliseconds(500);
        }
        let next = self.due.values().min().copied();
        let waiting = self.waits.then_some(self.waiting_at);
        next.into_iter()
            .chain(waiting)
            .min()
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
            .max(now)
    }
}

impl Bot {
    /// Hears a finished reading, starts the next one due, and offers what waits.
    pub(super) async fn advise(&mut self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let Some(config) = self.settings.advice.clone() else {
            return Ok(());
        };
        let Some(watch) = self.advice.as_mut() else {
            return Ok(());
        };
        if watch.reading.as_ref().is_some_and(JoinHandle::is_finished) {
            let handle = watch.reading.take().expect("a finished reading");
            match handle.await {
                Ok(reading) => self.hear_advice(Some(&reading), now).await?,
                Err(error) => {
                    warn!(%error, "a list's reading stopped before its end; it is read again at its next time")
                }
            }
            return Ok(());
        }
        if watch.reading.is_none() {
            let due = watch
                .due
                .iter()
                .filter(|(_, at)| **at <= now)
                .map(|(name, _)| name.clone())
                .next();
            if let Some(name) = due {
                let Some(subscription) = config.subscription(&name).cloned() else {
                    watch.due.remove(&name);
                    return Ok(());
                };
                let every =
                    chrono::Duration::from_std(subscription.every).unwrap_or(chrono::Duration::MAX);
                watch.due.insert(name.clone(), now + every);
                let earlier: Option<Subscribed> = self.store.kept(&name)?;
                let reader = watch.reader.clone();
                watch.reading = Some(tokio::spawn(async move {
                    lists::read(
                        &reader,
                        &subscription,
                        earlier.as_ref(),
                        ReadOptions::default(),
                    )
                    .await
                }));
                return Ok(());
            }
        }
        if watch.waits && watch.waiting_at <= now {
            watch.waiting_at = now + WAITING_EVERY;
            self.hear_advice(None, now).await?;
        }
        Ok(())
    }

    /// Hands a reading (or only the turn) to the core; the blocks are read first when
    /// something would be proposed, and only then.
    async fn hear_advice(
        &mut self,
        reading: Option<&Reading>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let without = AdviceHeard {
            reading,
            blocks: None,
        };
        let prospect = engine::prospect(&self.settings, &self.store, without, now)?;
        let blocks = match prospect.opens {
            false => None,
            true => match self
                .client
                .at(Priority::Listen)
                .block_severities(&self.capabilities)
                .await
            {
                Ok(blocks) => Some(blocks),
                Err(error) => {
                    warn!(%error, advice = error.advice(), "could not read the instance's domain blocks; what the lists advise waits for the next turn");
                    None
                }
            },
        };
        if let Some(watch) = self.advice.as_mut() {
            // What could not open for want of the blocks waits too.
            watch.waits = prospect.waits || (prospect.opens && blocks.is_none());
        }
        let heard = AdviceHeard {
            reading,
            blocks: blocks.as_ref(),
        };
        let step = engine::decide(&self.settings, &self.store, Event::Advice(heard), now)?;
        if let Some(reading) = reading {
            info!(
                subscription = %reading.name,
                outcome = reading.outcome.summary(),
                opened = step.proposals.len(),
                "list read"
            );
        }
        if !step.is_empty() || !step.audit.is_empty() || !step.kept.is_empty() {
            self.store.commit(&step, None, now)?;
            self.decided(super::handling::most_urgent(&step));
        }
        Ok(())
    }
}
