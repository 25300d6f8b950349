//! `coopgov check`: what `[reports]` sets up, and whether the bot may read members'
//! reports on this server.

use super::{line, Mark};
use crate::commands::format_duration;
use crate::config::{Config, ReportsConfig};
use crate::governance::ActionKind;
use crate::mastodon::account::REPORT_SCOPES;
use crate::mastodon::{ApiError, Client, Software};

/// Says what `[reports]` does and whether the account may read reports; false when it
/// may not. Without `[reports]`, says nothing.
pub(super) async fn reports(config: &Config, client: &Client, software: &Software) -> bool {
    let Some(reports) = &config.reports else {
        return true;
    };
    if let Some(warning) = reports.warning() {
        line(Mark::Warn, warning);
        return true;
    }
    line(Mark::Ok, summary(config, reports));
    if let Some(warning) = cannot_propose(reports, software) {
        line(Mark::Warn, warning);
    }
    let (mark, text) = access(reports, software, client.can_list_reports().await);
    let readable = !matches!(mark, Mark::Fail);
    line(mark, text);
    readable
}

/// "reports: when 3 members report accounts of one other server within 7d, …"
fn summary(config: &Config, reports: &ReportsConfig) -> String {
    let members = match reports.cases.open_after {
        1 => "1 member reports".to_owned(),
        count => format!("{count} different members report"),
    };
    let jury_decides = config
        .jury
        .as_ref()
        .is_some_and(|jury| jury.decides.contains(&reports.cases.propose));
    let decided = match jury_decides {
        true => "the jury decides",
        false => "all members vote",
    };
    let resolved = match reports.cases.resolve {
        true => "those reports are marked resolved when the vote closes",
        false => "the reports are left for the moderators to resolve (resolve = false)",
    };
    format!(
        "reports: when {members} accounts of one other server within {}, the bot proposes \
         to {} that server and {decided}; {resolved}",
        format_duration(reports.cases.within),
        reports.cases.propose.name(),
    )
}

/// A server that cannot limit another makes every limit a suspension: the cases say so.
fn cannot_propose(reports: &ReportsConfig, software: &Software) -> Option<String> {
    (reports.cases.propose == ActionKind::Silence && !software.capabilities().silence).then(|| {
        format!(
            "[reports] propose = \"silence\", but {software} cannot limit (silence) a server, \
             so a case opened from reports proposes to suspend it instead; set \
             propose = \"suspend\" in [reports] to say so in the file too"
        )
    })
}

/// Whether the account can read reports, with how the bot hears of new ones; what to do
/// when it cannot.
fn access(
    reports: &ReportsConfig,
    software: &Software,
    listed: Result<(), ApiError>,
) -> (Mark, String) {
    let scopes = REPORT_SCOPES.join(" and ");
    match listed {
        Ok(()) => {
            let every = format_duration(reports.poll_every);
            let heard = match software.capabilities().report_notifications {
                true => format!(
                    "{software} tells the bot of each new report, and the bot also reads \
                     them every {every}"
                ),
                false => format!(
                    "{software} does not tell the bot of new reports, so the bot reads them \
                     every {every}"
                ),
            };
            let resolving = match reports.cases.resolve {
                true => {
                    "; whether it may resolve them is checked only by the token's scope \
                         (admin:write:reports), since trying would resolve a real report"
                }
                false => "",
            };
            let text = format!("the account can read members' reports; {heard}{resolving}");
            (Mark::Ok, text)
        }
        Err(
            error @ ApiError::Http {
                status: 401 | 403, ..
            },
        ) => {
            // Only Mastodon is known to name the place where roles are given.
            let place = match software {
                Software::Mastodon => " (Administration › Roles)",
                _ => "",
            };
            let text = format!(
                "the account cannot read members' reports ({error}), so no case would ever \
                 open from them; give its role \"Manage Reports\"{place} and the token the \
                 scopes {scopes} (coopgov login asks for them while [reports] watch = true), \
                 or set watch = false"
            );
            (Mark::Fail, text)
        }
        Err(error) => (
            Mark::Fail,
            format!(
                "could not read members' reports ({error}); the bot needs them while \
                 [reports] watch = true: check that {software} lets staff read reports, or \
                 set watch = false"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{needed_scopes, SCOPES};
    use std::path::Path;

    fn watched(rest: &str) -> (Config, ReportsConfig) {
        let text = format!("[instance]\nurl = \"https://social.example\"\n{rest}");
        let config = Config::parse(&text, Path::new("bot.toml")).expect("a valid config");
        let reports = config.watched_reports().cloned().expect("watched reports");
        (config, reports)
    }

    #[test]
    fn what_reports_set_up_is_told_in_one_line() {
        let (config, reports) = watched("[reports]\nwatch = true\n");
        assert_eq!(
            summary(&config, &reports),
            "reports: when 3 different members report accounts of one other server within \
             7d, the bot proposes to silence that server and all members vote; those reports \
             are marked resolved when the vote closes"
        );
        let (config, reports) = watched(
            "[jury]\n[reports]\nwatch = true\nopen_after = 1\npropose = \"suspend\"\n\
             resolve = false\n",
        );
        assert_eq!(
            summary(&config, &reports),
            "reports: when 1 member reports accounts of one other server within 7d, the bot \
             proposes to suspend that server and the jury decides; the reports are left for \
             the moderators to resolve (resolve = false)"
        );
    }

    #[test]
    fn reading_reports_is_told_with_how_the_server_tells_of_new_ones() {
        let (_, reports) = watched("[reports]\nwatch = true\npoll_every = \"10m\"\n");
        let refused = || ApiError::Http {
            status: 403,
            what: "listing reports".into(),
            message: "This action is not allowed".into(),
            body: Box::default(),
        };
        let cases = [
            (Software::Mastodon, Ok(()), Mark::Ok, "the account can read members' reports; Mastodon tells the bot of each new report, and the bot also reads them every 10m; whether it may resolve them is checked only by the token's scope (admin:write:reports), since trying would resolve a real report"),
            (Software::GoToSocial, Ok(()), Mark::Ok, "the account can read members' reports; GoToSocial does not tell the bot of new reports, so the bot reads them every 10m; whether"),
            (Software::Mastodon, Err(refused()), Mark::Fail, "the account cannot read members' reports (the instance answered 403 while listing reports: This action is not allowed), so no case would ever open from them; give its role \"Manage Reports\" (Administration › Roles) and the token the scopes admin:read:reports and admin:write:reports (coopgov login asks for them while [reports] watch = true), or set watch = false"),
            (Software::GoToSocial, Err(refused()), Mark::Fail, "the account cannot read members' reports (the instance answered 403 while listing reports: This action is not allowed), so no case would ever open from them; give its role \"Manage Reports\" and the token"),
            (Software::Other("pleroma".into()), Err(ApiError::Transport("timed out".into())), Mark::Fail, "could not read members' reports (could not reach the instance: timed out); the bot needs them while [reports] watch = true: check that pleroma lets staff read reports"),
        ];
        for (software, listed, mark, wanted) in cases {
            let (got_mark, text) = access(&reports, &software, listed);
            assert_eq!(got_mark, mark, "{text}");
            assert!(text.starts_with(wanted), "{text}");
        }
        let (_, unresolved) = watched("[reports]\nwatch = true\nresolve = false\n");
        let (_, text) = access(&unresolved, &Software::Mastodon, Ok(()));
        assert!(!text.contains("resolve"), "{text}");
    }

    #[test]
    fn a_server_that_cannot_limit_is_told_to_propose_suspensions() {
        let (_, silence) = watched("[reports]\nwatch = true\n");
        let warning = cannot_propose(&silence, &Software::GoToSocial).expect("a warning");
        assert!(
            warning.starts_with("[reports] propose = \"silence\", but GoToSocial cannot limit"),
            "{warning}"
        );
        assert_eq!(cannot_propose(&silence, &Software::Mastodon), None);
        let (_, suspend) = watched("[reports]\nwatch = true\npropose = \"suspend\"\n");
        assert_eq!(cannot_propose(&suspend, &Software::GoToSocial), None);
    }

    #[test]
    fn the_report_scopes_are_needed_only_while_reports_are_watched() {
        let minimal = "[instance]\nurl = \"https://social.example\"\n";
        let cases = [
            ("", false),
            ("[reports]\n", false),
            ("[reports]\nwatch = false\n", false),
            ("[reports]\nwatch = true\n", true),
        ];
        for (rest, watched) in cases {
            let text = format!("{minimal}{rest}");
            let config = Config::parse(&text, Path::new("bot.toml")).expect("a valid config");
            let needed = needed_scopes(&config);
            assert_eq!(&needed[..SCOPES.len()], SCOPES, "{rest}");
            let reports = ["admin:read:reports", "admin:write:reports"];
            let extra: &[&str] = if watched { &reports } else { &[] };
            assert_eq!(&needed[SCOPES.len()..], extra, "{rest}");
        }
    }
}
