//! The first steps of a new operator: `login`, `check` and `run` refusing what cannot work.

use std::process::Command;

#[test]
fn login_refuses_an_address_it_cannot_use_and_says_how_to_write_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_coopgov"))
        .args(["login", "--instance", "ftp://social.example"])
        .output()
        .expect("run coopgov login");
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains(r#"--instance "ftp://social.example" is not a web address; write it with https://, like "https://social.example", or give the host alone"#),
        "{said}"
    );
}
