//! A jury's draw and seating checked from the thread alone (SPEC §10): the seed must
//! follow from the proposal number, the ballot's id and the pool the thread lists; the
//! seating must name the first members in that draw order, in order, and seat exactly
//! the jury's size. Why a member was passed over is not public, and is not judged.

use super::texts::utc_time;
use super::VerifyError;
use crate::governance::jury::{draw, Answer, Jury, JuryCase, Seating, Summons, WhenShort};
use crate::governance::terms;
use crate::governance::{id_order, Post, Rule};
use chrono::{DateTime, Utc};
use regex::Regex;
use std::sync::LazyLock;

fn pattern(source: &'static str) -> Regex {
    Regex::new(source).expect("verify's patterns are valid regular expressions")
}

static DRAW_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"^The jury for proposal #(\d+) is drawn by lot\. Seed: ([0-9a-f]{64}),")
});
static POOL: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?m)^Pool \((\d+) members?\):(.*)$"));
static CONTINUED: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^Pool of proposal #(\d+), continued:(.*)$"));
static SEATED: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^The jury for proposal #(\d+) is seated, in draw order:\n((?:.+: (?:seated|passed over)\n)+)Voting is open until (\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?) UTC",
    )
});
static SHORT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^The jury pool ran out before the jury for proposal #(\d+) was full, so (all members vote on it instead, until (\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?) UTC|it is cancelled)",
    )
});

/// What the thread shows of a jury, checked.
#[derive(Debug)]
pub struct Checked {
    /// When its vote closed.
    pub closes_at: DateTime<Utc>,
    /// The jury as the recount applies it (who may vote).
    pub case: JuryCase,
    /// The members' rule, when the pool ran out and all members voted.
    pub members_rule: Option<Rule>,
    /// What was checked, for the report.
    pub said: String,
}

/// Bare accts from a line of the draw (the bot writes them so nobody is notified).
fn accts(line: &str) -> impl Iterator<Item = String> + '_ {
    line.split_whitespace()
        .map(|acct| acct.replace('\u{200B}', ""))
}

/// Checks the draw and the seating posted by the bot (`bot_posts`: its replies to the
/// ballot). `Ok(None)` when the pool ran out and the case was cancelled.
pub fn check(
    number: u64,
    ballot_id: &str,
    size: u32,
    base_rule: Rule,
    bot_posts: &[&Post],
) -> Result<Option<Checked>, VerifyError> {
    let mut posts: Vec<&Post> = bot_posts.to_vec();
    posts.sort_by(|a, b| id_order(&a.status_id, &b.status_id));
    let unreadable = |what: &str| VerifyError::Unverifiable(format!("proposal #{number}: {what}"));
    let head = posts
        .iter()
        .find_map(|post| {
            let head = DRAW_HEAD.captures(&post.text)?;
            (head[1].parse() == Ok(number)).then(|| (head[2].to_string(), post.text.clone()))
        })
        .ok_or_else(|| unreadable("the jury's draw is not in the thread"))?;
    let (seed, head_text) = head;
    let pool_line = POOL
        .captures(&head_text)
        .ok_or_else(|| unreadable("the draw does not list its pool"))?;
    let stated_size: usize = pool_line[1].parse().unwrap_or(usize::MAX);
    let mut pool: Vec<String> = accts(&pool_line[2]).collect();
    for post in &posts {
        if let Some(more) = CONTINUED.captures(&post.text) {
            if more[1].parse() == Ok(number) {
                pool.extend(accts(&more[2]));
            }
        }
    }
    if pool.len() != stated_size {
        return Err(unreadable(&format!(
            "the thread lists {} of the pool's {stated_size} members; a part of the draw is missing",
            pool.len()
        )));
    }
    let sorted = draw::sorted_pool(pool.iter().map(String::as_str));
    let recomputed = draw::seed(number, ballot_id, &sorted);
    if recomputed != seed || sorted != pool {
        return Err(VerifyError::Differ(format!(
            "proposal #{number}: the draw's seed {seed} does not follow from its pool and ballot (recomputed {recomputed}): THEY DIFFER"
        )));
    }
    let order = draw::draw_order(&seed, &sorted);
    let mut said = format!(
        "the jury's seed recomputed from the ballot and a pool of {} members",
        sorted.len()
    );

    if let Some(short) = posts.iter().find_map(|post| SHORT.captures(&post.text)) {
        if short[1].parse() != Ok(number) {
            return Err(unreadable("the thread's notice names another proposal"));
        }
        let Some(until) = short.get(3) else {
            return Ok(None);
        };
        let closes_at = utc_time(until.as_str())
            .ok_or_else(|| unreadable("the notice's time is unreadable"))?;
        let notice = posts
            .iter()
            .find(|post| SHORT.is_match(&post.text))
            .map(|post| post.text.as_str())
            .unwrap_or_default();
        let members_rule = terms::read_rule_sentence(notice).unwrap_or(base_rule);
        said.push_str("; the pool ran out, so all members voted");
        let case = JuryCase {
            size,
            consent_within: Default::default(),
            voting: Default::default(),
            when_short: WhenShort::Members,
            members_rule,
            draw: Some(Jury::new(size, seed, order)),
            seating: Seating::Short { at: closes_at },
        };
        return Ok(Some(Checked {
            closes_at,
            case,
            members_rule: Some(members_rule),
            said,
        }));
    }

    let seated = posts
        .iter()
        .find_map(|post| SEATED.captures(&post.text))
        .ok_or_else(|| unreadable("the jury is not seated yet"))?;
    if seated[1].parse() != Ok(number) {
        return Err(unreadable("the seating names another proposal"));
    }
    let marks: Vec<(String, bool)> = seated[2]
        .lines()
        .filter_map(|line| {
            let (acct, mark) = line.rsplit_once(": ")?;
            Some((acct.replace('\u{200B}', ""), mark == "seated"))
        })
        .collect();
    let named: Vec<&str> = marks.iter().map(|(acct, _)| acct.as_str()).collect();
    let drawn: Vec<&str> = order.iter().take(named.len()).map(String::as_str).collect();
    if named != drawn {
        return Err(VerifyError::Differ(format!(
            "proposal #{number}: the seating names {} but the draw order begins {}: THEY DIFFER",
            named.join(", "),
            drawn.join(", ")
        )));
    }
    let jurors: Vec<&str> = marks
        .iter()
        .filter(|(_, seated)| *seated)
        .map(|(acct, _)| acct.as_str())
        .collect();
    if jurors.len() != size as usize || marks.last().is_some_and(|(_, seated)| !seated) {
        return Err(VerifyError::Differ(format!(
            "proposal #{number}: the seating seats {} of a jury of {size}: THEY DIFFER",
            jurors.len()
        )));
    }
    let closes_at = utc_time(&seated[3])
        .ok_or_else(|| unreadable("the seating's closing time is unreadable"))?;
    said.push_str(&format!(
        "; seated in draw order: {} (the first {size} not passed over)",
        jurors.join(", ")
    ));
    let mut jury = Jury::new(size, seed, order);
    jury.summoned = marks
        .iter()
        .map(|(acct, seated)| Summons {
            acct: acct.clone(),
            answer: if *seated {
                // Matched by acct below, once the thread's authors give their ids.
                Answer::Seated {
                    account_id: String::new(),
                    at: closes_at,
                }
            } else {
                Answer::PassedOver { at: closes_at }
            },
            invitation: None,
        })
        .collect();
    let case = JuryCase {
        size,
        consent_within: Default::default(),
        voting: Default::default(),
        when_short: WhenShort::Members,
        members_rule: base_rule,
        draw: Some(jury),
        seating: Seating::Seated { at: closes_at },
    };
    Ok(Some(Checked {
        closes_at,
        case,
        members_rule: None,
        said,
    }))
}

/// Gives each seated juror the account id the thread shows for their acct, so the
/// recount counts their replies and favourites, and nobody else's.
pub fn identify(case: &mut JuryCase, authors: &[(String, String)]) {
    let Some(jury) = case.draw.as_mut() else {
        return;
    };
    for summons in &mut jury.summoned {
        if let Answer::Seated { account_id, .. } = &mut summons.answer {
            if let Some((_, id)) = authors.iter().find(|(acct, _)| *acct == summons.acct) {
                *account_id = id.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::messages::seating;
    use crate::governance::tests::support::{member, post, settings, t0};
    use crate::governance::Proposal;

    const BALLOT: &str = "500";

    /// The bot's posts for a jury of 2 drawn from bob, carol, dave and erin, the first
    /// and third in draw order passed over, as the bot writes them (`max` characters a
    /// post); and the draw order.
    fn thread(max: usize) -> (Vec<Post>, Vec<String>) {
        let pool = draw::sorted_pool(["bob", "carol", "dave", "erin"]);
        let seed = draw::seed(1, BALLOT, &pool);
        let order = draw::draw_order(&seed, &pool);
        let bot = member("coopbot", 1);
        let mut posts: Vec<Post> = seating::draw_posts(1, BALLOT, &seed, &pool, max)
            .into_iter()
            .enumerate()
            .map(|(at, text)| post(&bot, 600 + at as u64, &text, Some(BALLOT)))
            .collect();
        let mut jury = Jury::new(2, seed, order.clone());
        jury.invite(t0(), chrono::Duration::days(1));
        jury.answer(&order[0], None, t0());
        jury.answer(&order[1], Some("21"), t0());
        jury.invite(t0(), chrono::Duration::days(1));
        jury.answer(&order[2], None, t0());
        jury.invite(t0(), chrono::Duration::days(1));
        jury.answer(&order[3], Some("23"), t0());
        let proposal =
            crate::governance::tests::support::Memory::with_open_ballot(&settings()).one();
        let proposal = Proposal {
            closes_at: t0() + chrono::Duration::days(3),
            ..proposal
        };
        posts.push(post(
            &bot,
            700,
            &seating::seated(&proposal, &jury),
            Some(BALLOT),
        ));
        (posts, order)
    }

    fn checked(posts: &[Post]) -> Result<Option<Checked>, VerifyError> {
        let refs: Vec<&Post> = posts.iter().collect();
        check(1, BALLOT, 2, Rule::social_coop(), &refs)
    }

    #[test]
    fn a_draw_and_seating_written_by_the_bot_check_out_even_over_several_posts() {
        for max in [500, 240] {
            let (posts, order) = thread(max);
            assert_eq!(posts.len() > 2, max == 240, "{max}: {posts:?}");
            let checked = checked(&posts).expect("checks out").expect("seated");
            assert_eq!(checked.closes_at, t0() + chrono::Duration::days(3));
            let jury = checked.case.draw.as_ref().expect("the draw");
            let jurors: Vec<&str> = jury.jurors().map(|(acct, _)| acct).collect();
            assert_eq!(jurors, [order[1].as_str(), order[3].as_str()]);
            assert!(
                checked.said.contains("pool of 4 members"),
                "{}",
                checked.said
            );
        }
    }

    #[test]
    fn a_juror_who_was_not_drawn_there_or_a_forged_seed_differs() {
        let (mut posts, order) = thread(500);
        let seating = posts.len() - 1;
        posts[seating].text = posts[seating]
            .text
            .replace(&format!("{}: seated", order[1]), "alice: seated");
        assert!(matches!(checked(&posts), Err(VerifyError::Differ(_))));

        let (mut posts, _) = thread(500);
        posts[0].text = posts[0].text.replace("bob", "zed");
        assert!(matches!(checked(&posts), Err(VerifyError::Differ(_))));

        let (posts, _) = thread(240);
        let missing: Vec<Post> = posts
            .iter()
            .filter(|post| !post.text.contains("continued"))
            .cloned()
            .collect();
        assert!(matches!(
            checked(&missing),
            Err(VerifyError::Unverifiable(_))
        ));
    }
}
