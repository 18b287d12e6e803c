//! `deploy` errors found before any stack is touched: bad `--parameters`, no credentials, no
//! region. No server needed.

use std::process::{Command, Stdio};

use suite::process::isolate;

fn fixture(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = suite::temp_dir(&format!("deploy-cli-{}", args.join("-").replace(['/', ':', '='], "_")));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_deploy-fixture"));
    cmd.args(args);
    // The shared isolation first (no AWS_* of the caller, no instance metadata), then no profile
    // files either: nothing to find credentials or a region in.
    isolate(&mut cmd, &dir)
        .env("HOME", &dir)
        .env("AWS_CONFIG_FILE", dir.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("no-credentials"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.stdin(Stdio::null()).output().expect("run the fixture app");
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn unknown_parameter_targets_are_rejected_before_deploying() {
    // Port 9 (discard) on loopback: nothing must be sent anyway, the check comes first.
    let endpoint = ["deploy", "--local", "--endpoint-url", "http://127.0.0.1:9", "--require-approval", "never"];
    let (code, err) = fixture(&[&endpoint[..], &["--parameters", "Nope:Stage=x"]].concat(), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("stack \"Nope\" is not among the stacks being deployed (Fixture)"), "{err}");
    let (code, err) = fixture(&[&endpoint[..], &["--parameters", "Fixture:Color=x"]].concat(), &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("declares no parameter \"Color\" (it declares: Stage)"), "{err}");
    let (code, err) = fixture(&["deploy", "--parameters", "Stage"], &[]);
    assert_eq!(code, Some(2), "clap usage error: {err}");
    assert!(err.contains("expected STACK:KEY=VALUE or KEY=VALUE"), "{err}");
}

#[test]
fn missing_credentials_or_region_is_one_clear_line() {
    let (code, err) = fixture(&["deploy", "--region", "eu-west-1"], &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.starts_with("error: no AWS credentials found"), "{err}");
    assert!(err.contains("--local"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");

    let (code, err) = fixture(&["deploy"], &[("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test")]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.starts_with("error: no AWS region configured: pass --region"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}
