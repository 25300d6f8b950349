//! Reading other instances' lists over HTTP(S), without trusting the server.
//!
//! Rules (from the product spec): HTTPS only (plain http only to a loopback
//! address), a 30 s timeout over the whole transfer, at most 3 redirects and
//! 5 MB, and conditional requests (ETag / Last-Modified; a 304 is read as
//! "unchanged").
//!
//! Every redirect hop is checked by the same rules before it is followed, a
//! redirect loop is an error, the size cap is enforced while the body is read
//! (and up front from `Content-Length`), and a body that is not UTF-8 is an
//! error.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, ETAG,
    IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use reqwest::{redirect, Client, StatusCode};
use url::Url;

#[cfg(test)]
mod tests;

/// The User-Agent sent with every request.
const USER_AGENT: &str = concat!("coopgov/", env!("CARGO_PKG_VERSION"), " (subscriptions)");

/// Said at the end of errors that may go away by themselves.
const RETRY: &str = "It will be read again at the next `every`.";

/// The rule, as told to an admin.
const RULE: &str = "only https:// addresses are allowed (plain http:// only to this machine \
                    itself: 127.0.0.1, [::1] or localhost)";

/// How much a single read may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// For the whole read: connecting, every redirect hop and the whole body.
    pub timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_bytes: usize,
    /// Most redirects followed.
    pub max_redirects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            max_bytes: 5 * 1024 * 1024,
            max_redirects: 3,
        }
    }
}

/// What a server said about a version of a document, to ask "has it changed?" next
/// time: kept with the subscription by the core.
pub use crate::governance::advice::Validators;

/// The outcome of a successful read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fetched {
    /// The server answered 304 Not Modified to our conditional request.
    Unchanged,
    Body(Document),
}

/// A document read with a 2xx answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The body, as sent (a BOM, if any, is left in).
    pub text: String,
    pub content_type: Option<String>,
    /// The validators of this version, to send with the next read.
    pub validators: Validators,
    /// The final URL, after redirects.
    pub url: String,
}

/// Why a list could not be read. `url` is always the address as it was asked
/// for (as configured), not a redirect target.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error(
        "coopgov could not prepare to read lists: {reason}. This is a bug or a broken \
         installation; please report it."
    )]
    Setup { reason: String },

    #[error(
        "The list address `{url}` is not a valid web address ({reason}). Correct it in the \
         configuration."
    )]
    BadUrl { url: String, reason: String },

    /// `url` (or, with `redirected_to`, a redirect target) breaks the
    /// https-only rule.
    #[error("{}", not_allowed(url, redirected_to.as_deref()))]
    NotAllowed {
        url: String,
        redirected_to: Option<String>,
    },

    #[error(
        "The list at {url} could not be read: its server could not be reached ({reason}). \
         {RETRY}"
    )]
    Unreachable { url: String, reason: String },

    #[error(
        "The list at {url} could not be read: the server did not send the whole list within \
         {}. {RETRY}",
        duration(*limit)
    )]
    TimedOut { url: String, limit: Duration },

    #[error(
        "The list at {url} could not be read: it is larger than {}, the most coopgov reads. \
         {RETRY}",
        bytes(*limit)
    )]
    TooLarge { url: String, limit: usize },

    #[error(
        "The list at {url} could not be read: {}. Use the list's final address instead.",
        redirects(*limit)
    )]
    TooManyRedirects { url: String, limit: usize },

    #[error(
        "The list at {url} could not be read: its redirects go round in a circle (back to \
         {at}). {RETRY}"
    )]
    RedirectLoop { url: String, at: String },

    #[error("The list at {url} could not be read: {}. {RETRY}", status(*code))]
    Status { url: String, code: u16 },

    #[error(
        "The list at {url} could not be read: what the server sent is not text (it is not \
         valid UTF-8). {RETRY}"
    )]
    NotText { url: String },

    /// The connection broke off, or the answer could not be understood.
    #[error("The list at {url} could not be read: the transfer failed ({reason}). {RETRY}")]
    Transfer { url: String, reason: String },
}

impl FetchError {
    /// A short, stable name for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Setup { .. } => "setup",
            FetchError::BadUrl { .. } => "bad_url",
            FetchError::NotAllowed { .. } => "not_allowed",
            FetchError::Unreachable { .. } => "unreachable",
            FetchError::TimedOut { .. } => "timed_out",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::TooManyRedirects { .. } => "too_many_redirects",
            FetchError::RedirectLoop { .. } => "redirect_loop",
            FetchError::Status { .. } => "status",
            FetchError::NotText { .. } => "not_text",
            FetchError::Transfer { .. } => "transfer",
        }
    }
}

fn not_allowed(url: &str, redirected_to: Option<&str>) -> String {
    match redirected_to {
        None => format!(
            "The list at {url} will not be read: {RULE}. Change the address to an https:// one."
        ),
        Some(target) => format!(
            "The list at {url} could not be read: it redirects to {target}, but {RULE}. Ask the \
             list's operator to fix the redirect, or use the list's final https:// address."
        ),
    }
}

fn duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        match d.as_secs() {
            1 => "1 second".to_owned(),
            n => format!("{n} seconds"),
        }
    } else {
        format!("{:.1} seconds", d.as_secs_f64())
    }
}

fn bytes(n: usize) -> String {
    const KB: usize = 1024;
    const MB: usize = 1024 * 1024;
    if n >= MB && n.is_multiple_of(MB) {
        format!("{} MB", n / MB)
    } else if n >= KB && n.is_multiple_of(KB) {
        format!("{} KB", n / KB)
    } else if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}

fn redirects(limit: usize) -> String {
    match limit {
        0 => "the server redirected, and coopgov is set to follow no redirects".to_owned(),
        1 => "the server redirected more than once, the most coopgov follows".to_owned(),
        n => format!("the server redirected more than {n} times, the most coopgov follows"),
    }
}

fn status(code: u16) -> String {
    let reason = StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default();
    match code {
        404 | 410 => {
            format!(
                "the server says there is no list there (HTTP {code}{reason}); check the address"
            )
        }
        400..=499 => format!("the server refused to give it out (HTTP {code}{reason})"),
        500..=599 => format!("the server had a problem (HTTP {code}{reason})"),
        _ => format!("the server gave an unexpected answer (HTTP {code}{reason})"),
    }
}

/// Whether `url` may be read at all: https to any host; plain http only to a
/// loopback IP literal (127.0.0.0/8, [::1]) or "localhost".
pub fn allowed(url: &Url) -> Result<(), FetchError> {
    if permitted(url) {
        Ok(())
    } else {
        Err(FetchError::NotAllowed {
            url: url.to_string(),
            redirected_to: None,
        })
    }
}

fn permitted(url: &Url) -> bool {
    crate::governance::advice::readable_address(url)
}

/// Why the redirect policy refused a hop; travels inside a `reqwest::Error`
/// and is turned into a `FetchError` by `classify`.
#[derive(Debug)]
enum Refused {
    NotAllowed { target: String },
    Loop { target: String },
    TooMany,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::NotAllowed { target } => write!(f, "redirect to {target} not allowed"),
            Refused::Loop { target } => write!(f, "redirect loop at {target}"),
            Refused::TooMany => f.write_str("too many redirects"),
        }
    }
}

impl StdError for Refused {}

fn without_fragment(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    url
}

fn redirect_policy(max_redirects: usize) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        let next = without_fragment(attempt.url());
        if !permitted(&next) {
            let target = attempt.url().to_string();
            return attempt.error(Refused::NotAllowed { target });
        }
        if attempt
            .previous()
            .iter()
            .any(|seen| without_fragment(seen) == next)
        {
            let target = attempt.url().to_string();
            return attempt.error(Refused::Loop { target });
        }
        // `previous` holds the first URL and every hop followed so far, so
        // this attempt is redirect number `previous().len()`.
        if attempt.previous().len() > max_redirects {
            return attempt.error(Refused::TooMany);
        }
        attempt.follow()
    })
}

/// Reads lists; holds one `reqwest::Client` (and its connection pool).
#[derive(Clone, Debug)]
pub struct ListReader {
    client: Client,
    limits: Limits,
}

impl ListReader {
    pub fn new(limits: Limits) -> Result<ListReader, FetchError> {
        let client = Client::builder()
            .user_agent(USER_AGENT)
            .redirect(redirect_policy(limits.max_redirects))
            .timeout(limits.timeout)
            .connect_timeout(limits.timeout)
            // Loopback reads (and tests) must not go through a proxy from the
            // environment.
            .no_proxy()
            .referer(false)
            // No transparent decompression, even if another crate turns
            // these reqwest features on: bytes are counted as sent.
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .no_zstd()
            .build()
            .map_err(|e| FetchError::Setup {
                reason: short_reason(&e),
            })?;
        Ok(ListReader { client, limits })
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// GET `url` with `Accept: <accept>`, User-Agent
    /// "coopgov/<version> (subscriptions)", and If-None-Match /
    /// If-Modified-Since from `validators`.
    pub async fn get(
        &self,
        url: &str,
        accept: &str,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        let parsed = Url::parse(url).map_err(|e| FetchError::BadUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        if !permitted(&parsed) {
            return Err(FetchError::NotAllowed {
                url: url.to_owned(),
                redirected_to: None,
            });
        }

        let mut headers = HeaderMap::new();
        let accept = HeaderValue::from_str(accept).map_err(|_| FetchError::Setup {
            reason: format!("{accept:?} is not a valid Accept header"),
        })?;
        headers.insert(ACCEPT, accept);
        // A validator that is not a valid header value cannot have come from a
        // header; leave it out (the list is then read in full).
        let mut conditional = false;
        for (name, value) in [
            (IF_NONE_MATCH, &validators.etag),
            (IF_MODIFIED_SINCE, &validators.last_modified),
        ] {
            if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(name, value);
                conditional = true;
            }
        }

        // reqwest's own timeout covers the same ground; this one makes sure
        // nothing (redirects, a trickling body) can outlast it.
        match tokio::time::timeout(
            self.limits.timeout,
            self.read(url, parsed, headers, conditional),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(FetchError::TimedOut {
                url: url.to_owned(),
                limit: self.limits.timeout,
            }),
        }
    }

    async fn read(
        &self,
        url: &str,
        parsed: Url,
        headers: HeaderMap,
        conditional: bool,
    ) -> Result<Fetched, FetchError> {
        let max = self.limits.max_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.to_owned(),
            limit: max,
        };

        let mut response = self
            .client
            .get(parsed)
            .headers(headers)
            .send()
            .await
            .map_err(|e| self.classify(e, url))?;

        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && conditional {
            return Ok(Fetched::Unchanged);
        }
        // 3xx here means a redirect reqwest could not follow (no usable
        // Location), or a 304 we did not ask for.
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.to_owned(),
                code: status.as_u16(),
            });
        }

        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if [declared, response.content_length()]
            .into_iter()
            .flatten()
            .any(|len| len > max as u64)
        {
            return Err(too_large());
        }

        let header = |name: HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE);
        let new_validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let final_url = response.url().to_string();

        let mut body = Vec::with_capacity(declared.unwrap_or(0).min(max as u64) as usize);
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e, url))? {
            if chunk.len() > max - body.len() {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }

        let text = String::from_utf8(body).map_err(|_| FetchError::NotText {
            url: url.to_owned(),
        })?;
        Ok(Fetched::Body(Document {
            text,
            content_type,
            validators: new_validators,
            url: final_url,
        }))
    }

    fn classify(&self, error: reqwest::Error, url: &str) -> FetchError {
        let url = url.to_owned();
        if let Some(refused) = find::<Refused>(&error) {
            return match refused {
                Refused::NotAllowed { target } => FetchError::NotAllowed {
                    url,
                    redirected_to: Some(target.clone()),
                },
                Refused::Loop { target } => FetchError::RedirectLoop {
                    url,
                    at: target.clone(),
                },
                Refused::TooMany => FetchError::TooManyRedirects {
                    url,
                    limit: self.limits.max_redirects,
                },
            };
        }
        if error.is_timeout() {
            FetchError::TimedOut {
                url,
                limit: self.limits.timeout,
            }
        } else if error.is_connect() {
            FetchError::Unreachable {
                url,
                reason: short_reason(&error),
            }
        } else {
            FetchError::Transfer {
                url,
                reason: short_reason(&error),
            }
        }
    }
}

/// The first error of type `T` in `error`'s source chain.
fn find<'a, T: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// The innermost cause, e.g. "Connection refused" or "invalid peer
/// certificate: UnknownIssuer", without reqwest's "error sending request for
/// url (...)" wrapping or an "(os error N)" suffix.
fn short_reason(error: &(dyn StdError + 'static)) -> String {
    let mut innermost = error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    let mut reason = innermost.to_string();
    if let Some(at) = reason.rfind(" (os error ") {
        if reason.ends_with(')') {
            reason.truncate(at);
        }
    }
    if reason.trim().is_empty() {
        error.to_string()
    } else {
        reason
    }
}
