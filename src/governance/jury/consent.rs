//! Consent: drawn members are invited in draw order; `accept` seats them, `decline` or
//! silence until the deadline passes them over and invites the next. Pure: the engine
//! turns what this decides into direct messages and thread posts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where one drawn member stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    /// Invited by direct message; waiting until `deadline`.
    Invited { deadline: DateTime<Utc> },
    /// Accepted: a juror, whose votes carry this account id.
    Seated {
        account_id: String,
        at: DateTime<Utc>,
    },
    /// Declined, or silent until the deadline; why is never published.
    PassedOver { at: DateTime<Utc> },
}

/// One drawn member, from the moment they are invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summons {
    pub acct: String,
    pub answer: Answer,
    /// The invitation's status id, once posted: an answer replies to it.
    #[serde(default)]
    pub invitation: Option<String>,
}

/// A proposal's jury: the draw, and the answer of each member invited so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jury {
    pub size: u32,
    pub seed: String,
    /// The pool in draw order.
    pub order: Vec<String>,
    /// The first `summoned.len()` members of `order`, each with their answer.
    pub summoned: Vec<Summons>,
}

/// What a drawn member's answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    Seated,
    PassedOver,
    /// Seated already, or passed over already: the answer changes nothing.
    AlreadyDecided,
    /// Not invited to this jury (or not yet).
    NotInvited,
}

impl Jury {
    pub fn new(size: u32, seed: String, order: Vec<String>) -> Jury {
        Jury {
            size,
            seed,
            order,
            summoned: Vec::new(),
        }
    }

    fn count(&self, matches: impl Fn(&Answer) -> bool) -> usize {
        self.summoned.iter().filter(|s| matches(&s.answer)).count()
    }

    /// Jurors seated so far.
    pub fn seated_count(&self) -> usize {
        self.count(|answer| matches!(answer, Answer::Seated { .. }))
    }

    fn waiting_count(&self) -> usize {
        self.count(|answer| matches!(answer, Answer::Invited { .. }))
    }

    /// Every seat is taken.
    pub fn is_full(&self) -> bool {
        self.seated_count() >= self.size as usize
    }

    /// Not full, nobody left to wait for and nobody left to invite: the pool ran out.
    pub fn is_short(&self) -> bool {
        !self.is_full() && self.waiting_count() == 0 && self.summoned.len() == self.order.len()
    }

    /// Invites the next members in draw order until every open seat has someone seated
    /// or waiting; returns who was invited now.
    pub fn invite(&mut self, now: DateTime<Utc>, consent_within: chrono::Duration) -> Vec<String> {
        let mut invited = Vec::new();
        while self.seated_count() + self.waiting_count() < self.size as usize {
            let Some(acct) = self.order.get(self.summoned.len()).cloned() else {
                break;
            };
            self.summoned.push(Summons {
                acct: acct.clone(),
                answer: Answer::Invited {
                    deadline: now + consent_within,
                },
                invitation: None,
            });
            invited.push(acct);
        }
        invited
    }

    /// `acct` answered: `Some(account id)` accepts, `None` declines.
    pub fn answer(&mut self, acct: &str, accepts: Option<&str>, now: DateTime<Utc>) -> Answered {
        let Some(summons) = self.summoned.iter_mut().find(|s| s.acct == acct) else {
            return Answered::NotInvited;
        };
        if !matches!(summons.answer, Answer::Invited { .. }) {
            return Answered::AlreadyDecided;
        }
        match accepts {
            Some(account_id) => {
                summons.answer = Answer::Seated {
                    account_id: account_id.to_string(),
                    at: now,
                };
                Answered::Seated
            }
            None => {
                summons.answer = Answer::PassedOver { at: now };
                Answered::PassedOver
            }
        }
    }

    /// Gives everyone still invited `by` more to answer.
    pub fn extend_deadlines(&mut self, by: chrono::Duration) {
        for summons in &mut self.summoned {
            if let Answer::Invited { deadline } = &mut summons.answer {
                *deadline += by;
            }
        }
    }

    /// Passes over everyone whose deadline has come; returns who.
    pub fn pass_over_expired(&mut self, now: DateTime<Utc>) -> Vec<String> {
        let mut passed = Vec::new();
        for summons in &mut self.summoned {
            if let Answer::Invited { deadline } = summons.answer {
                if deadline <= now {
                    summons.answer = Answer::PassedOver { at: now };
                    passed.push(summons.acct.clone());
                }
            }
        }
        passed
    }

    /// The earliest deadline of a member still waiting.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.summoned
            .iter()
            .filter_map(|s| match s.answer {
                Answer::Invited { deadline } => Some(deadline),
                _ => None,
            })
            .min()
    }

    /// The seated jurors, in draw order.
    pub fn jurors(&self) -> impl Iterator<Item = (&str, &str)> {
        self.summoned.iter().filter_map(|s| match &s.answer {
            Answer::Seated { account_id, .. } => Some((s.acct.as_str(), account_id.as_str())),
            _ => None,
        })
    }

    /// The member an invitation was sent to, by the invitation's status id.
    pub fn invited_by(&self, invitation_id: &str) -> Option<&Summons> {
        self.summoned
            .iter()
            .find(|s| s.invitation.as_deref() == Some(invitation_id))
    }

    /// Whether the account may vote: seated, by account id (an acct can be renamed).
    pub fn seats(&self, account_id: &str) -> bool {
        self.jurors().any(|(_, id)| id == account_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
            .single()
            .expect("a time")
    }

    fn day() -> chrono::Duration {
        chrono::Duration::days(1)
    }

    fn jury(size: u32, order: &[&str]) -> Jury {
        Jury::new(
            size,
            "seed".to_string(),
            order.iter().map(|a| a.to_string()).collect(),
        )
    }

    fn seated(jury: &Jury) -> Vec<&str> {
        jury.jurors().map(|(acct, _)| acct).collect()
    }

    #[test]
    fn the_first_in_draw_order_are_invited_and_the_next_when_one_declines() {
        let mut jury = jury(2, &["dave", "bob", "carol", "alice"]);
        assert_eq!(jury.invite(t0(), day()), ["dave", "bob"]);
        assert_eq!(
            jury.invite(t0(), day()),
            Vec::<String>::new(),
            "seats are all asked"
        );
        assert_eq!(jury.answer("bob", Some("11"), t0()), Answered::Seated);
        assert_eq!(jury.answer("dave", None, t0()), Answered::PassedOver);
        assert_eq!(jury.invite(t0(), day()), ["carol"]);
        assert_eq!(
            jury.answer("dave", Some("14"), t0()),
            Answered::AlreadyDecided
        );
        assert_eq!(jury.answer("alice", Some("10"), t0()), Answered::NotInvited);
        assert!(!jury.is_full());
        assert_eq!(jury.answer("carol", Some("12"), t0()), Answered::Seated);
        assert!(jury.is_full() && !jury.is_short());
        assert_eq!(seated(&jury), ["bob", "carol"]);
        assert!(jury.seats("12") && !jury.seats("14"));
    }

    #[test]
    fn silence_until_the_deadline_passes_a_member_over() {
        let mut jury = jury(1, &["dave", "bob"]);
        jury.invite(t0(), day());
        assert_eq!(jury.next_deadline(), Some(t0() + day()));
        assert!(jury
            .pass_over_expired(t0() + day() - chrono::Duration::seconds(1))
            .is_empty());
        assert_eq!(jury.pass_over_expired(t0() + day()), ["dave"]);
        assert_eq!(jury.invite(t0() + day(), day()), ["bob"]);
        assert_eq!(jury.next_deadline(), Some(t0() + day() + day()));
    }

    #[test]
    fn a_pool_that_runs_out_is_short() {
        let mut jury = jury(3, &["dave", "bob"]);
        assert_eq!(jury.invite(t0(), day()), ["dave", "bob"]);
        assert!(!jury.is_short(), "still waiting for answers");
        jury.answer("dave", Some("14"), t0());
        jury.answer("bob", None, t0());
        assert!(jury.invite(t0(), day()).is_empty());
        assert!(jury.is_short() && !jury.is_full());
    }

    proptest! {
        /// Whoever declines, and in whatever order the answers come, the seated jury is
        /// the first `size` members in draw order not passed over.
        #[test]
        fn the_jury_is_the_first_in_draw_order_not_passed_over(
            pool in 1usize..12,
            size in 1u32..6,
            declines in proptest::collection::vec(any::<bool>(), 12),
            answer_order in proptest::collection::vec(any::<u8>(), 1..60),
        ) {
            let order: Vec<String> = (0..pool).map(|n| format!("m{n:02}")).collect();
            let mut jury = Jury::new(size, "seed".to_string(), order.clone());
            let mut picks = answer_order.into_iter().cycle();
            jury.invite(t0(), day());
            // Answer one waiting member at a time, chosen by the next pick, until done.
            while !jury.is_full() && !jury.is_short() {
                let waiting: Vec<String> = jury
                    .summoned
                    .iter()
                    .filter(|s| matches!(s.answer, Answer::Invited { .. }))
                    .map(|s| s.acct.clone())
                    .collect();
                let pick = usize::from(picks.next().unwrap_or(0)) % waiting.len();
                let acct = &waiting[pick];
                let index = order.iter().position(|a| a == acct).unwrap_or(0);
                let accepts = (!declines[index]).then_some(acct.as_str());
                jury.answer(acct, accepts, t0());
                jury.invite(t0(), day());
            }
            let expected: Vec<&str> = order
                .iter()
                .enumerate()
                .filter(|(index, _)| !declines[*index])
                .map(|(_, acct)| acct.as_str())
                .take(size as usize)
                .collect();
            prop_assert_eq!(seated(&jury), expected.clone());
            prop_assert_eq!(jury.is_full(), expected.len() == size as usize);
        }
    }
}
