//! `synth` and `ls`.

use std::io::Write;
use std::path::PathBuf;

use crate::cli::yaml::to_yaml;
use crate::cli::CliError;
use crate::{CloudAssembly, StackArtifact};

/// Options of `synth`.
#[derive(Debug, Clone, clap::Args)]
pub struct SynthArgs {
    /// Stacks to print (construct ids; `*` wildcards allowed). All are synthesized.
    pub stacks: Vec<String>,
    /// Where to write the cloud assembly.
    #[arg(long, short, default_value = "cdk.out")]
    pub output: PathBuf,
    /// Print the template as YAML instead of JSON.
    #[arg(long)]
    pub yaml: bool,
    /// Write the assembly but print no template.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options of `ls`.
#[derive(Debug, Clone, clap::Args)]
pub struct LsArgs {
    /// Show stack names, environments and dependencies too.
    #[arg(long, short)]
    pub long: bool,
}

pub(crate) fn synth(app: &crate::App, args: &SynthArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let assembly = app.synth()?;
    assembly.write(&args.output).map_err(|source| CliError::Io {
        context: format!("cannot write the cloud assembly to {}", args.output.display()),
        source,
    })?;
    if args.quiet {
        return Ok(());
    }
    let selected = select_stacks(&assembly, &args.stacks)?;
    let io = |source| CliError::Io { context: "cannot write to stdout".into(), source };
    match selected.as_slice() {
        [one] => {
            let text = if args.yaml { to_yaml(one.template()) } else { format!("{}\n", one.template_text()) };
            out.write_all(text.as_bytes()).map_err(io)?;
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|s| s.id.as_str()).collect();
            writeln!(out, "Successfully synthesized to {}", args.output.display()).map_err(io)?;
            writeln!(out, "Supply a stack id ({}) to display its template.", ids.join(", ")).map_err(io)?;
        }
    }
    Ok(())
}

pub(crate) fn ls(app: &crate::App, args: &LsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let assembly = app.synth()?;
    let io = |source| CliError::Io { context: "cannot write to stdout".into(), source };
    for s in assembly.stacks_in_dependency_order() {
        if args.long {
            let deps = if s.dependencies.is_empty() {
                String::new()
            } else {
                format!(" (after {})", s.dependencies.join(", "))
            };
            writeln!(out, "{}\t{}\t{}{deps}", s.id, s.stack_name, s.environment).map_err(io)?;
        } else {
            writeln!(out, "{}", s.id).map_err(io)?;
        }
    }
    Ok(())
}

/// The stacks whose construct ids match any pattern (`*` wildcards; all when there are none),
/// each once (by pattern, then in app order); an error naming the app's stacks when a pattern
/// matches none.
pub fn select_stacks<'a>(assembly: &'a CloudAssembly, patterns: &[String]) -> Result<Vec<&'a StackArtifact>, CliError> {
    if patterns.is_empty() {
        return Ok(assembly.stacks.iter().collect());
    }
    let mut out: Vec<&StackArtifact> = Vec::new();
    for p in patterns {
        let matched: Vec<&StackArtifact> = assembly.stacks.iter().filter(|s| glob_match(p, &s.id)).collect();
        if matched.is_empty() {
            let available: Vec<&str> = assembly.stacks.iter().map(|s| s.id.as_str()).collect();
            return Err(CliError::UnknownStack { pattern: p.clone(), available: available.join(", ") });
        }
        for s in matched {
            if !out.iter().any(|o| o.id == s.id) {
                out.push(s);
            }
        }
    }
    Ok(out)
}

/// `*` matches any run of characters; everything else matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail_text) = text.strip_prefix(head) else { return false };
            (0..=tail_text.len()).filter(|i| tail_text.is_char_boundary(*i)).any(|i| glob_match(rest, &tail_text[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{App, CfnResource};

    fn app() -> App {
        let mut app = App::new();
        CfnResource::new("AWS::SNS::Topic").property("TopicName", "on").add(app.add_stack("One"), "Topic");
        CfnResource::new("AWS::SNS::Topic").add(app.add_stack("Two"), "Topic");
        app
    }

    #[test]
    fn globbing() {
        assert!(glob_match("Stack*", "StackA"));
        assert!(glob_match("*A", "StackA"));
        assert!(!glob_match("Stack", "StackA"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn synth_prints_one_template_and_writes_assembly() {
        let dir = tempdir("synth-one");
        let args = SynthArgs { stacks: vec!["One".into()], output: dir.clone(), yaml: false, quiet: false };
        let mut out = Vec::new();
        synth(&app(), &args, &mut out).unwrap();
        let printed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(printed["Resources"]["Topic"]["Type"], "AWS::SNS::Topic");
        for f in ["manifest.json", "tree.json", "cdk.out", "One.template.json", "Two.template.json"] {
            assert!(dir.join(f).exists(), "{f} written");
        }
    }

    #[test]
    fn yaml_quotes_ambiguous_strings() {
        let dir = tempdir("synth-yaml");
        let args = SynthArgs { stacks: vec!["One".into()], output: dir, yaml: true, quiet: false };
        let mut out = Vec::new();
        synth(&app(), &args, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Type: AWS::SNS::Topic"), "{text}");
        assert!(text.contains("TopicName: 'on'"), "YAML 1.1 boolean-like strings must be quoted: {text}");
    }

    #[test]
    fn unknown_stack_is_an_error_listing_the_stacks() {
        let args =
            SynthArgs { stacks: vec!["Nope".into()], output: tempdir("synth-unknown"), yaml: false, quiet: false };
        let err = synth(&app(), &args, &mut Vec::new()).unwrap_err().to_string();
        assert!(err.contains("\"Nope\"") && err.contains("One, Two"), "{err}");
    }

    #[test]
    fn several_stacks_are_listed_not_printed() {
        let args = SynthArgs { stacks: vec![], output: tempdir("synth-many"), yaml: false, quiet: false };
        let mut out = Vec::new();
        synth(&app(), &args, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("Supply a stack id (One, Two)"));
    }

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("framework-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }
}
