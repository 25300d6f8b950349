//! Which server software an instance runs, and what it can do. coopgov asks (NodeInfo,
//! through megalodon's detector) rather than assumes, and says plainly what a server
//! cannot do instead of pretending.

use super::ApiError;
use std::fmt;
use std::time::Duration;

/// The server software, as far as coopgov treats servers differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Software {
    Mastodon,
    GoToSocial,
    /// Another platform megalodon knows (Pleroma, Akkoma, Friendica, Firefish, Pixelfed):
    /// treated like Mastodon, except that nothing it has not shown is trusted.
    Other(String),
}

impl Software {
    /// From `instance.software` in `bot.toml` (any name but `auto`).
    pub fn from_name(name: &str) -> Software {
        match name.to_ascii_lowercase().as_str() {
            "mastodon" => Software::Mastodon,
            "gotosocial" => Software::GoToSocial,
            other => Software::Other(other.to_string()),
        }
    }

    /// megalodon's name for it, for its client.
    pub fn sns(&self) -> megalodon::SNS {
        match self {
            Software::Mastodon => megalodon::SNS::Mastodon,
            Software::GoToSocial => megalodon::SNS::Gotosocial,
            Software::Other(name) => name.parse().unwrap_or(megalodon::SNS::Mastodon),
        }
    }

    /// What this software can do, as seen on the versions coopgov supports
    /// (Mastodon 4.x, GoToSocial 0.17 and later).
    pub fn capabilities(&self) -> Capabilities {
        match self {
            Software::Mastodon => Capabilities {
                silence: true,
                block_severity: true,
                idempotency_keys: true,
                notification_policy: true,
                edit_notifications: true,
                visitors_read_threads: true,
                admin_reports: true,
                report_notifications: true,
                report_comment: false,
                resolved_filter: false,
                status_page_by_id: true,
            },
            Software::GoToSocial => Capabilities {
                silence: false,
                block_severity: false,
                idempotency_keys: false,
                notification_policy: false,
                edit_notifications: false,
                visitors_read_threads: false,
                admin_reports: true,
                report_notifications: false,
                report_comment: true,
                resolved_filter: true,
                status_page_by_id: false,
            },
            Software::Other(_) => Capabilities {
                silence: true,
                block_severity: true,
                idempotency_keys: false,
                notification_policy: false,
                edit_notifications: false,
                visitors_read_threads: false,
                admin_reports: false,
                report_notifications: false,
                report_comment: false,
                resolved_filter: false,
                status_page_by_id: false,
            },
        }
    }
}

impl fmt::Display for Software {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Software::Mastodon => f.write_str("Mastodon"),
            Software::GoToSocial => f.write_str("GoToSocial"),
            Software::Other(name) => f.write_str(name),
        }
    }
}

/// What an instance's software can do that coopgov relies on or works around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// A domain can be limited (silenced) rather than suspended.
    pub silence: bool,
    /// Domain blocks carry a severity; without it every block is a suspension.
    pub block_severity: bool,
    /// A post retried with the same `Idempotency-Key` returns the first status.
    pub idempotency_keys: bool,
    /// Mentions from strangers can be filtered by a notification policy.
    pub notification_policy: bool,
    /// An edited status notifies the accounts that interacted with it.
    pub edit_notifications: bool,
    /// A visitor without a token may read a public thread (for `coopgov verify`).
    pub visitors_read_threads: bool,
    /// Staff can read and resolve reports through the admin API.
    pub admin_reports: bool,
    /// Staff are notified of each new report.
    pub report_notifications: bool,
    /// Resolving a report takes a comment, which the reporter is shown.
    pub report_comment: bool,
    /// The admin reports list can be asked for unresolved reports only (`resolved=false`).
    /// Mastodon before 4.6 reads any `resolved` as true, but lists only unresolved reports
    /// when asked nothing. A detail of the wire, not something the admin acts on, so
    /// `check` does not print it.
    pub resolved_filter: bool,
    /// The web app shows any status the instance holds at `/statuses/<id>` (Mastodon 4):
    /// an address that names no account, for the case file's links.
    pub status_page_by_id: bool,
}

impl Capabilities {
    /// Each capability the admin should know of (all but `resolved_filter`) as `check`
    /// prints it: whether the server has it, and in words.
    pub fn lines(&self) -> [(bool, &'static str); 9] {
        [
            (self.silence, "limit (silence) a server; without it, proposals to limit are refused at opening and every block is a suspension"),
            (self.block_severity, "domain blocks carry a severity; without it, a block is checked by its presence"),
            (self.idempotency_keys, "Idempotency-Key on posts; with or without it, coopgov looks for a post's earlier attempt before sending it again"),
            (self.notification_policy, "a notification policy that could hide members' mentions"),
            (self.edit_notifications, "notifications of edited votes; without them an edited vote is read again at the close"),
            (self.visitors_read_threads, "visitors may read a public thread; without it, coopgov verify needs a token of any account there"),
            (self.admin_reports, "reports through the admin API"),
            (self.report_notifications, "a notification for each new report; without it, reports are polled"),
            (self.report_comment, "a comment on resolving a report, shown to its reporter; without it, reports are resolved without a note"),
        ]
    }
}

/// Asks the instance at `url` what it runs, through NodeInfo (megalodon's detector),
/// giving up after `timeout`. The error's Display is a sentence for the admin.
pub async fn detect(url: &str, timeout: Duration) -> Result<Software, ApiError> {
    let url = url.trim_end_matches('/');
    match tokio::time::timeout(timeout, megalodon::detector(url)).await {
        Ok(Ok(megalodon::SNS::Mastodon)) => Ok(Software::Mastodon),
        Ok(Ok(megalodon::SNS::Gotosocial)) => Ok(Software::GoToSocial),
        Ok(Ok(other)) => Ok(Software::Other(other.to_string())),
        Ok(Err(error)) => Err(ApiError::Undetected(format!(
            "could not tell which server software {url} runs from its NodeInfo ({error})"
        ))),
        Err(_) => Err(ApiError::Undetected(format!(
            "{url} did not say which server software it runs (NodeInfo) within {}s",
            timeout.as_secs()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gotosocial_cannot_silence_and_keys_are_trusted_only_on_mastodon() {
        let gotosocial = Software::from_name("gotosocial").capabilities();
        assert!(!gotosocial.silence && !gotosocial.block_severity);
        assert!(!gotosocial.idempotency_keys && !gotosocial.visitors_read_threads);
        assert!(
            Software::from_name("mastodon")
                .capabilities()
                .idempotency_keys
        );
        assert!(
            !Software::from_name("pleroma")
                .capabilities()
                .idempotency_keys
        );
        assert_eq!(Software::from_name("pleroma").to_string(), "pleroma");
        let mastodon = Software::Mastodon.capabilities();
        assert!(gotosocial.report_comment && !mastodon.report_comment);
        // Mastodon before 4.6 would answer `resolved=false` with the resolved reports.
        assert!(gotosocial.resolved_filter && !mastodon.resolved_filter);
        assert_eq!(Software::GoToSocial.sns(), megalodon::SNS::Gotosocial);
    }
}
