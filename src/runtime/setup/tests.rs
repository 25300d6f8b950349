//! Start-up's waits: a store a command holds for a moment.

use super::*;

#[tokio::test]
async fn a_starting_bot_waits_for_a_command_reading_the_store() {
    let folder = std::env::temp_dir().join(format!("coopgov-wait-{}", std::process::id()));
    let reader = Store::open(&folder).expect("a command reads the store");
    let done_reading = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        drop(reader);
    });
    let bot = open_store(&folder).await;
    assert!(bot.is_ok(), "{:?}", bot.err());
    done_reading.await.expect("the reader ends");
    drop(bot);
    let _ = std::fs::remove_dir_all(&folder);
}
