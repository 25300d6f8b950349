//! A thin HTTP client for the paths megalodon gets wrong or lacks (see ARCHITECTURE.md):
//! the requests, their errors and pages, and the statuses the bot posts and reads. The
//! verbs of other concerns are beside it: `account.rs`, `blocks.rs`, `events.rs`, `thread.rs`.

use super::error::ApiError;
use super::rate_limit::{parse_reset, Budget, Heard, Priority};
use super::types::{decode_items, parse_instance, ErrorBody, InstanceInfo, Status};
use crate::governance::{Post, Visibility};
use crate::secret::Secret;
use reqwest::{header, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::{info, warn};
use url::Url;

/// Mastodon's largest page for notifications and favourites.
pub(super) const PAGE_LIMIT: u32 = 80;
/// A safety stop for paging, so a server that loops its `Link` headers cannot hold us.
pub(super) const MAX_PAGES: usize = 1000;

/// A status to post.
#[derive(Debug, Clone)]
pub struct NewStatus<'a> {
    pub text: &'a str,
    pub visibility: Visibility,
    pub in_reply_to_id: Option<&'a str>,
    /// Sent as `Idempotency-Key`, so a retried post returns the first status.
    pub idempotency_key: &'a str,
}

/// Sent with every request and stream handshake (GoToSocial answers 418 without one).
pub const USER_AGENT: &str = concat!("coopgov/", env!("CARGO_PKG_VERSION"));

/// An authenticated client for one instance.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    /// The same, parsed, ending with `/`: paths are joined to it, and a page's `next`
    /// link is followed only on its origin.
    base: Url,
    token: Secret,
    http: reqwest::Client,
    /// Shared by the clones of this client, updated by every request and answer.
    budget: Arc<Mutex<Spending>>,
    /// How much this client's requests matter when the budget runs short.
    priority: Priority,
}

/// The budget and what the log has been told of it, so that a condition that lasts is
/// logged when it starts and when it ends, with a count, never once per request.
#[derive(Debug, Default)]
struct Spending {
    budget: Budget,
    /// Per priority, how many requests were held back since the spell began.
    held: std::collections::BTreeMap<Priority, u64>,
    /// Whether the instance's refusal (429) has been logged in this spell.
    refusal_told: bool,
}

impl Spending {
    /// Whether a request of `priority` may go now (then counted as sent, if `send`);
    /// if not, when it may.
    fn ask(
        &mut self,
        priority: Priority,
        now: chrono::DateTime<chrono::Utc>,
        send: bool,
    ) -> Result<(), chrono::DateTime<chrono::Utc>> {
        if self.budget.permits(priority, now) {
            // A spell of waiting ends when there is room again, not at each request
            // that a trickle of refills lets through (which would log it every time).
            let room = self
                .budget
                .available(now)
                .saturating_sub(self.budget.floor(priority));
            if room > self.budget.limit() / 10 {
                if let Some(held) = self.held.remove(&priority) {
                    info!(
                        ?priority,
                        held,
                        available = self.budget.available(now),
                        "the request budget has room again for these requests"
                    );
                }
            }
            if send {
                self.budget.sent(now);
            }
            return Ok(());
        }
        let until = self.budget.next_chance(priority, now);
        let first = !self.held.contains_key(&priority);
        let held = self.held.entry(priority).or_insert(0);
        if first {
            let (available, kept) = (self.budget.available(now), self.budget.floor(priority));
            if priority == Priority::Critical {
                warn!(?priority, available, until = %until, "the request budget is spent; what decides waits for it");
            } else {
                info!(?priority, available, kept, until = %until, "saving the request budget for what decides and tells; these requests wait");
            }
        }
        *held += 1;
        Err(until)
    }

    /// Reads an answer's budget headers; logs a refusal once per spell.
    fn heard(&mut self, heard: Heard, what: &str, now: chrono::DateTime<chrono::Utc>) {
        self.budget.heard(heard, now);
        if !heard.refused {
            self.refusal_told = false;
            return;
        }
        if !self.refusal_told {
            self.refusal_told = true;
            let available_later = self.budget.next_chance(Priority::Critical, now);
            warn!(what, until = %available_later, "the instance refused a request for its rate limit (429): the bot sends nothing until then, then one request, and plans the rest with the count the instance gives (or, if it gives none, as if the budget came back gradually)");
        }
    }
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
        Client::build(base_url, token, reqwest::Client::builder().timeout(timeout))
    }

    /// A client for an instance on this machine (`coopgov demo`'s): it goes there
    /// directly, whatever proxy the environment names.
    pub fn on_loopback(
        base_url: &str,
        token: Secret,
        timeout: Duration,
    ) -> Result<Client, ApiError> {
        let builder = reqwest::Client::builder().timeout(timeout).no_proxy();
        Client::build(base_url, token, builder)
    }

    fn build(
        base_url: &str,
        token: Secret,
        builder: reqwest::ClientBuilder,
    ) -> Result<Client, ApiError> {
        let http = builder
            .connect_timeout(Duration::from_secs(10))
            .user_agent(USER_AGENT)
            .build()
            .map_err(|error| ApiError::Transport(error.to_string()))?;
        let base_url = base_url.trim_end_matches('/').to_string();
        let base = Url::parse(&format!("{base_url}/")).map_err(|error| {
            ApiError::Transport(format!("{base_url} is not an address ({error})"))
        })?;
        Ok(Client {
            base,
            base_url,
            token,
            http,
            budget: Arc::new(Mutex::new(Spending::default())),
            priority: Priority::Critical,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// The request budget as the bot plans with it.
    pub fn budget(&self) -> Budget {
        self.budget
            .lock()
            .map(|spending| spending.budget.clone())
            .unwrap_or_default()
    }

    /// The same client, its requests of `priority` (the budget stays shared).
    pub fn at(&self, priority: Priority) -> Client {
        Client {
            priority,
            ..self.clone()
        }
    }

    /// `None` when a request of this client's priority may go now, else when it may
    /// (logged when the wait begins and when it ends, not for every ask).
    pub fn budget_wait(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let mut spending = self.budget.lock().ok()?;
        spending.ask(self.priority, chrono::Utc::now(), false).err()
    }

    /// Keeps `requests` of the budget for the closes due within its window.
    pub fn reserve_for_closes(&self, requests: u32) {
        if let Ok(mut spending) = self.budget.lock() {
            spending.budget.reserve_for_closes(requests);
        }
    }

    pub(super) fn request(&self, method: Method, path_or_url: &str) -> RequestBuilder {
        // An address is taken as it is; a path is the instance's own, below its address.
        let url = match Url::parse(path_or_url) {
            Ok(url) => url,
            Err(_) => self
                .base
                .join(path_or_url.trim_start_matches('/'))
                .unwrap_or_else(|_| self.base.clone()),
        };
        let request = self.http.request(method, url);
        // An empty token reads as anyone would (for `coopgov verify`).
        if self.is_anonymous() {
            request
        } else {
            request.bearer_auth(self.token.expose())
        }
    }

    pub(super) async fn send(
        &self,
        what: &str,
        request: RequestBuilder,
    ) -> Result<Response, ApiError> {
        // Never a request the budget expects to be refused.
        if let Ok(mut spending) = self.budget.lock() {
            if let Err(until) = spending.ask(self.priority, chrono::Utc::now(), true) {
                return Err(ApiError::OverBudget { until });
            }
        }
        let response = request
            .send()
            .await
            .map_err(|error| ApiError::Transport(describe_transport(&error)))?;
        let status = response.status();
        let refused = status == StatusCode::TOO_MANY_REQUESTS;
        let heard = heard(response.headers(), refused);
        if let Ok(mut spending) = self.budget.lock() {
            spending.heard(heard, what, chrono::Utc::now());
        }
        if status.is_success() {
            return Ok(response);
        }
        let text = read_body(response, what).await.unwrap_or_default();
        if refused {
            return Err(ApiError::RateLimited {
                reset: heard.retry_after.or(heard.reset),
            });
        }
        let body: ErrorBody = serde_json::from_str(&text).unwrap_or_default();
        Err(ApiError::Http {
            status: status.as_u16(),
            what: what.to_string(),
            message: body.error.clone().unwrap_or_default(),
            body: Box::new(body),
        })
    }

    /// The body of a successful answer, as text.
    pub(super) async fn text(
        &self,
        what: &str,
        request: RequestBuilder,
    ) -> Result<String, ApiError> {
        let response = self.send(what, request).await?;
        read_body(response, what).await
    }

    pub(super) async fn json(
        &self,
        what: &str,
        request: RequestBuilder,
    ) -> Result<(Value, Option<String>), ApiError> {
        let response = self.send(what, request).await?;
        let next = next_link(response.headers(), response.url()).map(String::from);
        let text = read_body(response, what).await?;
        let value = serde_json::from_str(&text).map_err(|error| ApiError::Malformed {
            what: what.to_string(),
            detail: error.to_string(),
        })?;
        Ok((value, next))
    }

    pub(super) async fn typed<T: serde::de::DeserializeOwned>(
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

    /// Deletes one of the bot's statuses; one already gone counts as deleted.
    pub async fn delete_status(&self, status_id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/statuses/{}", path_segment(status_id));
        match self
            .send("deleting a status", self.request(Method::DELETE, &path))
            .await
        {
            Ok(_) | Err(ApiError::Http { status: 404, .. }) => Ok(()),
            Err(error) => Err(error),
        }
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

    /// The latest statuses of `account_id` (a page, newest first), each read whole.
    pub async fn recent_posts(&self, account_id: &str) -> Result<Vec<Post>, ApiError> {
        let statuses = self.account_statuses(account_id, None).await?;
        Ok(statuses.iter().map(super::convert::whole_post).collect())
    }

    /// Whether requests go without a token, as a visitor's would.
    pub fn is_anonymous(&self) -> bool {
        self.token.expose().is_empty()
    }

    pub(super) async fn all_pages(
        &self,
        what: &str,
        first_url: String,
    ) -> Result<Vec<Value>, ApiError> {
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
            // The token goes only to the configured instance, never to another host (an
            // address that merely starts like the instance's is another host).
            next = link.filter(|link| {
                let same_instance =
                    Url::parse(link).is_ok_and(|link| link.origin() == self.base.origin());
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
    // Sized once when the server says how big (a thread of thousands is megabytes).
    let announced = response.content_length().unwrap_or(0).min(MAX_BODY as u64);
    let mut body = Vec::with_capacity(announced as usize);
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
    // Valid UTF-8 (the usual case) becomes the text without a copy.
    Ok(String::from_utf8(body)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned()))
}

pub(super) fn into_array(value: Value, what: &str) -> Result<Vec<Value>, ApiError> {
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

/// The `rel="next"` address of a `Link` header, resolved against the address of the
/// page that named it (a server may name the next page relatively).
pub fn next_link(headers: &header::HeaderMap, page: &Url) -> Option<Url> {
    let link = headers.get(header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|param| {
            let param = param.trim().replace(' ', "");
            param == "rel=\"next\"" || param == "rel=next"
        });
        let target = target.trim().trim_start_matches('<').trim_end_matches('>');
        is_next.then(|| page.join(target).ok()).flatten()
    })
}

/// What an answer's headers say of the budget: `X-RateLimit-*` and `Retry-After`.
fn heard(headers: &header::HeaderMap, refused: bool) -> Heard {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    // Some servers send the counts as decimals ("299.0").
    let count = |name: &str| {
        text(name)
            .and_then(|value| value.trim().parse::<f64>().ok())
            .map(|value| value.max(0.0) as u32)
    };
    Heard {
        limit: count("x-ratelimit-limit"),
        remaining: count("x-ratelimit-remaining"),
        reset: text("x-ratelimit-reset").and_then(parse_reset),
        retry_after: retry_after(headers),
        refused,
    }
}

/// `Retry-After` as a time: a number of seconds, or an HTTP date.
fn retry_after(headers: &header::HeaderMap) -> Option<chrono::DateTime<chrono::Utc>> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    retry_after_value(value, chrono::Utc::now())
}

fn retry_after_value(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    if let Ok(seconds) = value.parse::<i64>() {
        return Some(now + chrono::Duration::seconds(seconds.max(0)));
    }
    // An HTTP date (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT") is an RFC 2822 date.
    chrono::DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|at| at.with_timezone(&chrono::Utc))
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
    fn the_next_page_is_read_from_the_link_header_against_the_page_it_names() {
        let page =
            Url::parse("https://social.example/api/v1/notifications?limit=80").expect("an address");
        let next = |link: &str| {
            let mut headers = header::HeaderMap::new();
            headers.insert(header::LINK, link.parse().expect("a header value"));
            next_link(&headers, &page).map(String::from)
        };
        let cases = [
            (
                r#"<https://social.example/api/v1/notifications?max_id=7>; rel="next", <https://social.example/api/v1/notifications?min_id=9>; rel="prev""#,
                Some("https://social.example/api/v1/notifications?max_id=7"),
            ),
            (
                r#"</api/v1/notifications?max_id=7>; rel=next"#,
                Some("https://social.example/api/v1/notifications?max_id=7"),
            ),
            (
                r#"<https://social.example/api/v1/notifications?min_id=9>; rel="prev""#,
                None,
            ),
        ];
        for (link, expected) in cases {
            assert_eq!(next(link).as_deref(), expected, "{link}");
        }
    }

    #[test]
    fn paths_are_the_instance_s_own_and_retry_after_reads_seconds_or_a_date() {
        let client = Client::new(
            "https://social.example/",
            Secret::new(String::new()),
            Duration::from_secs(1),
        )
        .expect("a client");
        let url = |path: &str| {
            client
                .request(Method::GET, path)
                .build()
                .expect("a request")
                .url()
                .to_string()
        };
        assert_eq!(
            url("/api/v1/instance"),
            "https://social.example/api/v1/instance"
        );
        assert_eq!(
            url("https://social.example/api/v1/x?max_id=3"),
            "https://social.example/api/v1/x?max_id=3"
        );
        // An address that only starts like the instance's is another host.
        let elsewhere = Url::parse("https://social.example.evil.example/api").expect("url");
        assert_ne!(elsewhere.origin(), client.base.origin());

        let now = chrono::DateTime::parse_from_rfc3339("1994-11-06T08:49:00Z")
            .expect("a time")
            .with_timezone(&chrono::Utc);
        let at = |value| retry_after_value(value, now).map(|at| at.to_rfc3339());
        assert_eq!(at("37").as_deref(), Some("1994-11-06T08:49:37+00:00"));
        assert_eq!(
            at("Sun, 06 Nov 1994 08:49:37 GMT").as_deref(),
            Some("1994-11-06T08:49:37+00:00")
        );
        assert_eq!(at("soon"), None);
    }
}
