//! `manifest.json`, both ways: written from the stacks in the AWS CDK cloud-assembly schema, and
//! read back from any assembly in that schema (AWS CDK's included).
//!
//! Reading takes what deploy, diff and destroy need from each `aws:cloudformation:stack`
//! artifact (template file, stack name, environment, dependencies, tags, termination protection,
//! the `aws:cdk:logicalId` metadata that maps logical IDs to construct paths) and the `cdk:tree`
//! artifact's file. A stack's dependencies on `cdk:asset-manifest` artifacts name the asset
//! manifests its deployment publishes first (see [`crate::assembly::assets`]); other artifact
//! types (nested assemblies) are skipped, and so are dependencies on them.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::assembly::error::{AssemblyError, Field};
use crate::assembly::CloudAssembly;

/// The cloud-assembly schema version written to `manifest.json` (the one aws-cdk-lib 2.276
/// writes; accepted by the current AWS CDK CLI).
pub const CLOUD_ASSEMBLY_VERSION: &str = "55.0.0";

const STACK: &str = "aws:cloudformation:stack";
const TREE: &str = "cdk:tree";
const ASSET_MANIFEST: &str = "cdk:asset-manifest";
const LOGICAL_ID: &str = "aws:cdk:logicalId";

impl CloudAssembly {
    /// `manifest.json` in the AWS CDK cloud-assembly schema.
    pub fn manifest(&self) -> Json {
        let mut artifacts = Map::new();
        for s in &self.stacks {
            let mut metadata = Map::new();
            for (path, id) in &s.logical_ids {
                metadata.insert(path.clone(), json!([{ "type": LOGICAL_ID, "data": id }]));
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
            artifact.insert("type".into(), json!(STACK));
            artifact.insert("environment".into(), json!(s.environment));
            artifact.insert("properties".into(), Json::Object(properties));
            if !s.dependencies.is_empty() {
                artifact.insert("dependencies".into(), json!(s.dependencies));
            }
            artifact.insert("metadata".into(), Json::Object(metadata));
            artifact.insert("displayName".into(), json!(s.id));
            artifacts.insert(s.id.clone(), Json::Object(artifact));
        }
        artifacts.insert("Tree".into(), json!({ "type": TREE, "properties": { "file": "tree.json" } }));
        json!({ "version": CLOUD_ASSEMBLY_VERSION, "artifacts": artifacts })
    }
}

/// A stack artifact as the manifest describes it (the template not read yet).
#[derive(Debug)]
pub(crate) struct ManifestStack {
    pub id: String,
    pub stack_name: String,
    pub environment: String,
    pub template_file: String,
    pub dependencies: Vec<String>,
    pub logical_ids: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub termination_protection: bool,
    /// The files of the asset manifests it depends on.
    pub asset_manifests: Vec<String>,
}

/// What a manifest lists: its stacks in file order and the tree file, if any.
#[derive(Debug)]
pub(crate) struct Manifest {
    pub stacks: Vec<ManifestStack>,
    pub tree_file: Option<String>,
}

/// Reads a manifest's content.
pub(crate) fn parse(root: Field<'_>) -> Result<Manifest, AssemblyError> {
    root.required("version")?.string()?;
    let mut manifest = Manifest { stacks: Vec::new(), tree_file: None };
    let Some(artifacts) = root.get("artifacts")? else { return Ok(manifest) };
    let mut types = BTreeMap::new();
    let mut asset_files = BTreeMap::new();
    for (id, artifact) in artifacts.members()? {
        let ty = artifact.required("type")?.string()?;
        if ty == ASSET_MANIFEST {
            asset_files
                .insert(id.to_string(), artifact.required("properties")?.required("file")?.string()?.to_string());
        }
        types.insert(id.to_string(), ty.to_string());
    }
    for (id, artifact) in artifacts.members()? {
        match types[id].as_str() {
            STACK => manifest.stacks.push(stack(id, &artifact, &types, &asset_files)?),
            TREE => manifest.tree_file = Some(artifact.required("properties")?.required("file")?.string()?.to_string()),
            _ => {}
        }
    }
    Ok(manifest)
}

/// A stack artifact; `types` are the type of every artifact, by id.
fn stack(
    id: &str,
    artifact: &Field<'_>,
    types: &BTreeMap<String, String>,
    asset_files: &BTreeMap<String, String>,
) -> Result<ManifestStack, AssemblyError> {
    let properties = artifact.required("properties")?;
    let template_file = properties.required("templateFile")?.string()?.to_string();
    let stack_name = match properties.get("stackName")? {
        Some(name) => name.string()?.to_string(),
        None => id.to_string(), // the schema's default, as the AWS CDK CLI reads it
    };
    let mut tags = BTreeMap::new();
    if let Some(t) = properties.get("tags")? {
        for (key, value) in t.members()? {
            tags.insert(key.to_string(), value.string()?.to_string());
        }
    }
    let termination_protection = match properties.get("terminationProtection")? {
        Some(t) => t.boolean()?,
        None => false,
    };
    let mut dependencies = Vec::new();
    let mut asset_manifests = Vec::new();
    if let Some(deps) = artifact.get("dependencies")? {
        for dep in deps.items()? {
            let name = dep.string()?;
            match types.get(name).map(String::as_str) {
                Some(STACK) => dependencies.push(name.to_string()),
                Some(ASSET_MANIFEST) => asset_manifests.extend(asset_files.get(name).cloned()),
                Some(_) => {} // an asset manifest or another non-stack artifact
                None => return Err(dep.error(format!("names artifact {name:?}, which the manifest does not have"))),
            }
        }
    }
    let mut logical_ids = BTreeMap::new();
    if let Some(metadata) = artifact.get("metadata")? {
        for (path, entries) in metadata.members()? {
            for entry in entries.items()? {
                if entry.required("type")?.string()? == LOGICAL_ID {
                    logical_ids.insert(path.to_string(), entry.required("data")?.string()?.to_string());
                }
            }
        }
    }
    Ok(ManifestStack {
        id: id.to_string(),
        stack_name,
        environment: artifact.required("environment")?.string()?.to_string(),
        template_file,
        dependencies,
        logical_ids,
        tags,
        termination_protection,
        asset_manifests,
    })
}
