//! Checking a server's domain as a member typed it, and storing it in punycode.

use std::net::IpAddr;

/// Why a text is not a domain the bot can act on; each message is a whole sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("The domain is empty; give the bare domain, like example.org.")]
    Empty,
    #[error("That is a web address, not a domain; give the bare domain, like example.org.")]
    NotBare,
    #[error("Wildcards are not allowed; give the bare domain, like example.org, which covers its subdomains.")]
    Wildcard,
    #[error("That is an IP address; give the server's domain name, like example.org.")]
    IpAddress,
    #[error("A domain has at least two parts separated by a dot, like example.org.")]
    SingleLabel,
    #[error(
        "A domain can't have an empty part between dots; give the bare domain, like example.org."
    )]
    EmptyLabel,
    #[error("The part “{label}” is longer than the 63 characters a domain part may have.")]
    LabelTooLong { label: String },
    #[error("The domain is {length} characters long; a domain has at most 253.")]
    TooLong { length: usize },
    #[error("The part “{label}” starts or ends with a hyphen, which domains don't allow.")]
    HyphenAtEdge { label: String },
    #[error("The character “{character}” can't be in a domain; use letters, digits, hyphens and dots, like example.org.")]
    InvalidCharacter { character: char },
    #[error("That is not a valid international domain name; check its spelling.")]
    NotInternational,
    #[error("The last part of a domain can't be only digits, like the “org” in example.org.")]
    NumericTopLevel,
}

/// Normalizes a domain: lowercase, one trailing dot removed, IDN converted to punycode
/// (`bücher.example` → `xn--bcher-kva.example`), and checked to be a plain host name.
pub fn normalize_domain(input: &str) -> Result<String, DomainError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(DomainError::Empty);
    }
    let unbracketed = input.trim_start_matches('[').trim_end_matches(']');
    if unbracketed.parse::<IpAddr>().is_ok() {
        return Err(DomainError::IpAddress);
    }
    if input.starts_with("*.") {
        return Err(DomainError::Wildcard);
    }
    if input.contains(['/', ':', '@', '?', '#', '\\']) {
        return Err(DomainError::NotBare);
    }
    let without_dot = input.strip_suffix('.').unwrap_or(input);
    if let Some(character) = without_dot.chars().find(|c| c.is_whitespace()) {
        return Err(DomainError::InvalidCharacter { character });
    }
    let ascii = to_ascii(without_dot)?;
    check_ascii(&ascii)?;
    Ok(ascii)
}

/// IDNA conversion; on failure, names the first character that is not plainly allowed.
fn to_ascii(domain: &str) -> Result<String, DomainError> {
    // Also run on ASCII input: it checks `xn--` labels are valid punycode.
    idna::domain_to_ascii(domain).map_err(|_| {
        match domain
            .chars()
            .find(|c| !c.is_alphanumeric() && !matches!(c, '.' | '-'))
        {
            Some(character) => DomainError::InvalidCharacter { character },
            None => DomainError::NotInternational,
        }
    })
}

/// The checks that apply to the converted, lowercase ASCII name.
fn check_ascii(ascii: &str) -> Result<(), DomainError> {
    if ascii.is_empty() {
        return Err(DomainError::Empty);
    }
    if let Some(character) = ascii
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-' | '.'))
    {
        return Err(if character == '*' {
            DomainError::Wildcard
        } else {
            DomainError::InvalidCharacter { character }
        });
    }
    if ascii.len() > 253 {
        return Err(DomainError::TooLong {
            length: ascii.len(),
        });
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.iter().any(|label| label.is_empty()) {
        return Err(DomainError::EmptyLabel);
    }
    if labels.len() < 2 {
        return Err(DomainError::SingleLabel);
    }
    for label in &labels {
        if label.len() > 63 {
            return Err(DomainError::LabelTooLong {
                label: label.to_string(),
            });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(DomainError::HyphenAtEdge {
                label: label.to_string(),
            });
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(DomainError::NumericTopLevel);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use DomainError::*;

    fn check(cases: &[(&str, Result<&str, DomainError>)]) {
        for (input, expected) in cases {
            let expected = expected.clone().map(String::from);
            assert_eq!(normalize_domain(input), expected, "input: {input:?}");
        }
    }

    #[test]
    fn accepted_domains() {
        check(&[
            ("example.org", Ok("example.org")),
            ("Example.ORG", Ok("example.org")),
            ("example.org.", Ok("example.org")),
            (" social.example ", Ok("social.example")),
            ("bücher.example", Ok("xn--bcher-kva.example")),
            ("BÜCHER.example.", Ok("xn--bcher-kva.example")),
            ("xn--bcher-kva.example", Ok("xn--bcher-kva.example")),
            ("a-b.c-d.example", Ok("a-b.c-d.example")),
            ("123.example", Ok("123.example")),
            ("мастодон.рф", Ok("xn--80aiwgdbsi.xn--p1ai")),
        ]);
    }

    #[test]
    fn rejected_domains() {
        let long_label = "a".repeat(64);
        let long_domain = format!("{}.example", ["abcdefghij"; 23].join("."));
        check(&[
            ("", Err(Empty)),
            ("   ", Err(Empty)),
            (".", Err(Empty)),
            ("https://x.org", Err(NotBare)),
            ("x.org/path", Err(NotBare)),
            ("x.org:443", Err(NotBare)),
            ("user@x.org", Err(NotBare)),
            ("@bob@x.org", Err(NotBare)),
            ("*.x.org", Err(Wildcard)),
            ("a*.x.org", Err(Wildcard)),
            ("192.168.0.1", Err(IpAddress)),
            ("::1", Err(IpAddress)),
            ("[2001:db8::1]", Err(IpAddress)),
            ("10.0.0", Err(NumericTopLevel)),
            ("localhost", Err(SingleLabel)),
            ("x..org", Err(EmptyLabel)),
            (".x.org", Err(EmptyLabel)),
            ("x.org..", Err(EmptyLabel)),
            (
                &format!("{long_label}.org"),
                Err(LabelTooLong {
                    label: long_label.clone(),
                }),
            ),
            (&long_domain, Err(TooLong { length: 260 })),
            ("-x.org", Err(HyphenAtEdge { label: "-x".into() })),
            ("x-.org", Err(HyphenAtEdge { label: "x-".into() })),
            ("under_score.org", Err(InvalidCharacter { character: '_' })),
            ("sp ace.org", Err(InvalidCharacter { character: ' ' })),
            ("x.org,", Err(InvalidCharacter { character: ',' })),
            ("bad!.org", Err(InvalidCharacter { character: '!' })),
            ("xn--zz.example", Err(NotInternational)),
        ]);
    }

    #[test]
    fn messages_are_sentences() {
        let message = NotBare.to_string();
        assert!(message.contains("give the bare domain, like example.org"));
        assert!(HyphenAtEdge { label: "-x".into() }
            .to_string()
            .ends_with('.'));
    }

    proptest! {
        #[test]
        fn never_panics_and_output_is_clean(input in any::<String>()) {
            if let Ok(domain) = normalize_domain(&input) {
                prop_assert!(domain.len() <= 253);
                prop_assert!(domain.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'));
                prop_assert_eq!(normalize_domain(&domain), Ok(domain.clone()));
            }
        }
    }
}
