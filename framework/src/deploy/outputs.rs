//! Stack outputs: printed after each deployment and written with `--outputs-file` as
//! `{"StackName": {"OutputKey": "value"}}` (the AWS CDK's format), keys sorted.

use std::collections::BTreeMap;
use std::path::Path;

use crate::deploy::error::DeployError;
use crate::deploy::stack::StackOutput;

/// Outputs of all deployed stacks: stack name -> key -> value.
pub type OutputsByStack = BTreeMap<String, BTreeMap<String, String>>;

/// The lines printed for a stack's outputs.
pub fn render(stack_name: &str, outputs: &[StackOutput]) -> Vec<String> {
    if outputs.is_empty() {
        return Vec::new();
    }
    let mut lines = vec!["Outputs:".to_string()];
    lines.extend(outputs.iter().map(|o| format!("  {stack_name}.{} = {}", o.key, o.value)));
    lines
}

/// Writes the outputs file (pretty JSON, newline-terminated), creating parent directories.
pub fn write_file(path: &Path, outputs: &OutputsByStack) -> Result<(), DeployError> {
    let io = |source| DeployError::Io { path: path.display().to_string(), source };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let text = serde_json::to_string_pretty(outputs).unwrap_or_default() + "\n";
    std::fs::write(path, text).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(key: &str, value: &str) -> StackOutput {
        StackOutput { key: key.into(), value: value.into(), description: None, export_name: None }
    }

    #[test]
    fn rendering() {
        assert!(render("S", &[]).is_empty());
        assert_eq!(
            render("S", &[out("Arn", "arn:x"), out("Name", "n")]),
            ["Outputs:", "  S.Arn = arn:x", "  S.Name = n"]
        );
    }

    #[test]
    fn file_is_sorted_json() {
        let dir = std::env::temp_dir().join(format!("framework-outputs-{}", std::process::id()));
        let path = dir.join("nested/outputs.json");
        let mut all = OutputsByStack::new();
        all.entry("B".into()).or_default().insert("Z".into(), "1".into());
        all.entry("A".into()).or_default().insert("K".into(), "v".into());
        write_file(&path, &all).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "{\n  \"A\": {\n    \"K\": \"v\"\n  },\n  \"B\": {\n    \"Z\": \"1\"\n  }\n}\n");
        let err = write_file(&path.join("under-a-file"), &all).unwrap_err();
        assert!(err.to_string().contains("under-a-file"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
