//! One stack of the assembly: its manifest entry and its template.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value as Json;

use crate::assembly::assets::Assets;

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
    /// The template's file name inside the assembly.
    template_file: String,
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
    /// The assets deploy publishes first (read from the AWS CDK's asset manifests; none when
    /// synthesized here).
    pub assets: Assets,
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
            template_file: format!("{id}.template.json"),
            id,
            stack_name,
            environment,
            template_text,
            template: OnceLock::new(),
            dependencies,
            logical_ids,
            tags,
            termination_protection,
            assets: Assets::default(),
        }
    }

    /// The same artifact read from an assembly: its template in `file`, already parsed from
    /// the text it was made with.
    pub(crate) fn read_from(mut self, file: String, template: Json) -> StackArtifact {
        self.template_file = file;
        let _ = self.template.set(template);
        self
    }

    /// The template.
    pub fn template(&self) -> &Json {
        self.template.get_or_init(|| serde_json::from_str(&self.template_text).expect("synth writes valid JSON"))
    }

    /// The template file name inside the assembly (`<id>.template.json` when synthesized).
    pub fn template_file(&self) -> String {
        self.template_file.clone()
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
