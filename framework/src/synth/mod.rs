//! Synthesis: validate the whole tree, render every stack's template, build the cloud assembly.

mod assembly;
mod render;
mod tree_file;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value as Json};

pub use assembly::{to_json_text as assembly_text, CloudAssembly, StackArtifact, CLOUD_ASSEMBLY_VERSION};
use assembly::to_json_text;
pub use tree_file::{ConstructTree, TreeNode};
use render::{apply_override, export_name, export_output_id, fun, ExportRequest, LogicalIds, Renderer};

use crate::logical_id::{is_valid_logical_id, logical_id};
use crate::tree::{App, NodeIdx, NodeKind, Stack};
use crate::validation::{Problem, Problems, Validator};
use crate::value::Value;

/// Why synth failed.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The app has problems; all of them are listed.
    #[error("{0}")]
    Invalid(Problems),
}

impl SynthError {
    /// The problems, when synth failed on validation.
    pub fn problems(&self) -> &Problems {
        match self {
            SynthError::Invalid(p) => p,
        }
    }
}

impl App {
    /// Validates the whole tree and renders every stack. Fails with every problem found.
    ///
    /// Stacks are independent until cross-stack references are joined up, so large apps are
    /// rendered on several threads (results are merged in stack order: the output is the same
    /// bytes either way).
    pub fn synth(&self) -> Result<CloudAssembly, SynthError> {
        let parallel = self.stacks.len() > 1 && self.stacks.iter().map(|s| s.nodes.len()).sum::<usize>() > 2_000;
        self.synth_with(parallel)
    }

    pub(crate) fn synth_with(&self, parallel: bool) -> Result<CloudAssembly, SynthError> {
        let mut problems: Vec<Problem> = self.problems.clone();
        let prepared = self.stacks.iter().map(|stack| {
            let mut problems = stack.problems.clone();
            let paths = stack.all_paths();
            let ids = stack_logical_ids(stack, &paths, &mut problems);
            validate_stack(stack, &paths, &mut problems);
            (ids, paths, problems)
        });
        let mut logical_ids: LogicalIds = Vec::with_capacity(self.stacks.len());
        let mut paths: Vec<Vec<String>> = Vec::with_capacity(self.stacks.len());
        for (ids, stack_paths, stack_problems) in prepared {
            logical_ids.push(ids);
            paths.push(stack_paths);
            problems.extend(stack_problems);
        }

        let rendered = par_map(&self.stacks, parallel, |i, stack| {
            let (mut exports, mut stack_deps, mut problems) = (BTreeSet::new(), BTreeSet::new(), Vec::new());
            let mut cx = StackCx {
                app: self,
                stack_index: i,
                stack,
                paths: &paths[i],
                logical_ids: &logical_ids,
                exports: &mut exports,
                stack_deps: &mut stack_deps,
                problems: &mut problems,
            };
            let template = cx.template();
            (template, exports, stack_deps, problems)
        });
        let mut exports = BTreeSet::new();
        let mut stack_deps: BTreeSet<(usize, usize)> = self.stack_dependencies.iter().copied().collect();
        let mut templates: Vec<TemplateText> = Vec::with_capacity(self.stacks.len());
        for (template, stack_exports, deps, stack_problems) in rendered {
            templates.push(template);
            exports.extend(stack_exports);
            stack_deps.extend(deps);
            problems.extend(stack_problems);
        }
        for request in &exports {
            let id = logical_ids[request.producer][request.target.node as usize].clone().unwrap_or_default();
            let value = match &request.attribute {
                None => fun("Ref", Json::String(id.clone())),
                Some(attr) => fun("Fn::GetAtt", Json::Array(vec![Json::String(id.clone()), Json::String(attr.clone())])),
            };
            let mut out = Map::new();
            out.insert("Value".into(), value);
            out.insert("Export".into(), fun("Name", Json::String(export_name(self, &logical_ids, request))));
            templates[request.producer].outputs.insert(export_output_id(&id, request.attribute.as_deref()), Json::Object(out));
        }
        if let Some(cycle) = find_cycle(self.stacks.len(), &stack_deps) {
            let names: Vec<&str> = cycle.iter().map(|i| self.stacks[*i].id()).collect();
            problems.push(Problem {
                path: names[0].to_string(),
                message: format!("stacks depend on each other in a cycle: {}", names.join(" -> ")),
            });
        }
        if !problems.is_empty() {
            let mut seen = BTreeSet::new();
            problems.retain(|p| seen.insert(p.clone()));
            return Err(SynthError::Invalid(Problems(problems)));
        }

        let stacks = self
            .stacks
            .iter()
            .zip(templates)
            .enumerate()
            .map(|(i, (stack, template))| {
                let dependencies = stack_deps
                    .iter()
                    .filter(|(a, _)| *a == i)
                    .map(|(_, b)| self.stacks[*b].id().to_string())
                    .collect();
                let logical_ids = logical_ids[i]
                    .iter()
                    .enumerate()
                    .filter_map(|(n, id)| id.clone().map(|id| (format!("/{}", paths[i][n]), id)))
                    .collect();
                StackArtifact::new(
                    stack.id().to_string(),
                    stack.stack_name().to_string(),
                    stack.props.env.uri(),
                    template.finish(),
                    dependencies,
                    logical_ids,
                    stack.props.tags.clone(),
                    stack.props.termination_protection,
                )
            })
            .collect();
        Ok(CloudAssembly::new(stacks, ConstructTree::from_app(self, &logical_ids)))
    }
}

/// Logical IDs of a stack's template elements (indexed by node), with problems for invalid
/// overrides and collisions.
fn stack_logical_ids(stack: &Stack, paths: &[String], problems: &mut Vec<Problem>) -> Vec<Option<String>> {
    let mut ids = vec![None; stack.nodes.len()];
    let mut owners: BTreeMap<String, NodeIdx> = BTreeMap::new();
    for (i, node) in stack.nodes.iter().enumerate() {
        if matches!(node.kind, NodeKind::Stack | NodeKind::Construct) {
            continue;
        }
        let id = match &node.logical_id_override {
            Some(id) => {
                if !is_valid_logical_id(id) {
                    problems.push(Problem {
                        path: paths[i].clone(),
                        message: format!("logical ID override {id:?} must be 1-255 alphanumeric characters"),
                    });
                }
                id.clone()
            }
            None => logical_id(&stack.components_below_stack(i as NodeIdx)).unwrap_or_else(|| {
                problems.push(Problem {
                    path: paths[i].clone(),
                    message: "cannot compute a logical ID: every path component is \"Default\"".into(),
                });
                String::new()
            }),
        };
        if let Some(other) = owners.insert(id.clone(), i as NodeIdx) {
            problems.push(Problem {
                path: paths[i].clone(),
                message: format!("logical ID {id:?} is also used by {}", paths[other as usize]),
            });
        }
        ids[i] = Some(id);
    }
    ids
}

/// `f` over `items`, on up to `available_parallelism` threads when `parallel` (contiguous
/// chunks; results in item order), else on this thread.
fn par_map<T: Sync, R: Send>(items: &[T], parallel: bool, f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = if parallel { std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len()) } else { 1 };
    if threads <= 1 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    let run = move |c: usize, part: &[T]| part.iter().enumerate().map(|(j, t)| f(c * chunk + j, t)).collect::<Vec<R>>();
    std::thread::scope(|scope| {
        // The first chunk runs on this thread: one thread (and allocator arena) fewer.
        let mut chunks = items.chunks(chunk).enumerate();
        let first = chunks.next();
        let workers: Vec<_> = chunks.map(|(c, part)| scope.spawn(move || run(c, part))).collect();
        let mut out = first.map(|(c, part)| run(c, part)).unwrap_or_default();
        for w in workers {
            out.extend(w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        out
    })
}

fn validate_stack(stack: &Stack, paths: &[String], problems: &mut Vec<Problem>) {
    if let Some(name) = &stack.props.stack_name {
        let ok = !name.is_empty()
            && name.len() <= 128
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            problems.push(Problem {
                path: stack.id().to_string(),
                message: format!(
                    "stack name {name:?} must be 1-128 characters, start with a letter and contain only letters, digits and '-'"
                ),
            });
        }
    }
    let mut resources = 0;
    for (i, node) in stack.nodes.iter().enumerate() {
        if let NodeKind::Resource(res) = &node.kind {
            resources += 1;
            res.spec.validate(&mut Validator::new(&paths[i], problems));
        }
    }
    if resources == 0 {
        problems.push(Problem {
            path: stack.id().to_string(),
            message: "the stack has no resources; CloudFormation requires at least one (add a construct or remove the stack)".into(),
        });
    } else if resources > 500 {
        problems.push(Problem {
            path: stack.id().to_string(),
            message: format!("the stack has {resources} resources; CloudFormation allows at most 500 (split it into several stacks)"),
        });
    }
}

/// A template being rendered: the finished sections as text, and the outputs (kept as a value
/// until every stack is rendered, since cross-stack references add exports to them).
struct TemplateText {
    sections: Vec<String>,
    outputs: Map<String, Json>,
}

impl TemplateText {
    /// The whole template text, byte-identical to pretty-printing it as one value.
    fn finish(mut self) -> String {
        if !self.outputs.is_empty() {
            let outputs = std::mem::take(&mut self.outputs);
            self.sections.push(section_text("Outputs", Json::Object(outputs)));
        }
        if self.sections.is_empty() {
            return "{}".to_string();
        }
        let mut text = String::with_capacity(self.sections.iter().map(|s| s.len() + 2).sum::<usize>() + 3);
        text.push('{');
        for (i, section) in self.sections.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(section);
        }
        text.push_str("\n}");
        text
    }
}

/// Appends pretty-printed JSON `text` nested at `indent` (JSON text has no raw newlines inside
/// strings, so every newline is a line break of the layout).
fn push_indented(out: &mut String, text: &str, indent: &str) {
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for line in lines {
        out.push('\n');
        out.push_str(indent);
        out.push_str(line);
    }
}

/// `\n "Key": <value>` as it appears inside the pretty-printed template object.
fn section_text(key: &str, value: Json) -> String {
    let mut one = Map::with_capacity(1);
    one.insert(key.to_string(), value);
    let text = to_json_text(&Json::Object(one));
    // "{" + "\n \"Key\": ..." + "\n}": keep the middle.
    text[1..text.len() - 2].to_string()
}

struct StackCx<'a> {
    app: &'a App,
    stack_index: usize,
    stack: &'a Stack,
    paths: &'a [String],
    logical_ids: &'a LogicalIds,
    exports: &'a mut BTreeSet<ExportRequest>,
    stack_deps: &'a mut BTreeSet<(usize, usize)>,
    problems: &'a mut Vec<Problem>,
}

impl StackCx<'_> {
    fn renderer<'r>(&'r mut self, path: &'r str) -> Renderer<'r> {
        Renderer {
            app: self.app,
            stack: self.stack_index,
            logical_ids: self.logical_ids,
            path,
            refs: BTreeSet::new(),
            exports: self.exports,
            stack_deps: self.stack_deps,
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

    fn template(&mut self) -> TemplateText {
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
                    parameters.insert(self.id(idx), Json::Object(out));
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
                        out.insert("Condition".into(), r.render(&Value::Ref(c)).get("Ref").cloned().unwrap_or(Json::Null));
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
                self.problems.push(Problem { path: path.clone(), message: "depends on a construct of another app".into() });
                continue;
            }
            if dep.stack as usize != self.stack_index {
                self.stack_deps.insert((self.stack_index, dep.stack as usize));
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
            out.insert("Metadata".into(), Json::Object(res.metadata.iter().map(|(k, v)| (k.clone(), v.clone())).collect()));
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

/// A cycle in the stack dependency graph, if any (as stack indexes, first repeated at the end).
fn find_cycle(n: usize, edges: &BTreeSet<(usize, usize)>) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn visit(v: usize, edges: &BTreeSet<(usize, usize)>, marks: &mut [Mark], stack: &mut Vec<usize>) -> Option<Vec<usize>> {
        marks[v] = Mark::Active;
        stack.push(v);
        for &(_, w) in edges.range((v, 0)..=(v, usize::MAX)) {
            match marks[w] {
                Mark::Active => {
                    let start = stack.iter().position(|x| *x == w).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(w);
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(w, edges, marks, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks[v] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; n];
    for v in 0..n {
        if marks[v] == Mark::New {
            if let Some(c) = visit(v, edges, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}
