//! The conformance corpora (`tests/conformance/<subject>/*.json`): each file a JSON array of
//! cases, each case an object with a unique `name`; next to them, LocalStack's recorded verdicts
//! (`localstack-verdicts.json`, written by a `scripts/*-differential`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

/// The file of LocalStack's recorded verdicts in a corpus folder (not a case file).
pub const VERDICTS: &str = "localstack-verdicts.json";

/// One case: its body, and the file (name) it is in.
pub struct Case {
    pub file: String,
    pub body: Value,
}

impl Case {
    pub fn name(&self) -> &str {
        self.body["name"].as_str().unwrap_or("<unnamed>")
    }

    /// A non-empty string field of the case (`reference`, `localstack`, `known_gap`...).
    pub fn note(&self, field: &str) -> Option<&str> {
        self.body.get(field).and_then(Value::as_str).filter(|n| !n.is_empty())
    }
}

/// Every case of the corpus in `dir` (relative to the repository root), file by file in name order.
pub fn load(dir: &str) -> Vec<Case> {
    let dir = crate::repo_root().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with(VERDICTS))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let Value::Array(items) = parsed else { panic!("{}: must be a JSON array of cases", file.display()) };
        let file = file.file_name().unwrap().to_string_lossy().into_owned();
        cases.extend(items.into_iter().map(|body| Case { file: file.clone(), body }));
    }
    cases
}

/// A failure line for every case whose name an earlier case has already.
pub fn duplicate_names(cases: &[Case]) -> Vec<String> {
    let mut names = BTreeSet::new();
    cases
        .iter()
        .filter(|case| !names.insert(case.name()))
        .map(|case| format!("{}: {}: the name is used twice", case.file, case.name()))
        .collect()
}

/// LocalStack's recorded verdicts in `dir`, by case name; panics when the file is missing, naming
/// `script`, which records it.
pub fn recorded_verdicts(dir: &str, script: &str) -> BTreeMap<String, Value> {
    let path = crate::repo_root().join(dir).join(VERDICTS);
    let Ok(text) = std::fs::read_to_string(&path) else {
        panic!("{}: missing; record it with {script}", path.display())
    };
    let recorded: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    recorded["cases"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect()
}
