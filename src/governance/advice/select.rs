//! Which of the lists' advice is put to our members now, and why the rest is not: one
//! pure function of what the lists hold, what was considered before, the proposals and,
//! when the bot read them, the instance's blocks.

use super::{About, AdviceSettings, Considered, Propose, Subscribed, DECISION_STANDS};
use crate::governance::proposal::{Proposal, Source};
use crate::governance::Outcome;
use crate::model::Severity;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Advice ready to be put to the members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub domain: String,
    pub about: About,
    /// The subscriptions that list it (or, for an unblock, that gave it), and what each says.
    pub sources: Vec<Source>,
    pub reject_media: bool,
    pub reject_reports: bool,
    /// How it is put: the mode of the subscription that listed it first.
    pub propose: Propose,
    /// That subscription's name.
    pub first_source: String,
    pub since: DateTime<Utc>,
    pub position: u32,
}

/// Why advice about a domain is not put to the members now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhyNot {
    /// Fewer subscriptions list it than `min_sources`.
    TooFewSources { listed_by: u32, needed: u32 },
    /// `[advice] exclude` names it or a domain above it.
    Excluded,
    /// The instance's own domain, or under it.
    OwnDomain,
    /// It advises a silence and this server cannot silence.
    CannotSilence,
    /// A proposal about it is open.
    ProposalOpen(u64),
    /// Our members decided about it in the last 90 days.
    DecidedRecently(u64),
    /// The instance already blocks it at least this strictly.
    AlreadyBlocked(Severity),
    /// Already put to the members (or skipped for good) at this severity.
    AskedBefore(Option<u64>),
    /// It waits for room: `max_open` proposals from subscriptions are open, or its
    /// subscription's batch is.
    Waiting,
    /// For lifting a block: our block did not come from subscriptions alone.
    NotOnlyFromAdvice,
    /// For lifting a block: the instance does not block it.
    NotBlocked,
}

impl WhyNot {
    /// Whether the reason lasts until the advice changes: then it is kept as considered.
    pub fn lasts(&self) -> bool {
        matches!(
            self,
            WhyNot::DecidedRecently(_) | WhyNot::AlreadyBlocked(_) | WhyNot::NotOnlyFromAdvice
        )
    }

    /// In words, for `coopgov advice` and the record.
    pub fn words(&self) -> String {
        match self {
            WhyNot::TooFewSources { listed_by, needed } => format!(
                "listed by {listed_by} of the {needed} subscriptions [advice] min_sources asks for"
            ),
            WhyNot::Excluded => "excluded by [advice] exclude".to_string(),
            WhyNot::OwnDomain => "our own domain".to_string(),
            WhyNot::CannotSilence => "a silence, which this server cannot do".to_string(),
            WhyNot::ProposalOpen(number) => format!("proposal #{number} about it is open"),
            WhyNot::DecidedRecently(number) => {
                format!("our members decided about it in proposal #{number}, less than 90 days ago")
            }
            WhyNot::AlreadyBlocked(severity) => {
                format!("already blocked ({severity}) at least as strictly")
            }
            WhyNot::AskedBefore(Some(number)) => {
                format!("already put to our members in proposal #{number}")
            }
            WhyNot::AskedBefore(None) => "considered before, and nothing changed".to_string(),
            WhyNot::Waiting => {
                "waits its turn (max_open proposals from lists are open)".to_string()
            }
            WhyNot::NotOnlyFromAdvice => {
                "our block did not come from subscriptions alone: our members decide to lift it"
                    .to_string()
            }
            WhyNot::NotBlocked => "not blocked here: nothing to lift".to_string(),
        }
    }
}

/// What is put to the members now, what waits, and why each other entry is not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// To open now, in the lists' order.
    pub open: Vec<Candidate>,
    /// Ready, but waiting for room, in order.
    pub waiting: Vec<Candidate>,
    /// Everything else the lists advise, by domain.
    pub not: BTreeMap<String, WhyNot>,
}

/// What the instance and the core know that selection needs.
pub struct Known<'a> {
    pub own_domain: &'a str,
    pub can_silence: bool,
    /// The instance's blocks by domain; `None` when they were not read (then nothing
    /// that needs them is opened, only found).
    pub blocks: Option<&'a BTreeMap<String, Severity>>,
    pub now: DateTime<Utc>,
}

/// What the lists advise now, put against what our members have and have not decided.
pub fn select(
    settings: &AdviceSettings,
    known: &Known,
    subscribed: &[Subscribed],
    considered: &BTreeMap<String, Considered>,
    proposals: &[Proposal],
) -> Selection {
    let mut selection = Selection::default();
    let mut ready = Vec::new();
    let index = Index::of(proposals);
    for (domain, listing) in listings(settings, subscribed) {
        match block_candidate(settings, known, &domain, &listing, considered, &index) {
            Ok(candidate) => ready.push(candidate),
            Err(why) => {
                selection.not.insert(domain, why);
            }
        }
    }
    for (domain, considered) in considered {
        if listed_anywhere(subscribed, domain) {
            continue;
        }
        match unblock_candidate(known, considered, subscribed, &index) {
            Some(Ok(candidate)) => ready.push(candidate),
            Some(Err(why)) => {
                selection.not.insert(domain.clone(), why);
            }
            None => {}
        }
    }
    ready.sort_by(|a, b| (a.since, a.position, &a.domain).cmp(&(b.since, b.position, &b.domain)));
    let mut room = room_for_each(settings, proposals);
    let mut batch_open: BTreeMap<String, bool> = open_batches(proposals);
    for candidate in ready {
        let fits = match candidate.propose {
            Propose::Each => room > 0,
            Propose::Batch => !batch_open
                .get(&candidate.first_source)
                .copied()
                .unwrap_or(false),
        };
        if !fits {
            selection.waiting.push(candidate);
            continue;
        }
        if candidate.propose == Propose::Each {
            room -= 1;
        }
        let batched = selection
            .open
            .iter()
            .filter(|c| c.propose == Propose::Batch && c.first_source == candidate.first_source)
            .count();
        if candidate.propose == Propose::Batch && batched >= settings.batch_max as usize {
            batch_open.insert(candidate.first_source.clone(), true);
            selection.waiting.push(candidate);
            continue;
        }
        selection.open.push(candidate);
    }
    selection
}

/// Per domain, each subscription that lists it with a block: its name, entry and severity.
type Listing<'a> = Vec<(&'a Subscribed, &'a super::Entry, Severity)>;

fn listings<'a>(
    settings: &AdviceSettings,
    subscribed: &'a [Subscribed],
) -> BTreeMap<String, Listing<'a>> {
    let mut by_domain: BTreeMap<String, Listing> = BTreeMap::new();
    for subscription in subscribed {
        // A subscription no longer in bot.toml advises nothing; nor does one that cannot
        // be used now (unreadable, or suddenly emptied): the working group was told that
        // nothing is proposed from it until it works again.
        let Some(configured) = settings.subscription(&subscription.name) else {
            continue;
        };
        if subscription.failing.is_some() {
            continue;
        }
        for (domain, entry) in &subscription.entries {
            let Some(severity) = entry.listed.advice.severity() else {
                continue;
            };
            let capped = severity.min(configured.max_severity);
            if capped == Severity::Noop {
                continue;
            }
            by_domain
                .entry(domain.clone())
                .or_default()
                .push((subscription, entry, capped));
        }
    }
    by_domain
}

fn listed_anywhere(subscribed: &[Subscribed], domain: &str) -> bool {
    subscribed.iter().any(|s| s.advises(domain).is_some())
}

fn block_candidate(
    settings: &AdviceSettings,
    known: &Known,
    domain: &str,
    listing: &Listing,
    considered: &BTreeMap<String, Considered>,
    index: &Index,
) -> Result<Candidate, WhyNot> {
    if super::within(domain, &known.own_domain.to_lowercase()) {
        return Err(WhyNot::OwnDomain);
    }
    if settings.excludes(domain) {
        return Err(WhyNot::Excluded);
    }
    let listed_by = listing.len() as u32;
    if listed_by < settings.min_sources {
        return Err(WhyNot::TooFewSources {
            listed_by,
            needed: settings.min_sources,
        });
    }
    let severity = listing
        .iter()
        .map(|(_, _, severity)| *severity)
        .max()
        .unwrap_or(Severity::Suspend);
    if severity == Severity::Silence && !known.can_silence {
        return Err(WhyNot::CannotSilence);
    }
    if let Some(earlier) = considered.get(domain) {
        if let About::Block { severity: asked } = earlier.about {
            if asked >= severity {
                return Err(WhyNot::AskedBefore(earlier.proposal));
            }
        }
    }
    about_domain(known, index.about(domain))?;
    if let Some(blocked) = known.blocks.and_then(|blocks| blocks.get(domain)) {
        if *blocked >= severity {
            return Err(WhyNot::AlreadyBlocked(*blocked));
        }
    }
    let first = listing
        .iter()
        .min_by_key(|(_, entry, _)| (entry.since, entry.position))
        .expect("a listing has a subscription");
    let strict = |flag: fn(&super::Advice) -> bool| {
        listing
            .iter()
            .any(|(_, entry, _)| flag(&entry.listed.advice))
    };
    let propose = settings
        .subscription(&first.0.name)
        .map_or(Propose::Each, |s| s.propose);
    Ok(Candidate {
        domain: domain.to_string(),
        about: About::Block { severity },
        sources: listing
            .iter()
            .map(|(subscription, entry, _)| Source {
                name: subscription.name.clone(),
                comment: entry.listed.comment.clone(),
                labels: entry.listed.labels.clone(),
            })
            .collect(),
        // Media and reports are refused with a silence only: a suspension refuses all.
        reject_media: severity == Severity::Silence
            && strict(|advice| {
                matches!(
                    advice,
                    super::Advice::Block {
                        reject_media: true,
                        ..
                    }
                )
            }),
        reject_reports: severity == Severity::Silence
            && strict(|advice| {
                matches!(
                    advice,
                    super::Advice::Block {
                        reject_reports: true,
                        ..
                    }
                )
            }),
        propose,
        first_source: first.0.name.clone(),
        since: first.1.since,
        position: first.1.position,
    })
}

/// The proposals by number, and, per server, those about it (a batch's entries
/// included), newest first: built once per selection, so a list of 10,000 entries against
/// years of proposals costs one pass over each.
struct Index<'a> {
    by_number: BTreeMap<u64, &'a Proposal>,
    about: BTreeMap<&'a str, Vec<&'a Proposal>>,
}

impl<'a> Index<'a> {
    fn of(proposals: &'a [Proposal]) -> Index<'a> {
        let mut about: BTreeMap<&str, Vec<&Proposal>> = BTreeMap::new();
        let mut by_number = BTreeMap::new();
        for proposal in proposals.iter().rev() {
            by_number.insert(proposal.number, proposal);
            let batch = proposal
                .origin
                .advised()
                .map(|advised| advised.batch.as_slice())
                .unwrap_or(&[]);
            let domains = proposal
                .action
                .domain()
                .into_iter()
                .chain(batch.iter().map(|entry| entry.domain.as_str()));
            for domain in domains {
                about.entry(domain).or_default().push(proposal);
            }
        }
        Index { by_number, about }
    }

    /// The proposals about `domain`, newest first.
    fn about(&self, domain: &str) -> &[&'a Proposal] {
        self.about.get(domain).map_or(&[], Vec::as_slice)
    }
}

/// A proposal about the server is open, or our members decided about it lately.
fn about_domain(known: &Known, newest_first: &[&Proposal]) -> Result<(), WhyNot> {
    let standing = chrono::Duration::from_std(DECISION_STANDS).unwrap_or(chrono::Duration::MAX);
    for proposal in newest_first {
        match proposal.closing() {
            None => return Err(WhyNot::ProposalOpen(proposal.number)),
            Some(closing)
                if closing.outcome != Outcome::Cancelled
                    && closing.closed_at + standing > known.now =>
            {
                return Err(WhyNot::DecidedRecently(proposal.number))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// An unblock, when every list that gave a block we applied because of them has dropped it.
fn unblock_candidate(
    known: &Known,
    considered: &Considered,
    subscribed: &[Subscribed],
    index: &Index,
) -> Option<Result<Candidate, WhyNot>> {
    let About::Block { .. } = considered.about else {
        return None;
    };
    let number = considered.proposal?;
    let domain = considered.domain.as_str();
    let ours = *index.by_number.get(&number)?;
    let closing = ours.closing()?;
    if closing.outcome != Outcome::Passed || !ours.effect_stands() {
        return None;
    }
    // A later decision by our members about the domain is theirs to undo, not a list's.
    let later = index
        .about(domain)
        .iter()
        .find(|p| p.number > number && p.action.domain() == Some(domain));
    if let Some(later) = later {
        if later.closing().is_none() {
            return Some(Err(WhyNot::ProposalOpen(later.number)));
        }
        if later.origin.advised().is_none()
            && later
                .closing()
                .is_some_and(|c| c.outcome == Outcome::Passed)
        {
            return Some(Err(WhyNot::NotOnlyFromAdvice));
        }
    }
    if let Some(blocks) = known.blocks {
        if !blocks.contains_key(domain) {
            return Some(Err(WhyNot::NotBlocked));
        }
    }
    let advised = ours.origin.advised()?;
    let sources = advised
        .sources
        .iter()
        .map(|source| Source {
            name: source.name.clone(),
            comment: removal_comment(subscribed, &source.name, domain),
            labels: Vec::new(),
        })
        .collect();
    Some(Ok(Candidate {
        domain: domain.to_string(),
        about: About::Unblock,
        sources,
        reject_media: false,
        reject_reports: false,
        propose: Propose::Each,
        first_source: advised
            .sources
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        since: considered.at,
        position: 0,
    }))
}

/// What a subscription said on dropping `domain` (a FIRES Retraction's comment).
fn removal_comment(subscribed: &[Subscribed], name: &str, domain: &str) -> String {
    subscribed
        .iter()
        .find(|s| s.name == name)
        .and_then(|s| s.removed.get(domain).cloned())
        .unwrap_or_default()
}

/// Proposals opened one by one from advice may be open `max_open` at once.
fn room_for_each(settings: &AdviceSettings, proposals: &[Proposal]) -> u32 {
    let open = proposals
        .iter()
        .filter(|p| p.closing().is_none())
        .filter(|p| p.origin.advised().is_some_and(|a| a.batch.is_empty()))
        .count() as u32;
    settings.max_open.saturating_sub(open)
}

/// The subscriptions with a batch open.
fn open_batches(proposals: &[Proposal]) -> BTreeMap<String, bool> {
    proposals
        .iter()
        .filter(|p| p.closing().is_none())
        .filter_map(|p| p.origin.advised())
        .filter(|advised| !advised.batch.is_empty())
        .filter_map(|advised| advised.sources.first())
        .map(|source| (source.name.clone(), true))
        .collect()
}
