//! A seeded account acting over the mock's REST API, and the loud HTTP helper under it.

use reqwest::{Client, Method};
use serde_json::{json, Value};

/// Sends one request and returns the JSON body (`Null` if empty);
/// panics with the method, URL, status and body on anything but 2xx.
pub async fn call(
    client: &Client,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let request = || {
        let mut request = client.request(method.clone(), url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = &body {
            request = request.json(body);
        }
        request
    };
    // A connection the mock did not accept (its backlog full while a crowd votes on a
    // loaded machine) carried no request: trying again is what a member's app does.
    let mut attempts = 0;
    let response = loop {
        match request().send().await {
            Ok(response) => break response,
            Err(e) if e.is_connect() && attempts < 5 => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(200 * attempts)).await;
            }
            Err(e) => panic!("{method} {url}: no answer: {e}"),
        }
    };
    let status = response.status();
    let reset = response
        .headers()
        .get("x-ratelimit-reset")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let text = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: unreadable body: {e}"));
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        // On one machine the bot, its members and the test share one address, so one
        // budget: say so, rather than leave a bare 429 to puzzle over.
        panic!(
            "{method} {url} answered {status}: the server's rate limit for 127.0.0.1 \
             (the bot, the members and this test together) is spent until {}; \
             run again once it resets, or start the server with a higher limit",
            reset.as_deref().unwrap_or("its window ends")
        );
    }
    if !status.is_success() {
        panic!("{method} {url} answered {status}: {text}");
    }
    if text.trim().is_empty() {
        return Value::Null;
    }
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{method} {url} answered {status} with non-JSON ({e}): {text}"))
}

/// Fetches every page of a max_id-paginated list (40 a page, the mock's maximum).
pub async fn all_pages(client: &Client, url: &str, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut max_id: Option<String> = None;
    loop {
        let separator = if url.contains('?') { '&' } else { '?' };
        let page_url = match &max_id {
            Some(id) => format!("{url}{separator}limit=40&max_id={id}"),
            None => format!("{url}{separator}limit=40"),
        };
        let page = call(client, Method::GET, &page_url, Some(token), None).await;
        let page = page
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("GET {page_url}: not a list: {page}"));
        let full = page.len() == 40;
        max_id = page.last().map(id_of);
        items.extend(page);
        if !full {
            return items;
        }
    }
}

/// The `id` string of an entity, panicking if it has none.
pub fn id_of(entity: &Value) -> String {
    entity["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no string id in {entity}"))
        .to_owned()
}

/// A client acting as one seeded account (its fixed token).
#[derive(Clone)]
pub struct Member {
    /// `acct` as the mock shows it: `alice` locally, `alice@evil.example` remotely.
    pub username: String,
    pub token: String,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    pub client: Client,
}

impl Member {
    /// GET on an API path (`/api/v1/…`) as this member; returns the JSON body.
    pub async fn get(&self, path: &str) -> Value {
        self.send(Method::GET, path, None).await
    }

    /// Any request on an API path as this member; returns the JSON body.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base_url);
        call(&self.client, method, &url, Some(&self.token), body).await
    }

    /// This account's id (from `verify_credentials`; ids change with every mock).
    pub async fn account_id(&self) -> String {
        id_of(&self.get("/api/v1/accounts/verify_credentials").await)
    }

    /// Posts a public status; a bare `@coopbot` in `text` mentions the bot.
    pub async fn post(&self, text: &str) -> Value {
        self.create(json!({ "status": text, "visibility": "public" }))
            .await
    }

    /// Posts a public reply to `in_reply_to_id`.
    pub async fn reply(&self, in_reply_to_id: &str, text: &str) -> Value {
        self.create(
            json!({ "status": text, "visibility": "public", "in_reply_to_id": in_reply_to_id }),
        )
        .await
    }

    /// Replies to `in_reply_to_id` by direct message (to the accounts `text` mentions).
    pub async fn reply_direct(&self, in_reply_to_id: &str, text: &str) -> Value {
        self.create(
            json!({ "status": text, "visibility": "direct", "in_reply_to_id": in_reply_to_id }),
        )
        .await
    }

    /// Posts a direct message; it reaches the accounts mentioned in `text`.
    pub async fn direct(&self, text: &str) -> Value {
        self.create(json!({ "status": text, "visibility": "direct" }))
            .await
    }

    /// Replaces a status's text (the mock does not re-read mentions on edit).
    pub async fn edit(&self, status_id: &str, text: &str) -> Value {
        let path = format!("/api/v1/statuses/{status_id}");
        self.send(Method::PUT, &path, Some(json!({ "status": text })))
            .await
    }

    pub async fn delete(&self, status_id: &str) {
        self.send(
            Method::DELETE,
            &format!("/api/v1/statuses/{status_id}"),
            None,
        )
        .await;
    }

    pub async fn favourite(&self, status_id: &str) {
        let path = format!("/api/v1/statuses/{status_id}/favourite");
        self.send(Method::POST, &path, None).await;
    }

    pub async fn unfavourite(&self, status_id: &str) {
        let path = format!("/api/v1/statuses/{status_id}/unfavourite");
        self.send(Method::POST, &path, None).await;
    }

    /// All of this account's notifications, newest first.
    pub async fn notifications(&self) -> Vec<Value> {
        let url = format!("{}/api/v1/notifications", self.base_url);
        all_pages(&self.client, &url, &self.token).await
    }

    async fn create(&self, body: Value) -> Value {
        self.send(Method::POST, "/api/v1/statuses", Some(body))
            .await
    }
}
