//! The wire types against response bodies recorded from real Mastodon servers.
//!
//! The folder is `COOPGOV_FIXTURES` when set, else `../shared/fixtures/mastodon` beside
//! the crate. Without it these tests say so and check nothing.

use super::convert;
use super::streaming::{parse_frame, StreamEvent};
use super::types::{
    decode_items, parse_instance, Account, Context, DomainBlock, ErrorBody, Notification, Status,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::PathBuf;

fn folder() -> Option<PathBuf> {
    let folder = std::env::var_os("COOPGOV_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/mastodon")
        });
    if folder.is_dir() {
        Some(folder)
    } else {
        eprintln!(
            "fixtures not found at {}: set COOPGOV_FIXTURES to the recorded bodies to check the wire types",
            folder.display()
        );
        None
    }
}

/// Every `*.json` body (not the `.meta.json` sidecars) in `sub`, as (name, JSON).
fn bodies(sub: &str) -> Vec<(String, Value)> {
    let Some(folder) = folder() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let entries = std::fs::read_dir(folder.join(sub)).expect("the fixture folder is readable");
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name.ends_with(".meta.json") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("a fixture is readable");
        let value = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{sub}/{name} is not JSON: {error}"));
        found.push((format!("{sub}/{name}"), value));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn parse<T: DeserializeOwned>(name: &str, value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("{name} does not parse: {error}"))
}

fn parse_all<T: DeserializeOwned>(name: &str, value: &Value) -> Vec<T> {
    let items = value.as_array().cloned().unwrap_or_default();
    let count = items.len();
    let (parsed, unreadable) = decode_items::<T>(items);
    assert!(unreadable.is_empty(), "{name}: {unreadable:?}");
    assert_eq!(parsed.len(), count);
    parsed
}

#[test]
fn every_status_parses_and_reads_as_text() {
    for (name, value) in bodies("status") {
        if value.is_array() {
            continue; // the edit history is a list of StatusEdit, which the bot never reads
        }
        if name.contains("poll_after_vote") {
            continue; // a Poll, not a Status
        }
        let status: Status = parse(&name, &value);
        assert!(!status.id.is_empty(), "{name}");
        let post = convert::post(&status, "no-bot");
        assert!(post.created_at.is_some(), "{name}: created_at");
        if name.contains("delete_response") {
            assert_eq!(post.text, "", "{name}: a deleted status has no content");
        }
    }
}

#[test]
fn v1_notifications_parse_item_by_item() {
    for (name, value) in bodies("notifications") {
        if name.contains("_v2_") || name.contains("group_v2") {
            continue; // grouped v2 notifications are not what the bot reads (it uses v1)
        }
        let notifications: Vec<Notification> = if value.is_array() {
            parse_all(&name, &value)
        } else {
            vec![parse(&name, &value)]
        };
        for notification in notifications {
            assert!(!notification.id.is_empty(), "{name}");
            if notification.kind == "mention" {
                let status = notification.status.expect("a mention carries its status");
                assert!(!status.mentions.is_empty(), "{name}");
            }
        }
    }
}

#[test]
fn accounts_context_and_favourites_parse() {
    for (name, value) in bodies("account") {
        let account: Account = parse(&name, &value);
        assert!(account.created_at.is_some(), "{name}: created_at");
    }
    for (name, value) in bodies("context") {
        let context: Context = parse(&name, &value);
        let replies = parse_all::<Status>(&name, &Value::Array(context.descendants));
        for reply in replies {
            assert!(
                reply.in_reply_to_id.is_some(),
                "{name}: a descendant replies"
            );
        }
    }
    for (name, value) in bodies("favourited_by") {
        let accounts: Vec<Account> = parse_all(&name, &value);
        assert!(!accounts.is_empty(), "{name}");
    }
}

#[test]
fn admin_domain_blocks_parse() {
    // The folder also holds reports and account actions, which the bot does not read yet.
    let domain_blocks = bodies("admin")
        .into_iter()
        .filter(|(name, _)| name.starts_with("admin/domain_block"));
    for (name, value) in domain_blocks {
        if value.is_array() {
            parse_all::<DomainBlock>(&name, &value);
        } else if name.contains("delete") {
            assert_eq!(
                value,
                serde_json::json!({}),
                "{name}: deleting answers {{}}"
            );
        } else {
            let block: DomainBlock = parse(&name, &value);
            assert!(
                ["silence", "suspend", "noop"].contains(&block.severity.as_str()),
                "{name}"
            );
        }
    }
}

#[test]
fn error_bodies_parse() {
    for (name, value) in bodies("errors") {
        let body: ErrorBody = parse(&name, &value);
        assert!(body.error.is_some(), "{name}: has an error text");
    }
}

#[test]
fn instance_documents_give_limit_and_streaming() {
    for (name, value) in bodies("instance") {
        let instance = parse_instance(&value);
        assert_eq!(instance.max_characters, 500, "{name}");
        assert_eq!(
            instance.streaming_url.as_deref(),
            Some("ws://localhost:4000"),
            "{name}"
        );
        assert!(!instance.version.is_empty(), "{name}");
    }
}

#[test]
fn stream_frames_yield_notifications_and_deletions() {
    for (name, value) in bodies("streaming") {
        match parse_frame(&value.to_string()) {
            Some(StreamEvent::Notification(_)) => assert!(name.contains("ws_notification")),
            Some(StreamEvent::Deleted(id)) => {
                assert!(name.contains("ws_delete"), "{name}");
                assert_eq!(id, "106692867363994015");
            }
            Some(other) => panic!("{name}: {other:?}"),
            None => assert!(
                !name.contains("ws_notification") && !name.contains("ws_delete"),
                "{name}"
            ),
        }
    }
    let Some(folder) = folder() else {
        return;
    };
    let payload = std::fs::read_to_string(
        folder.join("streaming/recorded_sse/sse_notification.payload.json"),
    )
    .expect("the recorded SSE notification is readable");
    let notification: Notification = parse(
        "sse_notification",
        &serde_json::from_str(&payload).expect("JSON"),
    );
    assert!(notification.status.is_some());
}
