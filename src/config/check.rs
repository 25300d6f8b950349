//! From the raw file to a `Config`: defaults filled in, each table checked in turn.

use super::raw::{RawActions, RawConfig, RawInstance, RawMembership, RawProposals, RawVocabulary};
use super::values::{not_a_web_address, web_address, Checker};
use super::*;
use crate::commands::WORD_SEPARATORS;
use toml::Spanned;

type Checked<T> = Result<T, ConfigError>;

pub(super) fn config(text: &str, path: &Path) -> Checked<Config> {
    let checker = Checker::new(text, path);
    let raw: RawConfig = serde_path_to_error::deserialize(toml::Deserializer::new(text))
        .map_err(|error| checker.toml_error(&error))?;
    let instance = checker.instance(raw.instance)?;
    let storage = StorageConfig {
        path: match &raw.storage.path {
            Some(path) => checker.path(path, "storage.path")?,
            None => checker.folder.join("coopgov.db"),
        },
    };
    let membership = checker.membership(raw.membership)?;
    let roster = matches!(membership.voters, Voters::Roster { .. });
    let proposals = checker.proposals(&raw.proposals)?;
    let mut rules = raw.rules;
    let jury_rule = rules.jury.take();
    let ratify_quorum = rules.ratify.as_ref().and_then(|rule| rule.quorum.as_ref());
    let ratify_quorum = ratify_quorum.map(Spanned::span);
    let rules = checker.rules(rules, roster)?;
    let jury = checker.jury(raw.jury, jury_rule, &proposals)?;
    checker.ratify_fits_jury(&rules.ratify, ratify_quorum, jury.as_ref())?;
    Ok(Config {
        path: path.to_path_buf(),
        instance,
        proposals,
        rules,
        actions: checker.actions(&raw.actions, &membership)?,
        vocabulary: checker.vocabulary(raw.vocabulary)?,
        limits: LimitsConfig {
            answers_per_account_per_day: checker.count(
                &raw.limits.answers_per_account_per_day,
                "limits.answers_per_account_per_day",
                20,
            )?,
            proposals_per_member_per_day: checker.count(
                &raw.limits.proposals_per_member_per_day,
                "limits.proposals_per_member_per_day",
                3,
            )?,
        },
        membership,
        jury,
        reports: checker.reports(raw.reports)?,
        appeals_within: checker.appeals_within(&raw.appeals)?,
        publish: checker.publish(raw.publish, &storage.path)?,
        advice: checker.advice(raw.subscriptions, raw.advice)?,
        storage,
    })
}

impl Checker<'_> {
    fn instance(&self, raw: Option<Spanned<RawInstance>>) -> Checked<InstanceConfig> {
        let Some(raw) = raw else {
            let message = r#"has no [instance] table; add one with url = "https://your.instance""#;
            return Err(self.whole(message.to_owned()));
        };
        let table_span = raw.span();
        let raw = raw.into_inner();
        let Some(url) = &raw.url else {
            let message = r#"[instance] has no url; add url = "https://your.instance""#;
            return Err(self.at(table_span, message.to_owned()));
        };
        let software = SOFTWARE.map(|name| (name, name));
        let software = self.choose(
            &raw.software,
            "instance.software",
            "a supported platform",
            &software,
            "auto",
        )?;
        let token = match (&raw.token_env, &raw.token_file) {
            (Some(_), Some(file)) => {
                let message = "instance.token_env and instance.token_file are both set; \
                               keep one: the token is read from a variable or from a file";
                return Err(self.at(file.span(), message.to_owned()));
            }
            (None, Some(file)) => TokenSource::File(self.path(file, "instance.token_file")?),
            (Some(name), None) => TokenSource::Env(self.variable_name(name)?),
            (None, None) => TokenSource::Env("COOPGOV_TOKEN".to_owned()),
        };
        Ok(InstanceConfig {
            url: self.url(url, "instance.url", "https://social.example")?,
            software: software.to_owned(),
            token,
            poll_interval: self
                .duration(&raw.poll_interval, "instance.poll_interval", "20s", false)?
                .value,
            request_timeout: self
                .duration(
                    &raw.request_timeout,
                    "instance.request_timeout",
                    "30s",
                    false,
                )?
                .value,
            stream_silence: self
                .duration(&raw.stream_silence, "instance.stream_silence", "2m", false)?
                .value,
        })
    }

    /// `http(s)://host[/path]`, returned without a trailing slash; `example` shows the
    /// kind of address `key` wants.
    fn url(&self, url: &Spanned<String>, key: &str, example: &str) -> Checked<String> {
        let text = url.get_ref().trim();
        web_address(text).ok_or_else(|| {
            let problem = not_a_web_address(text, example);
            self.at(url.span(), format!("{key} {problem}"))
        })
    }

    fn variable_name(&self, name: &Spanned<String>) -> Checked<String> {
        let text = name.get_ref().trim();
        if text.is_empty() || text.contains(['=', '\0']) || text.contains(char::is_whitespace) {
            let message = format!(
                "instance.token_env {text:?} is not an environment variable's name; \
                 write one like \"COOPGOV_TOKEN\""
            );
            return Err(self.at(name.span(), message));
        }
        Ok(text.to_owned())
    }

    fn membership(&self, raw: RawMembership) -> Checked<MembershipConfig> {
        let kinds = [("local", false), ("roster", true)];
        let roster = self.choose(
            &raw.voters,
            "membership.voters",
            "a kind of voters",
            &kinds,
            false,
        )?;
        let voters = match (&raw.voters, &raw.roster_file) {
            (Some(_), Some(file)) if roster => Voters::Roster {
                file: self.path(file, "membership.roster_file")?,
            },
            (Some(voters), None) if roster => {
                let message = "membership.voters = \"roster\" needs roster_file, the members' \
                               accts one per line; add roster_file = \"members.txt\"";
                return Err(self.at(voters.span(), message.to_owned()));
            }
            (_, Some(file)) => {
                let message = "membership.roster_file is only read when voters = \"roster\"; \
                               set voters = \"roster\" or remove roster_file";
                return Err(self.at(file.span(), message.to_owned()));
            }
            _ => Voters::Local,
        };
        let names = raw
            .working_group
            .map(Spanned::into_inner)
            .unwrap_or_default();
        let mut working_group: Vec<String> = Vec::new();
        for name in &names {
            let bare = self.username(name)?;
            if !working_group
                .iter()
                .any(|known| known.eq_ignore_ascii_case(&bare))
            {
                working_group.push(bare);
            }
        }
        let kinds = [
            ("members", Proposers::Members),
            ("working_group", Proposers::WorkingGroup),
        ];
        let proposers = self.choose(
            &raw.proposers,
            "membership.proposers",
            "a kind of proposers",
            &kinds,
            Proposers::Members,
        )?;
        if let (Some(value), Proposers::WorkingGroup, true) =
            (&raw.proposers, proposers, working_group.is_empty())
        {
            let message = "membership.proposers = \"working_group\" but membership.working_group \
                           is empty, so nobody could propose; list the working group's usernames";
            return Err(self.at(value.span(), message.to_owned()));
        }
        Ok(MembershipConfig {
            voters,
            min_account_age_days: self.count(
                &raw.min_account_age_days,
                "membership.min_account_age_days",
                0,
            )?,
            proposers,
            working_group,
            guide_url: match &raw.guide_url {
                Some(url) => Some(self.url(
                    url,
                    "membership.guide_url",
                    "https://wiki.social.example/coopgov",
                )?),
                None => None,
            },
        })
    }

    /// A local username; a leading '@' is dropped, any other '@' refused.
    fn username(&self, name: &Spanned<String>) -> Checked<String> {
        let text = name.get_ref().trim();
        let bare = text.strip_prefix('@').unwrap_or(text);
        let fail = |problem: &str| {
            let message = format!("membership.working_group {text:?}: {problem}");
            Err(self.at(name.span(), message))
        };
        if bare.contains('@') {
            return fail(
                "working_group names local accounts only; write the username alone, like \"alice\"",
            );
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
        if bare.is_empty() || !bare.chars().all(allowed) {
            return fail("is not a username; write a local account's username, like \"alice\"");
        }
        Ok(bare.to_owned())
    }

    fn proposals(&self, raw: &RawProposals) -> Checked<ProposalConfig> {
        let default = self.duration(
            &raw.default_duration,
            "proposals.default_duration",
            "6d",
            false,
        )?;
        let min = self.duration(&raw.min_duration, "proposals.min_duration", "6d", false)?;
        let urgent = self.duration(
            &raw.urgent_min_duration,
            "proposals.urgent_min_duration",
            "2d",
            false,
        )?;
        let max = self.duration(&raw.max_duration, "proposals.max_duration", "30d", false)?;
        let reminder = self.duration(
            &raw.reminder_before,
            "proposals.reminder_before",
            "24h",
            true,
        )?;
        self.in_order(
            ("proposals.urgent_min_duration", &urgent),
            ("proposals.min_duration", &min),
        )?;
        self.in_order(
            ("proposals.min_duration", &min),
            ("proposals.default_duration", &default),
        )?;
        self.in_order(
            ("proposals.default_duration", &default),
            ("proposals.max_duration", &max),
        )?;
        let visibilities = [
            ("public", Visibility::Public),
            ("unlisted", Visibility::Unlisted),
        ];
        let favourites = [("agree", Some(Position::Agree)), ("nothing", None)];
        let receipts = [("favourite", true), ("none", false)];
        Ok(ProposalConfig {
            durations: Durations {
                default: default.value,
                min: min.value,
                urgent_min: urgent.value,
                max: max.value,
            },
            reminder_before: Some(reminder.value).filter(|value| !value.is_zero()),
            visibility: self.choose(
                &raw.visibility,
                "proposals.visibility",
                "a visibility",
                &visibilities,
                Visibility::Public,
            )?,
            favourites_count_as: self.choose(
                &raw.favourites_count_as,
                "proposals.favourites_count_as",
                "a way to count favourites",
                &favourites,
                Some(Position::Agree),
            )?,
            receipts: self.choose(
                &raw.receipts,
                "proposals.receipts",
                "a kind of receipt",
                &receipts,
                true,
            )?,
            block_requires_reason: raw.block_requires_reason.unwrap_or(true),
        })
    }

    fn actions(&self, raw: &RawActions, membership: &MembershipConfig) -> Checked<ActionsConfig> {
        let modes = [
            ("auto", Mode::Auto),
            ("confirm", Mode::Confirm),
            ("dry_run", Mode::DryRun),
        ];
        let mode = self.choose(
            &raw.mode,
            "actions.mode",
            "an action mode",
            &modes,
            Mode::Auto,
        )?;
        if let (Some(value), Mode::Confirm, true) =
            (&raw.mode, mode, membership.working_group.is_empty())
        {
            let message = "actions.mode = \"confirm\" needs a working group to send `apply <n>`, \
                           but membership.working_group is empty; list its usernames or use \
                           mode = \"auto\" or \"dry_run\"";
            return Err(self.at(value.span(), message.to_owned()));
        }
        Ok(ActionsConfig { mode })
    }

    fn vocabulary(&self, raw: RawVocabulary) -> Checked<VocabularyConfig> {
        let modes = [("extend", false), ("replace", true)];
        let replace = self.choose(
            &raw.mode,
            "vocabulary.mode",
            "a vocabulary mode",
            &modes,
            false,
        )?;
        let mut lists: [Vec<String>; 4] = Default::default();
        let given = [raw.agree, raw.abstain, raw.disagree, raw.block];
        for (index, (position, words)) in Position::ALL.into_iter().zip(given).enumerate() {
            let words = words.unwrap_or_default();
            if let (true, Some(mode)) = (words.is_empty(), raw.mode.as_ref().filter(|_| replace)) {
                let message = format!(
                    "vocabulary.mode = \"replace\" leaves {position} with no words; give every \
                     position at least one word, or use mode = \"extend\""
                );
                return Err(self.at(mode.span(), message));
            }
            for word in &words {
                let text = word.get_ref();
                let lowered = text.trim().to_lowercase();
                if lowered.is_empty() || lowered.contains(char::is_whitespace) {
                    let message = format!(
                        "vocabulary.{position} {text:?} is not one word; a vote is read from its \
                         first word, so list single words like \"yes\" or \"👍\""
                    );
                    return Err(self.at(word.span(), message));
                }
                if let Some(separator) = lowered.chars().find(|c| WORD_SEPARATORS.contains(c)) {
                    let message = format!(
                        "vocabulary.{position} {text:?} contains {separator:?}; ballots list the \
                         words separated by commas and slashes, so a word may not contain \
                         , / ( or )"
                    );
                    return Err(self.at(word.span(), message));
                }
                let other = Position::ALL
                    .into_iter()
                    .zip(&lists)
                    .find(|(_, list)| list.contains(&lowered));
                if let Some((other, _)) = other.filter(|(other, _)| *other != position) {
                    let message = format!("vocabulary.{position} {text:?} is also listed under {other}; a word can mean only one position");
                    return Err(self.at(word.span(), message));
                }
                if !lists[index].contains(&lowered) {
                    lists[index].push(lowered);
                }
            }
        }
        Ok(VocabularyConfig { replace, lists })
    }
}
