//! What the bot replies to a request it cannot read, and its help text.

use std::fmt::Write as _;

use super::domain::DomainError;
use super::vocabulary::Vocabulary;
use crate::model::{ActionKind, Position};

/// A request the bot could not read. Its `Display` is the whole reply to the member:
/// what was wrong and how to write it, ending with an example line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("I didn't find a request in your message. I understand propose, vote, status and help.\nExample: help")]
    Empty,
    #[error("I don't know the request “{word}”. I understand propose, vote, status and help; send help to see how to write them.\nExample: vote 3 agree")]
    UnknownRequest { word: String },
    #[error("A proposal needs an action after “propose”: use suspend, silence, unblock or motion.\nExample: {}", example(ActionKind::Suspend))]
    MissingAction,
    #[error("“{word}” is not an action I can propose: use suspend, silence, unblock or motion.\nExample: {}", example(ActionKind::Silence))]
    UnknownAction { word: String },
    #[error("“propose {}” needs the domain of the server, like example.org, then the reason.\nExample: {}", .action.name(), example(*.action))]
    MissingDomain { action: ActionKind },
    #[error("“{given}” is not a domain I can use. {problem}\nExample: {}", example(*.action))]
    InvalidDomain {
        action: ActionKind,
        given: String,
        problem: DomainError,
    },
    #[error("{}\nExample: {}", missing_reason(*.action), example(*.action))]
    MissingReason { action: ActionKind },
    #[error("“vote” needs the number of the proposal, then your position.\nExample: vote 3 agree")]
    VoteWithoutNumber,
    #[error(
        "“{given}” is not a proposal number; numbers look like 3 or #3.\nExample: vote 3 agree"
    )]
    VoteBadNumber { given: String },
    #[error("Please say how you vote on #{number}. {}\nExample: vote {number} {}", accepted_words(.accepted), first_word(.accepted, Position::Agree))]
    MissingPosition {
        number: u64,
        accepted: Vec<(Position, Vec<String>)>,
    },
    #[error("“{given}” is not a position I know. {}\nExample: vote {number} {} I think it is right", accepted_words(.accepted), first_word(.accepted, Position::Agree))]
    UnknownPosition {
        number: u64,
        given: String,
        accepted: Vec<(Position, Vec<String>)>,
    },
    #[error("“status” needs the number of the proposal.\nExample: status 3")]
    StatusWithoutNumber,
    #[error("“{given}” is not a proposal number; numbers look like 3 or #3.\nExample: status 3")]
    StatusBadNumber { given: String },
    #[error(
        "“jury” needs what you want of the Standing Jury: join, leave or pool.\nExample: jury join"
    )]
    JuryWithoutWord,
    #[error("“{word}” is not something I can do with the Standing Jury: use join (volunteer to be drawn), leave (stop being drawn) or pool (how many volunteered).\nExample: jury pool")]
    UnknownJuryWord { word: String },
    #[error("“appeal” needs the number of the decision you appeal, then why.\nExample: appeal 3 the jury did not hear from the people affected")]
    AppealWithoutNumber,
    #[error("“{given}” is not a proposal number; numbers look like 3 or #3.\nExample: appeal 3 the jury did not hear from the people affected")]
    AppealBadNumber { given: String },
    #[error("Please say why you appeal #{number}: all members read it on the new ballot.\nExample: appeal {number} the jury did not hear from the people affected")]
    AppealWithoutReason { number: u64 },
}

impl ParseError {
    /// Whether the text did not even start like a request (empty, an unknown first
    /// word, or "jury" followed by a word that is not one of its requests, as in "jury
    /// duty is fun"): in a thread that is conversation, best left unanswered.
    pub fn is_not_a_request(&self) -> bool {
        matches!(
            self,
            ParseError::Empty
                | ParseError::UnknownRequest { .. }
                | ParseError::UnknownJuryWord { .. }
        )
    }
}

/// A well-formed request of each kind, shown at the end of error replies.
fn example(action: ActionKind) -> &'static str {
    match action {
        ActionKind::Suspend => "propose suspend spam.example They send us spam every day",
        ActionKind::Silence => "propose silence noisy.example Their bots flood our timelines",
        ActionKind::Unblock => "propose unblock fixed.example They have moderators again",
        ActionKind::Motion => "propose motion 7d We adopt the new code of conduct",
    }
}

fn missing_reason(action: ActionKind) -> String {
    match action {
        ActionKind::Motion => "A motion needs its text: say what we would decide.".to_string(),
        kind => format!(
            "Please give a reason after the domain (and after the duration, if you give one), so members know what they vote on when they {} it.",
            match kind {
                ActionKind::Unblock => "unblock",
                ActionKind::Silence => "limit",
                _ => "suspend",
            }
        ),
    }
}

/// "Use one of these words:" followed by one line per position.
fn accepted_words(accepted: &[(Position, Vec<String>)]) -> String {
    let mut text = String::from("Use one of these words:");
    for (position, words) in accepted.iter().filter(|(_, words)| !words.is_empty()) {
        let _ = write!(text, "\n{position}: {}", words.join(", "));
    }
    text
}

/// The first word for a position, for examples that must work with any vocabulary.
fn first_word(accepted: &[(Position, Vec<String>)], position: Position) -> String {
    accepted
        .iter()
        .filter(|(p, _)| *p == position)
        .chain(accepted.iter())
        .find_map(|(_, words)| words.first().cloned())
        .unwrap_or_else(|| position.name().to_string())
}

/// The short help reply, with the standard vocabulary and no Standing Jury.
pub fn help_text() -> String {
    help_text_with(&Vocabulary::standard(), false, false)
}

/// The short help reply (under 450 characters with the standard words, under 470 with
/// the jury's line): the requests, then each position's words, the co-op's own first.
/// `jury` says whether the cooperative has a Standing Jury, whose words are then listed.
/// `jury`: the instance has a Standing Jury; `appeals`: members may appeal its decisions
/// and the votes on urgent actions.
pub fn help_text_with(vocabulary: &Vocabulary, jury: bool, appeals: bool) -> String {
    let mut text = String::from(
        "Mention me with one of these:\n\
         propose [urgent] suspend|silence|unblock <domain> [duration] <reason>\n\
         propose [urgent] motion [duration] <text>\n\
         vote <n> <position> [reason], or reply to a ballot with your position first\n\
         status <n>\n",
    );
    if jury {
        text.push_str("jury join|leave|pool\n");
    }
    if appeals {
        text.push_str("appeal <n> <why>\n");
    }
    text.push_str("help\nDurations look like 48h or 6d. Positions:");
    let standard = Vocabulary::standard();
    for position in Position::ALL {
        let words = vocabulary.words(position);
        if words.is_empty() {
            continue;
        }
        let (standard_words, own): (Vec<&str>, Vec<&str>) = words
            .iter()
            .partition(|word| standard.position_of(word) == Some(position));
        let is_plain = |word: &&str| word.starts_with(char::is_alphanumeric);
        // A few words and a few emoji, so a long vocabulary still fits in one post.
        let own_plain: Vec<&str> = own.iter().copied().filter(is_plain).take(3).collect();
        let standard_plain = standard_words
            .iter()
            .copied()
            .filter(is_plain)
            .take(if own_plain.is_empty() { 3 } else { 1 });
        let emoji = own
            .iter()
            .chain(&standard_words)
            .copied()
            .filter(|word| !is_plain(word))
            .take(2);
        let shown: Vec<&str> = own_plain
            .iter()
            .copied()
            .chain(standard_plain)
            .chain(emoji)
            .collect();
        let _ = write!(text, "\n{position}: {}", shown.join(", "));
        if position == Position::Block {
            text.push_str(" (say why)");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard_listing() -> Vec<(Position, Vec<String>)> {
        Vocabulary::standard().listing()
    }

    #[test]
    fn every_message_is_a_sentence_ending_with_an_example() {
        let errors = [
            ParseError::Empty,
            ParseError::UnknownRequest {
                word: "hello".into(),
            },
            ParseError::MissingAction,
            ParseError::UnknownAction { word: "ban".into() },
            ParseError::MissingDomain {
                action: ActionKind::Silence,
            },
            ParseError::InvalidDomain {
                action: ActionKind::Suspend,
                given: "https://x.org".into(),
                problem: DomainError::NotBare,
            },
            ParseError::MissingReason {
                action: ActionKind::Unblock,
            },
            ParseError::MissingReason {
                action: ActionKind::Motion,
            },
            ParseError::VoteWithoutNumber,
            ParseError::VoteBadNumber { given: "x".into() },
            ParseError::MissingPosition {
                number: 3,
                accepted: standard_listing(),
            },
            ParseError::UnknownPosition {
                number: 3,
                given: "maybe".into(),
                accepted: standard_listing(),
            },
            ParseError::StatusWithoutNumber,
            ParseError::StatusBadNumber { given: "x".into() },
            ParseError::JuryWithoutWord,
            ParseError::UnknownJuryWord {
                word: "duty".into(),
            },
        ];
        for error in errors {
            let message = error.to_string();
            let (body, example) = message.rsplit_once('\n').expect("two lines at least");
            assert!(
                body.starts_with(|c: char| c.is_uppercase() || c == '“'),
                "{message}"
            );
            assert!(
                body.ends_with(['.', ':']) || body.contains("\nblock:"),
                "{message}"
            );
            assert!(example.starts_with("Example: "), "{message}");
            assert!(
                !message.contains("{") && !message.contains("Some("),
                "{message}"
            );
        }
    }

    #[test]
    fn unknown_position_lists_the_words_of_each_position() {
        let message = ParseError::UnknownPosition {
            number: 7,
            given: "maybe".into(),
            accepted: standard_listing(),
        }
        .to_string();
        assert_eq!(
            message,
            "“maybe” is not a position I know. Use one of these words:\n\
             agree: agree, yes, +1, aye, support, 👍, ✅\n\
             abstain: abstain, 🤷\n\
             disagree: disagree, no, -1, nay, oppose, 👎, ❌\n\
             block: block, 🛑, ⛔\n\
             Example: vote 7 agree I think it is right"
        );
    }

    #[test]
    fn examples_use_the_configured_words() {
        let french = vec![(Position::Agree, vec!["pour".to_string()])];
        let message = ParseError::MissingPosition {
            number: 2,
            accepted: french,
        }
        .to_string();
        assert!(message.ends_with("Example: vote 2 pour"), "{message}");
    }

    #[test]
    fn invalid_domain_says_why() {
        let message = ParseError::InvalidDomain {
            action: ActionKind::Suspend,
            given: "x.org/path".into(),
            problem: DomainError::NotBare,
        }
        .to_string();
        assert!(
            message.contains("give the bare domain, like example.org"),
            "{message}"
        );
    }

    #[test]
    fn help_names_the_coops_own_words_first() {
        let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let vocabulary = Vocabulary::standard()
            .with_words(Position::Agree, &words(&["oui", "sí", "ja"]))
            .with_words(Position::Disagree, &words(&["non"]));
        let help = help_text_with(&vocabulary, false, false);
        assert!(help.starts_with("Mention me with one of these:"), "{help}");
        assert!(
            help.contains("\nagree: oui, sí, ja, agree, +1, 👍\n"),
            "{help}"
        );
        assert!(
            help.contains("\ndisagree: non, disagree, -1, 👎\n"),
            "{help}"
        );
        assert!(help.contains("\nabstain: abstain, 🤷\n"), "{help}");
        let french = Vocabulary::replaced(&[
            (Position::Agree, words(&["pour"])),
            (Position::Abstain, words(&["neutre"])),
            (Position::Disagree, words(&["contre"])),
            (Position::Block, words(&["bloquer", "⛔"])),
        ]);
        assert!(help_text_with(&french, false, false).ends_with("\nblock: bloquer, ⛔ (say why)"));
    }

    #[test]
    fn help_is_short_and_lists_requests_and_positions() {
        let help = help_text();
        assert!(
            help.chars().count() < 450,
            "{} characters",
            help.chars().count()
        );
        for needle in [
            "propose", "suspend", "silence", "unblock", "motion", "vote", "status", "help",
            "agree", "abstain", "disagree", "block", "👍",
        ] {
            assert!(help.contains(needle), "{needle} missing from {help}");
        }
        assert!(!help.contains("jury"), "{help}");
    }

    #[test]
    fn help_names_the_jury_words_only_where_there_is_a_jury() {
        let help = help_text_with(&Vocabulary::standard(), true, true);
        assert!(help.contains("\njury join|leave|pool\n"), "{help}");
        // Room for the member's mention in a 500-character post.
        assert!(
            help.chars().count() < 470,
            "{} characters",
            help.chars().count()
        );
        assert!(help.contains("\nappeal <n> <why>"), "{help}");
        let without = help
            .replace("jury join|leave|pool\n", "")
            .replace("appeal <n> <why>\n", "");
        assert_eq!(without, help_text());
    }
}
