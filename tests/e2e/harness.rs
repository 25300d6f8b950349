//! Smoke tests of the test harness itself: the mock starts, is seeded, and behaves as documented.

use crate::support::{id_of, secs, wait_for, Mock, Seed};
use reqwest::Method;
use serde_json::{json, Value};

fn seeds() -> Vec<Seed> {
    vec![
        Seed::local("alice"),
        Seed::remote("alice", "evil.example"),
        Seed::local("robot").bot(),
    ]
}

/// The first notification of `kind` about `status_id` in the bot's inbox, if any.
async fn bot_notification(mock: &Mock, kind: &str, status_id: &str) -> Option<Value> {
    mock.bot()
        .notifications()
        .await
        .into_iter()
        .find(|notification| {
            notification["type"] == kind && notification["status"]["id"] == status_id
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_hears_mentions_and_favourites() {
    let mock = Mock::start(&seeds()).await;
    let alice = mock.member("alice");

    let hello = alice.post("@coopbot hello").await;
    let hello_id = id_of(&hello);
    assert_eq!(hello["mentions"][0]["acct"], "coopbot", "{hello}");
    let mention = wait_for("the bot's mention notification", secs(5), || {
        bot_notification(&mock, "mention", &hello_id)
    })
    .await;
    assert_eq!(mention["account"]["acct"], "alice");

    let announcement = mock.bot().post("A proposal is open.").await;
    let announcement_id = id_of(&announcement);
    alice.favourite(&announcement_id).await;
    let favourite = wait_for("the bot's favourite notification", secs(5), || {
        bot_notification(&mock, "favourite", &announcement_id)
    })
    .await;
    assert_eq!(favourite["account"]["acct"], "alice");

    // The remote namesake is a different account that can act too.
    let evil = mock.remote_member("alice", "evil.example");
    assert_ne!(evil.account_id().await, alice.account_id().await);
    let dm = evil.direct("@coopbot psst").await;
    assert_eq!(dm["account"]["acct"], "alice@evil.example");
    let dm_id = id_of(&dm);
    wait_for("the bot's DM notification", secs(5), || {
        bot_notification(&mock, "mention", &dm_id)
    })
    .await;
    let evil_statuses = mock.statuses_by("alice@evil.example").await;
    assert_eq!(
        evil_statuses.len(),
        1,
        "the author sees its own DM: {evil_statuses:?}"
    );
    assert_eq!(evil_statuses[0]["visibility"], "direct");

    let robot = mock
        .member("robot")
        .get("/api/v1/accounts/verify_credentials")
        .await;
    assert_eq!(robot["bot"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_token_reaches_admin_domain_blocks() {
    let mock = Mock::start(&seeds()).await;
    assert_eq!(mock.domain_blocks().await, Vec::<Value>::new());

    let block = json!({ "domain": "evil.example", "severity": "suspend" });
    mock.bot()
        .send(Method::POST, "/api/v1/admin/domain_blocks", Some(block))
        .await;
    let blocks = mock.domain_blocks().await;
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    assert_eq!(blocks[0]["domain"], "evil.example");

    // Faults answer for real endpoints, and clearing them restores the real answer.
    mock.add_fault(json!({
        "match": { "methods": ["GET"], "path": "/api/v1/admin/domain_blocks" },
        "effect": { "type": "status", "status": 503, "body": { "error": "busy" } },
        "count": 1
    }))
    .await;
    let faulted = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/api/v1/admin/domain_blocks", mock.url))
        .bearer_auth(mock.bot_token())
        .send()
        .await
        .unwrap();
    assert_eq!(faulted.status().as_u16(), 503);
    mock.clear_faults().await;
    assert_eq!(mock.domain_blocks().await.len(), 1);
}
