//! `coopgov login`: obtain a least-privilege token and keep it in a private file.

use crate::config::{Config, TokenSource};
use crate::mastodon::account::{Credentials, Role, REPORT_SCOPES};
use crate::mastodon::client::Client;
use crate::mastodon::oauth;
use crate::secret::Secret;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Registers the app, asks for the code the instance shows after authorisation, writes
/// the token to `token_file`, readable only by its owner, and offers to point the
/// configuration file `config` to it.
pub async fn login(instance: &str, token_file: &Path, config: &Path) -> Result<(), String> {
    let instance = crate::config::instance_address(instance)
        .map_err(|problem| format!("--instance {problem}"))?;
    let instance = instance.as_str();
    let watches_reports = read_config(config).is_some_and(|read| read.watched_reports().is_some());
    if watches_reports {
        println!(
            "[reports] watch = true in {}, so coopgov also asks to read and resolve members' \
             reports ({}).",
            config.display(),
            REPORT_SCOPES.join(" ")
        );
    }
    let scopes = scopes(watches_reports);
    let app = oauth::register(instance, &scopes)
        .await
        .map_err(|error| format!("could not register coopgov on {instance}: {error}"))?;
    println!("1. Log in to {instance} as the bot's account, in a browser.");
    println!("2. Open this address and authorise coopgov:");
    println!("   {}", oauth::authorize_url(instance, &app, &scopes));
    println!("3. Paste the code the instance shows here, then press Enter:");
    std::io::stdout()
        .flush()
        .map_err(|error| error.to_string())?;
    let mut code = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut code)
        .map_err(|error| format!("could not read the code: {error}"))?;
    let code = code.trim();
    if code.is_empty() {
        return Err("no code was given; run coopgov login again and paste the code".to_string());
    }
    let token = oauth::exchange(instance, &app, code, &scopes)
        .await
        .map_err(|error| {
            format!("the instance did not accept the code: {error}; run coopgov login again")
        })?;
    // Said before the token is kept: a token for the wrong account is worth knowing at once.
    who_authorised(instance, &token, watches_reports).await;
    write_private(token_file, token.expose())?;
    println!(
        "The token is in {} (readable only by you).",
        token_file.display()
    );
    let setting = token_file_setting(token_file, config);
    if !(config.is_file() && offer_to_set(config, &setting, token_file)?) {
        println!(
            "In {}, under [instance], set  token_file = {:?}  and remove token_env if it is set.",
            config.display(),
            setting.display().to_string()
        );
    }
    let config = config.display();
    println!("Then check the setup: coopgov check --config {config}  (from the source folder: cargo run --release -- check --config {config})");
    Ok(())
}

/// The configuration at `path`, when there is one and it can be read; login only asks it
/// whether reports are watched, so a missing or broken file is no reason to stop.
fn read_config(path: &Path) -> Option<Config> {
    if !path.is_file() {
        return None;
    }
    match Config::load(path) {
        Ok(config) => Some(config),
        Err(error) => {
            println!(
                "note: {error}\n(coopgov asks for the scopes it needs without [reports]; once \
                 the file is fixed, coopgov check tells whether the token has all it needs)"
            );
            None
        }
    }
}

/// The scopes to ask for, space-separated: the bot's own, and with `watches_reports`
/// those that read and resolve reports. Nothing more: a token's scopes are all a stolen
/// token could do.
fn scopes(watches_reports: bool) -> String {
    let mut scopes = vec![oauth::SCOPES];
    if watches_reports {
        scopes.extend(REPORT_SCOPES);
    }
    scopes.join(" ")
}

/// `token_file` as the configuration should name it: relative to the configuration's
/// folder when the token is inside it (the pair can then move together), else absolute.
fn token_file_setting(token_file: &Path, config: &Path) -> PathBuf {
    let token = std::fs::canonicalize(token_file).unwrap_or_else(|_| token_file.to_path_buf());
    let folder = std::fs::canonicalize(config)
        .ok()
        .and_then(|config| config.parent().map(Path::to_path_buf));
    folder
        .and_then(|folder| token.strip_prefix(folder).ok().map(Path::to_path_buf))
        .unwrap_or(token)
}

/// Asks whether to set `token_file` in `config`; true once it is set. With nobody to
/// answer (end of input) nothing is changed.
fn offer_to_set(config: &Path, setting: &Path, token_file: &Path) -> Result<bool, String> {
    let Some(setting) = setting.to_str() else {
        return Ok(false);
    };
    print!(
        "Set token_file = {setting:?} in {} now? [Y/n] ",
        config.display()
    );
    std::io::stdout()
        .flush()
        .map_err(|error| error.to_string())?;
    let mut answer = String::new();
    let read = std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|error| format!("could not read the answer: {error}"))?;
    if read == 0 {
        println!();
        return Ok(false);
    }
    if !matches!(answer.trim().to_lowercase().as_str(), "" | "y" | "yes") {
        return Ok(false);
    }
    match point_config_to_token(config, setting, token_file) {
        Ok(said) => {
            println!("{said}");
            Ok(true)
        }
        Err(why) => {
            println!("Did not change {}: {why}.", config.display());
            Ok(false)
        }
    }
}

/// Edits `config` in place, keeping its comments; refuses a result the bot would not
/// load, or one that would read another token file than the one just written.
fn point_config_to_token(
    config: &Path,
    setting: &str,
    token_file: &Path,
) -> Result<String, String> {
    let shown = config.display();
    let text =
        std::fs::read_to_string(config).map_err(|error| format!("could not read it ({error})"))?;
    let edited = crate::config::set_token_file(&text, setting).map_err(|why| why.to_string())?;
    let checked = Config::parse(&edited, config)
        .map_err(|error| format!("the bot would refuse the result ({error})"))?;
    let same = |path: &Path| std::fs::canonicalize(path).ok();
    match &checked.instance.token {
        TokenSource::File(path) if same(path).is_some() && same(path) == same(token_file) => {}
        _ => {
            return Err(format!(
                "the result would not read the token from {}",
                token_file.display()
            ))
        }
    }
    // Written in place rather than replaced, so the file keeps its owner, mode and links.
    std::fs::write(config, &edited).map_err(|error| format!("could not write it ({error})"))?;
    let commented = |text: &str| text.matches("# token_env").count();
    let env_note = match commented(&edited) > commented(&text) {
        true => "; token_env is commented out, as the token is read from the file now",
        false => "",
    };
    Ok(format!(
        "Set token_file = {setting:?} in {shown}{env_note}."
    ))
}

/// Prints the account the token acts as, and warns of what would stop it governing (or,
/// with `watches_reports`, reading members' reports).
async fn who_authorised(instance: &str, token: &Secret, watches_reports: bool) {
    let credentials = match Client::new(instance, token.clone(), Duration::from_secs(30)) {
        Ok(client) => client.credentials().await,
        Err(error) => Err(error),
    };
    match credentials {
        Ok(credentials) => {
            for line in about(&credentials, watches_reports) {
                println!("{line}");
            }
        }
        Err(error) => println!(
            "warning: could not ask {instance} which account authorised coopgov ({error}); \
             coopgov check will tell"
        ),
    }
}

/// "Authorised as @acct", then a warning for each thing that would stop it governing
/// (with `watches_reports`, or reading members' reports).
fn about(credentials: &Credentials, watches_reports: bool) -> Vec<String> {
    let acct = &credentials.account.acct;
    let mut lines = vec![format!("Authorised as @{acct}.")];
    if !credentials.account.bot {
        lines.push(format!(
            "warning: @{acct} is not marked as a bot. If it is not the bot's account, log in \
             as the bot in the browser and run coopgov login again; if it is, tick \
             \"This is an automated account\" in its profile."
        ));
    }
    let role = credentials.role.as_ref();
    let mut needed = vec![(
        "Manage Federation",
        Role::manages_federation as fn(&Role) -> _,
        "block domains",
    )];
    if watches_reports {
        needed.push((
            "Manage Reports",
            Role::manages_reports,
            "read members' reports",
        ));
    }
    let mut untold = Vec::new();
    for (permission, allows, what) in needed {
        match role.map(|role| (role.name.as_str(), allows(role))) {
            Some((_, Some(true))) => {}
            Some((name, Some(false))) => {
                let whose = match name {
                    "" => format!("@{acct} has no role with"),
                    name => format!("@{acct}'s role {name:?} lacks"),
                };
                lines.push(format!(
                    "warning: {whose} the {permission} permission, so the bot could not \
                     {what}; give the account a role that has it (Administration › \
                     Roles), or authorise as an account that has one."
                ));
            }
            Some((_, None)) | None => untold.push(what),
        }
    }
    if !untold.is_empty() {
        lines.push(format!(
            "note: the instance did not say what @{acct}'s role may do, so coopgov cannot \
             tell whether it may {}; coopgov check will tell, once bot.toml points to the \
             token.",
            untold.join(" or ")
        ));
    }
    lines
}

fn write_private(path: &Path, token: &str) -> Result<(), String> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|error| format!("could not write {}: {error}", path.display()))?;
    // An existing file keeps its mode on open: make it private as well.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .and_then(|()| writeln!(file, "{token}"))
        .map_err(|error| format!("could not write {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(bot: bool, role: Option<(&str, Option<u64>)>) -> Credentials {
        let account =
            serde_json::json!({"id": "1", "username": "coopbot", "acct": "coopbot", "bot": bot});
        Credentials {
            account: serde_json::from_value(account).expect("an account"),
            role: role.map(|(name, permissions)| Role {
                name: name.to_string(),
                permissions,
            }),
        }
    }

    #[test]
    fn login_names_the_account_and_warns_of_what_would_stop_it_governing() {
        let cases: [(Credentials, &[&str]); 5] = [
            (credentials(true, Some(("Admin", Some(0xFFFFF)))), &[]),
            (
                credentials(false, Some(("", Some(0x10000)))),
                &[
                    "is not marked as a bot",
                    "@coopbot has no role with the Manage Federation permission",
                ],
            ),
            (
                credentials(true, Some(("Moderator", Some(0x10000)))),
                &["@coopbot's role \"Moderator\" lacks the Manage Federation permission"],
            ),
            (
                credentials(true, None),
                &["did not say what @coopbot's role may do, so coopgov cannot tell whether it may block domains; coopgov check will tell"],
            ),
            (credentials(true, Some(("Odd", None))), &["coopgov check"]),
        ];
        for (credentials, warnings) in cases {
            let lines = about(&credentials, false);
            assert_eq!(lines[0], "Authorised as @coopbot.");
            assert_eq!(lines.len(), 1 + warnings.len(), "{lines:#?}");
            for (line, wanted) in lines[1..].iter().zip(warnings) {
                assert!(line.contains(wanted), "{line}");
            }
        }
    }

    #[test]
    fn login_asks_for_the_report_scopes_only_while_reports_are_watched() {
        let folder = std::env::temp_dir().join(format!("coopgov-login-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("a folder");
        let config = folder.join("bot.toml");
        let minimal = "[instance]\nurl = \"https://social.example\"\n";
        let cases: [(Option<String>, bool); 5] = [
            (None, false),
            (Some(minimal.to_owned()), false),
            (Some(format!("{minimal}[reports]\nopen_after = 2\n")), false),
            (Some(format!("{minimal}[reports]\nwatch = true\n")), true),
            // a file the bot would refuse: login goes on, asking for no more than it needs
            (
                Some(format!("{minimal}[reports]\nwatch = \"yes\"\n")),
                false,
            ),
        ];
        for (text, watched) in cases {
            let _ = std::fs::remove_file(&config);
            if let Some(text) = &text {
                std::fs::write(&config, text).expect("write the config");
            }
            let read = read_config(&config);
            let watches = read.is_some_and(|read| read.watched_reports().is_some());
            assert_eq!(watches, watched, "{text:?}");
            let asked = scopes(watches);
            let words: Vec<&str> = asked.split(' ').collect();
            for scope in oauth::SCOPES.split(' ') {
                assert!(words.contains(&scope), "{asked}");
            }
            for scope in REPORT_SCOPES {
                assert_eq!(words.contains(&scope), watched, "{text:?}: {asked}");
            }
            assert_eq!(
                words.len(),
                oauth::SCOPES.split(' ').count() + 2 * usize::from(watched)
            );
        }
        let _ = std::fs::remove_dir_all(&folder);
    }

    #[test]
    fn login_warns_of_a_role_that_cannot_read_reports_only_while_they_are_watched() {
        let moderator = credentials(true, Some(("Moderator", Some(0x20))));
        assert_eq!(about(&moderator, false).len(), 1);
        let lines = about(&moderator, true);
        assert_eq!(lines.len(), 2, "{lines:#?}");
        assert_eq!(
            lines[1],
            "warning: @coopbot's role \"Moderator\" lacks the Manage Reports permission, so the \
             bot could not read members' reports; give the account a role that has it \
             (Administration › Roles), or authorise as an account that has one."
        );
        let untold = about(&credentials(true, Some(("Odd", None))), true);
        assert!(
            untold[1].contains("cannot tell whether it may block domains or read members' reports"),
            "{untold:#?}"
        );
        assert_eq!(
            about(&credentials(true, Some(("Admin", Some(1)))), true).len(),
            1
        );
    }
}
