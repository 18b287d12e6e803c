//! Nodes of the construct tree and the copyable handles that point at them.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::resource::ResourceNode;
use crate::template::{ConditionNode, OutputNode, ParameterNode};

/// Identity of one [`App`](crate::App); handles carry it so that a reference to a construct of
/// another app is caught at synth time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppId(pub(crate) u32);

impl AppId {
    pub(crate) fn fresh() -> AppId {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        AppId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Index of a node inside its stack's arena.
pub type NodeIdx = u32;

/// A small copyable handle to a node of the construct tree: app, stack and arena index.
///
/// Typed handles (`RoleRef`, `StateMachineRef`, ...) wrap one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeRef {
    pub(crate) app: AppId,
    pub(crate) stack: u32,
    pub(crate) node: NodeIdx,
}

impl NodeRef {
    /// The app this node belongs to.
    pub fn app(self) -> AppId {
        self.app
    }
    /// The index of the stack inside its app.
    pub fn stack_index(self) -> usize {
        self.stack as usize
    }
    /// The index of the node inside its stack.
    pub fn index(self) -> NodeIdx {
        self.node
    }
}

/// Anything that points at a node: [`NodeRef`] and every typed handle.
pub trait AsNode {
    /// The node this handle points at.
    fn node(&self) -> NodeRef;
}

impl AsNode for NodeRef {
    fn node(&self) -> NodeRef {
        *self
    }
}

/// What a node holds.
#[derive(Debug)]
pub enum NodeKind {
    /// The stack itself (node 0 of every stack).
    Stack,
    /// A plain construct grouping children (an L2 construct, or a user's own grouping).
    Construct,
    /// A CloudFormation resource.
    Resource(ResourceNode),
    /// A template output.
    Output(OutputNode),
    /// A template parameter.
    Parameter(ParameterNode),
    /// A template condition.
    Condition(ConditionNode),
}

/// One node of the construct tree.
#[derive(Debug)]
pub struct Node {
    pub(crate) id: String,
    pub(crate) parent: Option<NodeIdx>,
    pub(crate) children: Vec<NodeIdx>,
    pub(crate) kind: NodeKind,
    /// Fully qualified name of the construct class, for tree.json (`constructs.iam.Role`).
    pub(crate) fqn: &'static str,
    /// Logical ID set by the user instead of the computed one.
    pub(crate) logical_id_override: Option<String>,
}

impl Node {
    /// The node's id among its siblings.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// What the node holds.
    pub fn kind(&self) -> &NodeKind {
        &self.kind
    }
    /// The construct class name recorded in tree.json.
    pub fn fqn(&self) -> &'static str {
        self.fqn
    }
    /// Arena indexes of the children, in creation order.
    pub fn children(&self) -> &[NodeIdx] {
        &self.children
    }
    /// Arena index of the parent (`None` for the stack node).
    pub fn parent(&self) -> Option<NodeIdx> {
        self.parent
    }
}
