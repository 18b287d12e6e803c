//! `diff`: each selected stack's synthesized template against the deployed one (or a local
//! template file), through the template diff engine. Exit status 0, or with `--fail` 1 when
//! there are differences.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::cli::deploy::{runtime, ConnectionArgs};
use crate::cli::synth::select_stacks;
use crate::cli::CliError;
use crate::diff::{diff_templates, RenderOptions};
use crate::StackArtifact;

/// Options of `diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// Stacks to compare (construct ids; `*` wildcards allowed); all when none.
    pub stacks: Vec<String>,
    /// Compare with this template file (JSON) instead of the deployed template; one stack only.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Exit with status 1 when there are differences (for scripts and CI).
    #[arg(long)]
    pub fail: bool,
    /// Use this cloud assembly (a `cdk.out` written by this toolkit or by the AWS CDK) instead
    /// of synthesizing the app.
    #[arg(long, value_name = "DIR")]
    pub assembly: Option<PathBuf>,

    /// Where to connect.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// Whether `diff` found differences (for the exit status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Differences(pub bool);

fn render_options(artifact: &StackArtifact, color: bool) -> RenderOptions {
    let construct_paths: BTreeMap<String, String> =
        artifact.logical_ids.iter().map(|(path, id)| (id.clone(), path.clone())).collect();
    RenderOptions { color, construct_paths }
}

fn read_template(path: &PathBuf) -> Result<serde_json::Value, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| CliError::Io { context: format!("cannot read {}", path.display()), source })?;
    serde_json::from_str(&text).map_err(|e| CliError::Io {
        context: format!("{} is not a JSON template", path.display()),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

/// Compares and prints; `old_of` gives the template to compare each stack with.
pub(crate) fn print_diffs(
    stacks: &[&StackArtifact],
    mut old_of: impl FnMut(&StackArtifact) -> Result<serde_json::Value, CliError>,
    color: bool,
    out: &mut dyn Write,
) -> Result<Differences, CliError> {
    let io = |source| CliError::Io { context: "cannot write to stdout".into(), source };
    let mut any = false;
    for s in stacks {
        let old = old_of(s)?;
        let diff = diff_templates(&old, s.template());
        any |= !diff.is_empty();
        writeln!(out, "Stack {}", s.stack_name).map_err(io)?;
        write!(out, "{}", diff.render(&render_options(s, color))).map_err(io)?;
        writeln!(out).map_err(io)?;
    }
    Ok(Differences(any))
}

pub(crate) fn diff(app: &crate::App, args: &DiffArgs, out: &mut dyn Write) -> Result<Differences, CliError> {
    let assembly = crate::cli::deploy::assembly(app, args.assembly.as_deref(), None)?;
    let stacks = select_stacks(&assembly, &args.stacks)?;
    let color = std::io::stdout().is_terminal();
    if let Some(path) = &args.template {
        if stacks.len() != 1 {
            let ids: Vec<&str> = stacks.iter().map(|s| s.id.as_str()).collect();
            return Err(CliError::Usage(format!("--template compares one stack; name one of: {}", ids.join(", "))));
        }
        let old = read_template(path)?;
        return print_diffs(&stacks, |_| Ok(old.clone()), color, out);
    }
    runtime()?.block_on(async {
        let targets = crate::cli::deploy::targets(&args.connection, &stacks).await?;
        targets.account().await?;
        for line in targets.summary("Comparing", &stacks) {
            eprintln!("{line}");
        }
        let mut olds = Vec::new();
        for s in &stacks {
            olds.push(crate::deploy::stack::current_template(&targets.of(s).cfn, &s.stack_name).await?);
        }
        let mut olds = olds.into_iter();
        print_diffs(&stacks, |_| Ok(olds.next().unwrap_or_default()), color, out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{App, CfnResource};

    fn app(name: &str) -> App {
        let mut app = App::new();
        CfnResource::new("AWS::SNS::Topic").property("TopicName", name).add(app.add_stack("S"), "Topic");
        CfnResource::new("AWS::SNS::Topic").add(app.add_stack("Other"), "Topic");
        app
    }

    #[test]
    fn template_file_comparison() {
        let dir = std::env::temp_dir().join(format!("framework-cli-diff-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("old.json");
        let old = app("old").synth().unwrap();
        std::fs::write(&file, old.stack("S").unwrap().template_text()).unwrap();

        let args = |stacks: &[&str]| DiffArgs {
            stacks: stacks.iter().map(|s| s.to_string()).collect(),
            template: Some(file.clone()),
            fail: true,
            assembly: None,
            connection: ConnectionArgs::default(),
        };
        let mut out = Vec::new();
        let d = diff(&app("new"), &args(&["S"]), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(d, Differences(true));
        assert!(
            text.starts_with("Stack S\n") && text.contains("AWS::SNS::Topic") && text.contains("requires replacement"),
            "{text}"
        );

        let mut out = Vec::new();
        assert_eq!(diff(&app("old"), &args(&["S"]), &mut out).unwrap(), Differences(false));
        assert!(String::from_utf8(out).unwrap().contains("There were no differences"));

        let err = diff(&app("new"), &args(&[]), &mut Vec::new()).unwrap_err().to_string();
        assert!(err.contains("--template compares one stack") && err.contains("S, Other"), "{err}");
        std::fs::write(&file, "Resources: {}").unwrap();
        let err = diff(&app("new"), &args(&["S"]), &mut Vec::new()).unwrap_err().to_string();
        assert!(err.contains("is not a JSON template"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
