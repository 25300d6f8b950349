//! Errors of talking to the instance, classified so callers know whether to retry.

use super::types::ErrorBody;

/// What went wrong with one request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No answer: a timeout, a refused or broken connection.
    #[error("could not reach the instance: {0}")]
    Transport(String),
    /// 429: the server asks us to wait until `reset`.
    #[error("the instance is rate limiting the bot{}", reset.map(|r| format!(" until {}", r.format("%H:%M:%S UTC"))).unwrap_or_default())]
    RateLimited {
        reset: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Not sent: the request budget is kept for more important work until `until`.
    #[error("held back until {} to keep the instance's request budget for what decides", until.format("%H:%M:%S UTC"))]
    OverBudget {
        until: chrono::DateTime<chrono::Utc>,
    },
    /// Any other non-success status. `message` is the server's text, possibly localised.
    #[error("the instance answered {status} while {what}{}", if message.is_empty() { String::new() } else { format!(": {message}") })]
    Http {
        status: u16,
        what: String,
        message: String,
        body: Box<ErrorBody>,
    },
    /// A success status with a body we could not read.
    #[error("the instance sent an unreadable answer while {what}: {detail}")]
    Malformed { what: String, detail: String },
    /// The server's software cannot do what was asked; asking again will not help.
    #[error("{0}")]
    Unsupported(String),
    /// The server did not say which software it runs (NodeInfo).
    #[error("{0}")]
    Undetected(String),
    /// A direct message reached accounts it was not addressed to; it was then deleted
    /// (unless `deleted` is false). Sending it again would reach them again.
    #[error("the instance delivered direct message {status_id} to {} as well as to its addressees{}", accts.join(", "), if *deleted { "; it was deleted at once" } else { "; deleting it failed" })]
    ReachedOthers {
        status_id: String,
        accts: Vec<String>,
        deleted: bool,
    },
}

impl ApiError {
    /// Worth retrying later: no answer, rate limited, a server error or a garbled body.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Transport(_)
            | ApiError::RateLimited { .. }
            | ApiError::OverBudget { .. }
            | ApiError::Malformed { .. } => true,
            ApiError::Http { status, .. } => *status >= 500 || *status == 408,
            ApiError::Unsupported(_) | ApiError::ReachedOthers { .. } => false,
            ApiError::Undetected(_) => true,
        }
    }

    /// When a request refused for the budget, by the instance or by the bot itself, may
    /// be tried again, if it was.
    pub fn budget_wait(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            ApiError::OverBudget { until } => Some(*until),
            ApiError::RateLimited { reset } => *reset,
            _ => None,
        }
    }

    /// The block a 422 names as already in place (as strict or stricter), if any.
    pub fn existing_domain_block(&self) -> Option<super::types::DomainBlock> {
        match self {
            ApiError::Http {
                status: 422, body, ..
            } => body.existing_domain_block.clone(),
            _ => None,
        }
    }

    /// What a person must do about a permanent error, in a sentence.
    pub fn advice(&self) -> &'static str {
        match self {
            ApiError::Http { status: 401, .. } => {
                "The access token is invalid or revoked: create a new one and restart the bot."
            }
            ApiError::Http {
                status: 403, what, ..
            } if what.contains("report") => {
                "The bot's account may not handle reports: give its role \"Manage Reports\" and the token the scopes admin:read:reports and admin:write:reports."
            }
            ApiError::Http { status: 403, .. } => {
                "The bot's account lacks a permission: give its role \"Manage Federation\" and the token the admin scopes."
            }
            ApiError::Http { status: 422, .. } => {
                "The instance refused the request as invalid; check the domain and any existing block."
            }
            ApiError::Unsupported(_) => {
                "Decide what to do instead (a suspension, say) with a new proposal."
            }
            ApiError::ReachedOthers { deleted: true, .. } => {
                "The message was not sent again. Tell the people it was meant for by hand, and report the server's reading of mentions."
            }
            ApiError::ReachedOthers { deleted: false, .. } => {
                "Delete that status by hand at once: it may hold private words. The message was not sent again."
            }
            _ if self.is_transient() => "This is usually temporary; the bot will try again.",
            _ => "Check the instance's logs for this request.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16) -> ApiError {
        ApiError::Http {
            status,
            what: "posting a status".into(),
            message: String::new(),
            body: Box::default(),
        }
    }

    #[test]
    fn errors_are_classified_by_status_never_by_message() {
        let cases = [
            (ApiError::Transport("the request timed out".into()), true),
            (ApiError::RateLimited { reset: None }, true),
            (
                ApiError::Malformed {
                    what: "x".into(),
                    detail: "eof".into(),
                },
                true,
            ),
            (http(500), true),
            (http(502), true),
            (http(503), true),
            (http(408), true),
            (http(400), false),
            (http(401), false),
            (http(403), false),
            (http(404), false),
            (http(422), false),
        ];
        for (error, transient) in cases {
            assert_eq!(error.is_transient(), transient, "{error}");
        }
        assert!(http(403).advice().contains("Manage Federation"));
        let reports = ApiError::Http {
            status: 403,
            what: "resolving a report".into(),
            message: String::new(),
            body: Box::default(),
        };
        assert!(reports.advice().contains("Manage Reports"));
        assert!(http(401).advice().contains("token"));
    }
}
