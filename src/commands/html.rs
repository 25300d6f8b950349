//! Mastodon status HTML → the plain text a member typed, with mentions removed.

use scraper::node::Node;
use scraper::{CaseSensitivity, Html};

/// One entry of a status's `mentions` array: whose mention tokens to remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionRef {
    /// The bare username, like `bob`.
    pub username: String,
    /// `bob` for a local account, `bob@remote.host` for a remote one.
    pub acct: String,
    /// The profile URL, like `https://remote.host/@bob`; its host gives `@bob@remote.host`.
    pub url: String,
}

/// Converts a status's HTML `content` to plain text.
///
/// Entities are decoded, `<br>` becomes a line break and each paragraph ends with
/// one, links become their full text (invisible spans included), quote fallback
/// paragraphs are dropped, and the tokens mentioning `mentions` are removed. Spaces are
/// collapsed within each line and the result is trimmed. Never panics.
pub fn status_text(content_html: &str, mentions: &[MentionRef]) -> String {
    let raw = normalize_text(&html_to_lines(content_html));
    let forms = mention_forms(mentions);
    let mut lines: Vec<String> = raw
        .lines()
        .map(|line| {
            line.split_whitespace()
                .filter(|token| !is_mention_of(token, &forms))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // Paragraph breaks survive as one blank line; more than that is noise.
    lines.dedup_by(|next, previous| next.is_empty() && previous.is_empty());
    lines.join("\n").trim().to_string()
}

/// What a member typed, in one canonical form: NFKC (full-width `ａｇｒｅｅ` is `agree`,
/// ligatures are letters) without invisible format characters (zero-width spaces,
/// bidirectional controls, the byte-order mark), so a word cannot hide behind them.
/// Look-alikes from other scripts (a Cyrillic `а` in `аgree`) are not mapped: such a
/// word matches nothing and is read as conversation, never half-matched.
/// The zero-width joiner stays: emoji sequences need it.
pub fn normalize_text(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().filter(|c| !is_invisible_format(*c)).collect()
}

fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Removes the mentions a reply starts with (clients put every participant there), and
/// keeps mentions further on: they are part of what the member wrote.
pub fn strip_leading_mentions(text: &str, mentions: &[MentionRef]) -> String {
    let forms = mention_forms(mentions);
    let mut rest = text.trim_start();
    while let Some(token) = rest.split_whitespace().next() {
        if !is_mention_of(token, &forms) {
            break;
        }
        rest = rest[token.len()..].trim_start();
    }
    rest.to_string()
}

/// Walks the parsed tree without recursion (deeply nested input cannot overflow the
/// stack) and writes its text, with `\n` for line breaks.
fn html_to_lines(content_html: &str) -> String {
    let document = Html::parse_fragment(content_html);
    let mut writer = TextWriter::default();
    let root = document.tree.root();
    let mut current = Some(root);
    while let Some(node) = current {
        if writer.open(node.value()) {
            if let Some(child) = node.first_child() {
                current = Some(child);
                continue;
            }
        }
        // Close this node and every ancestor that has no next sibling.
        let mut closing = node;
        current = loop {
            writer.close(closing.value());
            if closing.id() == root.id() {
                break None;
            }
            if let Some(sibling) = closing.next_sibling() {
                break Some(sibling);
            }
            match closing.parent() {
                Some(parent) => closing = parent,
                None => break None,
            }
        };
    }
    writer.out
}

/// The text written so far, and whether we are inside `<pre>`.
#[derive(Default)]
struct TextWriter {
    out: String,
    preformatted: usize,
}

impl TextWriter {
    /// Writes what a node contributes on entering it; returns whether to descend.
    fn open(&mut self, node: &Node) -> bool {
        match node {
            Node::Text(text) if self.preformatted > 0 => self.out.push_str(text),
            Node::Text(text) => push_collapsed(&mut self.out, text),
            Node::Element(element) => {
                let name = element.name();
                let quote = name == "p"
                    && element.has_class("quote-inline", CaseSensitivity::AsciiCaseInsensitive);
                if quote || is_skipped(name) {
                    // Not entered; the walk still closes it, ending the paragraph.
                    return false;
                }
                match name {
                    "br" => self.out.push('\n'),
                    "pre" => self.preformatted += 1,
                    _ => {}
                }
            }
            _ => {}
        }
        true
    }

    /// Writes the line break that ends a paragraph or block.
    fn close(&mut self, node: &Node) {
        let Node::Element(element) = node else { return };
        match element.name() {
            "p" => self.out.push_str("\n\n"),
            "pre" => {
                self.preformatted = self.preformatted.saturating_sub(1);
                self.out.push('\n');
            }
            name if is_block(name) => self.out.push('\n'),
            _ => {}
        }
    }
}

/// Elements whose content is never the author's words.
fn is_skipped(name: &str) -> bool {
    matches!(name, "script" | "style" | "template" | "head" | "title")
}

/// Elements that end a line when they close.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "div" | "li" | "ul" | "ol" | "blockquote" | "pre" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
    )
}

/// Outside `<pre>`, a raw newline in HTML text is just a space.
fn push_collapsed(out: &mut String, text: &str) {
    for ch in text.chars() {
        out.push(if ch.is_whitespace() { ' ' } else { ch });
    }
}

/// Every lowercase `@…` form under which the given accounts may appear in the text.
fn mention_forms(mentions: &[MentionRef]) -> Vec<String> {
    let mut forms = Vec::new();
    for mention in mentions {
        let username = mention.username.trim().trim_start_matches('@');
        let acct = mention.acct.trim().trim_start_matches('@');
        if !username.is_empty() {
            forms.push(format!("@{}", username.to_lowercase()));
            if let Some(host) = url_host(&mention.url) {
                forms.push(format!("@{}@{}", username.to_lowercase(), host));
            }
        }
        if !acct.is_empty() {
            forms.push(format!("@{}", acct.to_lowercase()));
        }
    }
    forms
}

/// The lowercase host of an `https://host[:port]/…` URL, if it has one.
fn url_host(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_and_port = authority.rsplit('@').next()?;
    let host = host_and_port.split(':').next()?;
    (!host.is_empty()).then(|| host.to_lowercase())
}

/// Whether a whitespace-separated token is one of the mention forms, allowing
/// punctuation after it (`@bot:`) but nothing else.
fn is_mention_of(token: &str, forms: &[String]) -> bool {
    if !token.starts_with('@') {
        return false;
    }
    let core = token.trim_end_matches([',', ':', ';', '.', '!', '?', ')']);
    forms.contains(&core.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bot() -> MentionRef {
        MentionRef {
            username: "coopgov".into(),
            acct: "coopgov".into(),
            url: "https://social.example/@coopgov".into(),
        }
    }

    fn remote_bob() -> MentionRef {
        MentionRef {
            username: "bob".into(),
            acct: "bob@other.example".into(),
            url: "https://other.example/@bob".into(),
        }
    }

    const BOT_HTML: &str = r#"<span class="h-card" translate="no"><a href="https://social.example/@coopgov" class="u-url mention">@<span>coopgov</span></a></span>"#;

    fn check(cases: &[(&str, &str)], mentions: &[MentionRef]) {
        for (input, expected) in cases {
            assert_eq!(status_text(input, mentions), *expected, "input: {input}");
        }
    }

    #[test]
    fn converts_html_to_text() {
        let with_bot = |rest: &str| format!("<p>{BOT_HTML} {rest}</p>");
        let cases: Vec<(String, &str)> = vec![
            ("".into(), ""),
            ("<p>help</p>".into(), "help"),
            (with_bot("help"), "help"),
            (with_bot("vote 3 agree"), "vote 3 agree"),
            ("<p>Tom &amp; Jerry&#39;s &lt;b&gt; &quot;x&quot;</p>".into(), "Tom & Jerry's <b> \"x\""),
            ("<p>one<br>two<br/>three</p>".into(), "one\ntwo\nthree"),
            ("<p>first</p><p>second</p>".into(), "first\n\nsecond"),
            ("<p>a</p><p></p><p></p><p>b</p>".into(), "a\n\nb"),
            ("<p>  lots   of \n spaces  </p>".into(), "lots of spaces"),
            (
                r#"<p>see <a href="https://ex.org/x" rel="nofollow">my post</a></p>"#.into(),
                "see my post",
            ),
            (
                r#"<p><a href="https://example.org/some/long/path"><span class="invisible">https://</span><span class="ellipsis">example.org/some/lo</span><span class="invisible">ng/path</span></a></p>"#.into(),
                "https://example.org/some/long/path",
            ),
            (
                r#"<p class="quote-inline">RE: <a href="https://x.example/1">https://x.example/1</a></p><p>agree</p>"#.into(),
                "agree",
            ),
            ("<p>agree</p><script>alert(1)</script>".into(), "agree"),
            ("<pre>line one\nline two</pre>".into(), "line one\nline two"),
            ("<ul><li>a</li><li>b</li></ul>".into(), "a\nb"),
            ("plain text, no tags".into(), "plain text, no tags"),
            ("<p>unclosed <b>bold".into(), "unclosed bold"),
        ];
        let cases: Vec<(&str, &str)> = cases.iter().map(|(i, e)| (i.as_str(), *e)).collect();
        check(&cases, &[bot()]);
    }

    #[test]
    fn removes_only_whole_mention_tokens_of_listed_accounts() {
        check(
            &[
                ("@coopgov help", "help"),
                ("@CoopGov: help", "help"),
                ("@coopgov@social.example help", "help"),
                ("@COOPGOV@SOCIAL.EXAMPLE, help", "help"),
                ("@bob agree", "agree"),
                ("@bob@other.example agree", "agree"),
                ("@coopgov @bob agree", "agree"),
                ("@alice agree", "@alice agree"),
                ("@coopgovs help", "@coopgovs help"),
                (
                    "@coopgov@elsewhere.example help",
                    "@coopgov@elsewhere.example help",
                ),
                ("mail@coopgov help", "mail@coopgov help"),
                ("@bob's idea", "@bob's idea"),
                ("agree with @bob here", "agree with here"),
                ("<p>@coopgov</p><p>help</p>", "help"),
            ],
            &[bot(), remote_bob()],
        );
    }

    #[test]
    fn only_leading_mentions_of_others_are_removed() {
        let erin = MentionRef {
            username: "erin".into(),
            acct: "erin".into(),
            url: "https://social.example/@erin".into(),
        };
        let cases = [
            (
                "@erin @bob@other.example block @erin runs it",
                "block @erin runs it",
            ),
            ("@erin", ""),
            ("agree @erin", "agree @erin"),
            ("@someone agree", "@someone agree"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                strip_leading_mentions(input, &[erin.clone(), remote_bob()]),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn mastodon_markup_for_a_remote_mention() {
        let html = r#"<p><span class="h-card" translate="no"><a href="https://other.example/@bob" class="u-url mention">@<span>bob</span></a></span> <span class="h-card" translate="no"><a href="https://social.example/@coopgov" class="u-url mention">@<span>coopgov</span></a></span> block — this would cut us off</p>"#;
        assert_eq!(
            status_text(html, &[bot(), remote_bob()]),
            "block — this would cut us off"
        );
    }

    #[test]
    fn url_host_cases() {
        assert_eq!(
            url_host("https://Host.Example/@bob"),
            Some("host.example".into())
        );
        assert_eq!(
            url_host("https://u@host.example:8443/x"),
            Some("host.example".into())
        );
        assert_eq!(url_host("not a url"), None);
        assert_eq!(url_host("https:///@bob"), None);
    }

    proptest! {
        #[test]
        fn never_panics_on_any_string(input in any::<String>()) {
            let _ = status_text(&input, &[bot(), remote_bob()]);
        }

        #[test]
        fn never_panics_on_tag_soup(input in r#"(<(/?)(p|br|a|span|pre|div|script)( class="(invisible|quote-inline)")?>|[a-z @&#;<>"'\n]{0,6}|&(amp|lt|#39|#x1F44D|bogus);){0,40}"#) {
            let text = status_text(&input, &[bot()]);
            prop_assert!(!text.contains("  "));
            prop_assert_eq!(text.trim(), text.as_str());
        }

        #[test]
        fn never_panics_on_odd_mentions(username in ".{0,8}", acct in ".{0,12}", url in ".{0,20}", input in ".{0,40}") {
            let mention = MentionRef { username, acct, url };
            let _ = status_text(&input, &[mention]);
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<span>".repeat(50_000) + "agree" + &"</span>".repeat(50_000);
        assert_eq!(status_text(&html, &[]), "agree");
    }
}
