//! `coopgov verify`: recompute a decision from the public record alone — the ballot's
//! text, its thread and its favourites — and compare it with the announcement.

mod jury;
mod sealed;
mod texts;

use crate::governance::messages::TERMS_HEAD;
use texts::{ballot_number, is_terms_reply};
pub use texts::{parse_announcement, parse_ballot, Announced, BallotText};

use crate::config::Config;
use crate::governance::eligibility::Membership;
use crate::governance::proposal::Unseen;
use crate::governance::settings::Durations;
use crate::governance::{
    engine, Mode, Outcome, Position, Proposal, Quorum, Rule, Settings, Stage, StatusRef, Tally,
    Visibility,
};
use crate::mastodon::{ApiError, Client};
use crate::secret::Secret;

/// The rule to recount with: a percentage quorum becomes the number of voters the
/// announcement says it needed (the roster is private); a stated number must match.
pub fn recount_rule(stated: Rule, announced: &Announced) -> Result<Rule, VerifyError> {
    match (stated.quorum, announced.quorum_needed) {
        (Quorum::PercentOfRoster(_), Some(needed)) => Ok(Rule {
            quorum: Quorum::Voters(needed),
            ..stated
        }),
        (Quorum::PercentOfRoster(percent), None) => Err(VerifyError::Unverifiable(format!(
            "the ballot's quorum is {percent}% of the roster and the announcement does not say how many voters that was"
        ))),
        (Quorum::Voters(quorum), Some(needed)) if quorum != needed => Err(VerifyError::Differ(
            format!("the ballot states a quorum of {quorum} but the announcement one of {needed}: THEY DIFFER"),
        )),
        (Quorum::Voters(_), _) => Ok(stated),
    }
}

/// Compares a recount of the thread with the announcement, under `rule` (from
/// `recount_rule`). Ok when they agree; `Unverifiable` when the difference is within what
/// the announcement says the thread cannot show; `Differ` otherwise.
pub fn judge(
    number: u64,
    rule: &Rule,
    recount: (Outcome, Tally),
    announced: &Announced,
) -> Result<String, VerifyError> {
    let (outcome, tally) = recount;
    let counts = crate::governance::messages::counts;
    let shown = crate::governance::messages::outcome_phrase;
    let report = format!(
        "proposal #{number}: recomputed {} ({}); announced {} ({})",
        shown(outcome),
        counts(&tally),
        announced.outcome,
        counts(&announced.tally)
    );
    let follows = crate::governance::rules::decide(rule, &announced.tally, None);
    if announced.outcome != "CANCELLED" && shown(follows) != announced.outcome {
        return Err(VerifyError::Differ(format!(
            "{report}: THEY DIFFER (the announced counts give {} under the ballot's rule)",
            shown(follows)
        )));
    }
    if shown(outcome) == announced.outcome && tally == announced.tally {
        return Ok(format!("{report}: they agree"));
    }
    let (mut more, mut fewer) = (0, 0);
    for position in Position::ALL {
        let (seen, said) = (tally.count(position), announced.tally.count(position));
        more += said.saturating_sub(seen);
        fewer += seen.saturating_sub(said);
    }
    let Unseen {
        outside_thread,
        not_eligible,
    } = announced.unseen;
    // Each vote from outside the thread adds one vote or moves one; each account that
    // may not vote takes away one the thread shows.
    if !announced.unseen.is_empty()
        && more <= outside_thread
        && fewer <= outside_thread + not_eligible
    {
        return Err(VerifyError::Unverifiable(format!(
            "{report}: neither confirmed nor contradicted. The announcement counts votes the public thread cannot show (counted from outside this thread: {outside_thread}; not counted, may not vote: {not_eligible}); the difference is within them, and the announced counts do give {} under the ballot's rule",
            announced.outcome
        )));
    }
    Err(VerifyError::Differ(format!("{report}: THEY DIFFER")))
}

fn settings(ballot: &BallotText, bot_id: &str) -> Settings {
    let day = std::time::Duration::from_secs(86_400);
    Settings {
        bot_acct: String::new(),
        server: Default::default(),
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
        favourites_count_as: ballot.terms.favourites_agree.then_some(Position::Agree),
        receipts: false,
        block_requires_reason: ballot.terms.block_needs_reason,
        mode: Mode::DryRun,
        rules: Default::default(),
        vocabulary: ballot.terms.vocabulary.clone(),
        reminder_before: None,
        answers_per_day: 0,
        proposals_per_day: 0,
        guide_url: None,
        jury: None,
        reports: None,
        advice: None,
        ratify_rule: crate::governance::Rule::ratify(),
        appeals_within: None,
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
    let address = match ballot.split_once("://") {
        Some((scheme, rest)) => Some((scheme.to_string(), rest)),
        // An address copied without its scheme (`social.example/@coopbot/123`).
        None if ballot.contains('/') => {
            let host = ballot.split('/').next().unwrap_or_default();
            Some((scheme_of(host, config), ballot))
        }
        None => None,
    };
    if let Some((scheme, rest)) = address {
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

/// The scheme of an address written without one: the configured instance's for its own
/// host, `http` on this machine (a test instance), else `https`.
fn scheme_of(host: &str, config: Option<&Config>) -> String {
    let configured = config.and_then(|config| config.instance.url.split_once("://"));
    if let Some((scheme, rest)) = configured {
        if rest.split('/').next() == Some(host) {
            return scheme.to_string();
        }
    }
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    match name {
        "localhost" | "[::1]" => "http".to_string(),
        name if name.starts_with("127.") => "http".to_string(),
        _ => "https".to_string(),
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
    receipt: Option<&str>,
) -> Result<String, VerifyError> {
    let (instance, id) = locate(ballot, instance, config)?;
    let token = token_for(&instance, config, verify_token);
    let client = Client::new(&instance, token, std::time::Duration::from_secs(30))
        .map_err(|error| VerifyError::Unverifiable(error.to_string()))?;
    verify(&client, &id, receipt).await
}

/// Recomputes the decision of the ballot `status_id` and compares it with the bot's
/// announcement, or, given a sealed ballot's `receipt`, looks that receipt up. `Ok` holds
/// the report.
pub async fn verify(
    client: &Client,
    status_id: &str,
    receipt: Option<&str>,
) -> Result<String, VerifyError> {
    let ballot = client
        .read_post(status_id)
        .await
        .map_err(|e| unreadable(client, "the ballot", e))?;
    let not_a_ballot = || {
        VerifyError::Unverifiable(
            "that status is not a coopgov ballot (its number, rule or closing time is missing)"
                .to_string(),
        )
    };
    let number = ballot_number(&ballot.text).ok_or_else(not_a_ballot)?;
    let bot_id = ballot.author.identity.account_id.clone();
    // The same reading of the thread as the bot's own close.
    let record = client
        .thread_record(&ballot.status_id, [], &bot_id)
        .await
        .map_err(|e| unreadable(client, "the thread and its favourites", e))?;
    if client.is_anonymous() && record.replies.len() >= VISITOR_DESCENDANTS_LIMIT {
        return Err(VerifyError::Unverifiable(format!(
            "the thread shows {} replies, the most Mastodon shows a visitor, so some may be missing; run verify with a token of any account on that instance (COOPGOV_VERIFY_TOKEN=<token> coopgov verify …) to read it whole",
            record.replies.len()
        )));
    }
    let bot_posts: Vec<&crate::governance::Post> = record
        .replies
        .iter()
        .filter(|reply| {
            reply.author.identity.account_id == bot_id
                && reply.in_reply_to_id.as_deref() == Some(&ballot.status_id)
        })
        .collect();
    // Where the ballot had no room for its terms, its first reply states them.
    let terms_reply = bot_posts
        .iter()
        .find(|reply| is_terms_reply(&reply.text, number))
        .map(|reply| reply.text.as_str());
    let stated = match parse_ballot(&ballot.text, terms_reply) {
        Some(stated) => stated,
        None if terms_reply.is_none() => {
            return Err(VerifyError::Unverifiable(format!(
                "proposal #{number}'s rule is in neither its ballot nor its thread: the bot's first reply stating it (\"{TERMS_HEAD}{number} is decided…\") is missing"
            )))
        }
        None => return Err(not_a_ballot()),
    };
    let sealed = sealed::is_sealed(&ballot, &bot_posts, number);
    if let (false, Some(_)) = (sealed, receipt) {
        return Err(VerifyError::Unverifiable(format!(
            "proposal #{number} is not sealed, so it has no receipts: its votes are the public replies in its thread; run verify without --receipt to recount them"
        )));
    }
    let announcement = bot_posts
        .iter()
        .find_map(|reply| parse_announcement(&reply.text, stated.number))
        .ok_or(VerifyError::Unverifiable(format!(
            "no result of proposal #{} in the thread yet",
            stated.number
        )))?;
    let (closes_at, jury_case, stated_rule, jury_said) = match stated.jury_size {
        Some(size) => {
            let checked = jury::check(
                stated.number,
                &ballot.status_id,
                size,
                stated.rule,
                &bot_posts,
            )?;
            let Some(mut checked) = checked else {
                return Ok(format!(
                    "proposal #{}: the jury's draw checks out; the pool ran out and the proposal was cancelled, so nothing was decided",
                    stated.number
                ));
            };
            let authors: Vec<(String, String)> = record
                .replies
                .iter()
                .map(|reply| &reply.author)
                .chain(&record.favourited_by)
                .map(|author| {
                    (
                        author.identity.acct.clone(),
                        author.identity.account_id.clone(),
                    )
                })
                .collect();
            jury::identify(&mut checked.case, &authors);
            let rule = checked.members_rule.unwrap_or(stated.rule);
            (
                checked.closes_at,
                Some(checked.case),
                rule,
                Some(checked.said),
            )
        }
        None => {
            let closes_at = stated.closes_at.ok_or(VerifyError::Unverifiable(
                "the ballot states no closing time".to_string(),
            ))?;
            (closes_at, None, stated.rule, None)
        }
    };
    let rule = recount_rule(stated_rule, &announcement)?;
    if sealed {
        let lists = sealed::lists(&bot_posts, stated.number)?;
        return match receipt {
            Some(code) => sealed::find(stated.number, &lists, code),
            None => sealed::recount(
                stated.number,
                &rule,
                &lists,
                jury_case.as_ref(),
                &ballot.author.identity.acct,
                &announcement,
            ),
        };
    }
    let settings = settings(&stated, &bot_id);
    let opened_at = ballot.created_at.unwrap_or(closes_at);
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
        rule,
        opened_at,
        closes_at,
        ballot: Some(StatusRef {
            status_id: ballot.status_id.clone(),
            url: ballot.url.clone(),
        }),
        votes: Default::default(),
        favourites: Default::default(),
        explained: Default::default(),
        stage: Stage::Open,
        reminded: true,
        jury: jury_case,
        origin: Default::default(),
    };
    let step = engine::close(&settings, &proposal, &record, closes_at);
    let closing =
        step.proposals
            .first()
            .and_then(|p| p.closing())
            .ok_or(VerifyError::Unverifiable(
                "the ballot could not be tallied".to_string(),
            ))?;
    let verdict = judge(
        stated.number,
        &rule,
        (closing.outcome, closing.tally),
        &announcement,
    );
    match jury_said {
        // Only the jurors' replies and favourites were recounted.
        Some(said) => {
            verdict.map(|report| format!("{report}; {said}, and only their votes recounted"))
        }
        None => verdict,
    }
}
