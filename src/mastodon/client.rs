//! A thin HTTP client for the paths megalodon gets wrong or lacks (see ARCHITECTURE.md).

use super::error::ApiError;
use super::rate_limit::{parse_reset, Budget};
use super::types::{
    decode_items, parse_instance, Context, DomainBlock, ErrorBody, InstanceInfo, Notification,
    Status,
};
use crate::config::Secret;
use crate::governance::Visibility;
use reqwest::{header, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::warn;

/// Mastodon's largest page for notifications and favourites.
const PAGE_LIMIT: u32 = 80;
/// Mastodon's largest page of admin domain blocks.
const DOMAIN_BLOCK_PAGE_LIMIT: u32 = 200;
/// A safety stop for paging, so a server that loops its `Link` headers cannot hold us.
const MAX_PAGES: usize = 1000;

/// A status to post.
#[derive(Debug, Clone)]
pub struct NewStatus<'a> {
    pub text: &'a str,
    pub visibility: Visibility,
    pub in_reply_to_id: Option<&'a str>,
    /// Sent as `Idempotency-Key`, so a retried post returns the first status.
    pub idempotency_key: &'a str,
}

/// A domain block to create or update (Mastodon ignores `domain` on update).
#[derive(Debug, Clone, serde::Serialize)]
pub struct BlockRequest<'a> {
    pub domain: &'a str,
    pub severity: &'a str,
    pub public_comment: &'a str,
    pub private_comment: &'a str,
}

/// The result of asking for a domain block.
#[derive(Debug, Clone)]
pub enum BlockResult {
    Created(DomainBlock),
    /// The server already had a block as strict or stricter.
    AlreadyInPlace(DomainBlock),
}

/// The token's own account and its role (Mastodon's `CredentialAccount`).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub account: super::types::Account,
    /// `None` when the server sends no role (before Mastodon 4.0, other platforms).
    pub role: Option<Role>,
}

/// A Mastodon role: its name and, when readable, its permission bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Empty for the everyone role of a plain account.
    pub name: String,
    pub permissions: Option<u64>,
}

impl Role {
    /// Administrator: every permission, whatever the other bits say.
    const ADMINISTRATOR: u64 = 0x1;
    /// Manage Federation: what the admin domain-block API asks for.
    const MANAGE_FEDERATION: u64 = 0x20;

    /// Reads `role`; `permissions` is a decimal string on Mastodon, a number elsewhere.
    fn from_wire(role: &Value) -> Option<Role> {
        let role = role.as_object()?;
        let permissions = match role.get("permissions") {
            Some(Value::String(text)) => text.trim().parse().ok(),
            Some(Value::Number(number)) => number.as_u64(),
            _ => None,
        };
        Some(Role {
            name: role
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            permissions,
        })
    }

    /// Whether the role may block domains; `None` when its permissions are unreadable.
    pub fn manages_federation(&self) -> Option<bool> {
        let bits = self.permissions?;
        Some(bits & (Role::ADMINISTRATOR | Role::MANAGE_FEDERATION) != 0)
    }
}

/// Sent with every request and stream handshake (GoToSocial answers 418 without one).
pub const USER_AGENT: &str = concat!("coopgov/", env!("CARGO_PKG_VERSION"));

/// An authenticated client for one instance.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    token: Secret,
    http: reqwest::Client,
    /// Shared by the clones of this client, updated by every response.
    budget: Arc<Mutex<Budget>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client whose every request gives up after `timeout` (a transient failure).
    pub fn new(base_url: &str, token: Secret, timeout: Duration) -> Result<Client, ApiError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(USER_AGENT)
            .build()
            .map_err(|error| ApiError::Transport(error.to_string()))?;
        Ok(Client {
            base_url: base_url.trim_end_matches('/').to_string(),
            token,
            http,
            budget: Arc::new(Mutex::new(Budget::default())),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// The request budget the instance announced last.
    pub fn budget(&self) -> Budget {
        self.budget.lock().map(|budget| *budget).unwrap_or_default()
    }

    fn request(&self, method: Method, path_or_url: &str) -> RequestBuilder {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_string()
        } else {
            format!("{}{}", self.base_url, path_or_url)
        };
        let request = self.http.request(method, url);
        // An empty token reads as anyone would (for `coopgov verify`).
        if self.is_anonymous() {
            request
        } else {
            request.bearer_auth(self.token.expose())
        }
    }

    async fn send(&self, what: &str, request: RequestBuilder) -> Result<Response, ApiError> {
        let response = request
            .send()
            .await
            .map_err(|error| ApiError::Transport(describe_transport(&error)))?;
        let status = response.status();
        if let Ok(mut budget) = self.budget.lock() {
            budget.update(response.headers());
        }
        if status.is_success() {
            return Ok(response);
        }
        let reset = response
            .headers()
            .get("x-ratelimit-reset")
            .and_then(|value| value.to_str().ok())
            .and_then(parse_reset)
            .or_else(|| retry_after(response.headers()));
        let text = read_body(response, what).await.unwrap_or_default();
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(ApiError::RateLimited { reset });
        }
        let body: ErrorBody = serde_json::from_str(&text).unwrap_or_default();
        Err(ApiError::Http {
            status: status.as_u16(),
            what: what.to_string(),
            message: body.error.clone().unwrap_or_default(),
            body: Box::new(body),
        })
    }

    async fn json(
        &self,
        what: &str,
        request: RequestBuilder,
    ) -> Result<(Value, Option<String>), ApiError> {
        let response = self.send(what, request).await?;
        let next = next_link(response.headers());
        let text = read_body(response, what).await?;
        let value = serde_json::from_str(&text).map_err(|error| ApiError::Malformed {
            what: what.to_string(),
            detail: error.to_string(),
        })?;
        Ok((value, next))
    }

    async fn typed<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        request: RequestBuilder,
    ) -> Result<T, ApiError> {
        let (value, _) = self.json(what, request).await?;
        serde_json::from_value(value).map_err(|error| ApiError::Malformed {
            what: what.to_string(),
            detail: error.to_string(),
        })
    }

    /// Reads the instance's domain, character limit and streaming address (v2, then v1).
    pub async fn instance(&self) -> Result<InstanceInfo, ApiError> {
        let v2 = self
            .json(
                "reading the instance",
                self.request(Method::GET, "/api/v2/instance"),
            )
            .await;
        let value = match v2 {
            Ok((value, _)) => value,
            Err(ApiError::Http { status: 404, .. }) => {
                let request = self.request(Method::GET, "/api/v1/instance");
                self.json("reading the instance", request).await?.0
            }
            Err(error) => return Err(error),
        };
        Ok(parse_instance(&value))
    }

    /// The account the token belongs to.
    pub async fn verify_credentials(&self) -> Result<super::types::Account, ApiError> {
        let request = self.request(Method::GET, "/api/v1/accounts/verify_credentials");
        self.typed("checking the access token", request).await
    }

    /// The account the token belongs to, with its role where the server sends one.
    pub async fn credentials(&self) -> Result<Credentials, ApiError> {
        let what = "checking the access token";
        let request = self.request(Method::GET, "/api/v1/accounts/verify_credentials");
        let (value, _) = self.json(what, request).await?;
        let role = value.get("role").and_then(Role::from_wire);
        let account = serde_json::from_value(value).map_err(|error| ApiError::Malformed {
            what: what.to_string(),
            detail: error.to_string(),
        })?;
        Ok(Credentials { account, role })
    }

    /// The account's notification policy (Mastodon 4.3+); `None` where there is none.
    pub async fn notification_policy(&self) -> Result<Option<Value>, ApiError> {
        let request = self.request(Method::GET, "/api/v2/notifications/policy");
        match self.json("reading the notification policy", request).await {
            Ok((policy, _)) => Ok(Some(policy)),
            Err(ApiError::Http { status: 404, .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Sets the given notification-policy fields to `accept`.
    pub async fn accept_notifications(&self, fields: &[&str]) -> Result<(), ApiError> {
        let body: serde_json::Map<String, Value> = fields
            .iter()
            .map(|field| (field.to_string(), json!("accept")))
            .collect();
        let request = self
            .request(Method::PATCH, "/api/v2/notifications/policy")
            .json(&body);
        self.json("changing the notification policy", request)
            .await
            .map(|_| ())
    }

    /// The scopes of the token's application, where the server says (Mastodon 4.3+).
    pub async fn token_scopes(&self) -> Result<Option<Vec<String>>, ApiError> {
        let request = self.request(Method::GET, "/api/v1/apps/verify_credentials");
        let (app, _) = self
            .json("reading the token's application", request)
            .await?;
        Ok(app
            .get("scopes")
            .and_then(|scopes| scopes.as_array())
            .map(|scopes| {
                scopes
                    .iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            }))
    }

    /// A local account by its acct; `None` when the instance has no such account.
    pub async fn lookup_account(
        &self,
        acct: &str,
    ) -> Result<Option<super::types::Account>, ApiError> {
        let request = self
            .request(Method::GET, "/api/v1/accounts/lookup")
            .query(&[("acct", acct)]);
        match self.typed("looking up an account", request).await {
            Ok(account) => Ok(Some(account)),
            Err(ApiError::Http { status: 404, .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Notifications newer than `after_id`, oldest first, every page of them.
    /// Items of types or shapes coopgov cannot read are skipped with a warning.
    pub async fn notifications_after(&self, after_id: &str) -> Result<Vec<Notification>, ApiError> {
        let mut collected = Vec::new();
        let mut cursor = after_id.to_string();
        for _ in 0..MAX_PAGES {
            let request = self.request(Method::GET, "/api/v1/notifications").query(&[
                ("min_id", cursor.as_str()),
                ("limit", &PAGE_LIMIT.to_string()),
            ]);
            let (value, _) = self.json("reading notifications", request).await?;
            let items = into_array(value, "reading notifications")?;
            let (mut page, unreadable) = decode_items::<Notification>(items);
            for error in unreadable {
                warn!(%error, "skipped a notification that could not be read");
            }
            if page.is_empty() {
                break;
            }
            page.sort_by(|a, b| super::id_order(&a.id, &b.id));
            cursor = page.last().map(|n| n.id.clone()).unwrap_or(cursor);
            collected.extend(page);
        }
        Ok(collected)
    }

    /// The id of the newest notification, to start from when there is no cursor yet.
    pub async fn newest_notification_id(&self) -> Result<Option<String>, ApiError> {
        let request = self
            .request(Method::GET, "/api/v1/notifications")
            .query(&[("limit", "1")]);
        let (value, _) = self.json("reading notifications", request).await?;
        let items = into_array(value, "reading notifications")?;
        Ok(items
            .first()
            .and_then(|item| item.get("id"))
            .and_then(|id| id.as_str())
            .map(str::to_string))
    }

    pub async fn post_status(&self, status: &NewStatus<'_>) -> Result<Status, ApiError> {
        let mut body = json!({
            "status": status.text,
            "visibility": status.visibility.name(),
        });
        if let Some(parent) = status.in_reply_to_id {
            body["in_reply_to_id"] = json!(parent);
        }
        let request = self
            .request(Method::POST, "/api/v1/statuses")
            .header("Idempotency-Key", status.idempotency_key)
            .json(&body);
        self.typed("posting a status", request).await
    }

    /// Favourites a status (a receipt). Favouriting twice is harmless.
    pub async fn favourite(&self, status_id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/statuses/{}/favourite", path_segment(status_id));
        self.send("favouriting a vote", self.request(Method::POST, &path))
            .await
            .map(|_| ())
    }

    /// One status.
    pub async fn status(&self, status_id: &str) -> Result<Status, ApiError> {
        let path = format!("/api/v1/statuses/{}", path_segment(status_id));
        self.typed("reading a status", self.request(Method::GET, &path))
            .await
    }

    /// A page of an account's statuses, newest first (all of them, for its own account:
    /// direct messages and replies included), older than `max_id` when given.
    pub async fn account_statuses(
        &self,
        account_id: &str,
        max_id: Option<&str>,
    ) -> Result<Vec<Status>, ApiError> {
        let path = format!("/api/v1/accounts/{}/statuses", path_segment(account_id));
        let mut request = self.request(Method::GET, &path).query(&[("limit", "40")]);
        if let Some(max_id) = max_id {
            request = request.query(&[("max_id", max_id)]);
        }
        let what = "reading the bot's own statuses";
        let (value, _) = self.json(what, request).await?;
        let (statuses, unreadable) = decode_items::<Status>(into_array(value, what)?);
        for error in unreadable {
            warn!(%error, "skipped a status that could not be read");
        }
        Ok(statuses)
    }

    /// Whether requests go without a token, as a visitor's would.
    pub fn is_anonymous(&self) -> bool {
        self.token.expose().is_empty()
    }

    /// The statuses below `status_id` in its thread (readable items only).
    pub async fn descendants(&self, status_id: &str) -> Result<Vec<Status>, ApiError> {
        let path = format!("/api/v1/statuses/{}/context", path_segment(status_id));
        let context: Context = self
            .typed(
                "reading a ballot's thread",
                self.request(Method::GET, &path),
            )
            .await?;
        let (statuses, unreadable) = decode_items::<Status>(context.descendants);
        for error in unreadable {
            warn!(%error, "skipped a reply that could not be read");
        }
        Ok(statuses)
    }

    /// Every account that favourited `status_id`, following the `Link` pages.
    pub async fn favourited_by(
        &self,
        status_id: &str,
    ) -> Result<Vec<super::types::Account>, ApiError> {
        let first = format!(
            "{}/api/v1/statuses/{}/favourited_by?limit={PAGE_LIMIT}",
            self.base_url,
            path_segment(status_id)
        );
        let pages = self
            .all_pages("reading a ballot's favourites", first)
            .await?;
        let (accounts, unreadable) = decode_items(pages);
        for error in unreadable {
            warn!(%error, "skipped a favourite that could not be read");
        }
        Ok(accounts)
    }

    /// Every admin domain block on the instance.
    pub async fn domain_blocks(&self) -> Result<Vec<DomainBlock>, ApiError> {
        let first = format!(
            "{}/api/v1/admin/domain_blocks?limit={DOMAIN_BLOCK_PAGE_LIMIT}",
            self.base_url
        );
        let pages = self.all_pages("listing domain blocks", first).await?;
        let (blocks, unreadable) = decode_items(pages);
        for error in unreadable {
            warn!(%error, "skipped a domain block that could not be read");
        }
        Ok(blocks)
    }

    /// Reads one page of admin domain blocks: proves the token may manage federation.
    pub async fn can_read_domain_blocks(&self) -> Result<(), ApiError> {
        let request = self
            .request(Method::GET, "/api/v1/admin/domain_blocks")
            .query(&[("limit", "1")]);
        self.json("listing domain blocks", request)
            .await
            .map(|_| ())
    }

    /// Creates a domain block; a 422 naming an existing block is reported as such.
    pub async fn create_domain_block(
        &self,
        block: &BlockRequest<'_>,
    ) -> Result<BlockResult, ApiError> {
        let request = self
            .request(Method::POST, "/api/v1/admin/domain_blocks")
            .json(block);
        match self.typed("creating a domain block", request).await {
            Ok(created) => Ok(BlockResult::Created(created)),
            Err(error) => match error.existing_domain_block() {
                Some(existing) => Ok(BlockResult::AlreadyInPlace(existing)),
                None => Err(error),
            },
        }
    }

    pub async fn update_domain_block(
        &self,
        id: &str,
        block: &BlockRequest<'_>,
    ) -> Result<DomainBlock, ApiError> {
        let path = format!("/api/v1/admin/domain_blocks/{}", path_segment(id));
        let request = self.request(Method::PUT, &path).json(block);
        self.typed("updating a domain block", request).await
    }

    pub async fn delete_domain_block(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/admin/domain_blocks/{}", path_segment(id));
        // Mastodon answers `{}`; nothing in it is needed.
        self.send(
            "lifting a domain block",
            self.request(Method::DELETE, &path),
        )
        .await
        .map(|_| ())
    }

    async fn all_pages(&self, what: &str, first_url: String) -> Result<Vec<Value>, ApiError> {
        let mut items = Vec::new();
        let mut next = Some(first_url);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                warn!(what, "stopped following pages after {MAX_PAGES}");
                break;
            }
            let (value, link) = self.json(what, self.request(Method::GET, &url)).await?;
            let page = into_array(value, what)?;
            if page.is_empty() {
                break;
            }
            items.extend(page);
            // The token goes only to the configured instance, never to another host.
            next = link.filter(|link| {
                let same_instance = link.starts_with(&self.base_url);
                if !same_instance {
                    warn!(what, "stopped paging: the next page is on another address");
                }
                same_instance
            });
        }
        Ok(items)
    }
}

/// The largest answer the bot reads: a context of 4,096 statuses fits well within it.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Reads a body, refusing one larger than `MAX_BODY` (a server must not be able to make
/// the bot hold unbounded memory).
async fn read_body(mut response: Response, what: &str) -> Result<String, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| ApiError::Transport(describe_transport(&error)))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(ApiError::Malformed {
                what: what.to_string(),
                detail: format!("the answer is larger than {} MiB", MAX_BODY / 1024 / 1024),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

fn into_array(value: Value, what: &str) -> Result<Vec<Value>, ApiError> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(ApiError::Malformed {
            what: what.to_string(),
            detail: format!("expected a list, got {}", kind_of(&other)),
        }),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Ids come from the server; keep them from changing the path they are put in.
pub(crate) fn path_segment(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The `rel="next"` address of a `Link` header.
pub fn next_link(headers: &header::HeaderMap) -> Option<String> {
    let link = headers.get(header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|param| param.trim().replace(' ', "") == "rel=\"next\"");
        is_next.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// `Retry-After` in seconds, as a time.
fn retry_after(headers: &header::HeaderMap) -> Option<chrono::DateTime<chrono::Utc>> {
    let seconds = headers
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<i64>()
        .ok()?;
    Some(chrono::Utc::now() + chrono::Duration::seconds(seconds))
}

fn describe_transport(error: &reqwest::Error) -> String {
    // Our URLs never carry the token (it travels in a header), so the URL may be shown.
    if error.is_timeout() {
        "the request timed out".to_string()
    } else if error.is_connect() {
        "could not connect".to_string()
    } else {
        error.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_manages_federation_by_its_own_bit_or_as_administrator() {
        // Bodies as recorded (fixtures/mastodon/account/verify_credentials_*.json) and as
        // mastodon_mock 0.6.1 sends them.
        let cases = [
            (
                json!({"name": "Owner", "permissions": "8388607"}),
                Some(true),
            ),
            (json!({"name": "", "permissions": "65536"}), Some(false)),
            (
                json!({"name": "Admin", "permissions": "1048575"}),
                Some(true),
            ),
            (json!({"name": "", "permissions": "0"}), Some(false)),
            (
                json!({"name": "Moderator", "permissions": "65536"}),
                Some(false),
            ),
            (
                json!({"name": "Federation", "permissions": "32"}),
                Some(true),
            ),
            (
                json!({"name": "Administrator only", "permissions": 1}),
                Some(true),
            ),
            (json!({"name": "Odd", "permissions": "lots"}), None),
            (json!({"name": "Silent"}), None),
        ];
        for (role, expected) in cases {
            let read = Role::from_wire(&role).expect("a role");
            assert_eq!(read.manages_federation(), expected, "{role}");
        }
        assert_eq!(Role::from_wire(&Value::Null), None);
    }
}
