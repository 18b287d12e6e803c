//! `tree.json`: the construct tree as AWS CDK writes it (`{"version": "tree-0.1", "tree": ...}`).
//!
//! Kept compact (no path strings; they are made while writing) and serialized straight to
//! text, since for large apps the tree is bigger than the templates. Read back with
//! [`parse`]: ids, construct classes, CloudFormation types and logical IDs (the version of the
//! library that wrote a node is not kept: writing again states this library's).

use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::assembly::error::{AssemblyError, Field};

/// One construct of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    /// Construct id.
    pub id: String,
    /// Construct class name (static when synthesized, owned when read).
    pub fqn: Cow<'static, str>,
    /// CloudFormation type, for resources.
    pub cfn_type: Option<String>,
    /// Logical ID, for template elements.
    pub logical_id: Option<String>,
    /// Children in creation order.
    pub children: Vec<TreeNode>,
}

/// The whole construct tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstructTree {
    /// The stacks (children of the app root).
    pub stacks: Vec<TreeNode>,
}

impl ConstructTree {
    /// The tree as a JSON value (the content of `tree.json`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("the tree always serializes")
    }
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

struct Info<'a>(&'a str);

impl Serialize for Info<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("fqn", self.0)?;
        m.serialize_entry("version", VERSION)?;
        m.end()
    }
}

struct Children<'a> {
    nodes: &'a [TreeNode],
    parent_path: &'a str,
}

impl Serialize for Children<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.nodes.len()))?;
        for n in self.nodes {
            let path =
                if self.parent_path.is_empty() { n.id.clone() } else { format!("{}/{}", self.parent_path, n.id) };
            m.serialize_entry(&n.id, &NodeWithPath { node: n, path: &path })?;
        }
        m.end()
    }
}

struct NodeWithPath<'a> {
    node: &'a TreeNode,
    path: &'a str,
}

struct Attributes<'a>(&'a str, Option<&'a str>);

impl Serialize for Attributes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("aws:cdk:cloudformation:type", self.0)?;
        if let Some(id) = self.1 {
            m.serialize_entry("aws:cdk:logicalId", id)?;
        }
        m.end()
    }
}

impl Serialize for NodeWithPath<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.node;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &n.id)?;
        m.serialize_entry("path", self.path)?;
        if !n.children.is_empty() {
            m.serialize_entry("children", &Children { nodes: &n.children, parent_path: self.path })?;
        }
        if let Some(t) = &n.cfn_type {
            m.serialize_entry("attributes", &Attributes(t, n.logical_id.as_deref()))?;
        }
        m.serialize_entry("constructInfo", &Info(&n.fqn))?;
        m.end()
    }
}

struct Root<'a>(&'a ConstructTree);

impl Serialize for Root<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("id", "App")?;
        m.serialize_entry("path", "")?;
        m.serialize_entry("children", &Children { nodes: &self.0.stacks, parent_path: "" })?;
        m.serialize_entry("constructInfo", &Info("framework.App"))?;
        m.end()
    }
}

impl Serialize for ConstructTree {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("version", "tree-0.1")?;
        m.serialize_entry("tree", &Root(self))?;
        m.end()
    }
}

/// Reads the content of `tree.json`.
pub(crate) fn parse(root: Field<'_>) -> Result<ConstructTree, AssemblyError> {
    let tree = root.required("tree")?;
    let mut stacks = Vec::new();
    if let Some(children) = tree.get("children")? {
        for (_, child) in children.members()? {
            stacks.push(parse_node(&child)?);
        }
    }
    Ok(ConstructTree { stacks })
}

fn parse_node(node: &Field<'_>) -> Result<TreeNode, AssemblyError> {
    let optional_string = |field: Option<Field<'_>>| field.map(|f| f.string().map(str::to_string)).transpose();
    let (mut cfn_type, mut logical_id) = (None, None);
    if let Some(attributes) = node.get("attributes")? {
        cfn_type = optional_string(attributes.get("aws:cdk:cloudformation:type")?)?;
        logical_id = optional_string(attributes.get("aws:cdk:logicalId")?)?;
    }
    let fqn = match node.get("constructInfo")? {
        Some(info) => optional_string(info.get("fqn")?)?.unwrap_or_default(),
        None => String::new(),
    };
    let mut children = Vec::new();
    if let Some(c) = node.get("children")? {
        for (_, child) in c.members()? {
            children.push(parse_node(&child)?);
        }
    }
    Ok(TreeNode {
        id: node.required("id")?.string()?.to_string(),
        fqn: Cow::Owned(fqn),
        cfn_type,
        logical_id,
        children,
    })
}
