//! The words and emoji that mean each voting position, and how a typed word is matched.

use crate::model::Position;

/// The words and emoji that mean each position, matched case-insensitively.
///
/// A word is one token: an entry containing whitespace can never match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    /// Normalized word → position, in the order they were added (for listing them).
    entries: Vec<(String, Position)>,
}

impl Default for Vocabulary {
    fn default() -> Self {
        Self::standard()
    }
}

impl Vocabulary {
    /// The default vocabulary.
    pub fn standard() -> Self {
        let table: [(Position, &[&str]); 4] = [
            (
                Position::Agree,
                &["agree", "yes", "+1", "aye", "support", "👍", "✅"],
            ),
            (Position::Abstain, &["abstain", "🤷"]),
            (
                Position::Disagree,
                &["disagree", "no", "-1", "nay", "oppose", "👎", "❌"],
            ),
            (Position::Block, &["block", "🛑", "⛔"]),
        ];
        let mut vocabulary = Vocabulary {
            entries: Vec::new(),
        };
        for (position, words) in table {
            for word in words {
                vocabulary.insert(position, word);
            }
        }
        vocabulary
    }

    /// Adds words for a position; a word already meaning another position is moved.
    pub fn with_words(mut self, position: Position, words: &[String]) -> Self {
        for word in words {
            self.insert(position, word);
        }
        self
    }

    /// A vocabulary made only of the given lists (for example, another language's).
    pub fn replaced(lists: &[(Position, Vec<String>)]) -> Self {
        let mut vocabulary = Vocabulary {
            entries: Vec::new(),
        };
        for (position, words) in lists {
            vocabulary = vocabulary.with_words(*position, words);
        }
        vocabulary
    }

    /// The position a typed word means, ignoring case, surrounding punctuation
    /// (`agree!`, `(yes)`, `Agree.`), emoji variation selectors and skin tones.
    pub fn position_of(&self, word: &str) -> Option<Position> {
        let word = normalize(word);
        let candidates = [
            word.as_str(),
            trim_keeping_sign(&word),
            trim_punctuation(&word),
        ];
        // Exact first, so a configured word that is itself punctuation still matches.
        for candidate in candidates {
            if let Some(position) = self.lookup(candidate) {
                return Some(position);
            }
        }
        None
    }

    /// The words for a position, in the order they were added.
    pub fn words(&self, position: Position) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|(_, p)| *p == position)
            .map(|(word, _)| word.as_str())
            .collect()
    }

    /// Every position with its words, for explaining what is accepted.
    pub fn listing(&self) -> Vec<(Position, Vec<String>)> {
        Position::ALL
            .into_iter()
            .map(|position| {
                let words = self.words(position).into_iter().map(String::from).collect();
                (position, words)
            })
            .collect()
    }

    /// How this vocabulary differs from the standard one, in the terms a ballot states
    /// so that anyone recounting its thread reads replies as the bot does:
    /// `Additions` (every standard word is still known; these words are new or moved to
    /// another position) or `Replacement` (some standard word is gone: the whole list).
    pub fn difference(&self) -> VocabularyDifference {
        let standard = Vocabulary::standard();
        let keeps_every_standard_word = standard
            .entries
            .iter()
            .all(|(word, _)| self.lookup(word).is_some());
        if !keeps_every_standard_word {
            return VocabularyDifference::Replacement(self.listing());
        }
        let additions: Vec<(Position, Vec<String>)> = Position::ALL
            .into_iter()
            .map(|position| {
                let added = self
                    .entries
                    .iter()
                    .filter(|(word, p)| *p == position && standard.lookup(word) != Some(position))
                    .map(|(word, _)| word.clone())
                    .collect();
                (position, added)
            })
            .collect();
        if additions.iter().all(|(_, words)| words.is_empty()) {
            VocabularyDifference::None
        } else {
            VocabularyDifference::Additions(additions)
        }
    }

    /// The vocabulary a ballot's statement of `difference` describes.
    pub fn from_difference(difference: &VocabularyDifference) -> Vocabulary {
        match difference {
            VocabularyDifference::None => Vocabulary::standard(),
            VocabularyDifference::Additions(lists) => lists
                .iter()
                .fold(Vocabulary::standard(), |vocabulary, (position, words)| {
                    vocabulary.with_words(*position, words)
                }),
            VocabularyDifference::Replacement(lists) => Vocabulary::replaced(lists),
        }
    }

    /// Word → position, whatever the order the words were added in: two vocabularies
    /// that read every reply alike have the same meanings.
    pub fn meanings(&self) -> std::collections::BTreeMap<&str, Position> {
        self.entries
            .iter()
            .map(|(word, position)| (word.as_str(), *position))
            .collect()
    }

    fn insert(&mut self, position: Position, word: &str) {
        let normalized = normalize(word);
        let trimmed = trim_keeping_sign(&normalized);
        let key = if trimmed.is_empty() {
            normalized.as_str()
        } else {
            trimmed
        };
        if key.is_empty() {
            return;
        }
        let key = key.to_string();
        self.entries.retain(|(existing, _)| *existing != key);
        self.entries.push((key, position));
    }

    fn lookup(&self, candidate: &str) -> Option<Position> {
        self.entries
            .iter()
            .find(|(word, _)| word == candidate)
            .map(|(_, position)| *position)
    }
}

/// A vocabulary as a ballot states it: nothing (the standard words), the words added to
/// the standard ones, or the only words that count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VocabularyDifference {
    None,
    Additions(Vec<(Position, Vec<String>)>),
    Replacement(Vec<(Position, Vec<String>)>),
}

/// Characters a configured word may not contain: the ballot separates its list of words
/// with them, and `coopgov verify` must read that list back unambiguously.
pub const SEPARATORS: [char; 4] = [',', '/', '(', ')'];

/// Lowercase, without emoji variation selectors (U+FE0E/U+FE0F), skin-tone modifiers
/// or gender signs (🤷‍♀️ is 🤷).
fn normalize(word: &str) -> String {
    word.trim()
        .replace("\u{200D}♀", "")
        .replace("\u{200D}♂", "")
        .chars()
        .filter(|c| !matches!(c, '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}'))
        .collect::<String>()
        .to_lowercase()
}

/// Punctuation that may surround a word: ASCII punctuation and the common Unicode marks.
pub(crate) fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '—' | '–'
                | '…'
                | '«'
                | '»'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '„'
                | '‚'
                | '‹'
                | '›'
                | '¡'
                | '¿'
                | '·'
                | '。'
                | '、'
                | '，'
                | '！'
                | '？'
                | '：'
                | '；'
                | '（'
                | '）'
                | '「'
                | '」'
        )
}

/// Trims surrounding punctuation.
pub(crate) fn trim_punctuation(word: &str) -> &str {
    word.trim_matches(is_punctuation)
}

/// Trims surrounding punctuation but keeps a leading sign before a digit (`(+1)` → `+1`).
fn trim_keeping_sign(word: &str) -> &str {
    let end_trimmed = word.trim_end_matches(is_punctuation);
    let mut start = 0;
    for (index, c) in end_trimmed.char_indices() {
        let rest = &end_trimmed[index + c.len_utf8()..];
        let signed_number =
            matches!(c, '+' | '-') && rest.starts_with(|d: char| d.is_ascii_digit());
        if !is_punctuation(c) || signed_number {
            start = index;
            break;
        }
        start = end_trimmed.len();
    }
    &end_trimmed[start..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use Position::*;

    fn check(vocabulary: &Vocabulary, cases: &[(&str, Option<Position>)]) {
        for (word, expected) in cases {
            assert_eq!(vocabulary.position_of(word), *expected, "word: {word:?}");
        }
    }

    #[test]
    fn every_standard_word_and_emoji() {
        check(
            &Vocabulary::standard(),
            &[
                ("agree", Some(Agree)),
                ("yes", Some(Agree)),
                ("+1", Some(Agree)),
                ("aye", Some(Agree)),
                ("support", Some(Agree)),
                ("👍", Some(Agree)),
                ("✅", Some(Agree)),
                ("abstain", Some(Abstain)),
                ("🤷", Some(Abstain)),
                ("disagree", Some(Disagree)),
                ("no", Some(Disagree)),
                ("-1", Some(Disagree)),
                ("nay", Some(Disagree)),
                ("oppose", Some(Disagree)),
                ("👎", Some(Disagree)),
                ("❌", Some(Disagree)),
                ("block", Some(Block)),
                ("🛑", Some(Block)),
                ("⛔", Some(Block)),
            ],
        );
    }

    #[test]
    fn case_punctuation_selectors_and_skin_tones() {
        check(
            &Vocabulary::standard(),
            &[
                ("AGREE", Some(Agree)),
                ("Agree.", Some(Agree)),
                ("agree!", Some(Agree)),
                ("(yes)", Some(Agree)),
                ("“yes”", Some(Agree)),
                ("¡Aye!", Some(Agree)),
                ("(+1)", Some(Agree)),
                ("+1!", Some(Agree)),
                ("-1.", Some(Disagree)),
                ("—no—", Some(Disagree)),
                ("👍\u{FE0F}", Some(Agree)),
                ("👍🏽", Some(Agree)),
                ("⛔\u{FE0F}", Some(Block)),
                ("✅\u{FE0F}!", Some(Agree)),
                ("🤷\u{200D}♀\u{FE0F}", Some(Abstain)),
                ("🤷🏿\u{200D}♂\u{FE0F}", Some(Abstain)),
                ("1", None),
                ("+", None),
                ("", None),
                ("...", None),
                ("agreed", None),
                ("maybe", None),
                ("👍👍", None),
            ],
        );
    }

    #[test]
    fn extended_and_replaced_vocabularies() {
        let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let extended = Vocabulary::standard()
            .with_words(Agree, &words(&["oui", "D'accord"]))
            .with_words(Block, &words(&["no"]));
        check(
            &extended,
            &[
                ("OUI!", Some(Agree)),
                ("d'accord", Some(Agree)),
                ("no", Some(Block)),
                ("agree", Some(Agree)),
            ],
        );
        let french = Vocabulary::replaced(&[
            (Agree, words(&["pour", "👍️"])),
            (Disagree, words(&["contre"])),
            (Abstain, words(&["abstention"])),
            (Block, words(&["bloquer", "  "])),
        ]);
        check(
            &french,
            &[
                ("Pour", Some(Agree)),
                ("👍", Some(Agree)),
                ("contre.", Some(Disagree)),
                ("bloquer", Some(Block)),
                ("agree", None),
            ],
        );
        assert_eq!(french.words(Block), vec!["bloquer"]);
        assert_eq!(extended.words(Disagree).len(), 6);
    }

    #[test]
    fn trim_keeping_sign_cases() {
        for (input, expected) in [
            ("(+1)", "+1"),
            ("-1.", "-1"),
            ("--1", "-1"),
            ("-yes", "yes"),
            ("!!", ""),
            ("+", ""),
            ("a", "a"),
        ] {
            assert_eq!(trim_keeping_sign(input), expected, "input: {input}");
        }
    }
}
