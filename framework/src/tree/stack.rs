//! A stack: the arena that owns its constructs, and the [`Scope`] constructors build into.

use std::collections::BTreeMap;

use crate::resource::{RemovalPolicy, Resource, ResourceNode};
use crate::template::{ConditionNode, ConditionRef, OutputNode, ParameterNode, ParameterRef};
use crate::tree::id::id_problem;
use crate::tree::node::{AppId, AsNode, Node, NodeIdx, NodeKind, NodeRef};
use crate::validation::Problem;
use crate::value::Value;

/// Where a stack deploys: account and region, either of them unknown until deploy time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// The 12-digit account ID; `None` deploys to the credentials' account.
    pub account: Option<String>,
    /// The region, e.g. `eu-west-1`; `None` deploys to the connection's region.
    pub region: Option<String>,
}

impl Environment {
    /// `aws://<account>/<region>`, with `unknown-account` / `unknown-region` for unset parts.
    pub fn uri(&self) -> String {
        format!(
            "aws://{}/{}",
            self.account.as_deref().unwrap_or("unknown-account"),
            self.region.as_deref().unwrap_or("unknown-region")
        )
    }
}

/// Options of a stack.
#[derive(Debug, Clone, Default)]
pub struct StackProps {
    /// The CloudFormation stack name (defaults to the construct id).
    pub stack_name: Option<String>,
    /// Template `Description`.
    pub description: Option<String>,
    /// Target environment.
    pub env: Environment,
    /// Stack tags.
    pub tags: BTreeMap<String, String>,
    /// Refuse to delete the stack.
    pub termination_protection: bool,
}

/// A stack: owns its constructs in an arena; constructors return copyable handles into it.
///
/// ```
/// use framework::{App, CfnResource};
/// let mut app = App::new();
/// let stack = app.add_stack("Demo");
/// let group = stack.construct("Group"); // a plain grouping construct
/// let topic = CfnResource::new("AWS::SNS::Topic").add(stack.at(group), "Topic");
/// assert_eq!(stack.path(topic), "Demo/Group/Topic");
/// ```
#[derive(Debug)]
pub struct Stack {
    pub(crate) app: AppId,
    pub(crate) index: u32,
    pub(crate) nodes: Vec<Node>,
    pub(crate) props: StackProps,
    pub(crate) problems: Vec<Problem>,
}

impl Stack {
    pub(crate) fn new(app: AppId, index: u32, id: &str, props: StackProps) -> Stack {
        let root = Node {
            id: id.to_string(),
            parent: None,
            children: Vec::new(),
            kind: NodeKind::Stack,
            fqn: "framework.Stack",
            logical_id_override: None,
        };
        let mut stack = Stack { app, index, nodes: vec![root], props, problems: Vec::new() };
        if let Some(p) = id_problem(id) {
            stack.problem_at(0, format!("stack id: {p}"));
        }
        stack
    }

    /// The stack's construct id.
    pub fn id(&self) -> &str {
        &self.nodes[0].id
    }

    /// The CloudFormation stack name (the id unless set).
    pub fn stack_name(&self) -> &str {
        self.props.stack_name.as_deref().unwrap_or(self.id())
    }

    /// The stack's options.
    pub fn props(&self) -> &StackProps {
        &self.props
    }

    /// Changes the stack's options.
    pub fn props_mut(&mut self) -> &mut StackProps {
        &mut self.props
    }

    /// Handle to the stack node itself (the root scope).
    pub fn root(&self) -> NodeRef {
        self.make_ref(0)
    }

    /// A scope for building children of `parent` (a node of this stack).
    pub fn at(&mut self, parent: impl AsNode) -> Scope<'_> {
        let parent = parent.node();
        // A foreign handle is recorded as a problem; building continues at the root.
        let idx = self.check_own(parent, "scope").unwrap_or_default();
        Scope { stack: self, parent: idx }
    }

    /// Adds a plain grouping construct under the stack root.
    pub fn construct(&mut self, id: &str) -> NodeRef {
        self.add_node(0, id, NodeKind::Construct, "framework.Construct")
    }

    /// The node a handle points at, if it belongs to this stack.
    pub fn node(&self, handle: impl AsNode) -> Option<&Node> {
        let r = handle.node();
        if self.owns(r) {
            self.nodes.get(r.node as usize)
        } else {
            None
        }
    }

    /// All nodes, in creation order (index 0 is the stack).
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The full construct path of a node (`Stack/Parent/Child`).
    pub fn path(&self, handle: impl AsNode) -> String {
        let r = handle.node();
        if !self.owns(r) {
            return format!("<node of another stack: {}>", r.node);
        }
        self.path_of(r.node)
    }

    /// The path of every node, indexed like [`nodes`](Self::nodes) (one pass: a parent always
    /// comes before its children in the arena).
    pub fn all_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let path = match node.parent {
                None => node.id.clone(),
                Some(p) => {
                    let parent = &paths[p as usize];
                    let mut s = String::with_capacity(parent.len() + 1 + node.id.len());
                    s.push_str(parent);
                    s.push('/');
                    s.push_str(&node.id);
                    s
                }
            };
            paths.push(path);
        }
        paths
    }

    pub(crate) fn path_of(&self, idx: NodeIdx) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(idx);
        while let Some(i) = cur {
            let n = &self.nodes[i as usize];
            parts.push(n.id.as_str());
            cur = n.parent;
        }
        parts.reverse();
        parts.join("/")
    }

    /// Path components below the stack (what logical IDs are made of).
    pub(crate) fn components_below_stack(&self, idx: NodeIdx) -> Vec<&str> {
        let mut parts = Vec::new();
        let mut cur = idx;
        while let Some(parent) = self.nodes[cur as usize].parent {
            parts.push(self.nodes[cur as usize].id.as_str());
            cur = parent;
        }
        parts.reverse();
        parts
    }

    /// A name unique in the app for a node, made like a logical ID from the whole path
    /// including the stack id (AWS CDK's `Names.uniqueId`): for default physical names.
    ///
    /// ```
    /// use framework::App;
    /// let mut app = App::new();
    /// let stack = app.add_stack("Demo");
    /// let queue = stack.construct("Queue");
    /// assert_eq!(stack.unique_id(queue), "DemoQueueBE0765D6"); // path Demo/Queue, hashed as CDK does
    /// let nested = stack.at(queue).add_construct("Dlq", "framework.Construct");
    /// assert!(stack.unique_id(nested).starts_with("DemoQueueDlq"));
    /// ```
    pub fn unique_id(&self, handle: impl AsNode) -> String {
        let r = handle.node();
        if !self.owns(r) {
            return String::new();
        }
        let mut parts = self.components_below_stack(r.node);
        parts.insert(0, self.id());
        crate::logical_id(&parts).unwrap_or_default()
    }

    /// The child of `parent` with construct id `id`.
    pub fn find_child(&self, parent: impl AsNode, id: &str) -> Option<NodeRef> {
        let parent = self.node(parent)?;
        parent.children.iter().copied().find(|c| self.nodes[*c as usize].id == id).map(|c| self.make_ref(c))
    }

    /// The resource a handle points at.
    pub fn resource(&self, handle: impl AsNode) -> Option<&ResourceNode> {
        match self.node(handle).map(|n| &n.kind) {
            Some(NodeKind::Resource(r)) => Some(r),
            _ => None,
        }
    }

    /// The resource a handle points at, mutably.
    pub fn resource_mut(&mut self, handle: impl AsNode) -> Option<&mut ResourceNode> {
        let r = handle.node();
        if !self.owns(r) {
            return None;
        }
        match self.nodes.get_mut(r.node as usize).map(|n| &mut n.kind) {
            Some(NodeKind::Resource(res)) => Some(res),
            _ => None,
        }
    }

    /// The typed specification of a resource.
    pub fn resource_spec<T: Resource>(&self, handle: impl AsNode) -> Option<&T> {
        self.resource(handle)?.spec.as_any().downcast_ref()
    }

    /// The typed specification of a resource, mutably (how grants edit policies).
    pub fn resource_spec_mut<T: Resource>(&mut self, handle: impl AsNode) -> Option<&mut T> {
        self.resource_mut(handle)?.spec.as_any_mut().downcast_mut()
    }

    /// Sets `DeletionPolicy` and `UpdateReplacePolicy` of a resource.
    pub fn set_removal_policy(&mut self, resource: impl AsNode, policy: RemovalPolicy) {
        self.with_resource(resource, "set a removal policy", |r| r.removal_policy = Some(policy));
    }

    /// Makes `resource` depend on `on` (emitted as `DependsOn` unless a reference already implies it).
    pub fn add_dependency(&mut self, resource: impl AsNode, on: impl AsNode) {
        let on = on.node();
        self.with_resource(resource, "add a dependency", |r| {
            if !r.depends_on.contains(&on) {
                r.depends_on.push(on)
            }
        });
    }

    /// Escape hatch: sets `Properties.<path>` on the rendered resource (dotted path; `\.` for a
    /// literal dot).
    pub fn add_property_override(&mut self, resource: impl AsNode, path: &str, value: impl Into<serde_json::Value>) {
        let value = value.into();
        self.add_override(resource, &format!("Properties.{path}"), value);
    }

    /// Escape hatch: sets any `<path>` on the rendered resource (e.g. `Metadata.Key`).
    pub fn add_override(&mut self, resource: impl AsNode, path: &str, value: impl Into<serde_json::Value>) {
        let (path, value) = (path.to_string(), value.into());
        self.with_resource(resource, "add an override", |r| r.overrides.push((path, Some(value))));
    }

    /// Escape hatch: deletes `<path>` from the rendered resource.
    pub fn add_deletion_override(&mut self, resource: impl AsNode, path: &str) {
        let path = path.to_string();
        self.with_resource(resource, "add an override", |r| r.overrides.push((path, None)));
    }

    /// Escape hatch: uses `logical_id` instead of the computed one.
    pub fn override_logical_id(&mut self, element: impl AsNode, logical_id: &str) {
        let r = element.node();
        if let Some(idx) = self.check_own(r, "override a logical id") {
            self.nodes[idx as usize].logical_id_override = Some(logical_id.to_string());
        }
    }

    /// Adds a template parameter.
    pub fn add_parameter(&mut self, id: &str, parameter: ParameterNode) -> ParameterRef {
        ParameterRef(self.add_node(0, id, NodeKind::Parameter(parameter), "framework.CfnParameter"))
    }

    /// Adds a template output.
    pub fn add_output(&mut self, id: &str, output: OutputNode) -> NodeRef {
        self.add_node(0, id, NodeKind::Output(output), "framework.CfnOutput")
    }

    /// Adds a template condition.
    pub fn add_condition(&mut self, id: &str, expression: Value) -> ConditionRef {
        ConditionRef(self.add_node(0, id, NodeKind::Condition(ConditionNode { expression }), "framework.CfnCondition"))
    }

    /// Deploys `resource` only when `condition` holds.
    pub fn set_condition(&mut self, resource: impl AsNode, condition: ConditionRef) {
        self.with_resource(resource, "set a condition", |r| r.condition = Some(condition.0));
    }

    /// Records a problem at a node, reported by synth with every other one.
    pub fn add_problem(&mut self, at: impl AsNode, message: impl Into<String>) {
        let r = at.node();
        let idx = if self.owns(r) { r.node } else { 0 };
        self.problem_at(idx, message.into());
    }

    /// Adds a node of any kind under `parent`; id problems are recorded, not raised.
    pub fn add_node(&mut self, parent: NodeIdx, id: &str, kind: NodeKind, fqn: &'static str) -> NodeRef {
        let idx = self.nodes.len() as NodeIdx;
        let parent = if (parent as usize) < self.nodes.len() { parent } else { 0 };
        let duplicate = self.nodes[parent as usize].children.iter().any(|c| self.nodes[*c as usize].id == id);
        self.nodes.push(Node {
            id: id.to_string(),
            parent: Some(parent),
            children: Vec::new(),
            kind,
            fqn,
            logical_id_override: None,
        });
        self.nodes[parent as usize].children.push(idx);
        if let Some(p) = id_problem(id) {
            self.problem_at(idx, p);
        } else if duplicate {
            self.problem_at(idx, format!("there is already a construct with id {id:?} in {}", self.path_of(parent)));
        }
        self.make_ref(idx)
    }

    pub(crate) fn make_ref(&self, node: NodeIdx) -> NodeRef {
        NodeRef { app: self.app, stack: self.index, node }
    }

    pub(crate) fn owns(&self, r: NodeRef) -> bool {
        r.app == self.app && r.stack == self.index && (r.node as usize) < self.nodes.len()
    }

    fn check_own(&mut self, r: NodeRef, what: &str) -> Option<NodeIdx> {
        if self.owns(r) {
            Some(r.node)
        } else {
            let whose = if r.app != self.app { "another app" } else { "another stack" };
            self.problem_at(0, format!("cannot {what}: the handle points at a construct of {whose}"));
            None
        }
    }

    fn with_resource(&mut self, handle: impl AsNode, what: &str, f: impl FnOnce(&mut ResourceNode)) {
        let r = handle.node();
        let Some(idx) = self.check_own(r, what) else { return };
        match &mut self.nodes[idx as usize].kind {
            NodeKind::Resource(res) => f(res),
            _ => {
                let path = self.path_of(idx);
                self.problem_at(idx, format!("cannot {what}: {path} is not a resource"));
            }
        }
    }

    pub(crate) fn problem_at(&mut self, idx: NodeIdx, message: String) {
        let path = self.path_of(idx);
        self.problems.push(Problem { path, message });
    }
}

/// Where a constructor builds: a stack and the parent node.
///
/// `&mut Stack` converts into the root scope; [`Stack::at`] gives a nested one.
#[derive(Debug)]
pub struct Scope<'a> {
    pub(crate) stack: &'a mut Stack,
    pub(crate) parent: NodeIdx,
}

impl<'a> From<&'a mut Stack> for Scope<'a> {
    fn from(stack: &'a mut Stack) -> Scope<'a> {
        Scope { stack, parent: 0 }
    }
}

impl<'a> Scope<'a> {
    /// The stack being built.
    pub fn stack(&mut self) -> &mut Stack {
        self.stack
    }

    /// Read-only access to the stack.
    pub fn stack_ref(&self) -> &Stack {
        self.stack
    }

    /// The parent node children are added under.
    pub fn parent(&self) -> NodeRef {
        self.stack.make_ref(self.parent)
    }

    /// Adds a grouping construct (an L2 construct's own node) and returns it.
    pub fn add_construct(&mut self, id: &str, fqn: &'static str) -> NodeRef {
        self.stack.add_node(self.parent, id, NodeKind::Construct, fqn)
    }

    /// Adds a resource.
    pub fn add_resource(&mut self, id: &str, spec: Box<dyn Resource>, fqn: &'static str) -> NodeRef {
        self.stack.add_node(self.parent, id, NodeKind::Resource(ResourceNode::new(spec)), fqn)
    }

    /// A scope under `node` (a node of the same stack) that borrows this one.
    pub fn at(&mut self, node: impl AsNode) -> Scope<'_> {
        self.stack.at(node)
    }

    /// The same scope, reborrowed.
    pub fn reborrow(&mut self) -> Scope<'_> {
        Scope { stack: self.stack, parent: self.parent }
    }
}
