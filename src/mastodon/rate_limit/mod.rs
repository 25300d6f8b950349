//! The instance's request budget, which the bot plans with so that it never sends a
//! request it expects to be refused.
//!
//! Servers count in different ways: Mastodon in fixed windows (300 requests per token per
//! 5 minutes, the count restarting at each window's end, which `X-RateLimit-Reset`
//! names), GoToSocial per address, and a proxy in front of either may count the last five
//! minutes and refill gradually. So the bot keeps its own count of what it sent in the
//! last window, believes the server's `X-RateLimit-Remaining` only until the `Reset` it
//! named, and after that assumes nothing came back but its own requests leaving the
//! window. Sending at most `limit` in any window of that length is within each of these
//! limiters. What other clients spend of a shared budget (GoToSocial counts every client
//! on the address) is read from the gap between the server's count and the bot's.
//!
//! A reserve stays for what decides and tells: the closes due within a window (their
//! thread, favourites, result and application) and a few posts besides. Everything
//! else spends only what is above it.

use chrono::{DateTime, Duration, Utc};
use std::collections::VecDeque;

/// Mastodon's and GoToSocial's budget, assumed until the server says otherwise.
pub const DEFAULT_LIMIT: u32 = 300;
/// The window the budget is counted over (both servers: 5 minutes).
pub const WINDOW_SECONDS: i64 = 300;
/// Kept besides the closes' own cost: ballots, results, answers to the working group.
const BASE_RESERVE: u32 = 10;
/// Kept back from receipts, so that listening (polls) still gets a share.
const LISTENING_SHARE: u32 = 5;
/// How long a refusal without `Retry-After` or `Reset` holds everything back.
const REFUSAL_PAUSE_SECONDS: i64 = 5;

/// How much a request matters when requests are scarce, most important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// What decides and tells: ballots, the closing reads, results, admin calls, words
    /// to the working group. Spends the reserve, down to the last request.
    Critical,
    /// Answers to members' requests and commands, explanations, reminders: spends the
    /// base reserve but never what the coming closes need.
    Answer,
    /// Listening when the stream cannot be trusted: notification and report polls.
    Listen,
    /// Favourites marking counted votes: only what is left above everything else.
    Receipt,
}

/// What one answer of the instance said of the budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Heard {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    pub reset: Option<DateTime<Utc>>,
    /// `Retry-After`, as a time.
    pub retry_after: Option<DateTime<Utc>>,
    /// The answer was a 429.
    pub refused: bool,
}

/// The last count the server gave, believed until `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Told {
    remaining: u32,
    at: DateTime<Utc>,
    until: DateTime<Utc>,
    /// The bot's sends counted when it was told (later ones come off `remaining`).
    sends: u64,
    /// Requests of other clients in the server's count, beyond the bot's own (they
    /// weigh until the count's reset).
    others: u32,
}

/// The budget as the bot plans with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    limit: u32,
    /// When the bot's requests of the last window were sent, oldest first.
    sent: VecDeque<DateTime<Utc>>,
    /// How many requests the bot has sent in all.
    sends: u64,
    told: Option<Told>,
    refused_until: Option<DateTime<Utc>>,
    /// After a refusal: from when the budget is assumed to come back gradually (a
    /// window's worth over a window), and the sends counted then. It holds until an
    /// answer gives a count again, or for a window.
    refilling: Option<(DateTime<Utc>, u64)>,
    /// What the closes due within a window will cost.
    closes_ahead: u32,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            limit: DEFAULT_LIMIT,
            sent: VecDeque::new(),
            sends: 0,
            told: None,
            refused_until: None,
            refilling: None,
            closes_ahead: 0,
        }
    }
}

fn window() -> Duration {
    Duration::seconds(WINDOW_SECONDS)
}

impl Budget {
    /// Notes a request sent at `now`.
    pub fn sent(&mut self, now: DateTime<Utc>) {
        self.sent.push_back(now);
        self.sends += 1;
        while self.sent.front().is_some_and(|at| *at <= now - window()) {
            self.sent.pop_front();
        }
    }

    /// Reads what an answer said of the budget; what it left out stays as it was.
    pub fn heard(&mut self, heard: Heard, now: DateTime<Utc>) {
        if let Some(limit) = heard.limit {
            self.limit = limit.max(1);
        }
        if heard.refused {
            // Nothing until the server said to come back; then not the whole budget at
            // once (a limiter that refills gradually gives a request at a time), but a
            // window's worth over a window, until an answer gives a count again.
            let until = heard
                .retry_after
                .or(heard.reset)
                .filter(|until| *until > now)
                .unwrap_or(now + Duration::seconds(REFUSAL_PAUSE_SECONDS))
                // No budget outlasts its window: a server that names a time further off
                // (by mistake or malice) would otherwise silence the bot for as long.
                .min(now + window());
            self.refused_until = Some(until);
            self.refilling = Some((until, self.sends));
            self.told = None;
            return;
        }
        let Some(remaining) = heard.remaining else {
            return;
        };
        self.refilling = None;
        // A count is believed until its reset, or for a window when it named none (or
        // one already past).
        let until = heard
            .reset
            .filter(|until| *until > now)
            .unwrap_or(now + window())
            .min(now + window());
        let counted = self.limit.saturating_sub(remaining);
        self.told = Some(Told {
            remaining,
            at: now,
            until,
            sends: self.sends,
            others: counted.saturating_sub(self.own_in_window(now)),
        });
    }

    /// Sets what the closes due within the next window will cost, kept in reserve.
    pub fn reserve_for_closes(&mut self, requests: u32) {
        self.closes_ahead = requests;
    }

    /// How many requests a window holds, as the server said (or assumed).
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The window's length: closes due within it need their requests kept.
    pub fn window() -> Duration {
        window()
    }

    fn own_in_window(&self, now: DateTime<Utc>) -> u32 {
        self.sent.iter().filter(|at| **at > now - window()).count() as u32
    }

    /// How many requests the bot may still send at `now` without expecting a refusal.
    pub fn available(&self, now: DateTime<Utc>) -> u32 {
        if self.refused_until.is_some_and(|until| now < until) {
            return 0;
        }
        let mut left = self.limit.saturating_sub(self.own_in_window(now));
        if let Some(told) = self.told.filter(|told| now < told.until) {
            let since = u32::try_from(self.sends - told.sends).unwrap_or(u32::MAX);
            left = left
                .saturating_sub(told.others)
                .min(told.remaining.saturating_sub(since));
        }
        if let Some((from, sends)) = self.refilling.filter(|(from, _)| now < *from + window()) {
            let since = u32::try_from(self.sends - sends).unwrap_or(u32::MAX);
            left = left.min(self.refilled(from, now).saturating_sub(since));
        }
        left
    }

    /// What a gradual refill has given back between `from` and `now`.
    fn refilled(&self, from: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
        let elapsed = (now - from).num_milliseconds().max(0) as u64;
        let window = window().num_milliseconds() as u64;
        u32::try_from(elapsed * u64::from(self.limit) / window).unwrap_or(u32::MAX)
    }

    /// What stays unspent for work more important than `priority`.
    pub fn floor(&self, priority: Priority) -> u32 {
        match priority {
            Priority::Critical => 0,
            Priority::Answer => self.closes_ahead,
            Priority::Listen => self.closes_ahead + BASE_RESERVE,
            Priority::Receipt => self.closes_ahead + BASE_RESERVE + LISTENING_SHARE,
        }
    }

    /// Whether a request of `priority` may be sent at `now`.
    pub fn permits(&self, priority: Priority, now: DateTime<Utc>) -> bool {
        self.probe_due(now) || self.available(now) > self.floor(priority)
    }

    /// When the server said to come back after a refusal, one request (whatever it is
    /// for) goes first: its answer gives a count again, so the rest is planned with
    /// what the server says rather than with the cautious estimate.
    fn probe_due(&self, now: DateTime<Utc>) -> bool {
        !self.refused_at(now)
            && self
                .refilling
                .is_some_and(|(from, sends)| now >= from && self.sends == sends)
    }

    /// The first moment from `now` at which a request of `priority` may be sent, if the
    /// bot sends nothing else meanwhile.
    pub fn next_chance(&self, priority: Priority, now: DateTime<Utc>) -> DateTime<Utc> {
        // The count changes only when a request leaves the window, a count or a
        // refusal stops being believed, or others' requests leave it.
        let mut moments: Vec<DateTime<Utc>> = self.sent.iter().map(|at| *at + window()).collect();
        if let Some(told) = &self.told {
            moments.push(told.until);
        }
        moments.extend(self.refused_until);
        if let Some((from, sends)) = self.refilling {
            moments.push(from);
            // When the gradual refill gives back enough for `priority`.
            let needed = u64::from(self.floor(priority)) + 1 + (self.sends - sends);
            let window_ms = window().num_milliseconds() as u64;
            let wait = (needed * window_ms).div_ceil(u64::from(self.limit));
            moments.push(from + Duration::milliseconds(wait as i64));
            moments.push(from + window());
        }
        moments.push(now);
        moments.retain(|at| *at >= now);
        moments.sort();
        moments
            .into_iter()
            .find(|at| self.permits(priority, *at))
            // A reserve larger than the whole budget: try again after a window.
            .unwrap_or(now + window())
    }

    /// Whether the last answer was a refusal still in force.
    pub fn refused_at(&self, now: DateTime<Utc>) -> bool {
        self.refused_until.is_some_and(|until| now < until)
    }
}

/// What the close of a ballot costs: its thread (one page), its favourites (80 a page),
/// the result and the application with their announcements.
pub fn close_cost(favourites: usize) -> u32 {
    const THREAD: u32 = 1;
    const RESULT_AND_APPLICATION: u32 = 6;
    let favourite_pages = u32::try_from(favourites.div_ceil(80).max(1)).unwrap_or(u32::MAX);
    THREAD + favourite_pages + RESULT_AND_APPLICATION
}

/// What the close of a sealed ballot of `voters` costs on a server of `max_characters` a
/// post: no thread or favourites to read, the result and the application, and the receipt
/// and voters lists, estimated generously (a receipt line of 40 characters with a short
/// reason, an acct line of 32).
pub fn sealed_close_cost(voters: usize, max_characters: usize) -> u32 {
    const RESULT_AND_APPLICATION: u32 = 6;
    // What a post holds once its heading (`Receipts of proposal #n (i/k):`) is written.
    let room = max_characters.saturating_sub(48).max(40);
    let posts = |line: usize| (voters * line).div_ceil(room).max(1);
    let lists = u32::try_from(posts(40) + posts(32)).unwrap_or(u32::MAX);
    RESULT_AND_APPLICATION.saturating_add(lists)
}

/// `X-RateLimit-Reset`: Mastodon sends an ISO 8601 time; some servers send epoch seconds.
pub fn parse_reset(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if let Some(time) = super::types::parse_time(value) {
        return Some(time);
    }
    let seconds = value.parse::<f64>().ok()?;
    DateTime::from_timestamp(seconds as i64, 0)
}

#[cfg(test)]
mod tests;
