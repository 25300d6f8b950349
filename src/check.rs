//! `coopgov check`: is everything in place for the bot to run? One line per check.

use crate::config::Config;
use crate::mastodon::{ApiError, Client};
use crate::runtime::setup;
use std::path::Path;
use std::process::ExitCode;

enum Mark {
    Ok,
    Warn,
    Fail,
}

fn line(mark: Mark, text: impl AsRef<str>) {
    let label = match mark {
        Mark::Ok => "ok  ",
        Mark::Warn => "warn",
        Mark::Fail => "FAIL",
    };
    println!("{label}  {}", text.as_ref());
}

/// Runs the checks in order, stopping where a later one could not mean anything.
pub async fn check(path: &Path) -> ExitCode {
    let config = match Config::load(path) {
        Ok(config) => {
            line(
                Mark::Ok,
                format!("configuration {} is valid", path.display()),
            );
            config
        }
        Err(error) => {
            line(Mark::Fail, error.to_string());
            return ExitCode::FAILURE;
        }
    };
    if let Some(warning) = config.instance.token.permission_warning() {
        line(Mark::Warn, warning);
    }
    let token = match config.instance.token.read() {
        Ok(token) => token,
        Err(error) => {
            line(Mark::Fail, error.to_string());
            return ExitCode::FAILURE;
        }
    };
    let client = match Client::new(
        &config.instance.url,
        token.clone(),
        config.instance.request_timeout,
    ) {
        Ok(client) => client,
        Err(error) => {
            line(Mark::Fail, error.to_string());
            return ExitCode::FAILURE;
        }
    };
    match client.instance().await {
        Ok(instance) => line(
            Mark::Ok,
            format!(
                "instance {} is reachable ({} {}, {} characters per post)",
                config.instance.url,
                config.instance.software,
                instance.version,
                instance.max_characters
            ),
        ),
        Err(error) => {
            line(
                Mark::Fail,
                format!(
                    "instance {} is not reachable: {error}; check [instance] url",
                    config.instance.url
                ),
            );
            return ExitCode::FAILURE;
        }
    }
    match setup::whoami(&config, &client).await {
        Ok(me) if me.bot => line(Mark::Ok, format!("the token is valid and belongs to @{}", me.acct)),
        Ok(me) => line(
            Mark::Warn,
            format!("the token belongs to @{}, which is not marked as a bot; tick \"This is an automated account\" in its profile", me.acct),
        ),
        Err(error) => {
            line(Mark::Fail, format!("{error:#}"));
            return ExitCode::FAILURE;
        }
    }
    match client.can_read_domain_blocks().await {
        Ok(()) => line(Mark::Ok, "the account can list admin domain blocks"),
        Err(
            error @ ApiError::Http {
                status: 401 | 403, ..
            },
        ) => {
            line(
                Mark::Fail,
                format!("the account cannot list admin domain blocks ({error}); give its role \"Manage Federation\" and the token the scopes admin:read:domain_blocks and admin:write:domain_blocks"),
            );
            return ExitCode::FAILURE;
        }
        Err(error) => {
            line(
                Mark::Fail,
                format!("could not list admin domain blocks: {error}"),
            );
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
