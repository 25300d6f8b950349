//! `coopgov login`: obtain a least-privilege token and keep it in a private file.

use crate::mastodon::oauth;
use std::io::{BufRead, Write};
use std::path::Path;

/// Registers the app, asks for the code the instance shows after authorisation, and
/// writes the token to `token_file`, readable only by its owner.
pub async fn login(instance: &str, token_file: &Path) -> Result<(), String> {
    let instance = crate::config::instance_address(instance)
        .map_err(|problem| format!("--instance {problem}"))?;
    let instance = instance.as_str();
    let app = oauth::register(instance)
        .await
        .map_err(|error| format!("could not register coopgov on {instance}: {error}"))?;
    println!("1. Log in to {instance} as the bot's account, in a browser.");
    println!("2. Open this address and authorise coopgov:");
    println!("   {}", oauth::authorize_url(instance, &app));
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
    let token = oauth::exchange(instance, &app, code)
        .await
        .map_err(|error| {
            format!("the instance did not accept the code: {error}; run coopgov login again")
        })?;
    write_private(token_file, token.expose())?;
    println!(
        "The token is in {} (readable only by you).",
        token_file.display()
    );
    println!(
        "In bot.toml, under [instance], set  token_file = \"{}\"  (relative to bot.toml's folder) and remove token_env if it is set.",
        token_file.display()
    );
    println!("Then check the setup: coopgov check --config bot.toml  (from the source folder: cargo run --release -- check --config bot.toml)");
    Ok(())
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
