//! The cloud assembly: what synth produces and what deploy, diff and destroy consume, in the
//! layout AWS CDK writes to `cdk.out/` (`manifest.json`, one `<Stack>.template.json` per stack,
//! `tree.json`, the `cdk.out` marker).
//!
//! This module knows nothing of the construct tree: synth builds a [`CloudAssembly`] from the
//! tree, [`CloudAssembly::write`] puts it on disk byte-for-byte as AWS CDK would, and
//! [`CloudAssembly::read`] loads one from disk again (one this library wrote, or one AWS CDK
//! synthesized), so the tools after synth work the same on either. One file a module:
//! [`manifest`](CloudAssembly::manifest) (`manifest.json` both ways), `tree` (`tree.json` both
//! ways), `artifact` (a stack), `write` and `read` (the directory), `error` (what reading reports,
//! with the file and the field).

mod artifact;
mod assets;
mod error;
mod json;
mod manifest;
mod read;
#[cfg(test)]
mod tests;
mod tree;
mod write;

pub use artifact::StackArtifact;
pub use assets::{AssetDestination, Assets, FileAsset, Packaging, UnsupportedAsset};
pub use error::AssemblyError;
pub use json::to_json_text;
pub use manifest::CLOUD_ASSEMBLY_VERSION;
pub use tree::{ConstructTree, TreeNode};

/// A cloud assembly: the synthesized app, or one [read](CloudAssembly::read) from disk.
#[derive(Debug, Clone)]
pub struct CloudAssembly {
    /// Stacks, in creation order (manifest order when read).
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
}
