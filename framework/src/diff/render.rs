//! Text rendering of a [`TemplateDiff`], in the manner of `cdk diff`: an IAM section with
//! statement tables, then Parameters, Mappings, Conditions, Resources, Outputs and other changes.
//! Resource lines read `[~] AWS::IAM::Role Role Role1ABCC5F0 (requires replacement)`: change tag,
//! type, construct path (when known), logical ID, impact. Property lines below show old and new
//! values, nested object changes, and a line diff for JSON held in strings. ANSI colors only when
//! asked for. Deterministic.

use std::collections::BTreeMap;

use serde_json::Value;

use super::intrinsics::display;
use super::json_text::{json_text, line_diff, DiffLine};
use super::property::{ChangeKind, PropertyDiff};
use super::replacement::PropertyImpact;
use super::resource::{ResourceDiff, ResourceImpact};
use super::table::table;
use super::{TemplateDiff, ValueChange};

/// How to render a diff.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use ANSI colors (pass `std::io::stdout().is_terminal()`).
    pub color: bool,
    /// Construct path per logical ID, as in the cloud assembly manifest metadata
    /// (`/Stack/Role/Resource`): shown as `Role` (stack name, and a last `Resource` or `Default`
    /// component, left out). Paths not starting with `/` are shown as given.
    pub construct_paths: BTreeMap<String, String>,
}

/// Text styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Additions.
    Green,
    /// Removals, replacements.
    Red,
    /// Updates, warnings.
    Yellow,
    /// Resource types.
    Cyan,
    /// Property paths.
    Blue,
    /// Context.
    Grey,
    /// Section titles.
    Title,
    /// Strong warnings.
    BoldRed,
}

struct Out<'a> {
    opts: &'a RenderOptions,
    text: String,
}

impl Out<'_> {
    fn s(&self, style: Style, text: &str) -> String {
        paint(self.opts.color, style, text)
    }

    fn line(&mut self, text: &str) {
        self.text.push_str(text);
        self.text.push('\n');
    }

    fn tag(&self, kind: ChangeKind) -> String {
        match kind {
            ChangeKind::Added => self.s(Style::Green, "[+]"),
            ChangeKind::Removed => self.s(Style::Red, "[-]"),
            ChangeKind::Changed | ChangeKind::Propagated => self.s(Style::Yellow, "[~]"),
        }
    }
}

/// `text` in `style` when `color`, else as is.
pub fn paint(color: bool, style: Style, text: &str) -> String {
    if !color {
        return text.to_string();
    }
    let code = match style {
        Style::Green => "32",
        Style::Red => "31",
        Style::Yellow => "33",
        Style::Cyan => "36",
        Style::Blue => "34",
        Style::Grey => "90",
        Style::Title => "1;4",
        Style::BoldRed => "1;31",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

impl TemplateDiff {
    /// The diff as text (see the module docs). An empty diff renders as
    /// `There were no differences`.
    pub fn render(&self, opts: &RenderOptions) -> String {
        let mut out = Out { opts, text: String::new() };
        if self.is_empty() && self.warnings.is_empty() {
            out.line("There were no differences");
            return out.text;
        }
        for w in &self.warnings {
            let l = out.s(Style::Yellow, &format!("warning: {w}"));
            out.line(&l);
        }
        render_iam(self, &mut out);
        for (title, kind, entries) in [
            ("Parameters", "Parameter", &self.parameters),
            ("Mappings", "Mapping", &self.mappings),
            ("Conditions", "Condition", &self.conditions),
        ] {
            render_values(&mut out, title, kind, entries);
        }
        if !self.resources.is_empty() {
            let t = out.s(Style::Title, "Resources");
            out.line(&t);
            for r in &self.resources {
                render_resource(&mut out, r);
            }
            out.line("");
        }
        render_values(&mut out, "Outputs", "Output", &self.outputs);
        render_values(&mut out, "Other Changes", "", &self.other);
        out.text
    }
}

fn render_iam(diff: &TemplateDiff, out: &mut Out) {
    let iam = &diff.iam;
    if iam.is_empty() {
        return;
    }
    let style = |s: Style, t: &str| paint(out.opts.color, s, t);
    if !iam.added.is_empty() || !iam.removed.is_empty() {
        let mut rows: Vec<(Vec<String>, Option<Style>)> = Vec::new();
        for (sign, st, list) in [("+", Style::Green, &iam.added), ("-", Style::Red, &iam.removed)] {
            for s in list {
                let mut cells = vec![sign.to_string()];
                cells.extend(s.cells());
                rows.push((cells, Some(st)));
            }
        }
        rows.sort_by(|a, b| a.0[1].cmp(&b.0[1]));
        let t = out.s(Style::Title, "IAM Statement Changes");
        out.line(&t);
        let tbl = table(&["", "Resource", "Effect", "Action", "Principal", "Condition"], &rows, style);
        out.text.push_str(&tbl);
    }
    if !iam.managed_added.is_empty() || !iam.managed_removed.is_empty() {
        let mut rows: Vec<(Vec<String>, Option<Style>)> = Vec::new();
        for (sign, st, list) in [("+", Style::Green, &iam.managed_added), ("-", Style::Red, &iam.managed_removed)] {
            for m in list {
                rows.push((vec![sign.to_string(), m.identity.clone(), m.policy_arn.clone()], Some(st)));
            }
        }
        rows.sort_by(|a, b| a.0[1].cmp(&b.0[1]));
        let t = out.s(Style::Title, "IAM Policy Changes");
        out.line(&t);
        let tbl = table(&["", "Resource", "Managed Policy ARN"], &rows, style);
        out.text.push_str(&tbl);
    }
    let note = if diff.permissions_broaden() {
        out.s(Style::Yellow, "Permissions broaden: statements granting access are added, or restricting ones removed.")
    } else {
        "Permissions do not broaden.".to_string()
    };
    out.line(&note);
    out.line("");
}

fn render_values(out: &mut Out, title: &str, kind: &str, entries: &[ValueChange]) {
    if entries.is_empty() {
        return;
    }
    let t = out.s(Style::Title, title);
    out.line(&t);
    for e in entries {
        let name = if kind.is_empty() { e.id.clone() } else { format!("{} {}", out.s(Style::Cyan, kind), e.id) };
        let value = match (&e.old, &e.new) {
            (Some(o), Some(n)) => {
                format!("{} to {}", out.s(Style::Red, &display(o)), out.s(Style::Green, &display(n)))
            }
            (Some(o), None) => out.s(Style::Red, &display(o)),
            (None, Some(n)) => out.s(Style::Green, &display(n)),
            (None, None) => String::new(),
        };
        let l = format!("{} {name}: {value}", out.tag(e.kind()));
        out.line(&l);
    }
    out.line("");
}

/// `/Stack/Role/Resource` -> `Role`.
fn short_path(path: &str) -> String {
    let Some(rest) = path.strip_prefix('/') else { return path.to_string() };
    let mut parts: Vec<&str> = rest.split('/').skip(1).collect();
    if parts.len() > 1 && matches!(parts.last(), Some(&"Resource") | Some(&"Default")) {
        parts.pop();
    }
    if parts.is_empty() {
        rest.to_string()
    } else {
        parts.join("/")
    }
}

fn render_resource(out: &mut Out, r: &ResourceDiff) {
    let tag = match r.impact {
        ResourceImpact::Create => out.s(Style::Green, "[+]"),
        ResourceImpact::Destroy | ResourceImpact::Orphan => out.s(Style::Red, "[-]"),
        _ => out.s(Style::Yellow, "[~]"),
    };
    let mut head = format!("{tag} {}", out.s(Style::Cyan, r.resource_type()));
    if let Some(p) = out.opts.construct_paths.get(&r.logical_id) {
        head.push(' ');
        head.push_str(&short_path(p));
    }
    head.push(' ');
    head.push_str(&r.logical_id);
    let impact = match r.impact {
        ResourceImpact::Replace if r.retains_replaced() => {
            Some(out.s(Style::BoldRed, "(requires replacement; the old one is retained)"))
        }
        ResourceImpact::MayReplace if r.retains_replaced() => {
            Some(out.s(Style::Yellow, "(may be replaced; the old one would be retained)"))
        }
        ResourceImpact::Replace => Some(out.s(Style::BoldRed, "(requires replacement)")),
        ResourceImpact::MayReplace => Some(out.s(Style::Yellow, "(may be replaced)")),
        ResourceImpact::Orphan => Some(out.s(Style::Yellow, "(orphaned: retained)")),
        _ => None,
    };
    if let Some(i) = impact {
        head.push(' ');
        head.push_str(&i);
    }
    out.line(&head);

    let type_changes = r.old_type.is_some() && r.new_type.is_some() && r.old_type != r.new_type;
    let count = r.properties.len() + usize::from(type_changes);
    let mut n = 0;
    if type_changes {
        n += 1;
        let last = n == count;
        let l = format!(
            " {}─ {} Type {}",
            if last { "└" } else { "├" },
            out.tag(ChangeKind::Changed),
            out.s(Style::BoldRed, "(requires replacement)")
        );
        out.line(&l);
        let pre = if last { "    " } else { " │  " };
        let old = Value::from(r.old_type.clone().unwrap_or_default());
        let new = Value::from(r.new_type.clone().unwrap_or_default());
        scalar_pair(out, pre, &old, &new);
    }
    for p in &r.properties {
        n += 1;
        render_property(out, p, n == count);
    }
}

fn render_property(out: &mut Out, p: &PropertyDiff, last: bool) {
    let impact = match p.impact {
        PropertyImpact::Replace => out.s(Style::BoldRed, &format!("(requires replacement: {})", p.reason)),
        PropertyImpact::MayReplace => out.s(Style::Yellow, &format!("(may cause replacement: {})", p.reason)),
        PropertyImpact::Update if p.kind == ChangeKind::Propagated => format!("(updated: {})", p.reason),
        PropertyImpact::Update => String::new(),
    };
    let name = out.s(Style::Blue, &p.display_path());
    let l = format!(
        " {}─ {} {name}{}{impact}",
        if last { "└" } else { "├" },
        out.tag(p.kind),
        if impact.is_empty() { "" } else { " " }
    );
    out.line(&l);
    let pre = if last { "    " } else { " │  " };
    match (p.kind, &p.old, &p.new) {
        (ChangeKind::Added, _, Some(v)) => whole_value(out, pre, v, ChangeKind::Added),
        (ChangeKind::Removed, Some(v), _) => whole_value(out, pre, v, ChangeKind::Removed),
        (ChangeKind::Changed, Some(o), Some(n)) => value_diff(out, pre, o, n),
        _ => {}
    }
}

/// An added or removed value: on one line when it is a scalar, else pretty-printed (JSON held
/// in a string too), every line marked.
fn whole_value(out: &mut Out, pre: &str, v: &Value, kind: ChangeKind) {
    let style = if kind == ChangeKind::Added { Style::Green } else { Style::Red };
    let text = match json_text(v) {
        Some(t) => t,
        None if v.is_object() || v.is_array() => serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()),
        None => {
            let l = format!("{pre} └─ {}", out.s(style, &display(v)));
            out.line(&l);
            return;
        }
    };
    let marked: Vec<DiffLine> =
        text.lines()
            .map(|l| {
                if kind == ChangeKind::Added {
                    DiffLine::Added(l.to_string())
                } else {
                    DiffLine::Removed(l.to_string())
                }
            })
            .collect();
    lines(out, pre, &marked);
}

/// The difference between two values, below a tree line whose continuation prefix is `pre`.
fn value_diff(out: &mut Out, pre: &str, old: &Value, new: &Value) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.retain(|k| match (a.get(*k), b.get(*k)) {
                (Some(x), Some(y)) => !super::equality::cfn_equal(x, y),
                _ => true,
            });
            for (i, k) in keys.iter().enumerate() {
                let last = i + 1 == keys.len();
                let branch = if last { "└" } else { "├" };
                let key = out.s(Style::Blue, &format!(".{k}"));
                match (a.get(*k), b.get(*k)) {
                    (Some(x), Some(y)) => {
                        let l = format!("{pre} {branch}─ {} {key}:", out.tag(ChangeKind::Changed));
                        out.line(&l);
                        let deeper = format!("{pre} {}  ", if last { " " } else { "│" });
                        value_diff(out, &deeper, x, y);
                    }
                    (Some(x), None) => {
                        let l = format!(
                            "{pre} {branch}─ {} Removed: {key}: {}",
                            out.tag(ChangeKind::Removed),
                            out.s(Style::Red, &display(x))
                        );
                        out.line(&l);
                    }
                    (None, Some(y)) => {
                        let l = format!(
                            "{pre} {branch}─ {} Added: {key}: {}",
                            out.tag(ChangeKind::Added),
                            out.s(Style::Green, &display(y))
                        );
                        out.line(&l);
                    }
                    (None, None) => {}
                }
            }
        }
        _ => {
            let texts = match (json_text(old), json_text(new)) {
                (Some(a), Some(b)) => Some((a, b)),
                _ if old.is_array() || old.is_object() || new.is_array() || new.is_object() => {
                    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
                    Some((pretty(old), pretty(new)))
                }
                _ => None,
            };
            match texts {
                Some((a, b)) => lines(out, pre, &line_diff(&a, &b)),
                None => scalar_pair(out, pre, old, new),
            }
        }
    }
}

fn scalar_pair(out: &mut Out, pre: &str, old: &Value, new: &Value) {
    let l = format!("{pre} ├─ {} {}", out.tag(ChangeKind::Removed), out.s(Style::Red, &display(old)));
    out.line(&l);
    let l = format!("{pre} └─ {} {}", out.tag(ChangeKind::Added), out.s(Style::Green, &display(new)));
    out.line(&l);
}

fn lines(out: &mut Out, pre: &str, diff: &[DiffLine]) {
    for (i, d) in diff.iter().enumerate() {
        let lead = if i == 0 { "└─" } else { "  " };
        let text = match d {
            DiffLine::Same(t) => out.s(Style::Grey, &format!("[ ] {t}")),
            DiffLine::Removed(t) => out.s(Style::Red, &format!("[-] {t}")),
            DiffLine::Added(t) => out.s(Style::Green, &format!("[+] {t}")),
            DiffLine::Gap => out.s(Style::Grey, "..."),
        };
        let l = format!("{pre} {lead} {text}");
        out.line(&l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn construct_paths_are_shortened() {
        assert_eq!(short_path("/Stack/Role/Resource"), "Role");
        assert_eq!(short_path("/Stack/SM/Role/DefaultPolicy/Resource"), "SM/Role/DefaultPolicy");
        assert_eq!(short_path("/Stack/Topic"), "Topic");
        assert_eq!(short_path("Role"), "Role");
    }

    #[test]
    fn paint_only_with_color() {
        assert_eq!(paint(false, Style::Red, "x"), "x");
        assert_eq!(paint(true, Style::Red, "x"), "\x1b[31mx\x1b[0m");
    }
}
