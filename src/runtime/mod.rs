//! The event loop: hears the instance, feeds the core, stores its steps, runs the outbox.

mod advice;
mod handling;
pub mod outbox;
mod publish;
mod reports;
pub mod setup;
mod timers;

use crate::config::settings;
use crate::config::{Config, Voters};
use crate::governance::engine::{self, Event};
use crate::governance::id_order;
use crate::governance::{Proposal, Settings, Step};
use crate::mastodon::events::{self, Events, Incoming};
use crate::mastodon::rate_limit::{close_cost, sealed_close_cost, Budget, Priority};
use crate::mastodon::{ApiError, Capabilities, Client};
use crate::startup;
use crate::store::{Store, StoreError};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use outbox::Outbox;
use publish::SiteWriter;
use reports::ReportWatch;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tracing::{debug, info, warn};

/// The longest the loop sleeps without looking at the clock.
const MAX_SLEEP: Duration = Duration::from_secs(300);
/// How late a notification may reach the bot after a newer one.
const LATE_NOTIFICATIONS: Duration = Duration::from_secs(60);
/// After SIGTERM, how long the effect in flight may take to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Runs the bot until `shutdown` completes; then finishes the effect in flight and flushes.
pub async fn run(config: Config, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    tokio::pin!(shutdown);
    // Start-up may wait half a minute for an instance that is down; a stop asked for
    // meanwhile is a stop, not a failure. No notification has been handled yet, so
    // stopping here leaves nothing half done.
    let started = tokio::select! {
        started = start(&config) => started?,
        () = &mut shutdown => {
            info!("stopped before start-up finished");
            return Ok(());
        }
    };
    let Started {
        mut bot,
        _questions,
    } = started;
    let stopping = AtomicBool::new(false);
    // No catch-up here: the loop's first turn polls (nothing has been polled yet).
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .context("could not listen for SIGHUP")?;
    loop {
        {
            let work = bot.work(&stopping);
            tokio::pin!(work);
            tokio::select! {
                result = &mut work => result?,
                _ = &mut shutdown => {
                    stopping.store(true, Ordering::SeqCst);
                    match tokio::time::timeout(SHUTDOWN_GRACE, &mut work).await {
                        Ok(result) => result?,
                        Err(_) => warn!("stopped with an effect unfinished; it will be done at the next start"),
                    }
                    break;
                }
            }
        }
        bot.site.nudge();
        let wake_at = bot.next_wake_up(Utc::now());
        let sleep = (wake_at - Utc::now())
            .to_std()
            .unwrap_or_default()
            .min(MAX_SLEEP);
        tokio::select! {
            _ = &mut shutdown => break,
            event = bot.events.next() => match event {
                Some(events::Event::Connected) => bot.catch_up().await,
                Some(events::Event::Notification(incoming)) => bot.on_notification(incoming),
                Some(events::Event::Deleted(status_id)) => bot.on_deleted(&status_id),
                Some(events::Event::Disconnected) | None => {}
            },
            _ = hangup.recv() => bot.reload_roster(&config),
            _ = tokio::time::sleep(sleep) => {}
        }
    }
    info!("stopping");
    bot.site.stop(SHUTDOWN_GRACE).await;
    bot.events.stop().await;
    bot.store.flush()?;
    info!("stopped cleanly");
    Ok(())
}

/// What start-up hands over to the event loop.
struct Started {
    bot: Bot,
    /// Answers `list`, `show` and `export` for as long as it is kept.
    _questions: Option<crate::query::Server>,
}

/// Who the bot is, what the instance allows, the store, the stream: everything the loop
/// needs, each step retried while it fails for a passing reason.
async fn start(config: &Config) -> anyhow::Result<Started> {
    let token = config.instance.token.read()?;
    if let Some(warning) = config.instance.token.permission_warning() {
        warn!("{warning}");
    }
    let client = Client::new(&config.instance.url, token, config.instance.request_timeout)?;
    let instance = setup::patiently("reading the instance", || async {
        client
            .instance()
            .await
            .context("could not read the instance's settings")
    })
    .await?;
    let software = startup::software(config).await;
    let me = setup::patiently("checking the token", || {
        startup::whoami(config, &client, &software)
    })
    .await?;
    let working_group = setup::patiently("looking up the working group", || {
        startup::resolve_working_group(config, &client)
    })
    .await?;
    let working_group = startup::usable_working_group(config, working_group)?;
    let learned = startup::learned(config, &me, &instance, &software, working_group);
    let settings = settings::settings(config, learned)?;
    let warnings = [
        config.jury.as_ref().and_then(|jury| jury.warning()),
        config
            .reports
            .as_ref()
            .and_then(|reports| reports.warning()),
    ];
    for warning in warnings.into_iter().flatten() {
        warn!("{warning}");
    }
    if let Some(warning) = settings::ballot_room(&settings)? {
        warn!("{warning}");
    }
    let store = setup::open_store(&config.storage.path).await?;
    store.remember_bot_acct(&me.acct)?;
    // Without the socket the bot still governs; only `list`, `show` and `export` then
    // wait for it to stop.
    let questions = match crate::query::Server::start(
        store.clone(),
        &config.storage.path,
        settings.favourites_count_as,
    ) {
        Ok(server) => {
            info!(socket = %server.path().display(), "answering list, show and export");
            Some(server)
        }
        Err(error) => {
            warn!("{error}; `coopgov list`, `show` and `export` will only work while the bot is stopped");
            None
        }
    };
    info!(account = %me.acct, instance = %config.instance.url, mode = ?settings.mode, "coopgov started");

    // Dropped by a stop during start-up, the event source ends its stream task too.
    let events = Events::start(
        client.clone(),
        instance.streaming_url.as_deref(),
        config.instance.stream_silence,
        config.instance.poll_interval,
        &settings.membership.bot_account_id,
    );
    let bot = Bot {
        store_id: store.store_id()?,
        site: SiteWriter::start(config, &store),
        store,
        client,
        capabilities: software.capabilities(),
        settings,
        events,
        close_retry_at: None,
        outbox_wait: None,
        fresh: None,
        behind: None,
        // Read at start: reports already waiting count if they are recent enough.
        reports: config.watched_reports().map(|reports| ReportWatch {
            every: reports.poll_every,
            due_at: Utc::now(),
        }),
        advice: match &config.advice {
            Some(advice) => Some(advice::AdviceWatch::start(advice, Utc::now())?),
            None => None,
        },
    };
    setup::patiently("reading the notifications", || bot.start_cursor()).await?;
    // Late notifications come seconds after their time; two days of memory is plenty.
    if let Err(error) = bot
        .store
        .forget_handled_before(Utc::now() - chrono::Duration::days(2))
    {
        warn!(%error, "could not forget old handled notifications; the database keeps them");
    }
    Ok(Started {
        bot,
        _questions: questions,
    })
}

struct Bot {
    store: Store,
    store_id: String,
    client: Client,
    /// What the instance's server software can do.
    capabilities: Capabilities,
    settings: Settings,
    /// The stream and the polls: what the instance tells the bot.
    events: Events,
    close_retry_at: Option<DateTime<Utc>>,
    /// When the outbox has something to retry, or budget to wait for, and how urgent it is.
    outbox_wait: Option<outbox::Wait>,
    /// The most urgent effect decided since the outbox last ran: while the outbox waits,
    /// it runs again before its time only for something more urgent than what waits (a
    /// crowd's receipts must not make every vote re-read the whole outbox).
    fresh: Option<Priority>,
    /// Set while a notification waits to be recorded.
    behind: Option<handling::Behind>,
    /// When `[reports] watch` is on: how often, and when next, the reports are read.
    reports: Option<ReportWatch>,
    /// With `[[subscriptions]]`: when each list is read, and the reading under way.
    advice: Option<advice::AdviceWatch>,
    /// Rewrites the public record after the loop's turns that change it.
    site: SiteWriter,
}

impl Bot {
    /// On the very first start, begins after the newest notification: older mentions
    /// were not meant for a bot that did not exist yet.
    async fn start_cursor(&self) -> anyhow::Result<()> {
        if self.store.cursor()?.is_some() {
            return Ok(());
        }
        let newest = self
            .client
            .newest_notification_id()
            .await
            .context("could not read the bot's notifications")?;
        if let Some(newest) = newest {
            self.store
                .commit(&Step::default(), Some(&newest), Utc::now())?;
        } else {
            self.store.commit(&Step::default(), Some("0"), Utc::now())?;
        }
        Ok(())
    }

    /// Records what the stream may have missed, oldest first: the newest page just
    /// behind the cursor (notifications delivered late), then the pages after it, each
    /// recorded before the next is read, until one that is not full. Stops at the first
    /// notification that cannot be recorded, or when a page cannot be read (the budget
    /// holding listening back, say): until the catch-up has gone on from there, the
    /// stream's notifications wait for it, so none is skipped.
    async fn catch_up(&mut self) {
        self.events.polled(Utc::now());
        let cursor = match self.store.cursor() {
            Ok(Some(cursor)) => cursor,
            Ok(None) => return,
            Err(error) => return self.fell_behind(&error),
        };
        let lag = chrono::Duration::from_std(LATE_NOTIFICATIONS).unwrap_or_default();
        let lagged = match self.store.cursor_as_of(Utc::now() - lag) {
            Ok(lagged) => lagged,
            Err(error) => return self.fell_behind(&error),
        };
        if let Some(since) = lagged.filter(|since| id_order(since, &cursor).is_lt()) {
            if !self.record_late(&since, &cursor).await {
                return;
            }
        }
        let mut cursor = cursor;
        let mut recorded = 0;
        loop {
            match self.events.page_after(&cursor).await {
                Ok((page, full)) => {
                    recorded += page.len();
                    let last = page.last().map(|incoming| incoming.id().to_string());
                    if !self.record_all(page) {
                        return;
                    }
                    match last {
                        Some(last) if full => cursor = last,
                        _ => break,
                    }
                }
                Err(error) => return self.could_not_listen(&error),
            }
        }
        debug!(count = recorded, "caught up on notifications");
        if self.behind.take().is_some() {
            info!("caught up: the notifications that waited are recorded");
        }
    }

    /// Records the notifications numbered between `since` and `cursor` that were
    /// delivered late: the newest page first (one request when nothing came late), and
    /// older pages only while a full page still held some not yet handled. False (and
    /// behind) when one could not be read or recorded.
    async fn record_late(&mut self, since: &str, cursor: &str) -> bool {
        let mut before = cursor.to_string();
        loop {
            let (late, full) = match self.events.late_before(since, &before).await {
                Ok(page) => page,
                Err(error) => {
                    self.could_not_listen(&error);
                    return false;
                }
            };
            let oldest = late.first().map(|incoming| incoming.id().to_string());
            let unhandled = late
                .iter()
                .any(|incoming| !self.store.was_handled(incoming.id()).unwrap_or(true));
            if !self.record_all(late) {
                return false;
            }
            match oldest {
                Some(oldest) if full && unhandled => before = oldest,
                _ => return true,
            }
        }
    }

    /// Records `notifications` in order; false (and behind) at the first that fails.
    fn record_all(&mut self, notifications: Vec<Incoming>) -> bool {
        for incoming in notifications {
            self.note_new_report(&incoming);
            match handling::record(&self.settings, &self.store, &incoming, Utc::now()) {
                Ok(urgency) => self.decided(urgency),
                Err(error) => {
                    self.fell_behind(&error);
                    return false;
                }
            }
        }
        true
    }

    /// Notifications could not be read: the catch-up goes on later from where it
    /// stopped, when the budget allows or after a growing wait.
    fn could_not_listen(&mut self, error: &ApiError) {
        let behind = match error.budget_wait() {
            // Held back by the budget: the client has logged the wait already.
            Some(until) => handling::Behind {
                failures: self.behind.map_or(0, |behind| behind.failures),
                retry_at: until,
            },
            None => {
                let behind = handling::Behind::after(self.behind, Utc::now());
                warn!(%error, retry_at = %behind.retry_at, "could not read notifications; the stream's notifications wait until they are read");
                behind
            }
        };
        self.behind = Some(behind);
    }

    /// A notification from the stream: recorded now, unless an earlier one is waiting
    /// for the catch-up (which will read this one too, in order).
    fn on_notification(&mut self, incoming: Incoming) {
        self.note_new_report(&incoming);
        if self.behind.is_some() {
            debug!(
                notification = incoming.id(),
                "waiting for the catch-up to record it in order"
            );
            return;
        }
        match handling::record(&self.settings, &self.store, &incoming, Utc::now()) {
            Ok(urgency) => self.decided(urgency),
            Err(error) => self.fell_behind(&error),
        }
    }

    /// A notification could not be recorded: nothing of it was kept, and the catch-up
    /// will read it again from the instance.
    fn fell_behind(&mut self, error: &StoreError) {
        let behind = handling::Behind::after(self.behind, Utc::now());
        warn!(%error, failures = behind.failures, retry_at = %behind.retry_at, "could not record a notification; it will be read again from the instance");
        self.behind = Some(behind);
    }

    /// A deleted status withdraws the vote it carried. Deletions come only by stream:
    /// missed ones are caught when the ballot closes and its thread is read again.
    fn on_deleted(&mut self, status_id: &str) {
        let deleted = Event::Deleted { status_id };
        let decided = engine::decide(&self.settings, &self.store, deleted, Utc::now());
        let withdrawn = decided.and_then(|step| {
            if !step.is_empty() {
                info!(status = status_id, "a counted vote was deleted; withdrawn");
                self.store.commit(&step, None, Utc::now())?;
                self.decided(handling::most_urgent(&step));
            }
            Ok(())
        });
        if let Err(error) = withdrawn {
            // The close reads the thread again, where the deleted post is gone.
            warn!(status = status_id, %error, "could not withdraw the vote of a deleted post; the close will leave it out");
        }
    }

    /// Closes due ballots, runs the outbox, and polls when the stream is down.
    async fn work(&mut self, stopping: &AtomicBool) -> anyhow::Result<()> {
        let now = Utc::now();
        let retry_due = self.behind.is_some_and(|behind| behind.retry_at <= now);
        if self.events.poll_due(now) || retry_due {
            self.catch_up().await;
        }
        self.read_reports(now).await?;
        self.advise(now).await?;
        self.run_timers(now).await?;
        let outbox = Outbox {
            store: &self.store,
            client: &self.client,
            capabilities: self.capabilities,
            settings: &self.settings,
            store_id: &self.store_id,
        };
        let due = match self.outbox_wait {
            None => true,
            Some(wait) => wait.at <= now || self.fresh.is_some_and(|fresh| fresh < wait.priority),
        };
        if due {
            self.fresh = None;
            self.outbox_wait = outbox.run(now, stopping).await?;
        }
        Ok(())
    }

    /// Notes that effects of `urgency` were decided (and stored) for the outbox.
    pub(super) fn decided(&mut self, urgency: Option<Priority>) {
        self.fresh = self.fresh.into_iter().chain(urgency).min();
    }

    /// Keeps in the request budget what the closes due within its window will cost, so
    /// that nothing spent before a close can make it late.
    pub(super) fn keep_reserve_for_closes(
        &self,
        proposals: &[Proposal],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let horizon = now + Budget::window();
        let mut requests = 0;
        for proposal in proposals {
            if proposal.is_open() && proposal.closes_at <= horizon {
                requests += match proposal.is_sealed() {
                    true => sealed_close_cost(
                        self.store.vote_count(proposal.number)?,
                        self.settings.max_characters,
                    ),
                    false => close_cost(self.store.favourite_count(proposal.number)?),
                };
            }
        }
        self.client.reserve_for_closes(requests);
        Ok(())
    }

    /// SIGHUP: reads the roster file and the jury's pool_file again, so members join or
    /// leave without a restart.
    fn reload_roster(&mut self, config: &Config) {
        let pool_file = reload_jury_pool(config, &mut self.settings);
        let Voters::Roster { file } = &config.membership.voters else {
            if !pool_file {
                info!("SIGHUP: no roster or jury pool_file is configured; nothing to reload");
            }
            return;
        };
        match settings::read_roster(file) {
            Ok(roster) => {
                info!(members = roster.len(), "roster reloaded");
                self.settings.membership.roster = Some(roster);
            }
            Err(error) => {
                warn!(error = %format!("{error:#}"), "could not reload the roster; keeping the previous one")
            }
        }
    }

    /// The next moment something is due: one of the core's timers, a retry, a poll.
    fn next_wake_up(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let mut wake = now + chrono::Duration::from_std(MAX_SLEEP).unwrap_or_default();
        if let Ok(proposals) = self.store.proposals() {
            if let Some(at) = engine::next_timer(&self.settings, &proposals, now) {
                // A ballot past its time whose thread could not be read waits for the retry.
                wake = wake.min(match self.close_retry_at {
                    Some(retry) if at <= now => retry,
                    _ => at,
                });
            }
        }
        if let Some(wait) = self.outbox_wait {
            wake = wake.min(wait.at);
        }
        if let Some(at) = self.events.next_poll() {
            wake = wake.min(at);
        }
        if let Some(behind) = self.behind {
            wake = wake.min(behind.retry_at);
        }
        if let Some(watch) = self.reports {
            wake = wake.min(watch.due_at.max(now));
        }
        if let Some(watch) = &self.advice {
            wake = wake.min(watch.next_wake_up(now));
        }
        wake
    }
}

/// SIGHUP: reads the jury's pool_file again, keeping the previous pool if it cannot be
/// read; false when the jury has no pool_file.
fn reload_jury_pool(config: &Config, settings: &mut Settings) -> bool {
    match settings::reread_jury_pool(config, settings) {
        None => false,
        Some(Ok(accts)) => {
            info!(accts, "jury pool_file reloaded");
            true
        }
        Some(Err(error)) => {
            warn!(%error, "could not reload the jury's pool_file; keeping the previous one");
            true
        }
    }
}
