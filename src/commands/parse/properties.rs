//! Status HTML to requests, and properties: no panics, and rendered requests parse back.

use std::time::Duration;

use proptest::prelude::*;

use super::tests::{invalid_domain, propose, suspend, vote, Expected};
use super::*;
use crate::commands::domain::DomainError;
use crate::commands::html::{status_text, MentionRef};
use ActionKind::Suspend;
use Position::{Agree, Block};

fn bot() -> MentionRef {
    MentionRef {
        username: "coopgov".into(),
        acct: "coopgov".into(),
        url: "https://social.example/@coopgov".into(),
    }
}

const BOT_HTML: &str = r#"<span class="h-card" translate="no"><a href="https://social.example/@coopgov" class="u-url mention">@<span>coopgov</span></a></span>"#;

#[test]
fn from_status_html() {
    let cases: Vec<(String, Expected)> = vec![
        (
            format!("<p>{BOT_HTML} propose motion Tom &amp; Jerry&#39;s &lt;rule&gt;</p>"),
            propose(false, Action::Motion, None, "Tom & Jerry's <rule>"),
        ),
        (
            format!(
                "<p>{BOT_HTML} propose suspend spam.example</p><p>They spam.<br>Every day.</p>"
            ),
            propose(
                false,
                suspend("spam.example"),
                None,
                "They spam. Every day.",
            ),
        ),
        (
            format!(
                r#"<p>{BOT_HTML} propose suspend <a href="https://spam.example" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="">spam.example</span><span class="invisible"></span></a> spam</p>"#
            ),
            invalid_domain(Suspend, "https://spam.example", DomainError::NotBare),
        ),
        (
            format!("<p>{BOT_HTML}: vote 3 agree</p>"),
            vote(3, Agree, ""),
        ),
        (
            format!("<p>{BOT_HTML}</p><p>#3 block</p><p>Not yet.</p>"),
            vote(3, Block, "Not yet."),
        ),
    ];
    let vocabulary = Vocabulary::standard();
    for (html, expected) in cases {
        let text = status_text(&html, &[bot()]);
        assert_eq!(parse_request(&text, &vocabulary), expected, "html: {html}");
    }
}

fn reason() -> impl Strategy<Value = String> {
    prop::collection::vec("\\p{L}[\\p{L}\\p{N}\\p{P}\\p{S}]{0,8}", 1..6)
        .prop_map(|words| words.join(" "))
}

fn action() -> impl Strategy<Value = Action> {
    let domain = "[a-z][a-z0-9]{0,10}(\\.[a-z][a-z0-9-]{0,8}[a-z0-9])?\\.[a-z]{2,6}";
    prop_oneof![
        domain.prop_map(|domain| Action::Suspend { domain }),
        domain.prop_map(|domain| Action::Silence { domain }),
        domain.prop_map(|domain| Action::Unblock { domain }),
        Just(Action::Motion),
    ]
}

fn request() -> impl Strategy<Value = Request> {
    let duration = prop::option::of((
        1..10_000u64,
        prop::sample::select(vec![1, 60, 3600, 86_400]),
    ))
    .prop_map(|d| d.map(|(count, scale)| Duration::from_secs(count * scale)));
    let position = prop::sample::select(Position::ALL.to_vec());
    prop_oneof![
        (any::<bool>(), action(), duration, reason()).prop_map(
            |(urgent, action, duration, reason)| {
                Request::Propose(ProposeRequest {
                    urgent,
                    action,
                    duration,
                    reason,
                })
            }
        ),
        (1..=u64::MAX, position, prop::option::of(reason())).prop_map(
            |(number, position, reason)| {
                Request::Vote {
                    number,
                    position,
                    reason: reason.unwrap_or_default(),
                }
            }
        ),
        (1..=u64::MAX).prop_map(|number| Request::Status { number }),
        Just(Request::Help),
        prop::sample::select(vec![
            JuryRequest::Join,
            JuryRequest::Leave,
            JuryRequest::Pool
        ])
        .prop_map(Request::Jury),
    ]
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

proptest! {
    #[test]
    fn parse_request_never_panics(text in any::<String>()) {
        let vocabulary = Vocabulary::standard();
        let _ = parse_request(&text, &vocabulary);
        let _ = parse_vote_reply(&text, &vocabulary);
    }

    #[test]
    fn parse_request_never_panics_on_near_misses(
        words in prop::collection::vec(
            "(propose|vote|status|help|urgent|suspend|limit|motion|agree|#[0-9]{1,3}|[0-9]{1,21}[smhdx]?|[a-z.:/*-]{1,12}|👍️|—|,)",
            0..8,
        )
    ) {
        let vocabulary = Vocabulary::standard();
        let text = words.join(" ");
        let _ = parse_request(&text, &vocabulary);
        let _ = parse_vote_reply(&text, &vocabulary);
    }

    #[test]
    fn rendered_requests_parse_back(request in request()) {
        let text = request.to_string();
        prop_assert_eq!(parse_request(&text, &Vocabulary::standard()), Ok(request));
    }

    #[test]
    fn requests_in_status_html_parse_back(request in request()) {
        let html = format!("<p>{BOT_HTML} {}</p>", escape_html(&request.to_string()));
        let text = status_text(&html, &[bot()]);
        // Through HTML, a request reads as its canonical (NFKC, no invisible) text does.
        let canonical = crate::commands::normalize_text(&request.to_string());
        let vocabulary = Vocabulary::standard();
        prop_assert_eq!(parse_request(&text, &vocabulary), parse_request(&canonical, &vocabulary));
    }
}
