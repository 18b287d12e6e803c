//! The committed `cdk.out/` is what a fresh synth of the flagship app writes, byte for byte: like
//! a lockfile, every infrastructure change shows up in review.
//!
//! After changing the app, run `cargo run -p app -- synth` and commit `cdk.out/`.

use std::collections::BTreeMap;
use std::path::Path;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry"))
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read file")))
        .collect()
}

#[test]
fn committed_cdk_out_matches_a_fresh_synth() {
    let fresh = suite::temp_dir("golden");
    app::flagship_app().synth().expect("flagship synthesizes").write(&fresh).expect("write assembly");
    let committed = suite::repo_root().join("cdk.out");
    let (want, have) = (files(&fresh), files(&committed));
    let hint = "cdk.out/ differs from a fresh synth: run `cargo run -p app -- synth` and commit cdk.out/";
    assert_eq!(want.keys().collect::<Vec<_>>(), have.keys().collect::<Vec<_>>(), "{hint} (file set)");
    for (name, bytes) in &want {
        if &have[name] != bytes {
            let diff = similar_lines(&String::from_utf8_lossy(&have[name]), &String::from_utf8_lossy(bytes));
            panic!("{hint}\n--- committed {name}\n+++ fresh {name}\n{diff}");
        }
    }
    let _ = std::fs::remove_dir_all(&fresh);
}

#[test]
fn two_synths_write_identical_bytes() {
    let (a, b) = (suite::temp_dir("det-a"), suite::temp_dir("det-b"));
    app::flagship_app().synth().unwrap().write(&a).unwrap();
    app::flagship_app().synth().unwrap().write(&b).unwrap();
    assert_eq!(files(&a), files(&b));
    let (a, b) = (suite::temp_dir("det-copies-a"), suite::temp_dir("det-copies-b"));
    app::copies_app(100).synth().unwrap().write(&a).unwrap();
    app::copies_app(100).synth().unwrap().write(&b).unwrap();
    assert_eq!(files(&a), files(&b));
}

/// A minimal line diff for the failure message (changed lines only, with line numbers).
fn similar_lines(old: &str, new: &str) -> String {
    let (old, new): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut out = String::new();
    for i in 0..old.len().max(new.len()) {
        let (o, n) = (old.get(i), new.get(i));
        if o != n {
            if let Some(o) = o {
                out.push_str(&format!("{:>5} - {o}\n", i + 1));
            }
            if let Some(n) = n {
                out.push_str(&format!("{:>5} + {n}\n", i + 1));
            }
        }
    }
    out
}
