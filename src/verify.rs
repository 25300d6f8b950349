//! `coopgov verify`: recompute a decision from the public record alone — the ballot's
//! text, its thread and its favourites — and compare it with the announcement.

use crate::commands::{status_text, Vocabulary};
use crate::config::{Config, Secret};
use crate::governance::eligibility::Membership;
use crate::governance::settings::Durations;
use crate::governance::{
    engine, Action, Method, Mode, Position, Proposal, Quorum, Rule, Settings, Stage, StatusRef,
    Tally, ThreadRecord, Visibility,
};
use crate::mastodon::{convert, ApiError, Client};
use chrono::{DateTime, NaiveDateTime, Utc};
use regex::Regex;

/// What a ballot states, read back from its text.
#[derive(Debug, PartialEq)]
pub struct BallotText {
    pub number: u64,
    pub action: Action,
    pub rule: Rule,
    pub closes_at: DateTime<Utc>,
    pub favourites_agree: bool,
    pub block_needs_reason: bool,
}

fn capture<'t>(pattern: &str, text: &'t str) -> Option<regex::Captures<'t>> {
    Regex::new(pattern).ok()?.captures(text)
}

/// Reads a ballot's text as `messages::ballot` writes it.
pub fn parse_ballot(text: &str) -> Option<BallotText> {
    let head = capture(r"Proposal #(\d+): (.+)", text)?;
    let number = head[1].parse().ok()?;
    let phrase = head[2].trim();
    let action = if let Some(domain) = phrase.strip_prefix("suspend ") {
        Action::Suspend {
            domain: domain.to_string(),
        }
    } else if let Some(domain) = phrase.strip_prefix("limit (silence) ") {
        Action::Silence {
            domain: domain.to_string(),
        }
    } else if let Some(domain) = phrase.strip_prefix("lift the block on ") {
        Action::Unblock {
            domain: domain.to_string(),
        }
    } else {
        Action::Motion
    };
    let rule_line = capture(r"Rule: ([a-z]+)(.*)", text)?;
    let method = match &rule_line[1] {
        "consensus" => Method::Consensus,
        "consent" => Method::Consent,
        "majority" => Method::Majority,
        _ => return None,
    };
    let details = rule_line[2].to_string();
    let number_after = |label: &str| -> Option<f64> {
        capture(&format!(r"{label} ([0-9.]+)"), &details)?[1]
            .parse()
            .ok()
    };
    let quorum_text = capture(r"quorum ([0-9.]+%?)", &details)?[1].to_string();
    let quorum = match quorum_text.strip_suffix('%') {
        Some(percent) => Quorum::PercentOfRoster(percent.parse().ok()?),
        None => Quorum::Voters(quorum_text.parse().ok()?),
    };
    let rule = Rule {
        method,
        quorum,
        threshold: number_after("threshold").unwrap_or(0.5),
        max_blocks: number_after("max blocks").unwrap_or(0.0) as u32,
        block_override_ratio: number_after("override"),
    };
    let closes = capture(r"Closes: (\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?) UTC", text)?;
    let format = if closes[1].len() > 16 {
        "%Y-%m-%d %H:%M:%S"
    } else {
        "%Y-%m-%d %H:%M"
    };
    let closes_at = NaiveDateTime::parse_from_str(&closes[1], format)
        .ok()?
        .and_utc();
    Some(BallotText {
        number,
        action,
        rule,
        closes_at,
        favourites_agree: text.contains("a favourite counts as agree"),
        block_needs_reason: text.contains("a block needs a reason"),
    })
}

/// The outcome word and counts of an announcement.
pub fn parse_announcement(text: &str, number: u64) -> Option<(String, Tally)> {
    let outcome = capture(&format!(r"Result of proposal #{number}: ([A-Z ]+)"), text)?[1]
        .trim()
        .to_string();
    let counts = capture(
        r"agree (\d+) · abstain (\d+) · disagree (\d+) · block (\d+)",
        text,
    )?;
    let count = |i: usize| counts[i].parse().unwrap_or(0);
    Some((
        outcome,
        Tally {
            agree: count(1),
            abstain: count(2),
            disagree: count(3),
            block: count(4),
        },
    ))
}

fn settings(ballot: &BallotText, bot_id: &str) -> Settings {
    let day = std::time::Duration::from_secs(86_400);
    Settings {
        bot_acct: String::new(),
        instance_domain: String::new(),
        max_characters: 500,
        membership: Membership {
            bot_account_id: bot_id.to_string(),
            min_account_age_days: 0,
            roster: None,
        },
        proposers_working_group_only: false,
        working_group: Default::default(),
        durations: Durations {
            default: day,
            min: day,
            urgent_min: day,
            max: day,
        },
        ballot_visibility: Visibility::Public,
        favourites_count_as: ballot.favourites_agree.then_some(Position::Agree),
        receipts: false,
        block_requires_reason: ballot.block_needs_reason,
        mode: Mode::DryRun,
        rules: Default::default(),
        vocabulary: Vocabulary::standard(),
        reminder_before: None,
        answers_per_day: 0,
        proposals_per_day: 0,
        guide_url: None,
    }
}

/// A token `verify` may send to whichever instance the ballot is on.
pub const TOKEN_VARIABLE: &str = "COOPGOV_VERIFY_TOKEN";

/// Mastodon shows a visitor (no token) at most this many statuses below a post.
const VISITOR_DESCENDANTS_LIMIT: usize = 60;

/// Why a decision was not confirmed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The public record and the announcement disagree.
    #[error("{0}")]
    Differ(String),
    /// The record could not be read, or not whole enough to count.
    #[error("{0}")]
    Unverifiable(String),
}

/// What could not be read, with what to do when a token would help.
fn unreadable(client: &Client, what: &str, error: ApiError) -> VerifyError {
    let advice = match &error {
        ApiError::Http {
            status: 401 | 403 | 404,
            ..
        } if client.is_anonymous() => {
            "; this instance may not show it to visitors: give a token of any account there (COOPGOV_VERIFY_TOKEN=<token> coopgov verify …)"
        }
        _ => "",
    };
    VerifyError::Unverifiable(format!("could not read {what}: {error}{advice}"))
}

/// Where the ballot is: its address, or its id on `instance` (by default the configured
/// one). Returns the instance's base address and the status id.
pub fn locate(
    ballot: &str,
    instance: Option<String>,
    config: Option<&Config>,
) -> Result<(String, String), VerifyError> {
    if let Some((scheme, rest)) = ballot.split_once("://") {
        let host = rest.split('/').next().unwrap_or_default();
        let id = rest
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        return Ok((format!("{scheme}://{host}"), id.to_string()));
    }
    match instance.or_else(|| config.map(|c| c.instance.url.clone())) {
        Some(instance) => Ok((
            instance.trim_end_matches('/').to_string(),
            ballot.trim_start_matches('#').to_string(),
        )),
        None => Err(VerifyError::Unverifiable(
            "give the ballot's address, or its id with --instance https://your.instance"
                .to_string(),
        )),
    }
}

/// The token to read `instance` with. The bot's own token goes only to the bot's own
/// instance: verifying a ballot elsewhere must never hand an admin token to that server.
/// `verify_token` (from `COOPGOV_VERIFY_TOKEN`) is the reader's choice for any instance.
pub fn token_for(instance: &str, config: Option<&Config>, verify_token: Option<String>) -> Secret {
    if let Some(token) = verify_token.filter(|token| !token.trim().is_empty()) {
        return Secret::new(token.trim().to_string());
    }
    let own_instance = config.filter(|config| {
        config
            .instance
            .url
            .trim_end_matches('/')
            .eq_ignore_ascii_case(instance.trim_end_matches('/'))
    });
    own_instance
        .and_then(|config| config.instance.token.read().ok())
        .unwrap_or_else(|| Secret::new(String::new()))
}

/// `coopgov verify <ballot> [--instance URL]`: locates the ballot, picks the token, and
/// recomputes the decision.
pub async fn verify_ballot(
    ballot: &str,
    instance: Option<String>,
    config: Option<&Config>,
    verify_token: Option<String>,
) -> Result<String, VerifyError> {
    let (instance, id) = locate(ballot, instance, config)?;
    let token = token_for(&instance, config, verify_token);
    let client = Client::new(&instance, token, std::time::Duration::from_secs(30))
        .map_err(|error| VerifyError::Unverifiable(error.to_string()))?;
    verify(&client, &id).await
}

/// Recomputes the decision of the ballot `status_id` and compares it with the bot's
/// announcement. `Ok` holds the report.
pub async fn verify(client: &Client, status_id: &str) -> Result<String, VerifyError> {
    let ballot = client
        .status(status_id)
        .await
        .map_err(|e| unreadable(client, "the ballot", e))?;
    let text = status_text(&ballot.content, &[]);
    let stated = parse_ballot(&text).ok_or(VerifyError::Unverifiable(
        "that status is not a coopgov ballot (its number, rule or closing time is missing)"
            .to_string(),
    ))?;
    let replies = client
        .descendants(&ballot.id)
        .await
        .map_err(|e| unreadable(client, "the thread", e))?;
    if client.is_anonymous() && replies.len() >= VISITOR_DESCENDANTS_LIMIT {
        return Err(VerifyError::Unverifiable(format!(
            "the thread shows {} replies, the most Mastodon shows a visitor, so some may be missing; run verify with a token of any account on that instance (COOPGOV_VERIFY_TOKEN=<token> coopgov verify …) to read it whole",
            replies.len()
        )));
    }
    let favourited_by = client
        .favourited_by(&ballot.id)
        .await
        .map_err(|e| unreadable(client, "the favourites", e))?;
    let bot_id = ballot.account.id.clone();
    let announcement = replies
        .iter()
        .filter(|reply| {
            reply.account.id == bot_id && reply.in_reply_to_id.as_deref() == Some(&ballot.id)
        })
        .find_map(|reply| parse_announcement(&status_text(&reply.content, &[]), stated.number))
        .ok_or(VerifyError::Unverifiable(format!(
            "no result of proposal #{} in the thread yet",
            stated.number
        )))?;
    let settings = settings(&stated, &bot_id);
    let opened_at = ballot.created_at.unwrap_or(stated.closes_at);
    let proposal = Proposal {
        number: stated.number,
        action: stated.action.clone(),
        urgent: false,
        reason: String::new(),
        proposer: crate::governance::Identity {
            account_id: String::new(),
            acct: String::new(),
        },
        request: StatusRef {
            status_id: String::new(),
            url: String::new(),
        },
        rule: stated.rule,
        opened_at,
        closes_at: stated.closes_at,
        ballot: Some(StatusRef {
            status_id: ballot.id.clone(),
            url: ballot.link(),
        }),
        votes: Default::default(),
        favourites: Default::default(),
        explained: Default::default(),
        stage: Stage::Open,
        reminded: true,
    };
    let record = ThreadRecord {
        replies: replies
            .iter()
            .map(|reply| convert::post(reply, &bot_id))
            .collect(),
        favourited_by: favourited_by.iter().map(convert::author).collect(),
    };
    let step = engine::close(&settings, &proposal, &record, stated.closes_at);
    let closing =
        step.proposals
            .first()
            .and_then(|p| p.closing())
            .ok_or(VerifyError::Unverifiable(
                "the ballot could not be tallied".to_string(),
            ))?;
    let recomputed = closing.outcome.name().replace('_', " ").to_uppercase();
    let (announced, announced_tally) = announcement;
    let line = |tally: &Tally| crate::governance::messages::counts(tally);
    let report = format!(
        "proposal #{}: recomputed {recomputed} ({}); announced {announced} ({})",
        stated.number,
        line(&closing.tally),
        line(&announced_tally)
    );
    if recomputed == announced && closing.tally == announced_tally {
        Ok(format!("{report}: they agree"))
    } else {
        Err(VerifyError::Differ(format!("{report}: THEY DIFFER")))
    }
}
