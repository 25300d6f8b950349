//! A drawn member's answer to a jury invitation: `accept` or `decline`.

/// `Some(true)` for accept, `Some(false)` for decline, by the answer's first word
/// (any case, punctuation around it ignored); `None` for anything else.
pub fn parse_consent(text: &str) -> Option<bool> {
    let word = text
        .split_whitespace()
        .next()?
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    match word.as_str() {
        "accept" | "accepted" | "yes" => Some(true),
        "decline" | "declined" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_consent;

    #[test]
    fn the_first_word_answers() {
        for (text, answer) in [
            ("accept", Some(true)),
            ("Accept!", Some(true)),
            ("yes, I will serve", Some(true)),
            ("decline", Some(false)),
            ("Decline, sorry: I am away", Some(false)),
            ("no", Some(false)),
            ("maybe", None),
            ("I accept", None),
            ("", None),
        ] {
            assert_eq!(parse_consent(text), answer, "{text:?}");
        }
    }
}
