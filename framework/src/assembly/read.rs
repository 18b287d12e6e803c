//! Reading an assembly directory: the manifest first, then each stack's template and the tree
//! it names. Each template is kept as the exact text on disk (what deploy sends, what diff
//! compares), parsed once to check it is a template.

use std::path::Path;

use crate::assembly::assets::{self, Assets};
use crate::assembly::error::{read_json, AssemblyError, Field};
use crate::assembly::{manifest, tree, CloudAssembly, ConstructTree, StackArtifact};

impl CloudAssembly {
    /// Loads the cloud assembly in `dir` (a `cdk.out/` written by [`write`](Self::write) or by
    /// AWS CDK): the `aws:cloudformation:stack` artifacts of `manifest.json` in manifest order,
    /// with their templates and the assets their asset manifests list, and the construct tree
    /// (empty when the manifest names none).
    ///
    /// Fails naming the file, and inside it the field, that is missing or malformed.
    ///
    /// ```
    /// use framework::{App, CfnResource, CloudAssembly};
    /// let mut app = App::new();
    /// CfnResource::new("AWS::SNS::Topic").add(app.add_stack("Demo"), "Topic");
    /// let dir = std::env::temp_dir().join(format!("read-doc-{}", std::process::id()));
    /// app.synth().unwrap().write(&dir).unwrap();
    /// let read = CloudAssembly::read(&dir).unwrap();
    /// assert_eq!(read.stack("Demo").unwrap().template()["Resources"]["Topic"]["Type"], "AWS::SNS::Topic");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn read(dir: &Path) -> Result<CloudAssembly, AssemblyError> {
        let manifest_file = dir.join("manifest.json");
        let (_, manifest) = read_json(&manifest_file)?;
        let manifest = manifest::parse(Field::root(&manifest_file, &manifest))?;
        let mut stacks = Vec::with_capacity(manifest.stacks.len());
        for s in manifest.stacks {
            let file = dir.join(&s.template_file);
            let (text, template) = read_json(&file)?;
            if !template.is_object() {
                return Err(Field::root(&file, &template).error("a template must be a JSON object"));
            }
            let artifact = StackArtifact::new(
                s.id,
                s.stack_name,
                s.environment,
                text,
                s.dependencies,
                s.logical_ids,
                s.tags,
                s.termination_protection,
            );
            let mut assets = Assets::default();
            for file in &s.asset_manifests {
                assets::read(dir, file, &mut assets)?;
            }
            let mut artifact = artifact.read_from(s.template_file, template);
            artifact.assets = assets;
            stacks.push(artifact);
        }
        let tree = match manifest.tree_file {
            Some(name) => {
                let file = dir.join(name);
                let (_, value) = read_json(&file)?;
                tree::parse(Field::root(&file, &value))?
            }
            None => ConstructTree { stacks: Vec::new() },
        };
        Ok(CloudAssembly::new(stacks, tree))
    }
}
