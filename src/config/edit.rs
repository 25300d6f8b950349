//! Changes to `bot.toml` that `coopgov login` offers, made in the text so that the
//! operator's comments, order and spacing stay as they were.

use super::ConfigError;
use toml_edit::{DocumentMut, Item, Key, Table, Value};

/// `text` with `[instance] token_file = "<token_file>"` and `token_env` commented out
/// (the configuration refuses both). Where the file shows the key as a commented-out
/// example (`# token_file = …`, as the shipped bot.toml does), the real key takes that
/// line's place and keeps its comment. The refusal says why the file cannot be edited.
pub fn set_token_file(text: &str, token_file: &str) -> Result<String, ConfigError> {
    let refused = |why: String| ConfigError::Uneditable(why);
    let mut document: DocumentMut = text.parse().map_err(|error: toml_edit::TomlError| {
        refused(format!("it is not valid TOML ({})", error.message().trim()))
    })?;
    match document.get_mut("instance") {
        Some(Item::Table(table)) => set_in_table(table, token_file),
        Some(Item::Value(Value::InlineTable(table))) => {
            table.remove("token_env");
            table.insert("token_file", Value::from(token_file));
        }
        Some(_) => return Err(refused("its instance is not a table".to_owned())),
        None => return Err(refused("it has no [instance] table".to_owned())),
    }
    Ok(document.to_string())
}

/// One `key = value` line of the table, with the comment lines above it (its prefix).
type Entry = (Key, Item);

fn set_in_table(table: &mut Table, token_file: &str) {
    // Taken out and put back in order: toml_edit appends new keys at the end of a table.
    let names: Vec<String> = table.iter().map(|(name, _)| name.to_owned()).collect();
    let mut entries: Vec<Entry> = names
        .iter()
        .filter_map(|name| table.remove_entry(name))
        .collect();
    let at = |entries: &[Entry], name: &str| entries.iter().position(|(key, _)| key.get() == name);
    // token_env becomes a comment above the line that followed it.
    let mut loose_comment = None;
    if let Some(index) = at(&entries, "token_env") {
        let (key, item) = entries.remove(index);
        let comment = format!("{}{}", prefix(&key), commented_out(&key, &item));
        match entries.get_mut(index) {
            Some((next, _)) => set_prefix(next, format!("{comment}{}", prefix(next))),
            None => loose_comment = Some(comment),
        }
    }
    if let Some(index) = at(&entries, "token_file") {
        let (key, item) = &mut entries[index];
        let mut value = Value::from(token_file);
        if let Some(old) = item.as_value() {
            *value.decor_mut() = old.decor().clone();
        }
        *item = Item::Value(value);
        if let Some(comment) = loose_comment {
            let above = format!("{}{comment}", prefix(key));
            set_prefix(key, above);
        }
    } else {
        let mut key = Key::new("token_file");
        let mut value = Value::from(token_file).decorated(" ", "");
        let index = match example_line(&entries) {
            Some(example) => {
                set_prefix(&mut entries[example.index].0, example.after);
                set_prefix(&mut key, example.before);
                value.decor_mut().set_suffix(example.trailing);
                example.index
            }
            None => {
                set_prefix(&mut key, loose_comment.take().unwrap_or_default());
                entries.len()
            }
        };
        if let Some(comment) = loose_comment {
            let above = format!("{}{comment}", prefix(&key));
            set_prefix(&mut key, above);
        }
        entries.insert(index, (key, Item::Value(value)));
    }
    for (key, item) in entries {
        table.insert_formatted(&key, item);
    }
}

/// The comment lines above a key (toml_edit keeps them in the key's prefix).
fn prefix(key: &Key) -> String {
    key.leaf_decor()
        .prefix()
        .and_then(|raw| raw.as_str())
        .unwrap_or_default()
        .to_owned()
}

fn set_prefix(key: &mut Key, prefix: String) {
    key.leaf_decor_mut().set_prefix(prefix);
}

/// `# token_env = "COOPGOV_TOKEN"   # its comment`, with a line break.
fn commented_out(key: &Key, item: &Item) -> String {
    let Some(value) = item.as_value() else {
        return format!("# {} was here\n", key.display_repr());
    };
    let trailing = suffix(value);
    let mut bare = value.clone();
    bare.decor_mut().clear();
    format!("# {} = {bare}{trailing}\n", key.display_repr())
}

fn suffix(value: &Value) -> String {
    value
        .decor()
        .suffix()
        .and_then(|raw| raw.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// A commented-out `# token_file = …` line among the comments above an entry.
struct Example {
    /// The entry it is above.
    index: usize,
    /// The comment lines above it, and below it.
    before: String,
    after: String,
    /// Its own trailing comment, with the spaces before it.
    trailing: String,
}

fn example_line(entries: &[Entry]) -> Option<Example> {
    entries.iter().enumerate().find_map(|(index, (key, _))| {
        let prefix = prefix(key);
        let mut offset = 0;
        for line in prefix.split_inclusive('\n') {
            let uncommented = line.trim_start().strip_prefix('#').map(str::trim_start);
            if let Some(trailing) = uncommented.and_then(trailing_comment) {
                let before = prefix[..offset].to_owned();
                let after = prefix[offset + line.len()..].to_owned();
                return Some(Example {
                    index,
                    before,
                    after,
                    trailing,
                });
            }
            offset += line.len();
        }
        None
    })
}

/// The trailing comment of a commented-out `token_file = …` line, uncommented; `None` for
/// any other line. Read as TOML, so that a `#` inside the quoted value is not taken for
/// the comment.
fn trailing_comment(line: &str) -> Option<String> {
    let document: DocumentMut = line.trim_end().parse().ok()?;
    let value = document.get("token_file")?.as_value()?;
    Some(suffix(value))
}
