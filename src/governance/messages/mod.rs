//! The words the bot posts: ballots, results, answers. Pure functions of the record.
//! Every sentence a member or the working group reads is written here or in the
//! modules beside it (refusals, the working group's answers, the jury pool's answers).

pub mod advice;
mod ballot;
pub mod jury;
pub mod refusals;
pub mod reports;
pub mod sealed;
pub mod seating;
pub mod urgent;
pub mod working_group;

pub mod appeals;
pub use ballot::{
    ballot, how_to_vote, room_for_ratification, room_for_reason, terms_reply, REASON_ROOM,
    TERMS_HEAD,
};

use super::proposal::{Application, Closing, Origin, Proposal, Unseen};
use super::settings::Settings;
use super::{Action, Method, Outcome, Position, Quorum, Rule, Severity, Tally};
use chrono::{DateTime, Timelike, Utc};

/// Follows an `@` so that no server reads a mention there.
const ZERO_WIDTH_SPACE: char = '\u{200B}';

/// Stops text from mentioning anyone. Servers differ in what they read as a mention
/// (Mastodon skips `a@b` and `/@b` in links, a laxer server reads `@b` anywhere), so a
/// zero-width space goes after every `@` that something follows, wherever it stands. One
/// `@` is left as it is: a link's path segment `/@name` naming one account of the link's
/// own server (`https://host/@coopbot/1`), which is how a server writes the address of a
/// status, the bot's ballots among them. A link that names an account of another server
/// (`https://host/@troll@evil.example/1`) is defanged like any text.
pub fn defang(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        out.push_str(&rest[..start]);
        let token = &rest[start..];
        let end = token.find(char::is_whitespace).unwrap_or(token.len());
        let (word, after) = token.split_at(end);
        if is_status_link(word) {
            out.push_str(word);
        } else {
            let mut chars = word.chars().peekable();
            while let Some(c) = chars.next() {
                out.push(c);
                if c == '@' && chars.peek().is_some_and(|next| *next != ZERO_WIDTH_SPACE) {
                    out.push(ZERO_WIDTH_SPACE);
                }
            }
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `text` with every `@` defanged, links included: for words that must reach nobody but
/// their addressee whatever a server makes of a link (a case file's comments and posts).
pub fn defang_all(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '@'
            && chars
                .peek()
                .is_some_and(|next| !next.is_whitespace() && *next != ZERO_WIDTH_SPACE)
        {
            out.push(ZERO_WIDTH_SPACE);
        }
    }
    out
}

/// Whether `word` is a link whose only `@` opens a path segment naming one account of the
/// link's own server: `https://host/@name/…`.
fn is_status_link(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let Some(after_scheme) = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
    else {
        return false;
    };
    let Some(path_start) = after_scheme.find('/') else {
        return false;
    };
    let path = &after_scheme[path_start..];
    if after_scheme[..path_start].contains('@') || path.matches('@').count() != 1 {
        return false;
    }
    let Some(at) = path.find("/@") else {
        return false;
    };
    let name = path[at + 2..].split(['/', '?', '#']).next().unwrap_or("");
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
}

/// A message to `acct` alone: their mention, then `text` unable to mention anyone else.
pub fn to(acct: &str, text: &str) -> String {
    format!("@{acct} {}", defang(text))
}

/// A long list as numbered posts of at most `max` characters each: `{title} (1/3):` and
/// its lines, filled in order, each part numbered once the count is known (`none` for an
/// empty list). A line too long for a post is cut.
pub fn numbered_posts(title: &str, lines: &[String], max: usize) -> Vec<String> {
    let head = |part: usize, parts: usize| format!("{title} ({part}/{parts}):");
    let room = max
        .saturating_sub(head(999, 999).chars().count() + 1)
        .max(20);
    let mut posts: Vec<Vec<String>> = vec![Vec::new()];
    let mut used = 0;
    for line in lines {
        let line = shorten(line, room);
        let length = line.chars().count() + 1;
        if used + length > room && !posts.last().is_some_and(Vec::is_empty) {
            posts.push(Vec::new());
            used = 0;
        }
        used += length;
        posts.last_mut().expect("a post").push(line);
    }
    let count = posts.len();
    posts
        .into_iter()
        .enumerate()
        .map(|(index, lines)| match lines.is_empty() {
            true => format!("{} none", head(index + 1, count)),
            false => format!("{}\n{}", head(index + 1, count), lines.join("\n")),
        })
        .collect()
}

/// Cuts `text` to at most `max` characters, ending with `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// Builds a post around `quoted` (user text), shortening only `quoted` to fit `max`.
fn fit(max: usize, quoted: &str, build: impl Fn(&str) -> String) -> String {
    let full = build(quoted);
    let excess = full.chars().count().saturating_sub(max);
    if excess == 0 {
        return full;
    }
    let room = quoted.chars().count().saturating_sub(excess + 1);
    let cut = build(&shorten(quoted, room));
    // The frame alone may be longer than the limit; the server would refuse it whole.
    shorten(&cut, max)
}

pub fn action_phrase(action: &Action) -> String {
    match action {
        Action::Suspend { domain } => format!("suspend {}", domain_shown(domain)),
        Action::Silence { domain } => format!("limit (silence) {}", domain_shown(domain)),
        Action::Unblock { domain } => format!("lift the block on {}", domain_shown(domain)),
        Action::Motion => "motion".to_string(),
        Action::Adopt {
            from,
            suspend,
            silence,
        } => advice::adopt_phrase(from, *suspend, *silence),
    }
}

/// A domain as members read it: an internationalised one (stored in punycode, as the
/// admin API takes it) with its Unicode form beside it, `xn--mnchen-3ya.example
/// (münchen.example)`. The punycode stays first: it is what is blocked, and a look-alike
/// letter cannot hide in it.
pub fn domain_shown(domain: &str) -> String {
    if !domain.split('.').any(|label| label.starts_with("xn--")) {
        return domain.to_string();
    }
    match idna::domain_to_unicode(domain) {
        (unicode, Ok(())) if unicode != domain => format!("{domain} ({unicode})"),
        _ => domain.to_string(),
    }
}

/// A time as members read it: to the minute, with seconds only when it has them.
pub fn time(at: DateTime<Utc>) -> String {
    if at.second() == 0 {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

/// The rule in one line, in a form `coopgov verify` can read back.
pub fn rule_line(rule: &Rule) -> String {
    let quorum = match rule.quorum {
        Quorum::Voters(n) => n.to_string(),
        Quorum::PercentOfRoster(percent) => format!("{percent}%"),
    };
    let mut line = format!("Rule: {}", rule.method.name());
    if rule.method != Method::Consent {
        line.push_str(&format!(", threshold {}", rule.threshold));
    }
    if rule.method != Method::Majority {
        line.push_str(&format!(", max blocks {}", rule.max_blocks));
        if let Some(ratio) = rule.block_override_ratio {
            line.push_str(&format!(", override {ratio}×"));
        }
    }
    line.push_str(&format!(", quorum {quorum}"));
    line
}

pub fn counts(tally: &Tally) -> String {
    Position::ALL
        .iter()
        .map(|position| format!("{} {}", position.name(), tally.count(*position)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// An outcome as results show it: `PASSED`, `NO QUORUM`, `STOPPED BY A BLOCK` (a
/// member's block stopped it: "BLOCKED" read as if the server had been blocked)…
pub fn outcome_phrase(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "PASSED",
        Outcome::Rejected => "REJECTED",
        Outcome::Blocked => "STOPPED BY A BLOCK",
        Outcome::NoQuorum => "NO QUORUM",
        Outcome::Cancelled => "CANCELLED",
    }
}

/// The outcome a result names, as `outcome_phrase` writes it and as results before
/// "STOPPED BY A BLOCK" did ("BLOCKED").
pub fn read_outcome_phrase(phrase: &str) -> Option<Outcome> {
    let outcomes = [
        Outcome::Passed,
        Outcome::Rejected,
        Outcome::Blocked,
        Outcome::NoQuorum,
        Outcome::Cancelled,
    ];
    match phrase.trim() {
        "BLOCKED" => Some(Outcome::Blocked),
        phrase => outcomes
            .into_iter()
            .find(|outcome| outcome_phrase(*outcome) == phrase),
    }
}

fn what_next(proposal: &Proposal, closing: &Closing) -> String {
    if proposal.origin.is_ratification() {
        let in_force = closing.application != Application::NotNeeded;
        return urgent::what_next(proposal, closing, in_force);
    }
    let action = action_phrase(&proposal.action);
    match (&closing.application, &proposal.action) {
        (_, Action::Motion) if closing.outcome == Outcome::Passed => {
            "The motion is adopted; there is nothing for the bot to apply.".to_string()
        }
        (Application::Pending, _) => format!("Applying now: {action}."),
        (Application::AwaitingConfirmation, _) => {
            format!("Waiting for the working group to confirm: {action}.")
        }
        (Application::DryRun, _) => {
            format!("Dry run: the bot would {action} now; nothing was changed.")
        }
        _ => "Nothing will be changed.".to_string(),
    }
}

pub fn announcement(settings: &Settings, proposal: &Proposal, closing: &Closing) -> String {
    let needed = proposal.rule.quorum.voters_needed(settings.roster_size());
    let blocks: Vec<String> = closing
        .block_reasons
        .iter()
        .map(|(acct, reason)| format!("{}: {}", defang(acct), defang(reason)))
        .collect();
    let block_text = blocks.join("; ");
    fit(settings.max_characters, &block_text, |block_text| {
        let mut text = format!(
            "Result of proposal #{}: {}\n{}\n{}\nVoters: {} (quorum {needed})\n",
            proposal.number,
            outcome_phrase(closing.outcome),
            proposal_phrase(proposal),
            counts(&closing.tally),
            closing.tally.voters(),
        );
        if !closing.unseen.is_empty() {
            text.push_str(&unseen_line(closing.unseen));
        }
        let jury = proposal.jury.as_ref().filter(|case| case.jury_decides());
        if let Some(jury) = jury.and_then(|case| case.draw.as_ref()) {
            text.push_str(&seating::decided_by(jury, closing.tally.voters()));
            text.push('\n');
        }
        if !block_text.is_empty() {
            text.push_str(&format!("Blocks: {block_text}\n"));
        }
        if closing.sealed.is_some() {
            text.push_str(sealed::lists_follow());
        }
        text.push_str(&what_next(proposal, closing));
        text
    })
}

/// What a reader of the thread cannot see, in words `coopgov verify` reads back.
pub fn unseen_line(unseen: Unseen) -> String {
    format!(
        "Counted from outside this thread: {} · Not counted, may not vote: {}\n",
        unseen.outside_thread, unseen.not_eligible
    )
}

/// The decision is in force; `stricter` names the severity of a stricter block that
/// was already in place.
pub fn applied(proposal: &Proposal, stricter: Option<Severity>) -> String {
    if let (true, Some(closing)) = (proposal.origin.is_ratification(), proposal.closing()) {
        return urgent::done(proposal, closing);
    }
    if let (Some(severity), Some(domain)) = (stricter, proposal.action.domain()) {
        return format!(
            "Done: {} was already under a {severity} block, as strict or stricter than proposal #{} asked; it stays.",
            domain_shown(domain),
            proposal.number
        );
    }
    let done = match &proposal.action {
        Action::Suspend { domain } => {
            format!("{} is now suspended on this instance", domain_shown(domain))
        }
        Action::Silence { domain } => {
            format!("{} is now limited on this instance", domain_shown(domain))
        }
        Action::Unblock { domain } => format!(
            "{} is no longer blocked on this instance",
            domain_shown(domain)
        ),
        Action::Motion => "nothing to apply".to_string(),
        Action::Adopt { .. } => return advice::batch_applied(proposal),
    };
    format!("Done: {done}, as decided in proposal #{}.", proposal.number)
}

/// The public comment on the domain block, naming the decision.
pub fn block_comment(proposal: &Proposal) -> String {
    let link = proposal
        .ballot
        .as_ref()
        .map(|ballot| format!(" {}", ballot.url))
        .unwrap_or_default();
    let who = match &proposal.jury {
        Some(case) if case.jury_decides() => "the Standing Jury",
        _ => "the members",
    };
    format!("Decided by {who} in proposal #{}{link}", proposal.number)
}

/// How a proposal came to be, for `show` and the exports; `None` for a member's request.
pub fn origin_phrase(proposal: &Proposal) -> Option<String> {
    match &proposal.origin {
        Origin::Request => None,
        Origin::Reports(case) => Some(format!(
            "from reports: opened by the bot after {} members reported accounts of {}",
            case.reporters,
            domain_shown(&case.domain)
        )),
        Origin::Ratification(provisional) => Some(format!(
            "urgent action: @{} of the working group acted at once; this vote keeps it or undoes it",
            provisional.actor.acct
        )),
        Origin::Appeal { of } => Some(format!("appeal of #{of}")),
        Origin::Subscription(advised) => Some(advice::origin_phrase(advised)),
    }
}

/// What a proposal asks, as its ballot's first line names it: a ratification is
/// `ratify suspend spam.example`.
pub fn proposal_phrase(proposal: &Proposal) -> String {
    match &proposal.origin {
        Origin::Ratification(_) => format!("ratify {}", action_phrase(&proposal.action)),
        Origin::Request | Origin::Reports(_) | Origin::Appeal { .. } | Origin::Subscription(_) => {
            action_phrase(&proposal.action)
        }
    }
}

/// How a proposal came to be, in two or three words for a list: "from reports",
/// "appeal of #1", "urgent action undone"; `None` for a member's own proposal.
pub fn origin_tag(proposal: &Proposal) -> Option<String> {
    Some(match &proposal.origin {
        Origin::Request => return None,
        Origin::Reports(_) => "from reports".to_string(),
        Origin::Appeal { of } => format!("appeal of #{of}"),
        Origin::Subscription(advised) if !advised.batch.is_empty() => {
            "batch from subscriptions".to_string()
        }
        Origin::Subscription(_) => "from subscriptions".to_string(),
        Origin::Ratification(_) => match proposal.closing() {
            Some(closing) if closing.application == Application::NotNeeded => {
                "urgent action that never took effect".to_string()
            }
            Some(closing) if closing.outcome == Outcome::Passed => "urgent action kept".to_string(),
            Some(_) => "urgent action undone".to_string(),
            None => "urgent action".to_string(),
        },
    })
}

/// What a proposal's decision did on the instance once carried out, in a few words:
/// "suspended spam.example", "urgent action undone: spam.example is unblocked".
pub fn deed(proposal: &Proposal, closing: &Closing) -> String {
    let domain = proposal
        .action
        .domain()
        .map(domain_shown)
        .unwrap_or_default();
    if proposal.origin.is_ratification() {
        return match closing.outcome {
            Outcome::Passed => format!("urgent action kept: the block on {domain} stays"),
            _ => format!(
                "urgent action undone: {}",
                urgent::put_back(proposal, &domain)
            ),
        };
    }
    match &proposal.action {
        Action::Suspend { .. } => format!("suspended {domain}"),
        Action::Silence { .. } => format!("limited (silenced) {domain}"),
        Action::Unblock { .. } => format!("lifted the block on {domain}"),
        Action::Motion => "nothing to change for a motion".to_string(),
        Action::Adopt { .. } => advice::batch_deed(proposal),
    }
}

pub fn status_report(settings: &Settings, proposal: &Proposal) -> String {
    let head = format!(
        "Proposal #{}: {}",
        proposal.number,
        action_phrase(&proposal.action)
    );
    let ballot = proposal
        .ballot
        .as_ref()
        .map(|ballot| format!("\nBallot: {}", ballot.url))
        .unwrap_or_default();
    if proposal.is_seating() {
        return format!(
            "{head}\nSeating its jury: {}{ballot}",
            seating::progress(proposal)
        );
    }
    match proposal.closing() {
        Some(closing) => format!(
            "{head}\nClosed {}: {}\n{}{ballot}",
            time(closing.closed_at),
            outcome_phrase(closing.outcome),
            counts(&closing.tally)
        ),
        None => format!(
            "{head}\nOpen until {}\nSo far: {}{ballot}",
            time(proposal.closes_at),
            sealed::so_far(proposal, &proposal.tally(settings.favourites_count_as))
        ),
    }
}

/// When voting on `proposal` closes, as every message states it: the time, or, while its
/// jury is still to be seated, how long voting runs from the seating (the time is not
/// known before).
pub fn closes_phrase(proposal: &Proposal) -> String {
    match &proposal.jury {
        Some(case) if case.seating == crate::governance::jury::Seating::Seating => format!(
            "{} after its jury is seated",
            crate::commands::format_duration(case.voting)
        ),
        _ => time(proposal.closes_at),
    }
}

pub fn opened(proposal: &Proposal, ballot_url: &str) -> String {
    match &proposal.jury {
        Some(case) if case.seating == crate::governance::jury::Seating::Seating => format!(
            "Proposal #{} is open: a jury is being drawn by lot, and it votes for {} once seated: {ballot_url}",
            proposal.number,
            crate::commands::format_duration(case.voting)
        ),
        _ => format!(
            "Proposal #{} is open for votes until {}: {ballot_url}",
            proposal.number,
            time(proposal.closes_at)
        ),
    }
}

pub fn not_counted(number: u64, why: &str) -> String {
    format!("Your vote on proposal #{number} was not counted: {why}")
}

pub fn apply_failed(proposal: &Proposal, error: &str) -> String {
    format!(
        "Proposal #{} passed, but the bot could not {}: {}",
        proposal.number,
        action_phrase(&proposal.action),
        error
    )
}

/// The one reminder before the close, in the ballot's thread.
pub fn reminder(settings: &Settings, proposal: &Proposal, left: chrono::Duration) -> String {
    let tally = proposal.tally(settings.favourites_count_as);
    let so_far = match proposal.is_sealed() {
        true => sealed::so_far(proposal, &tally),
        false => format!("{} ({})", tally.voters(), counts(&tally)),
    };
    format!(
        "Reminder: voting on proposal #{} ({}) closes in {}, at {}. Votes so far: {so_far}.",
        proposal.number,
        action_phrase(&proposal.action),
        time_left(left),
        time(proposal.closes_at),
    )
}

/// "2 days", "5 hours", "12 minutes", "40 seconds": the largest whole unit.
pub fn time_left(left: chrono::Duration) -> String {
    let seconds = left.num_seconds().max(0);
    let (count, unit) = match seconds {
        s if s >= 2 * 86_400 => (s / 86_400, "days"),
        s if s >= 2 * 3_600 => (s / 3_600, "hours"),
        s if s >= 2 * 60 => (s / 60, "minutes"),
        s => (s, "seconds"),
    };
    format!("{count} {unit}")
}

/// The members' help; the guide's link goes first, where cutting a long post never reaches.
pub fn help(settings: &Settings) -> String {
    let help = crate::commands::help_text_with(
        &settings.vocabulary,
        settings.jury.is_some(),
        settings.appeals_within.is_some(),
    );
    match &settings.guide_url {
        Some(url) => format!("How it all works: {url}\n{help}"),
        None => help,
    }
}
