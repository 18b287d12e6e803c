//! One stack's template: its elements in creation order, each rendered to its section.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value as Json};

use crate::assembly::to_json_text;
use crate::synth::prepare::LogicalIds;
use crate::synth::render::overrides::apply_override;
use crate::synth::render::text::{push_indented, section_text, TemplateText};
use crate::synth::render::value::{fun, Renderer};
use crate::synth::resolve::Links;
use crate::template::ParameterNode;
use crate::tree::{App, NodeIdx, NodeKind, Stack};
use crate::validation::Problem;
use crate::value::Value;

/// What rendering one stack reads and writes.
pub(crate) struct StackCx<'a> {
    pub app: &'a App,
    pub stack_index: usize,
    pub stack: &'a Stack,
    pub paths: &'a [String],
    pub logical_ids: &'a LogicalIds,
    pub links: &'a mut Links,
    pub problems: &'a mut Vec<Problem>,
}

impl StackCx<'_> {
    fn renderer<'r>(&'r mut self, path: &'r str) -> Renderer<'r> {
        Renderer {
            app: self.app,
            stack: self.stack_index,
            logical_ids: self.logical_ids,
            path,
            refs: BTreeSet::new(),
            links: self.links,
            problems: self.problems,
        }
    }

    fn id(&self, node: NodeIdx) -> String {
        self.logical_ids[self.stack_index][node as usize].clone().unwrap_or_default()
    }

    /// Nodes in depth-first creation order (the order elements appear in the template).
    fn ordered_nodes(&self) -> Vec<NodeIdx> {
        let mut out = Vec::with_capacity(self.stack.nodes.len());
        let mut todo = vec![0 as NodeIdx];
        while let Some(i) = todo.pop() {
            out.push(i);
            todo.extend(self.stack.nodes[i as usize].children.iter().rev());
        }
        out
    }

    /// The stack's template.
    pub fn template(&mut self) -> TemplateText {
        let mut sections = Vec::new();
        if let Some(d) = &self.stack.props.description {
            sections.push(section_text("Description", Json::String(d.clone())));
        }
        let (mut parameters, mut conditions, mut outputs) = (Map::new(), Map::new(), Map::new());
        // Resources are turned into text one by one (the bulk of a template: no need to hold
        // them all as values).
        let mut resources = String::new();
        for idx in self.ordered_nodes() {
            let node = &self.stack.nodes[idx as usize];
            match &node.kind {
                NodeKind::Stack | NodeKind::Construct => {}
                NodeKind::Parameter(p) => {
                    parameters.insert(self.id(idx), parameter(p));
                }
                NodeKind::Condition(c) => {
                    let path = self.paths[idx as usize].clone();
                    let rendered = self.renderer(&path).render(&c.expression);
                    conditions.insert(self.id(idx), rendered);
                }
                NodeKind::Output(o) => {
                    let path = self.paths[idx as usize].clone();
                    let mut r = self.renderer(&path);
                    let mut out = Map::new();
                    if let Some(d) = &o.description {
                        out.insert("Description".into(), json!(d));
                    }
                    out.insert("Value".into(), r.render(&o.value));
                    if let Some(name) = &o.export_name {
                        out.insert("Export".into(), fun("Name", r.render(name)));
                    }
                    if let Some(c) = o.condition {
                        out.insert(
                            "Condition".into(),
                            r.render(&Value::Ref(c)).get("Ref").cloned().unwrap_or(Json::Null),
                        );
                    }
                    outputs.insert(self.id(idx), Json::Object(out));
                }
                NodeKind::Resource(_) => {
                    let rendered = self.resource(idx);
                    resources.push_str(if resources.is_empty() { "\n  " } else { ",\n  " });
                    resources.push_str(&Json::String(self.id(idx)).to_string());
                    resources.push_str(": ");
                    push_indented(&mut resources, &to_json_text(&rendered), "  ");
                }
            }
        }
        for (key, section) in [("Parameters", parameters), ("Conditions", conditions)] {
            if !section.is_empty() {
                sections.push(section_text(key, Json::Object(section)));
            }
        }
        if !resources.is_empty() {
            sections.push(format!("\n \"Resources\": {{{resources}\n }}"));
        }
        TemplateText { sections, outputs }
    }

    fn resource(&mut self, idx: NodeIdx) -> Json {
        let NodeKind::Resource(res) = &self.stack.nodes[idx as usize].kind else { unreachable!("resource node") };
        let path = self.paths[idx as usize].clone();
        let mut r = self.renderer(&path);
        let mut props = Map::new();
        for (k, v) in res.spec.properties() {
            if v.is_empty_collection() {
                continue;
            }
            props.insert(k, r.render(&v));
        }
        let condition = res.condition.map(|c| r.render(&Value::Ref(c)).get("Ref").cloned().unwrap_or(Json::Null));
        let implied = std::mem::take(&mut r.refs);
        drop(r);

        let mut depends_on = BTreeSet::new();
        for dep in &res.depends_on {
            if dep.app != self.app.id {
                self.problems
                    .push(Problem { path: path.clone(), message: "depends on a construct of another app".into() });
                continue;
            }
            if dep.stack as usize != self.stack_index {
                self.links.stack_deps.insert((self.stack_index, dep.stack as usize));
                continue;
            }
            for target in self.resources_under(dep.node) {
                if target != idx && !implied.contains(&target) {
                    depends_on.insert(self.id(target));
                }
            }
        }

        let mut out = Map::new();
        out.insert("Type".into(), Json::String(res.spec.cfn_type().to_string()));
        if !props.is_empty() {
            out.insert("Properties".into(), Json::Object(props));
        }
        if !depends_on.is_empty() {
            out.insert("DependsOn".into(), Json::Array(depends_on.into_iter().map(Json::String).collect()));
        }
        if let Some(policy) = res.removal_policy {
            let replace = match policy {
                crate::RemovalPolicy::RetainExceptOnCreate => crate::RemovalPolicy::Retain,
                p => p,
            };
            out.insert("UpdateReplacePolicy".into(), Json::String(replace.cfn_value().into()));
            out.insert("DeletionPolicy".into(), Json::String(policy.cfn_value().into()));
        }
        if let Some(c) = condition {
            out.insert("Condition".into(), c);
        }
        if !res.metadata.is_empty() {
            out.insert(
                "Metadata".into(),
                Json::Object(res.metadata.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            );
        }
        let mut out = Json::Object(out);
        for (p, v) in &res.overrides {
            apply_override(&mut out, p, v.as_ref());
        }
        if out.get("Properties").is_some_and(|p| p.as_object().is_some_and(Map::is_empty)) {
            out.as_object_mut().expect("object").shift_remove("Properties");
        }
        out
    }

    /// The resource nodes at or below `node` (a dependency on a construct means all of them).
    fn resources_under(&self, node: NodeIdx) -> Vec<NodeIdx> {
        let mut out = Vec::new();
        let mut todo = vec![node];
        while let Some(i) = todo.pop() {
            let n = &self.stack.nodes[i as usize];
            if matches!(n.kind, NodeKind::Resource(_)) {
                out.push(i);
            }
            todo.extend(n.children.iter());
        }
        out
    }
}

/// A parameter's entry in the `Parameters` section (parameters hold no references).
fn parameter(p: &ParameterNode) -> Json {
    let mut out = Map::new();
    out.insert("Type".into(), json!(p.param_type));
    if let Some(d) = &p.default {
        out.insert("Default".into(), d.clone());
    }
    if !p.allowed_values.is_empty() {
        out.insert("AllowedValues".into(), json!(p.allowed_values));
    }
    if let Some(v) = &p.allowed_pattern {
        out.insert("AllowedPattern".into(), json!(v));
    }
    if let Some(v) = &p.description {
        out.insert("Description".into(), json!(v));
    }
    if let Some(v) = p.min_length {
        out.insert("MinLength".into(), json!(v));
    }
    if let Some(v) = p.max_length {
        out.insert("MaxLength".into(), json!(v));
    }
    if let Some(v) = p.min_value {
        out.insert("MinValue".into(), json!(v));
    }
    if let Some(v) = p.max_value {
        out.insert("MaxValue".into(), json!(v));
    }
    if p.no_echo {
        out.insert("NoEcho".into(), json!(true));
    }
    Json::Object(out)
}
