//! The cloud assembly: what synth produces, in the layout AWS CDK writes to `cdk.out/`.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::synth::tree_file::ConstructTree;

/// The cloud-assembly schema version written to `manifest.json` (the one aws-cdk-lib 2.276
/// writes; accepted by the current AWS CDK CLI).
pub const CLOUD_ASSEMBLY_VERSION: &str = "55.0.0";

/// One synthesized stack.
///
/// The template is held as the text written to disk; [`template`](Self::template) parses it on
/// first use. (For large apps this keeps synth's memory to the size of the output.)
#[derive(Debug, Clone)]
pub struct StackArtifact {
    /// Construct id (the artifact id in the manifest).
    pub id: String,
    /// CloudFormation stack name.
    pub stack_name: String,
    /// `aws://account/region`.
    pub environment: String,
    /// The template text, as written to disk.
    template_text: String,
    /// The template, parsed on first use.
    template: OnceLock<Json>,
    /// Artifact ids of the stacks this one deploys after.
    pub dependencies: Vec<String>,
    /// Construct path (`/Stack/Role/Resource`) to logical ID, for every template element.
    pub logical_ids: BTreeMap<String, String>,
    /// Stack tags.
    pub tags: BTreeMap<String, String>,
    /// Termination protection.
    pub termination_protection: bool,
}

impl StackArtifact {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        id: String,
        stack_name: String,
        environment: String,
        template_text: String,
        dependencies: Vec<String>,
        logical_ids: BTreeMap<String, String>,
        tags: BTreeMap<String, String>,
        termination_protection: bool,
    ) -> StackArtifact {
        StackArtifact {
            id,
            stack_name,
            environment,
            template_text,
            template: OnceLock::new(),
            dependencies,
            logical_ids,
            tags,
            termination_protection,
        }
    }

    /// The template.
    pub fn template(&self) -> &Json {
        self.template.get_or_init(|| serde_json::from_str(&self.template_text).expect("synth writes valid JSON"))
    }

    /// The template file name inside the assembly.
    pub fn template_file(&self) -> String {
        format!("{}.template.json", self.id)
    }

    /// The template as written to disk (1-space indented JSON, as AWS CDK writes it).
    pub fn template_text(&self) -> &str {
        &self.template_text
    }

    /// The construct path of a logical ID, if it belongs to this stack.
    pub fn path_of_logical_id(&self, logical_id: &str) -> Option<&str> {
        self.logical_ids.iter().find(|(_, id)| *id == logical_id).map(|(p, _)| p.as_str())
    }
}

/// The synthesized app.
#[derive(Debug, Clone)]
pub struct CloudAssembly {
    /// Stacks, in creation order.
    pub stacks: Vec<StackArtifact>,
    /// The construct tree (`tree.json`).
    pub tree: ConstructTree,
}

impl CloudAssembly {
    pub(crate) fn new(stacks: Vec<StackArtifact>, tree: ConstructTree) -> CloudAssembly {
        CloudAssembly { stacks, tree }
    }

    /// The stack with artifact id `id`.
    pub fn stack(&self, id: &str) -> Option<&StackArtifact> {
        self.stacks.iter().find(|s| s.id == id)
    }

    /// Stacks ordered so that each comes after the stacks it depends on (stable otherwise).
    pub fn stacks_in_dependency_order(&self) -> Vec<&StackArtifact> {
        let mut done: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        while out.len() < self.stacks.len() {
            let before = out.len();
            for s in &self.stacks {
                if !done.contains(&s.id.as_str()) && s.dependencies.iter().all(|d| done.contains(&d.as_str())) {
                    done.push(&s.id);
                    out.push(s);
                }
            }
            if out.len() == before {
                break; // cycles are rejected by synth; never loop forever
            }
        }
        out
    }

    /// `manifest.json` in the AWS CDK cloud-assembly schema.
    pub fn manifest(&self) -> Json {
        let mut artifacts = Map::new();
        for s in &self.stacks {
            let mut metadata = Map::new();
            for (path, id) in &s.logical_ids {
                metadata.insert(path.clone(), json!([{ "type": "aws:cdk:logicalId", "data": id }]));
            }
            let mut properties = Map::new();
            properties.insert("templateFile".into(), json!(s.template_file()));
            if !s.tags.is_empty() {
                properties.insert("tags".into(), json!(s.tags));
            }
            properties.insert("terminationProtection".into(), json!(s.termination_protection));
            properties.insert("validateOnSynth".into(), json!(false));
            properties.insert("stackName".into(), json!(s.stack_name));
            let mut artifact = Map::new();
            artifact.insert("type".into(), json!("aws:cloudformation:stack"));
            artifact.insert("environment".into(), json!(s.environment));
            artifact.insert("properties".into(), Json::Object(properties));
            if !s.dependencies.is_empty() {
                artifact.insert("dependencies".into(), json!(s.dependencies));
            }
            artifact.insert("metadata".into(), Json::Object(metadata));
            artifact.insert("displayName".into(), json!(s.id));
            artifacts.insert(s.id.clone(), Json::Object(artifact));
        }
        artifacts.insert("Tree".into(), json!({ "type": "cdk:tree", "properties": { "file": "tree.json" } }));
        json!({ "version": CLOUD_ASSEMBLY_VERSION, "artifacts": artifacts })
    }

    /// Writes the assembly to `dir`: `manifest.json`, `tree.json`, `<Stack>.template.json` and
    /// the `cdk.out` marker. Templates of stacks no longer in the app are removed.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let keep: Vec<String> = self.stacks.iter().map(StackArtifact::template_file).collect();
        for entry in std::fs::read_dir(dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if name.ends_with(".template.json") && !keep.contains(&name) {
                std::fs::remove_file(dir.join(&name))?;
            }
        }
        for s in &self.stacks {
            write_if_changed(&dir.join(s.template_file()), s.template_text())?;
        }
        write_if_changed(&dir.join("manifest.json"), &to_json_text(&self.manifest()))?;
        // The tree is the biggest file of a large app: streamed, never held as one string.
        write_serialized_if_changed(&dir.join("tree.json"), &self.tree)?;
        write_if_changed(&dir.join("cdk.out"), &to_json_text(&json!({ "version": CLOUD_ASSEMBLY_VERSION })))?;
        Ok(())
    }
}

fn write_if_changed(path: &Path, text: &str) -> io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, text)
}

/// Writes `value` as [`to_json_text`] would, streaming it: first compared with the file's current
/// content (left untouched when equal), then written.
fn write_serialized_if_changed<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    fn serialize<T: Serialize, W: io::Write>(value: &T, w: W) -> io::Result<()> {
        let mut ser = serde_json::Serializer::with_formatter(w, serde_json::ser::PrettyFormatter::with_indent(b" "));
        value.serialize(&mut ser).map_err(io::Error::other)
    }
    if let Ok(old) = std::fs::File::open(path) {
        let mut same = io::BufWriter::with_capacity(
            1 << 16,
            SameAs { old: io::BufReader::new(old), theirs: Vec::new(), same: true },
        );
        serialize(value, &mut same)?;
        let mut same = same.into_inner().map_err(io::IntoInnerError::into_error)?;
        let mut rest = [0u8; 1];
        if same.same && io::Read::read(&mut same.old, &mut rest)? == 0 {
            return Ok(());
        }
    }
    let mut file = io::BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?);
    serialize(value, &mut file)?;
    io::Write::flush(&mut file)
}

/// A writer that only checks whether what is written equals what `old` holds.
struct SameAs<R> {
    old: R,
    theirs: Vec<u8>,
    same: bool,
}

impl<R: io::Read> io::Write for SameAs<R> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.same {
            self.theirs.resize(buf.len(), 0);
            match io::Read::read_exact(&mut self.old, &mut self.theirs) {
                Ok(()) => self.same = self.theirs == buf,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => self.same = false,
                Err(e) => return Err(e),
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// JSON with a one-space indent, as AWS CDK writes assembly files.
pub fn to_json_text<T: Serialize>(value: &T) -> String {
    let mut buf = Vec::with_capacity(4096);
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value.serialize(&mut ser).expect("JSON values always serialize");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}
