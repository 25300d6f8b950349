use super::*;
use proptest::prelude::*;

fn at(seconds: f64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_796_000_100, 0).expect("a time")
        + Duration::milliseconds((seconds * 1000.0) as i64)
}

#[test]
fn reset_times_in_both_formats() {
    let when = DateTime::from_timestamp(1_796_000_000, 0);
    let cases = [
        ("2026-11-30T00:53:20.000Z", when),
        ("2026-11-30T00:53:20Z", when),
        ("2026-11-30T00:53:20+00:00", when),
        ("1796000000", when),
        ("1796000000.0", when),
        (" 1796000000 ", when),
        ("soon", None),
        ("", None),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_reset(text), expected, "{text:?}");
    }
}

/// A server's limiter, as the proxy in the tests enforces it.
#[derive(Debug, Clone, Copy)]
enum Server {
    /// Mastodon: the count restarts at each multiple of the window; `Reset` names it.
    Fixed,
    /// The last window's requests count; `Reset` is when all of them have left it,
    /// and a refusal says `Retry-After` until the first does.
    Gradual,
    /// The same, but the server sends no headers at all.
    Silent,
}

struct Limiter {
    server: Server,
    limit: u32,
    window: Duration,
    admitted: VecDeque<DateTime<Utc>>,
}

impl Limiter {
    fn judge(&mut self, now: DateTime<Utc>) -> Heard {
        match self.server {
            Server::Fixed => {
                let start = at(0.0);
                let windows = (now - start).num_milliseconds() / self.window.num_milliseconds();
                let window_start = start + self.window * windows as i32;
                self.admitted.retain(|at| *at >= window_start);
                let refused = self.admitted.len() as u32 >= self.limit;
                if !refused {
                    self.admitted.push_back(now);
                }
                Heard {
                    limit: Some(self.limit),
                    remaining: Some(self.limit - self.admitted.len() as u32),
                    reset: Some(window_start + self.window),
                    retry_after: None,
                    refused,
                }
            }
            Server::Gradual | Server::Silent => {
                let window = self.window;
                self.admitted.retain(|at| *at + window > now);
                let refused = self.admitted.len() as u32 >= self.limit;
                if !refused {
                    self.admitted.push_back(now);
                }
                let heard = Heard {
                    limit: Some(self.limit),
                    remaining: Some(self.limit - self.admitted.len() as u32),
                    reset: self.admitted.back().map(|at| *at + window),
                    retry_after: refused
                        .then(|| self.admitted.front().map(|at| *at + window))
                        .flatten(),
                    refused,
                };
                match self.server {
                    Server::Silent => Heard {
                        refused,
                        ..Heard::default()
                    },
                    _ => heard,
                }
            }
        }
    }
}

/// A bot that sends whenever its budget lets it, for `seconds`, a tick every 100 ms;
/// each tick it has receipts to give, and now and then something critical. Returns
/// how many requests of each kind it sent and how many were refused.
fn greedy_bot(
    server: Server,
    limit: u32,
    window_seconds: i64,
    seconds: u32,
    closes_ahead: u32,
    critical_every: u32,
) -> (u32, u32, u32) {
    let mut limiter = Limiter {
        server,
        limit,
        window: Duration::seconds(window_seconds),
        admitted: VecDeque::new(),
    };
    let mut budget = Budget::default();
    budget.reserve_for_closes(closes_ahead);
    let (mut receipts, mut critical, mut refused) = (0, 0, 0);
    for tick in 0..seconds * 10 {
        let now = at(f64::from(tick) / 10.0);
        let wanted = if critical_every > 0 && tick % critical_every == 0 {
            Priority::Critical
        } else {
            Priority::Receipt
        };
        if !budget.permits(wanted, now) {
            continue;
        }
        budget.sent(now);
        let heard = limiter.judge(now);
        refused += u32::from(heard.refused);
        budget.heard(heard, now);
        match wanted {
            Priority::Critical => critical += 1,
            _ => receipts += 1,
        }
    }
    (receipts, critical, refused)
}

#[test]
fn a_bot_that_spends_all_it_may_is_never_refused_by_either_kind_of_limiter() {
    for server in [Server::Fixed, Server::Gradual, Server::Silent] {
        // Something that decides every 30 s: fewer than the reserve keeps in a window.
        let (receipts, critical, refused) = greedy_bot(server, 300, 300, 900, 12, 300);
        assert_eq!(refused, 0, "{server:?}");
        // Three windows: the bot spends nearly all of it, the reserve aside.
        assert!(
            receipts + critical >= 3 * (300 - 12 - 15),
            "{server:?}: {receipts} + {critical}"
        );
        assert_eq!(critical, 30, "{server:?}: what decides is never held back");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    #[test]
    fn never_refused_whatever_the_limit_and_window(
        server in prop_oneof![Just(Server::Fixed), Just(Server::Gradual)],
        limit in 20u32..400,
        window in 30i64..=300,
        closes_ahead in 0u32..10,
        critical_every in 0u32..40,
    ) {
        // A server whose window is at most the bot's five minutes (both servers'):
        // the bot counts over its own window, so it never outspends a shorter one.
        let (_, _, refused) = greedy_bot(server, limit, window, 700, closes_ahead, critical_every);
        prop_assert_eq!(refused, 0);
    }
}

#[test]
fn receipts_stop_at_the_reserve_that_the_close_and_the_answers_may_spend() {
    let mut budget = Budget::default();
    budget.reserve_for_closes(8);
    let now = at(0.0);
    budget.heard(
        Heard {
            limit: Some(300),
            remaining: Some(24),
            reset: Some(at(200.0)),
            ..Heard::default()
        },
        now,
    );
    // 24 left: receipts keep 8 + 10 + 5 = 23 back, listening 18, answers 8, closes none.
    let cases = [
        (24, [true, true, true, true]),
        (23, [true, true, true, false]),
        (18, [true, true, false, false]),
        (8, [true, false, false, false]),
        (1, [true, false, false, false]),
        (0, [false, false, false, false]),
    ];
    for (left, expected) in cases {
        let mut spent = budget.clone();
        for _ in left..24 {
            spent.sent(now);
        }
        assert_eq!(spent.available(now), left);
        let permitted = [
            Priority::Critical,
            Priority::Answer,
            Priority::Listen,
            Priority::Receipt,
        ]
        .map(|priority| spent.permits(priority, now));
        assert_eq!(permitted, expected, "{left} left");
    }
}

#[test]
fn after_a_reset_only_the_requests_that_left_the_window_come_back() {
    let mut budget = Budget::default();
    // 290 sent over the first 290 seconds, as Mastodon counted them.
    for second in 0..290 {
        budget.sent(at(f64::from(second)));
    }
    budget.heard(
        Heard {
            limit: Some(300),
            remaining: Some(10),
            reset: Some(at(295.0)),
            ..Heard::default()
        },
        at(289.0),
    );
    assert_eq!(budget.available(at(290.0)), 10);
    // Past the reset a fixed window would give 300 back; a gradual limiter would not.
    assert_eq!(budget.available(at(296.0)), 10);
    assert_eq!(budget.available(at(300.5)), 11);
    assert_eq!(budget.available(at(400.0)), 111);
}

#[test]
fn a_refusal_holds_everything_until_the_server_said_and_then_refills_gradually() {
    let mut budget = Budget::default();
    for second in 0..100 {
        budget.sent(at(f64::from(second)));
    }
    // Others on the same address spent the rest (GoToSocial counts per address).
    budget.heard(
        Heard {
            limit: Some(300),
            retry_after: Some(at(130.0)),
            refused: true,
            ..Heard::default()
        },
        at(100.0),
    );
    assert_eq!(budget.available(at(120.0)), 0);
    assert!(budget.refused_at(at(120.0)));
    // When the server said, one request goes, whatever it is for: its answer will give
    // a count again.
    assert_eq!(budget.next_chance(Priority::Critical, at(120.0)), at(130.0));
    assert_eq!(budget.next_chance(Priority::Receipt, at(120.0)), at(130.0));
    budget.sent(at(130.0));
    // That server answered without a count: a request a second comes back (300 in
    // 300 s), never the whole budget at once.
    assert_eq!(budget.available(at(131.0)), 0);
    assert_eq!(budget.next_chance(Priority::Critical, at(131.0)), at(132.0));
    // Receipts wait until the refill has given back what everything else keeps (15).
    assert_eq!(budget.next_chance(Priority::Receipt, at(131.0)), at(147.0));
    assert_eq!(budget.available(at(160.0)), 29);
    // An answer that gives a count again ends the estimate.
    budget.heard(
        Heard {
            remaining: Some(250),
            reset: Some(at(400.0)),
            ..Heard::default()
        },
        at(161.0),
    );
    // The server's 250 is believed, but the bot's own 101 requests of the window still
    // count against the limit.
    assert_eq!(budget.available(at(161.0)), 300 - 101);
}

#[test]
fn the_next_chance_is_the_first_moment_the_budget_permits() {
    let mut budget = Budget::default();
    budget.reserve_for_closes(5);
    for tenth in 0..3000 {
        let now = at(f64::from(tenth) / 10.0);
        if budget.permits(Priority::Receipt, now) {
            budget.sent(now);
        }
    }
    let now = at(300.0);
    for priority in [
        Priority::Critical,
        Priority::Answer,
        Priority::Listen,
        Priority::Receipt,
    ] {
        let chance = budget.next_chance(priority, now);
        assert!(budget.permits(priority, chance), "{priority:?} at {chance}");
        if chance > now {
            let just_before = chance - Duration::milliseconds(1);
            assert!(!budget.permits(priority, just_before), "{priority:?}");
        }
    }
}

#[test]
fn a_sealed_close_costs_its_posts_and_both_lists() {
    // Nobody voted: the result, the application and two lists saying "none".
    assert_eq!(sealed_close_cost(0, 500), 8);
    // 200 voters on 500 characters: the lists take 18 + 15 posts at most.
    assert_eq!(sealed_close_cost(200, 500), 6 + 18 + 15);
    // A server of 5,000 characters needs far fewer.
    assert_eq!(sealed_close_cost(200, 5000), 6 + 2 + 2);
}

#[test]
fn a_close_costs_its_thread_its_favourite_pages_and_its_posts() {
    assert_eq!(close_cost(0), 8);
    assert_eq!(close_cost(80), 8);
    assert_eq!(close_cost(81), 9);
    assert_eq!(close_cost(300), 11);
}

#[test]
fn a_server_cannot_silence_the_bot_for_longer_than_a_window() {
    let far = at(0.0) + Duration::days(365);
    let mut counted = Budget::default();
    counted.heard(
        Heard {
            remaining: Some(0),
            reset: Some(far),
            ..Heard::default()
        },
        at(0.0),
    );
    let mut refused = Budget::default();
    refused.heard(
        Heard {
            retry_after: Some(far),
            refused: true,
            ..Heard::default()
        },
        at(0.0),
    );
    for budget in [counted, refused] {
        assert_eq!(budget.available(at(1.0)), 0);
        assert!(budget.next_chance(Priority::Critical, at(1.0)) <= at(300.0));
    }
}
