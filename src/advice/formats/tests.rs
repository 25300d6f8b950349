//! The readers against the shared fixtures (tests/fixtures/advice) and hostile input.

use super::*;
use crate::governance::advice::{Advice, Format, ListReading, Listed, Skipped};
use crate::model::Severity;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/advice/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn block(severity: Severity, reject_media: bool, reject_reports: bool) -> Advice {
    Advice::Block {
        severity,
        reject_media,
        reject_reports,
    }
}

const SUSPEND: Advice = Advice::Block {
    severity: Severity::Suspend,
    reject_media: false,
    reject_reports: false,
};

fn listed(domain: &str, advice: Advice, comment: &str) -> Listed {
    Listed {
        domain: domain.into(),
        advice,
        comment: comment.into(),
        labels: Vec::new(),
    }
}

fn skipped(pairs: &[(Skipped, u32)]) -> BTreeMap<Skipped, u32> {
    pairs.iter().copied().collect()
}

fn domains(reading: &ListReading) -> Vec<&str> {
    reading
        .entries
        .iter()
        .map(|entry| entry.domain.as_str())
        .collect()
}

fn read(format: Format, body: &str) -> ListReading {
    parse_list(format, body).unwrap_or_else(|error| panic!("{format:?}: {error}"))
}

fn error(format: Format, body: &str) -> String {
    match parse_list(format, body) {
        Ok(reading) => panic!("{format:?} read {reading:?}"),
        Err(error) => error.to_string(),
    }
}

const LIST_FORMATS: [Format; 5] = [
    Format::Auto,
    Format::MastodonCsv,
    Format::GotosocialJson,
    Format::Plain,
    Format::InstanceApi,
];

// ---- The fixtures ----

fn gotosocial_three(comments: bool) -> Vec<Listed> {
    let comment = |text: &'static str| if comments { text } else { "" };
    vec![
        listed(
            "harassment-hub.example",
            SUSPEND,
            comment("Coordinated harassment campaigns; admins unresponsive"),
        ),
        listed(
            "scam-relay.example.com",
            SUSPEND,
            comment("Phishing links sent by DM"),
        ),
        listed("hidden.example.org", SUSPEND, ""),
    ]
}

#[test]
fn mastodon_csv_fixture() {
    let reading = read(Format::MastodonCsv, &fixture("mastodon-blocklist.csv"));
    assert_eq!(
        reading.entries,
        vec![
            listed(
                "harassment-hub.example",
                SUSPEND,
                "Coordinated harassment campaigns; admins unresponsive"
            ),
            listed(
                "noisy-bots.example.net",
                block(Severity::Silence, true, false),
                "Bot network posting \"breaking news\" spam, several times a minute"
            ),
            listed(
                "scam-relay.example.com",
                SUSPEND,
                "Phishing links sent by DM"
            ),
            listed(
                "hidden.example.org",
                block(Severity::Suspend, true, true),
                ""
            ),
        ]
    );
    assert!(reading.skipped.is_empty());
}

#[test]
fn gotosocial_json_fixture() {
    let reading = read(
        Format::GotosocialJson,
        &fixture("gotosocial-subscription.json"),
    );
    assert_eq!(reading.entries, gotosocial_three(true));
    assert!(reading.skipped.is_empty());
}

#[test]
fn gotosocial_plain_fixture() {
    let reading = read(Format::Plain, &fixture("gotosocial-subscription.txt"));
    assert_eq!(reading.entries, gotosocial_three(false));
    assert!(reading.skipped.is_empty());
}

#[test]
fn auto_reads_each_list_fixture_as_its_format() {
    for (name, format) in [
        ("mastodon-blocklist.csv", Format::MastodonCsv),
        ("gotosocial-subscription.json", Format::GotosocialJson),
        ("gotosocial-subscription.txt", Format::Plain),
    ] {
        let body = fixture(name);
        assert_eq!(detect(&body), Some(format), "{name}");
        assert_eq!(read(Format::Auto, &body), read(format, &body), "{name}");
    }
}

#[test]
fn detects_fires_documents() {
    assert_eq!(detect(&fixture("dataset.json")), Some(Format::Fires));
    // Parts of a dataset are not subscribable lists.
    for name in [
        "snapshot.json",
        "labels.json",
        "changes-collection.json",
        "changes-page-1.json",
        "changes-page-2.json",
    ] {
        assert_eq!(detect(&fixture(name)), None, "{name}");
    }
    let message = error(Format::Auto, &fixture("snapshot.json"));
    assert!(
        message.contains("part of a FIRES dataset")
            && message.contains("datasets/01999eff-fa80-7277-bd62-3676a525c29b”"),
        "{message}"
    );
}

#[test]
fn fires_is_not_a_list() {
    let dataset = fixture("dataset.json");
    for format in [Format::Fires, Format::Auto] {
        let got = parse_list(format, &dataset);
        assert_eq!(got, Err(FormatError::FiresIsAFeed), "{format:?}");
    }
    let message = FormatError::FiresIsAFeed.to_string();
    assert!(message.contains("change feed, not as a list"), "{message}");
}

// ---- instance-api ----

const INSTANCE_API: &str = r#"[
  {"domain": "bad.example", "digest": "8c6f1d8e", "severity": "suspend", "comment": "Spam <b>waves</b>"},
  {"domain": "qu**t.example", "digest": "2a1b", "severity": "silence", "comment": "hidden"},
  {"domain": "loud.example", "digest": "99ff", "severity": "silence", "comment": null},
  {"digest": "77aa", "severity": "suspend"},
  {"domain": "", "digest": "77ab", "severity": "suspend"},
  {"domain": "BAD.example.", "digest": "8c6f1d8e", "severity": "silence"},
  {"domain": "weird.example", "digest": "1", "severity": "banish"},
  {"domain": 42, "digest": "2", "severity": "suspend"},
  "not an object",
  {"domain": "Bücher.example", "digest": "3", "severity": "suspend", "comment": "  padded  ", "extra": {"x": 1}}
]"#;

#[test]
fn instance_api_entries_and_obfuscation() {
    assert_eq!(detect(INSTANCE_API), Some(Format::InstanceApi));
    let reading = read(Format::InstanceApi, INSTANCE_API);
    assert_eq!(
        reading.entries,
        vec![
            listed("bad.example", SUSPEND, "Spam <b>waves</b>"),
            listed("loud.example", block(Severity::Silence, false, false), ""),
            listed("xn--bcher-kva.example", SUSPEND, "padded"),
        ]
    );
    assert_eq!(
        reading.skipped,
        skipped(&[
            (Skipped::Obfuscated, 3),
            (Skipped::Repeated, 1),
            (Skipped::Invalid, 3),
        ])
    );
    assert_eq!(read(Format::Auto, INSTANCE_API), reading);
}

#[test]
fn instance_api_needing_a_token_is_an_error() {
    assert!(error(Format::Auto, r#"{"error": "Record not found"}"#)
        .contains("the server answered with an error, “Record not found”. Set `format`"));
    let message = error(
        Format::InstanceApi,
        r#"{"error": "This method requires an authenticated user"}"#,
    );
    assert_eq!(
        message,
        "The list is not a Mastodon instance's public list of domain blocks: it is a JSON object, \
         not the array of entries a list is (at line 1); the server said “This method requires an \
         authenticated user”."
    );
}

// ---- Mastodon CSV, hostile and lenient ----

#[test]
fn csv_header_without_hash_any_order_and_defaults() {
    let body = "Public_Comment,Domain,Reject_Reports\n\
                \"a, b\",one.example,YES\n\
                ,two.example,\n\
                c,three.example,0\n";
    assert_eq!(detect(body), None, "the header does not start with domain");
    let reading = read(Format::MastodonCsv, body);
    assert_eq!(
        reading.entries,
        vec![
            listed("one.example", block(Severity::Suspend, false, true), "a, b"),
            listed("two.example", SUSPEND, ""),
            listed("three.example", SUSPEND, "c"),
        ]
    );
    let body = "\"#domain\",\"#severity\"\n\"q.example\",\"silence\"\n";
    assert_eq!(detect(body), Some(Format::MastodonCsv));
    assert_eq!(
        read(Format::Auto, body).entries,
        vec![listed(
            "q.example",
            block(Severity::Silence, false, false),
            ""
        )]
    );
    let body = "domain,severity,reject_media,reject_reports,public_comment,obfuscate\n\
                x.example,SILENCE,True,false,,true\n";
    assert_eq!(detect(body), Some(Format::MastodonCsv));
    assert_eq!(
        read(Format::Auto, body).entries,
        vec![listed(
            "x.example",
            block(Severity::Silence, true, false),
            ""
        )]
    );
}

#[test]
fn csv_rows_skipped_and_why() {
    let body = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                ok.example,suspend,false,false,fine,false\n\
                quiet.example,noop,true,true,flags only,false\n\
                ex***le.org,suspend,false,false,,true\n\
                *.wild.example,suspend,false,false,,false\n\
                not a domain,suspend,false,false,,false\n\
                https://web.example/,suspend,false,false,,false\n\
                bad-severity.example,obliterate,false,false,,false\n\
                bad-flag.example,silence,maybe,false,,false\n\
                ,suspend,false,false,no domain,false\n\
                OK.example.,silence,false,false,again,false\n\
                short.example\n\
                long.example,silence,false,true,c,false,extra,fields\n\
                \n\
                ,,,,,\n";
    let reading = read(Format::MastodonCsv, body);
    assert_eq!(
        reading.entries,
        vec![
            listed("ok.example", SUSPEND, "fine"),
            listed("short.example", SUSPEND, ""),
            listed("long.example", block(Severity::Silence, false, true), "c"),
        ]
    );
    assert_eq!(
        reading.skipped,
        skipped(&[
            (Skipped::NoBlock, 1),
            (Skipped::Obfuscated, 2),
            (Skipped::Invalid, 5),
            (Skipped::Repeated, 1),
        ])
    );
}

#[test]
fn csv_bom_and_crlf() {
    let body = "\u{feff}#domain,#severity,#public_comment\r\n\
                a.example,silence,\"two\r\nlines\"\r\n\
                b.example,suspend,x\r\n";
    assert_eq!(detect(body), Some(Format::MastodonCsv));
    for format in [Format::MastodonCsv, Format::Auto] {
        assert_eq!(
            read(format, body).entries,
            vec![
                listed(
                    "a.example",
                    block(Severity::Silence, false, false),
                    "two\r\nlines"
                ),
                listed("b.example", SUSPEND, "x"),
            ]
        );
    }
}

#[test]
fn csv_bare_quotes_are_read_not_fatal() {
    // A bare quote inside a field, and an unterminated quoted field running to the end.
    let body = "domain,public_comment\n\
                a.example,the \"worst\" one\n\
                b.example,\"never closed\n\
                c.example,swallowed\n";
    let reading = read(Format::MastodonCsv, body);
    assert_eq!(
        reading.entries,
        vec![
            listed("a.example", SUSPEND, "the \"worst\" one"),
            listed("b.example", SUSPEND, "never closed\nc.example,swallowed"),
        ]
    );
    // A bare quote in the domain: not a domain.
    let reading = read(Format::MastodonCsv, "domain\nx\"y.example\nok.example\n");
    assert_eq!(domains(&reading), ["ok.example"]);
    assert_eq!(reading.skipped, skipped(&[(Skipped::Invalid, 1)]));
}

#[test]
fn csv_that_is_not_a_csv() {
    assert_eq!(
        error(Format::MastodonCsv, ""),
        "The list is not a Mastodon blocklist CSV: it is empty, without even the header row \
         (#domain,#severity,…) a Mastodon export starts with."
    );
    assert_eq!(
        error(
            Format::MastodonCsv,
            "\n\nharassment-hub.example,suspend,false\n"
        ),
        "The list is not a Mastodon blocklist CSV: its first row (line 3), which should be the \
         header, has no “domain” column; it reads “harassment-hub.example,suspend,false”."
    );
    let message = error(
        Format::MastodonCsv,
        "<!DOCTYPE html><html><body>Not found</body></html>",
    );
    assert!(message.contains("no “domain” column"), "{message}");
    // A header alone is an empty list, not an error.
    assert_eq!(
        read(
            Format::MastodonCsv,
            "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
        ),
        ListReading::default()
    );
}

// ---- GoToSocial JSON, hostile and lenient ----

#[test]
fn gotosocial_json_entries_and_skips() {
    let body = r#"[
      {"domain": "a.example", "comment": "old name for the comment"},
      {"domain": "b.example", "severity": "silence", "reject_media": "true", "public_comment": ""},
      {"domain": "c.example", "severity": "noop"},
      {"domain": "d.example", "severity": "vaporise"},
      {"domain": "e.example", "public_comment": 7},
      {"domain": ["f.example"]},
      {"public_comment": "no domain"},
      {"domain": "g*.example", "obfuscate": true},
      {"domain": "A.example"},
      {"domain": "h.example", "obfuscate": "sometimes", "unknown": [1, 2, 3]},
      null,
      12
    ]"#;
    let reading = read(Format::GotosocialJson, body);
    assert_eq!(
        reading.entries,
        vec![
            listed("a.example", SUSPEND, "old name for the comment"),
            listed("b.example", block(Severity::Silence, true, false), ""),
            listed("h.example", SUSPEND, ""),
        ]
    );
    assert_eq!(
        reading.skipped,
        skipped(&[
            (Skipped::NoBlock, 1),
            (Skipped::Invalid, 6),
            (Skipped::Obfuscated, 1),
            (Skipped::Repeated, 1),
        ])
    );
}

#[test]
fn json_that_is_not_the_format() {
    assert_eq!(
        error(Format::GotosocialJson, r#"{"domain": "a.example"}"#),
        "The list is not a GoToSocial JSON list: it is a JSON object, not the array of entries a \
         list is (at line 1)."
    );
    assert_eq!(
        error(Format::GotosocialJson, "\"a.example\""),
        "The list is not a GoToSocial JSON list: it is a JSON text, not an array of entries."
    );
    assert_eq!(
        error(
            Format::GotosocialJson,
            "[\n  {\"domain\": \"a.example\"},\n  {\"domain\": \"b.exa"
        ),
        "The list is not a GoToSocial JSON list: the JSON stops too early at line 3, column 19 \
         (EOF while parsing a string); the document may be cut off."
    );
    assert_eq!(
        error(Format::InstanceApi, "[\n  {\"domain\": \"a.example\",}\n]"),
        "The list is not a Mastodon instance's public list of domain blocks: the JSON is broken \
         at line 2, column 26 (trailing comma)."
    );
    assert_eq!(
        error(Format::GotosocialJson, "[] []"),
        "The list is not a GoToSocial JSON list: the JSON is broken at line 1, column 4 \
         (trailing characters)."
    );
    assert_eq!(
        error(
            Format::GotosocialJson,
            "<html><body>502 Bad Gateway</body></html>"
        ),
        "The list is not a GoToSocial JSON list: it is a web page (HTML), not JSON."
    );
    // An empty array is an empty list.
    assert_eq!(
        read(Format::GotosocialJson, "\u{feff} [ ]\n"),
        ListReading::default()
    );
    // Deep nesting is refused by serde_json's limit, without overflowing the stack.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(error(Format::GotosocialJson, &deep).contains("recursion limit"));
}

// ---- plain ----

#[test]
fn plain_comments_blanks_crlf_bom_and_junk() {
    let body = "\u{feff}# A list of domains\r\n\
                \r\n\
                a.example\r\n\
                  b.example  \r\n\
                #c.example\r\n\
                d.example suspend\r\n\
                *.e.example\r\n\
                f.exa_mple\r\n\
                192.0.2.1\r\n\
                A.EXAMPLE\r\n\
                bücher.example";
    assert_eq!(detect(body), Some(Format::Plain));
    let reading = read(Format::Plain, body);
    assert_eq!(
        reading.entries,
        vec![
            listed("a.example", SUSPEND, ""),
            listed("b.example", SUSPEND, ""),
            listed("xn--bcher-kva.example", SUSPEND, ""),
        ]
    );
    assert_eq!(
        reading.skipped,
        skipped(&[
            (Skipped::Invalid, 3),
            (Skipped::Obfuscated, 1),
            (Skipped::Repeated, 1),
        ])
    );
    assert_eq!(read(Format::Auto, body), reading);
}

#[test]
fn plain_that_is_another_document() {
    assert_eq!(
        error(Format::Plain, "\n<!DOCTYPE html>\n<p>Gone</p>"),
        "The list is not a plain list of domains: line 2 reads “<!DOCTYPE html>”, which is a web \
         page (HTML), not one domain per line."
    );
    let message = error(Format::Plain, &fixture("gotosocial-subscription.json"));
    assert!(message.contains("it is a JSON document"), "{message}");
    // A bracketed line that is not JSON is just an invalid entry.
    let reading = read(Format::Plain, "[2001:db8::1]\na.example\n");
    assert_eq!(domains(&reading), ["a.example"]);
    assert_eq!(reading.skipped, skipped(&[(Skipped::Invalid, 1)]));
    // Only comments: an empty list (read as plain), but `auto` cannot tell it.
    assert_eq!(
        read(Format::Plain, "# nothing yet\n\n"),
        ListReading::default()
    );
    assert_eq!(detect("# nothing yet\n"), None);
    assert_eq!(
        error(Format::Auto, "# nothing yet\n"),
        "The list's format could not be told from its content: it has only comment lines \
         (starting with #), no domain. Set `format` for this subscription (mastodon-csv, \
         gotosocial-json, plain, instance-api or fires)."
    );
    assert_eq!(
        error(Format::Auto, "\n\nhello world\n"),
        "The list's format could not be told from its content: line 3 reads “hello world”, \
         which is not a domain, a Mastodon CSV header (#domain,…) or JSON. Set `format` for \
         this subscription (mastodon-csv, gotosocial-json, plain, instance-api or fires)."
    );
    assert!(error(Format::Auto, "").contains("the document is empty"));
    assert!(error(Format::Auto, "[{\"domain\": ").contains("line 1, column 12"));
}

// ---- Comments ----

#[test]
fn comments_are_kept_as_text_trimmed_and_capped() {
    let markup =
        "<script>alert(1)</script> **bold** [link](https://evil.example) @admin@x.example &amp;";
    let csv = format!(
        "domain,public_comment\na.example,\"  {}  \"\n",
        markup.replace('"', "\"\"")
    );
    assert_eq!(read(Format::MastodonCsv, &csv).entries[0].comment, markup);
    let json = serde_json::json!([{ "domain": "a.example", "public_comment": markup }]).to_string();
    assert_eq!(
        read(Format::GotosocialJson, &json).entries[0].comment,
        markup
    );

    // 600 two-byte characters: cut to 499 of them and "…", 500 characters in all.
    let long = "é".repeat(600);
    let json =
        serde_json::json!([{ "domain": "a.example", "comment": long, "digest": "x" }]).to_string();
    let comment = &read(Format::InstanceApi, &json).entries[0].comment;
    assert_eq!(comment.chars().count(), 500);
    assert_eq!(*comment, format!("{}…", "é".repeat(499)));
    // Exactly 500 characters are kept whole.
    let exact = "ü".repeat(500);
    let csv = format!("domain,comment\na.example,{exact}\n");
    assert_eq!(read(Format::MastodonCsv, &csv).entries[0].comment, exact);
}

// ---- Size ----

#[test]
fn ten_thousand_entries_in_every_format() {
    let names: Vec<String> = (0..10_000).map(|n| format!("host-{n}.example")).collect();
    let csv = std::iter::once(
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate".to_owned(),
    )
    .chain(
        names
            .iter()
            .map(|name| format!("{name},silence,true,false,\"a, comment\",false")),
    )
    .collect::<Vec<_>>()
    .join("\n");
    let plain = names.join("\n");
    let gotosocial = serde_json::to_string(
        &names
            .iter()
            .map(|name| serde_json::json!({"domain": name, "public_comment": "c", "obfuscate": false}))
            .collect::<Vec<_>>(),
    )
    .expect("JSON values serialise");
    let instance = serde_json::to_string(
        &names
            .iter()
            .map(|name| serde_json::json!({"domain": name, "digest": "d", "severity": "suspend", "comment": "c"}))
            .collect::<Vec<_>>(),
    )
    .expect("JSON values serialise");
    let started = std::time::Instant::now();
    for (format, body) in [
        (Format::MastodonCsv, &csv),
        (Format::Plain, &plain),
        (Format::GotosocialJson, &gotosocial),
        (Format::InstanceApi, &instance),
    ] {
        assert_eq!(detect(body), Some(format));
        let reading = read(Format::Auto, body);
        assert_eq!(reading.entries.len(), 10_000, "{format:?}");
        assert!(reading.skipped.is_empty());
        assert_eq!(reading.entries[9_999].domain, "host-9999.example");
    }
    // A guard against quadratic work, generous for a debug build on a small machine.
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

// ---- FIRES ----

const DATASET_ID: &str = "https://fires.example.org/datasets/01999eff-fa80-7277-bd62-3676a525c29b";
const SPAM: &str = "https://fires.example.org/labels/01994c63-4c00-7691-9742-24678779187a";
const HARASSMENT: &str = "https://fires.example.org/labels/01994c64-3660-76aa-8663-e0a9ce7fad28";
const HATE: &str = "https://fires.example.org/labels/01994c65-20c0-7f83-a44f-d79231c2ad95";

fn change_id(uuid: &str) -> String {
    format!("{DATASET_ID}/changes/{uuid}")
}

fn since(uuid: &str) -> String {
    format!("{DATASET_ID}/changes?since={uuid}")
}

fn labels() -> BTreeMap<String, String> {
    parse_labels(&fixture("labels.json")).expect("a readable labels collection")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

fn entity(key: &str) -> Option<Entity> {
    Some(Entity {
        kind: "domain".into(),
        key: key.into(),
    })
}

fn recommendation(
    uuid: &str,
    published: &str,
    key: &str,
    policy: &str,
    filters: &[&str],
    labels: &[&str],
) -> Change {
    Change {
        id: change_id(uuid),
        published: Some(published.into()),
        kind: ChangeKind::Recommendation {
            policy: policy.into(),
            filters: strings(filters),
            labels: strings(labels),
        },
        entity: entity(key),
    }
}

fn feed_changes() -> [Change; 5] {
    [
        recommendation(
            "019a4a09-41c0-7637-b167-0677ebca95db",
            "2025-11-03T14:05:12Z",
            "spam-farm.example.org",
            "drop",
            &[],
            &[SPAM],
        ),
        recommendation(
            "019a535a-05c0-7191-9abf-fa533f3b4050",
            "2025-11-05T09:30:00Z",
            "harassment-hub.example",
            "reject",
            &[],
            &[HARASSMENT, HATE],
        ),
        recommendation(
            "019a792c-3a48-7f3d-bcdf-3ed2b55d5d1a",
            "2025-11-12T17:45:33Z",
            "noisy-bots.example.net",
            "filter",
            &["auto-unlisted", "reject-media"],
            &[SPAM],
        ),
        Change {
            id: change_id("019a9603-73c0-7f5f-8547-74a321ca1996"),
            published: Some("2025-11-18T08:10:00Z".into()),
            kind: ChangeKind::Advisory {
                labels: strings(&[HATE]),
            },
            entity: entity("watchlist.example.com"),
        },
        Change {
            id: change_id("019aa0c2-9ca0-7736-ad03-fc4669153053"),
            published: Some("2025-11-20T10:15:00Z".into()),
            kind: ChangeKind::Retraction {
                comment: "Domain changed hands; the spam accounts are gone.".into(),
            },
            entity: entity("spam-farm.example.org"),
        },
    ]
}

fn fires_listed(domain: &str, advice: Advice, labels: &[&str]) -> FeedStep {
    FeedStep::List(Listed {
        domain: domain.into(),
        advice,
        comment: String::new(),
        labels: strings(labels),
    })
}

#[test]
fn dataset_fixture() {
    assert_eq!(
        parse_dataset(&fixture("dataset.json")).expect("a readable dataset"),
        Dataset {
            id: DATASET_ID.into(),
            name: "Example Denylist".into(),
            summary: "Recommendations about servers hosting spam, harassment or hate speech."
                .into(),
            url: Some("https://fires.example.org/datasets/example-denylist".into()),
            snapshot: format!("{DATASET_ID}/snapshot"),
            changes: format!("{DATASET_ID}/changes"),
        }
    );
}

#[test]
fn dataset_variants_and_errors() {
    let body = r#"{"type": ["Dataset"], "id": "https://f.example/d", "nameMap": {"de": "Liste", "en": "List"},
        "summaryMap": {"fr": "Résumé"}, "url": {"type": "Link", "href": "https://f.example/d.html"},
        "endpoints": {"snapshot": "https://f.example/s", "changes": "https://f.example/c"}}"#;
    let dataset = parse_dataset(body).expect("a readable dataset");
    assert_eq!(
        (dataset.name.as_str(), dataset.summary.as_str()),
        ("List", "Résumé")
    );
    assert_eq!(dataset.url.as_deref(), Some("https://f.example/d.html"));

    assert_eq!(
        parse_dataset(&fixture("snapshot.json"))
            .unwrap_err()
            .to_string(),
        "The FIRES dataset is not usable: its type is “Collection”, not “Dataset”; give the \
         dataset's own address."
    );
    assert_eq!(
        parse_dataset(r#"{"type": "Dataset", "id": "https://f.example/d", "endpoints": {"changes": "https://f.example/c"}}"#)
            .unwrap_err()
            .to_string(),
        "The FIRES dataset is not usable: it has no “endpoints.snapshot” address."
    );
    assert_eq!(
        parse_dataset(r#"{"type": "Dataset", "endpoints": {}}"#)
            .unwrap_err()
            .to_string(),
        "The FIRES dataset is not usable: it has no “id”."
    );
    assert_eq!(
        parse_dataset("{\"type\": \"Dataset\",")
            .unwrap_err()
            .to_string(),
        "The FIRES dataset is not usable: the JSON stops too early at line 1, column 19 \
         (EOF while parsing a value); the document may be cut off."
    );
    assert_eq!(
        parse_dataset("[]").unwrap_err().to_string(),
        "The FIRES dataset is not usable: it is a JSON array, not an object."
    );
}

#[test]
fn labels_fixture() {
    let expected: BTreeMap<String, String> = [
        (SPAM, "Spam"),
        (HARASSMENT, "Harassment"),
        (HATE, "Hate Speech"),
    ]
    .into_iter()
    .map(|(id, name)| (id.to_owned(), name.to_owned()))
    .collect();
    assert_eq!(labels(), expected);
}

#[test]
fn labels_variants_and_errors() {
    let body = r#"{"type": "OrderedCollection", "orderedItems": [
        {"type": "Label", "id": "https://f.example/l/1", "nameMap": {"fr": "Pourriel", "de": "Spam"}},
        {"type": "fires:Label", "id": "https://f.example/l/2", "name": "  Trolling  ", "deprecated": true},
        {"type": "Note", "id": "https://f.example/l/3", "name": "Not a label"},
        {"type": "Label", "id": "https://f.example/l/4"},
        {"type": "Label", "name": "no id"},
        "https://f.example/l/5"
    ]}"#;
    let labels = parse_labels(body).expect("a readable labels collection");
    assert_eq!(
        labels.into_iter().collect::<Vec<_>>(),
        [
            ("https://f.example/l/1".to_owned(), "Spam".to_owned()),
            ("https://f.example/l/2".to_owned(), "Trolling".to_owned()),
        ]
    );
    assert_eq!(
        parse_labels(r#"{"type": "Collection"}"#)
            .unwrap_err()
            .to_string(),
        "The FIRES labels collection is not usable: it has no “items” array."
    );
    assert_eq!(
        parse_labels(r#"{"items": {"a": 1}}"#)
            .unwrap_err()
            .to_string(),
        "The FIRES labels collection is not usable: its “items” is a JSON object, not an array."
    );
}

#[test]
fn snapshot_fixture() {
    let document = parse_feed(&fixture("snapshot.json")).expect("a readable feed document");
    let [one, two, three, four, five] = feed_changes();
    assert_eq!(
        document,
        FeedDocument {
            id: Some(format!("{DATASET_ID}/snapshot")),
            kind: FeedKind::Snapshot,
            items: vec![five, four, three, two],
            next: None,
            first: None,
            changes: Some(since("019aa0c2-9ca0-7736-ad03-fc4669153053")),
            part_of: None,
            unreadable: 0,
        }
    );
    drop(one);
    let labels = labels();
    let steps: Vec<FeedStep> = document
        .items
        .iter()
        .map(|change| read_change(change, &labels))
        .collect();
    assert_eq!(
        steps,
        vec![
            FeedStep::Remove {
                domain: "spam-farm.example.org".into(),
                comment: "Domain changed hands; the spam accounts are gone.".into(),
            },
            fires_listed("watchlist.example.com", Advice::Advisory, &["Hate Speech"]),
            fires_listed(
                "noisy-bots.example.net",
                block(Severity::Silence, true, false),
                &["Spam"]
            ),
            fires_listed(
                "harassment-hub.example",
                SUSPEND,
                &["Harassment", "Hate Speech"]
            ),
        ]
    );
}

#[test]
fn changes_collection_fixture() {
    assert_eq!(
        parse_feed(&fixture("changes-collection.json")).expect("a readable feed document"),
        FeedDocument {
            id: Some(format!("{DATASET_ID}/changes")),
            kind: FeedKind::Collection,
            items: Vec::new(),
            next: None,
            first: Some(since("00000000-0000-7000-A000-000000000000")),
            changes: None,
            part_of: None,
            unreadable: 0,
        }
    );
}

#[test]
fn change_pages_fixture() {
    let [one, two, three, four, five] = feed_changes();
    let page_one = parse_feed(&fixture("changes-page-1.json")).expect("a readable feed document");
    assert_eq!(
        page_one,
        FeedDocument {
            id: Some(since("00000000-0000-7000-A000-000000000000")),
            kind: FeedKind::Page,
            items: vec![one, two, three],
            next: Some(since("019a792c-3a48-7f3d-bcdf-3ed2b55d5d1a")),
            first: Some(since("00000000-0000-7000-A000-000000000000")),
            changes: None,
            part_of: Some(format!("{DATASET_ID}/changes")),
            unreadable: 0,
        }
    );
    let page_two = parse_feed(&fixture("changes-page-2.json")).expect("a readable feed document");
    assert_eq!(page_two.kind, FeedKind::Page);
    assert_eq!(page_two.id, page_one.next);
    assert_eq!(page_two.next, None);
    assert_eq!(page_two.items, vec![four, five]);

    let labels = labels();
    let steps: Vec<FeedStep> = page_one
        .items
        .iter()
        .chain(&page_two.items)
        .map(|change| read_change(change, &labels))
        .collect();
    assert_eq!(
        steps,
        vec![
            fires_listed("spam-farm.example.org", SUSPEND, &["Spam"]),
            fires_listed(
                "harassment-hub.example",
                SUSPEND,
                &["Harassment", "Hate Speech"]
            ),
            fires_listed(
                "noisy-bots.example.net",
                block(Severity::Silence, true, false),
                &["Spam"]
            ),
            fires_listed("watchlist.example.com", Advice::Advisory, &["Hate Speech"]),
            FeedStep::Remove {
                domain: "spam-farm.example.org".into(),
                comment: "Domain changed hands; the spam accounts are gone.".into(),
            },
        ]
    );
}

#[test]
fn feed_items_unreadable_and_odd_shapes() {
    let body = r#"{"type": "OrderedCollectionPage", "id": "https://f.example/c?since=1",
      "partOf": "https://f.example/c",
      "orderedItems": [
        {"type": "Recommendation", "entityKind": "domain", "entityKey": "no-id.example"},
        {"id": "https://f.example/c/2", "entityKind": "domain", "entityKey": "no-type.example"},
        "https://f.example/c/3",
        {"id": "https://f.example/c/4", "type": "Tombstone"},
        {"id": "https://f.example/c/5", "type": "Retraction", "entityKind": "domain", "entityKey": "x.example"},
        {"id": "https://f.example/c/6", "type": "Flag", "entityKind": "domain", "entityKey": "y.example"}
      ]}"#;
    let page = parse_feed(body).expect("a readable feed document");
    assert_eq!(page.unreadable, 3);
    assert_eq!(page.next, None);
    assert_eq!(
        page.items,
        vec![
            Change {
                id: "https://f.example/c/4".into(),
                published: None,
                kind: ChangeKind::Tombstone,
                entity: None,
            },
            Change {
                id: "https://f.example/c/5".into(),
                published: None,
                kind: ChangeKind::Retraction {
                    comment: String::new()
                },
                entity: entity("x.example"),
            },
            Change {
                id: "https://f.example/c/6".into(),
                published: None,
                kind: ChangeKind::Other("Flag".into()),
                entity: entity("y.example"),
            },
        ]
    );
    let no_labels = BTreeMap::new();
    let steps: Vec<FeedStep> = page
        .items
        .iter()
        .map(|change| read_change(change, &no_labels))
        .collect();
    assert_eq!(
        steps,
        vec![
            FeedStep::Skip(Skipped::NotADomain),
            FeedStep::Remove {
                domain: "x.example".into(),
                comment: String::new()
            },
            FeedStep::Skip(Skipped::Invalid),
        ]
    );
    // An empty last page, as the reference server ends its feed.
    let empty = parse_feed(r#"{"type": "OrderedCollectionPage", "id": "https://f.example/c?since=9", "orderedItems": []}"#).expect("a readable feed document");
    assert_eq!(
        (empty.kind, empty.items.len(), empty.next),
        (FeedKind::Page, 0, None)
    );
    // A snapshot typed as the docs say, with `next` given as an embedded object.
    let snapshot = parse_feed(r#"{"type": "OrderedCollection", "orderedItems": [], "changes": {"id": "https://f.example/c?since=5"}}"#).expect("a readable feed document");
    assert_eq!(snapshot.kind, FeedKind::Snapshot);
    assert_eq!(
        snapshot.changes.as_deref(),
        Some("https://f.example/c?since=5")
    );

    assert_eq!(
        parse_feed(&fixture("dataset.json"))
            .unwrap_err()
            .to_string(),
        "The FIRES snapshot or change feed page is not usable: its type is “Dataset”; a snapshot \
         is a Collection and a page of changes an OrderedCollectionPage."
    );
    assert_eq!(
        parse_feed(r#"{"type": "Collection"}"#)
            .unwrap_err()
            .to_string(),
        "The FIRES snapshot or change feed page is not usable: it is a collection with neither \
         items nor a “first” page."
    );
    let truncated = fixture("changes-page-1.json");
    let message = parse_feed(&truncated[..truncated.len() / 2])
        .unwrap_err()
        .to_string();
    assert!(message.contains("stops too early at line"), "{message}");
}

fn change(kind: ChangeKind, entity_kind: &str, key: &str) -> Change {
    Change {
        id: "https://f.example/c/1".into(),
        published: None,
        kind,
        entity: Some(Entity {
            kind: entity_kind.into(),
            key: key.into(),
        }),
    }
}

fn recommend(policy: &str, filters: &[&str]) -> ChangeKind {
    ChangeKind::Recommendation {
        policy: policy.into(),
        filters: strings(filters),
        labels: Vec::new(),
    }
}

#[test]
fn read_change_mapping() {
    let labels = labels();
    let step = |kind: ChangeKind| read_change(&change(kind, "domain", "Target.Example"), &labels);
    let blocked = |advice| fires_listed("target.example", advice, &[]);
    assert_eq!(step(recommend("drop", &["reject-media"])), blocked(SUSPEND));
    assert_eq!(step(recommend("REJECT", &[])), blocked(SUSPEND));
    assert_eq!(
        step(recommend("filter", &[])),
        blocked(block(Severity::Silence, false, false))
    );
    assert_eq!(
        step(recommend(
            "filter",
            &[
                "https://fires.example/filters/reject-profile-media",
                "urn:x#ignore-reports"
            ]
        )),
        blocked(block(Severity::Silence, true, true))
    );
    assert_eq!(
        step(recommend(
            "filter",
            &["reject-reports", "prevent-trending", "not-reject-media"]
        )),
        blocked(block(Severity::Silence, false, true))
    );
    assert_eq!(
        step(recommend("accept", &[])),
        FeedStep::Skip(Skipped::NoBlock)
    );
    assert_eq!(
        step(recommend("quarantine", &[])),
        FeedStep::Skip(Skipped::Invalid)
    );
    assert_eq!(step(recommend("", &[])), FeedStep::Skip(Skipped::Invalid));
    assert_eq!(
        step(ChangeKind::Retraction {
            comment: format!("  {}  ", "x".repeat(600))
        }),
        FeedStep::Remove {
            domain: "target.example".into(),
            comment: format!("{}…", "x".repeat(499))
        }
    );
    // Labels: known ones by name, unknown ones by their last segment, each once.
    assert_eq!(
        step(ChangeKind::Advisory {
            labels: strings(&[
                HARASSMENT,
                "https://other.example/labels/brigading/",
                HARASSMENT,
                "bare-name"
            ]),
        }),
        fires_listed(
            "target.example",
            Advice::Advisory,
            &["Harassment", "brigading", "bare-name"]
        )
    );
    // Not domains.
    let actor = change(
        recommend("drop", &[]),
        "actor",
        "https://x.example/users/bob",
    );
    assert_eq!(
        read_change(&actor, &labels),
        FeedStep::Skip(Skipped::NotADomain)
    );
    let tombstone = Change {
        entity: None,
        ..change(ChangeKind::Tombstone, "domain", "x.example")
    };
    assert_eq!(
        read_change(&tombstone, &labels),
        FeedStep::Skip(Skipped::NotADomain)
    );
    // Invalid domains, including a removal of one.
    for key in [
        "*.x.example",
        "https://x.example/",
        "not a domain",
        "localhost",
    ] {
        for kind in [
            recommend("drop", &[]),
            ChangeKind::Retraction {
                comment: "c".into(),
            },
        ] {
            assert_eq!(
                read_change(&change(kind, "domain", key), &labels),
                FeedStep::Skip(Skipped::Invalid),
                "{key}"
            );
        }
    }
    let no_entity = Change {
        entity: None,
        ..change(recommend("drop", &[]), "domain", "x.example")
    };
    assert_eq!(
        read_change(&no_entity, &labels),
        FeedStep::Skip(Skipped::Invalid)
    );
}

#[test]
fn messages_are_sentences() {
    let errors = [
        parse_list(Format::MastodonCsv, "a,b\n").unwrap_err(),
        parse_list(Format::GotosocialJson, "{").unwrap_err(),
        parse_list(Format::Plain, "<html>").unwrap_err(),
        parse_list(Format::Auto, "???").unwrap_err(),
        parse_list(Format::Fires, "").unwrap_err(),
        parse_feed("null").unwrap_err(),
    ];
    for error in errors {
        let message = error.to_string();
        assert!(
            message.starts_with(char::is_uppercase) && message.ends_with('.'),
            "{message}"
        );
        assert!(!message.contains(".."), "{message}");
    }
}

// ---- Never panics ----

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn lists_never_panic(body in any::<String>()) {
        for format in LIST_FORMATS {
            let _ = parse_list(format, &body);
        }
        let _ = detect(&body);
    }

    #[test]
    fn csv_like_never_panics(rows in proptest::collection::vec("[a-zé*. ,\"#\r\n01truefalsenoopsilence-]{0,40}", 0..20)) {
        let body = format!("#domain,#severity,#reject_media,#reject_reports,#public_comment\n{}", rows.join("\n"));
        if let Ok(reading) = parse_list(Format::MastodonCsv, &body) {
            for entry in &reading.entries {
                prop_assert!(entry.comment.chars().count() <= 500);
                let blocks = matches!(entry.advice, Advice::Block { severity, .. } if severity != Severity::Noop);
                prop_assert!(blocks);
            }
        }
        let _ = parse_list(Format::Auto, &body);
        let _ = parse_list(Format::Plain, &rows.join("\n"));
    }

    #[test]
    fn json_like_never_panics(body in "[\\[\\]{}\":, a-z.*0-9nul\\\\]{0,80}") {
        for format in LIST_FORMATS {
            let _ = parse_list(format, &body);
        }
        let _ = parse_feed(&body);
        let _ = parse_labels(&body);
        let _ = parse_dataset(&body);
    }

    #[test]
    fn json_entries_never_panic(entries in proptest::collection::vec(
        (any::<Option<String>>(), any::<Option<String>>(), any::<Option<bool>>()), 0..10)) {
        let body = serde_json::Value::Array(entries.into_iter().map(|(domain, severity, flag)| {
            serde_json::json!({"domain": domain, "severity": severity, "reject_media": flag, "digest": "d"})
        }).collect()).to_string();
        for format in [Format::GotosocialJson, Format::InstanceApi, Format::Auto] {
            prop_assert!(parse_list(format, &body).is_ok());
        }
    }
}
