//! The running bot's public record (`[publish] dir`): rewritten after the changes people
//! look for at once, and for votes at most once a minute; read, rendered and written on a
//! blocking thread of its own, one write at a time, so the event loop never waits for it.
//!
//! The loop only nudges after each turn. The writer then reads the proposals' records
//! (cheap: no votes) and compares their milestones with the site's: a milestone moved
//! means a write now; anything else (votes, favourites, a reminder) waits for a minute
//! after the last full read, which reads the votes too and writes only if they changed.

use crate::backoff::publish_retry_delay;
use crate::config::Config;
use crate::governance::{Proposal, Stage};
use crate::publish::{self, SiteRecords, SiteSettings};
use crate::store::Store;
use chrono::Utc;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::mem::discriminant;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;
use tracing::{debug, info, warn};

/// Votes so far show on the site at most this often.
const VOTES_EVERY: Duration = Duration::from_secs(60);

/// Rewrites the site when the records change; inert without `[publish] dir`.
pub(super) struct SiteWriter {
    running: Option<Running>,
}

struct Running {
    nudge: Arc<Notify>,
    stop: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl SiteWriter {
    /// Starts writing into `[publish] dir` when there is one; the first write comes with
    /// the first nudge.
    pub(super) fn start(config: &Config, store: &Store) -> SiteWriter {
        let publish = config.publish.as_ref();
        for warning in publish
            .into_iter()
            .flat_map(|publish| [publish.warning(), publish.fires_warning()])
            .flatten()
        {
            warn!("{warning}");
        }
        let Some(dir) = publish.and_then(|publish| publish.dir.clone()) else {
            return SiteWriter { running: None };
        };
        info!(dir = %dir.display(), "publishing the public record");
        let (nudge, stop) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let writer = Writer {
            store: store.clone(),
            dir,
            settings: SiteSettings::of(config),
        };
        let task = tokio::spawn(writer.run(nudge.clone(), stop.clone()));
        SiteWriter {
            running: Some(Running { nudge, stop, task }),
        }
    }

    /// Something may have changed. Never waits: nudges that come while the writer is
    /// busy are one nudge.
    pub(super) fn nudge(&self) {
        if let Some(running) = &self.running {
            running.nudge.notify_one();
        }
    }

    /// Lets the write in flight finish, within `grace`; a site not yet rewritten is
    /// written at the next start.
    pub(super) async fn stop(mut self, grace: Duration) {
        if let Some(running) = self.running.take() {
            running.stop.notify_one();
            if tokio::time::timeout(grace, running.task).await.is_err() {
                warn!("stopped while the public record was being written; it is written whole at the next start");
            }
        }
    }
}

impl Drop for SiteWriter {
    /// A bot that stops on an error lets go of the store; a write in flight finishes.
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.task.abort();
        }
    }
}

struct Writer {
    store: Store,
    dir: PathBuf,
    settings: SiteSettings,
}

impl Writer {
    async fn run(self, nudge: Arc<Notify>, stop: Arc<Notify>) {
        let writer = Arc::new(self);
        let mut state = State::default();
        loop {
            tokio::select! {
                () = stop.notified() => return,
                () = nudge.notified() => state.pending = true,
                () = sleep_until(state.wake_at()) => {}
            }
            let now = Instant::now();
            if state.waiting_for_retry(now) {
                continue;
            }
            if !state.full_read_due(now) {
                // Between full reads, only a milestone is worth a write at once.
                let store = writer.store.clone();
                let read = tokio::task::spawn_blocking(move || store.proposals()).await;
                match read {
                    Ok(Ok(proposals)) if state.milestone_moved(milestones(&proposals)) => {}
                    Ok(Ok(_)) => continue,
                    Ok(Err(error)) => {
                        // Nothing is lost: the next nudge looks again.
                        debug!(%error, "could not read the proposals to see whether the public record changed");
                        continue;
                    }
                    Err(error) => {
                        warn!(%error, "looking for changes to the public record failed");
                        continue;
                    }
                }
            }
            let (job, last) = (writer.clone(), state.written);
            let outcome = tokio::task::spawn_blocking(move || job.write(last))
                .await
                .unwrap_or_else(|error| Outcome::Failed(format!("the writer failed: {error}")));
            state.after(&outcome, Instant::now());
        }
    }

    /// Reads the records whole; writes the site unless they are `last`'s.
    fn write(&self, last: Option<Fingerprint>) -> Outcome {
        let records = match SiteRecords::read(&self.store) {
            Ok(records) => records,
            Err(error) => return Outcome::Failed(error.to_string()),
        };
        let fingerprint = Fingerprint::of(&records);
        if last == Some(fingerprint) {
            return Outcome::Unchanged;
        }
        match publish::publish(&self.dir, records, &self.settings, Utc::now()) {
            Ok(written) => Outcome::Written {
                fingerprint,
                milestone: last.is_none_or(|last| last.milestones != fingerprint.milestones),
                files: written.files,
                dir: written.folder,
            },
            Err(error) => Outcome::Failed(error.to_string()),
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// What a write came to.
#[derive(Debug)]
enum Outcome {
    Written {
        fingerprint: Fingerprint,
        /// Written for a milestone, not only for votes.
        milestone: bool,
        files: usize,
        dir: PathBuf,
    },
    /// The records, read whole, are those already on the site.
    Unchanged,
    /// A sentence saying what failed and what to do.
    Failed(String),
}

/// The site's records as two hashes: the milestones people wait for, and everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    milestones: u64,
    content: u64,
}

impl Fingerprint {
    fn of(records: &SiteRecords) -> Fingerprint {
        let mut content = DefaultHasher::new();
        // Our own types always serialise; an empty hash would only cost a rewrite.
        serde_json::to_vec(records)
            .unwrap_or_default()
            .hash(&mut content);
        Fingerprint {
            milestones: milestones(records.proposals.iter().map(|p| &p.proposal)),
            content: content.finish(),
        }
    }
}

/// Moves when a proposal opens or its ballot is posted, its jury is drawn or seated, it
/// closes, its result is posted, or its decision is applied (or fails to be).
fn milestones<'a>(proposals: impl IntoIterator<Item = &'a Proposal>) -> u64 {
    let mut hasher = DefaultHasher::new();
    for proposal in proposals {
        proposal.number.hash(&mut hasher);
        proposal.ballot.is_some().hash(&mut hasher);
        if let Some(jury) = &proposal.jury {
            jury.draw.is_some().hash(&mut hasher);
            discriminant(&jury.seating).hash(&mut hasher);
        }
        discriminant(&proposal.stage).hash(&mut hasher);
        if let Stage::Closed(closing) = &proposal.stage {
            closing.announcement.is_some().hash(&mut hasher);
            discriminant(&closing.application).hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// When the writer reads and writes; pure, so one table shows the rules.
#[derive(Debug, Default)]
struct State {
    /// What the site on disk was made of; `None` until the first write of this run.
    written: Option<Fingerprint>,
    /// The last full read (votes included), written or found unchanged.
    read_at: Option<Instant>,
    /// A nudge came since the last full read: votes may have changed.
    pending: bool,
    failures: u32,
    retry_at: Option<Instant>,
}

impl State {
    /// When to look without a nudge: a retry, or a minute after the last full read
    /// when a change may be waiting.
    fn wake_at(&self) -> Option<Instant> {
        let votes = self.read_at.map(|at| at + VOTES_EVERY);
        self.retry_at.or(votes.filter(|_| self.pending))
    }

    fn waiting_for_retry(&self, now: Instant) -> bool {
        self.retry_at.is_some_and(|at| now < at)
    }

    /// The records are read whole (and written if changed): the first time, to retry,
    /// or for votes once the minute since the last full read is up.
    fn full_read_due(&self, now: Instant) -> bool {
        let minute_up = self.read_at.is_none_or(|at| at + VOTES_EVERY <= now);
        self.written.is_none() || self.failures > 0 || (self.pending && minute_up)
    }

    fn milestone_moved(&self, milestones: u64) -> bool {
        self.written
            .is_none_or(|written| written.milestones != milestones)
    }

    fn after(&mut self, outcome: &Outcome, now: Instant) {
        match outcome {
            Outcome::Written {
                fingerprint,
                milestone,
                files,
                dir,
            } => {
                let dir = dir.display();
                match milestone {
                    true => info!(dir = %dir, files, "public record written"),
                    false => debug!(dir = %dir, files, "public record written (votes so far)"),
                }
                if self.failures > 0 {
                    info!(
                        failures = self.failures,
                        "the public record could be written again"
                    );
                }
                *self = State {
                    written: Some(*fingerprint),
                    read_at: Some(now),
                    ..State::default()
                };
            }
            Outcome::Unchanged => {
                // What is on disk is current, whatever failed since.
                self.read_at = Some(now);
                self.pending = false;
                self.failures = 0;
                self.retry_at = None;
            }
            Outcome::Failed(error) => {
                self.failures += 1;
                let delay = publish_retry_delay(self.failures);
                self.retry_at = Some(now + delay);
                warn!(%error, failures = self.failures, retry_in_seconds = delay.as_secs(), "could not write the public record; the bot governs on and will try again");
            }
        }
    }
}

#[cfg(test)]
mod tests;
