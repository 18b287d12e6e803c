//! `Template`: assertions on a synthesized CloudFormation template.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::error::AssertionError;
use super::matcher::{Kind, Matcher};
use super::matching::{self, Outcome, Seg};
use super::render;
use super::section::{self, SectionMatch};
use crate::{App, StackArtifact};

/// Longest pattern rendering in a report's first line.
const PATTERN_CHARS: usize = 400;

/// Top-level attributes of a resource, for telling `has_resource` from `has_resource_properties`.
const RESOURCE_ATTRIBUTES: [&str; 9] = [
    "Type",
    "Properties",
    "DependsOn",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
    "Condition",
    "CreationPolicy",
    "UpdatePolicy",
];

/// A CloudFormation template to assert on, like `aws-cdk-lib/assertions`' `Template`.
///
/// Every assertion comes in two forms: one that panics with a readable report (for tests), and a
/// `try_*` one returning [`AssertionError`] with the same report. Patterns are anything that
/// converts into a [`Matcher`]: JSON literals (matched object-like: the template may hold more
/// keys), the matchers of [`Match`](super::Match), [`Capture`](super::Capture)s, and patterns
/// mixing them written with [`pattern!`](crate::pattern).
///
/// ```
/// use framework::assertions::{Capture, Match, Template};
/// use framework::{pattern, App, CfnResource, Value};
/// use serde_json::json;
///
/// let mut app = App::new();
/// let stack = app.add_stack("Stack");
/// let role = CfnResource::new("AWS::IAM::Role")
///     .property("Path", "/service/")
///     .property("AssumeRolePolicyDocument", serde_json::json!({"Version": "2012-10-17"}))
///     .add(&mut *stack, "Role");
/// CfnResource::new("AWS::SNS::Topic")
///     .property("TopicName", Value::GetAtt(role, "Arn".into()))
///     .add(&mut *stack, "Topic");
///
/// let template = Template::from_stack(&app, "Stack");
/// template.resource_count_is("AWS::IAM::Role", 1);
/// template.has_resource_properties("AWS::IAM::Role", json!({"Path": "/service/"}));
/// let arn = Capture::new();
/// template.has_resource_properties("AWS::SNS::Topic", pattern!({
///     "TopicName": &arn,
///     "KmsMasterKeyId": Match::absent(),
/// }));
/// assert_eq!(arn.value(), json!({"Fn::GetAtt": ["Role", "Arn"]}));
///
/// let err = template
///     .try_has_resource_properties("AWS::IAM::Role", json!({"Path": "/"}))
///     .unwrap_err();
/// assert!(err.message().contains(r#"at /Properties/Path: expected "/", got "/service/""#));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    json: Json,
}

impl Template {
    /// Synthesizes `app` and takes the template of stack `stack_id`. Panics when synth fails
    /// (listing every problem) or there is no such stack.
    #[track_caller]
    pub fn from_stack(app: &App, stack_id: &str) -> Template {
        Template::try_from_stack(app, stack_id).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::from_stack`] returning the problem instead of panicking.
    pub fn try_from_stack(app: &App, stack_id: &str) -> Result<Template, AssertionError> {
        let assembly = app.synth().map_err(|e| {
            AssertionError::new(format!("cannot take the template of stack {stack_id:?}: synth failed with {e}"))
        })?;
        match assembly.stack(stack_id) {
            Some(artifact) => Ok(Template::from_artifact(artifact)),
            None => Err(AssertionError::new(format!(
                "the app has no stack {stack_id:?}; its stacks: {}",
                section::id_list(assembly.stacks.iter().map(|s| s.id.as_str()))
            ))),
        }
    }

    /// The template of a synthesized stack.
    pub fn from_artifact(artifact: &StackArtifact) -> Template {
        Template { json: artifact.template().clone() }
    }

    /// A template given as JSON (missing sections count as empty).
    pub fn from_json(json: Json) -> Template {
        Template { json }
    }

    /// A template given as JSON text.
    pub fn parse(text: &str) -> Result<Template, AssertionError> {
        serde_json::from_str(text)
            .map(Template::from_json)
            .map_err(|e| AssertionError::new(format!("the template is not valid JSON: {e}")))
    }

    /// The template (for snapshot tests).
    pub fn to_json(&self) -> &Json {
        &self.json
    }

    /// The template, consuming `self`.
    pub fn into_json(self) -> Json {
        self.json
    }

    /// Entries of a section, in template order.
    fn section(&self, name: &str) -> impl Iterator<Item = (&str, &Json)> {
        self.json.get(name).and_then(Json::as_object).into_iter().flat_map(Map::iter).map(|(k, v)| (k.as_str(), v))
    }

    fn resources_of_type<'a>(&'a self, cfn_type: &'a str) -> impl Iterator<Item = (&'a str, &'a Json)> {
        self.section("Resources").filter(move |(_, r)| r.get("Type").and_then(Json::as_str) == Some(cfn_type))
    }

    /// "; the template has no resources of that type (types present: ...)".
    fn no_resources_of_type(&self, cfn_type: &str) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, r) in self.section("Resources") {
            *counts.entry(r.get("Type").and_then(Json::as_str).unwrap_or("<no Type>")).or_default() += 1;
        }
        if counts.is_empty() {
            return "; the template has no resources at all".into();
        }
        let present: Vec<String> = counts.iter().map(|(t, n)| format!("{t} ({n})")).collect();
        let suggestion = match counts.keys().find(|t| t.eq_ignore_ascii_case(cfn_type)) {
            Some(similar) => format!("; did you mean {similar}?"),
            None => String::new(),
        };
        format!("; the template has no resources of that type (types present: {}{suggestion})", present.join(", "))
    }

    // ---- resources ----------------------------------------------------------------------

    /// Asserts that some resource of `cfn_type` has `Properties` matching `props` (object-like
    /// for a JSON literal; a resource without `Properties` counts as having `{}`).
    #[track_caller]
    pub fn has_resource_properties(&self, cfn_type: &str, props: impl Into<Matcher>) {
        self.try_has_resource_properties(cfn_type, props).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::has_resource_properties`] returning the report instead of panicking.
    pub fn try_has_resource_properties(&self, cfn_type: &str, props: impl Into<Matcher>) -> Result<(), AssertionError> {
        let props = props.into();
        let result = section::match_entries(self.resources_of_type(cfn_type), |r| test_properties(&props, r));
        if !result.matches.is_empty() {
            return Ok(());
        }
        let mut headline =
            format!("Expected a resource of type {cfn_type} with properties matching {}", pattern_text(&props));
        if let Kind::Object(entries) | Kind::ObjectLike(entries) | Kind::ObjectEquals(entries) = &props.kind {
            if entries.iter().any(|(k, _)| k == "Properties" || k == "Type") {
                headline.push_str(
                    " (has_resource_properties matches inside \"Properties\"; to match the whole resource use has_resource)",
                );
            }
        }
        Err(self.none_matched(&headline, cfn_type, &result))
    }

    /// Asserts that some resource of `cfn_type` matches `pattern` as a whole definition
    /// (`Type`, `Properties`, `DependsOn`, `DeletionPolicy`, ...).
    #[track_caller]
    pub fn has_resource(&self, cfn_type: &str, pattern: impl Into<Matcher>) {
        self.try_has_resource(cfn_type, pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::has_resource`] returning the report instead of panicking.
    pub fn try_has_resource(&self, cfn_type: &str, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        let pattern = pattern.into();
        let result = section::match_entries(self.resources_of_type(cfn_type), |r| matching::test(&pattern, r, vec![]));
        if !result.matches.is_empty() {
            return Ok(());
        }
        let mut headline = format!("Expected a resource of type {cfn_type} matching {}", pattern_text(&pattern));
        if let Kind::Object(entries) | Kind::ObjectLike(entries) | Kind::ObjectEquals(entries) = &pattern.kind {
            if !entries.is_empty() && entries.iter().all(|(k, _)| !RESOURCE_ATTRIBUTES.contains(&k.as_str())) {
                headline.push_str(
                    " (has_resource matches the whole resource definition; for properties use has_resource_properties or nest them under \"Properties\")",
                );
            }
        }
        Err(self.none_matched(&headline, cfn_type, &result))
    }

    fn none_matched(&self, headline: &str, cfn_type: &str, result: &SectionMatch<'_>) -> AssertionError {
        if result.analyzed() == 0 {
            return AssertionError::new(format!("{headline}{}.", self.no_resources_of_type(cfn_type)));
        }
        AssertionError::new(format!(
            "{headline}; the template has {} of that type and none match. Closest:\n{}",
            render::count(result.analyzed(), "resource"),
            section::closest(&result.misses)
        ))
    }

    /// Asserts that the template has exactly `count` resources of `cfn_type`.
    #[track_caller]
    pub fn resource_count_is(&self, cfn_type: &str, count: usize) {
        self.try_resource_count_is(cfn_type, count).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::resource_count_is`] returning the report instead of panicking.
    pub fn try_resource_count_is(&self, cfn_type: &str, count: usize) -> Result<(), AssertionError> {
        let ids: Vec<&str> = self.resources_of_type(cfn_type).map(|(id, _)| id).collect();
        if ids.len() == count {
            return Ok(());
        }
        let headline = format!("Expected {} of type {cfn_type}", render::count(count, "resource"));
        if ids.is_empty() {
            return Err(AssertionError::new(format!("{headline}, found none{}.", self.no_resources_of_type(cfn_type))));
        }
        Err(AssertionError::new(format!("{headline}, found {}: {}", ids.len(), section::id_list(ids))))
    }

    /// Asserts that exactly `count` resources of `cfn_type` have properties matching `props`.
    #[track_caller]
    pub fn resource_properties_count_is(&self, cfn_type: &str, props: impl Into<Matcher>, count: usize) {
        self.try_resource_properties_count_is(cfn_type, props, count).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::resource_properties_count_is`] returning the report instead of panicking.
    pub fn try_resource_properties_count_is(
        &self,
        cfn_type: &str,
        props: impl Into<Matcher>,
        count: usize,
    ) -> Result<(), AssertionError> {
        let props = props.into();
        let result = section::match_entries(self.resources_of_type(cfn_type), |r| test_properties(&props, r));
        if result.matches.len() == count {
            return Ok(());
        }
        let mut message = format!(
            "Expected {} of type {cfn_type} with properties matching {}, found {}",
            render::count(count, "resource"),
            pattern_text(&props),
            result.matches.len()
        );
        if result.analyzed() == 0 {
            message.push_str(&self.no_resources_of_type(cfn_type));
            message.push('.');
            return Err(AssertionError::new(message));
        }
        message.push_str(&format!(
            " (matching: {}; not matching: {})",
            section::id_list(result.matches.iter().map(|(id, _)| *id)),
            section::id_list(result.misses.iter().map(|(id, _)| *id))
        ));
        if result.matches.len() < count && !result.misses.is_empty() {
            message.push_str(". Closest of the others:\n");
            message.push_str(&section::closest(&result.misses));
        }
        Err(AssertionError::new(message))
    }

    /// Asserts that every resource of `cfn_type` (and at least one) matches `pattern` as a whole.
    #[track_caller]
    pub fn all_resources(&self, cfn_type: &str, pattern: impl Into<Matcher>) {
        self.try_all_resources(cfn_type, pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::all_resources`] returning the report instead of panicking.
    pub fn try_all_resources(&self, cfn_type: &str, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        let pattern = pattern.into();
        let result = section::match_entries(self.resources_of_type(cfn_type), |r| matching::test(&pattern, r, vec![]));
        let headline = format!("Expected every resource of type {cfn_type} to match {}", pattern_text(&pattern));
        self.all_matched(&headline, cfn_type, &result)
    }

    /// Asserts that every resource of `cfn_type` (and at least one) has properties matching `props`.
    #[track_caller]
    pub fn all_resources_properties(&self, cfn_type: &str, props: impl Into<Matcher>) {
        self.try_all_resources_properties(cfn_type, props).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::all_resources_properties`] returning the report instead of panicking.
    pub fn try_all_resources_properties(
        &self,
        cfn_type: &str,
        props: impl Into<Matcher>,
    ) -> Result<(), AssertionError> {
        let props = props.into();
        let result = section::match_entries(self.resources_of_type(cfn_type), |r| test_properties(&props, r));
        let headline =
            format!("Expected every resource of type {cfn_type} to have properties matching {}", pattern_text(&props));
        self.all_matched(&headline, cfn_type, &result)
    }

    fn all_matched(&self, headline: &str, cfn_type: &str, result: &SectionMatch<'_>) -> Result<(), AssertionError> {
        if result.analyzed() == 0 {
            return Err(AssertionError::new(format!("{headline}{}.", self.no_resources_of_type(cfn_type))));
        }
        if result.misses.is_empty() {
            return Ok(());
        }
        Err(AssertionError::new(format!(
            "{headline}; {} of {} do not:\n{}",
            result.misses.len(),
            render::count(result.analyzed(), "resource"),
            section::all(&result.misses)
        )))
    }

    /// The resources of `cfn_type` whose whole definition matches `pattern` (use `json!({})` for
    /// all of them), by logical ID.
    pub fn find_resources(&self, cfn_type: &str, pattern: impl Into<Matcher>) -> BTreeMap<String, Json> {
        let pattern = pattern.into();
        owned(section::match_entries(self.resources_of_type(cfn_type), |r| matching::test(&pattern, r, vec![])))
    }

    /// The resources of `cfn_type` whose properties match `props`, by logical ID.
    pub fn find_resources_by_properties(&self, cfn_type: &str, props: impl Into<Matcher>) -> BTreeMap<String, Json> {
        let props = props.into();
        owned(section::match_entries(self.resources_of_type(cfn_type), |r| test_properties(&props, r)))
    }

    /// The logical ID of the one resource of `cfn_type` whose whole definition matches `pattern`.
    /// Panics when none or several match.
    #[track_caller]
    pub fn resource_id(&self, cfn_type: &str, pattern: impl Into<Matcher>) -> String {
        self.try_resource_id(cfn_type, pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::resource_id`] returning the report instead of panicking.
    pub fn try_resource_id(&self, cfn_type: &str, pattern: impl Into<Matcher>) -> Result<String, AssertionError> {
        let pattern = pattern.into();
        let result = section::match_entries(self.resources_of_type(cfn_type), |r| matching::test(&pattern, r, vec![]));
        match result.matches.as_slice() {
            [(id, _)] => Ok(id.to_string()),
            [] => {
                let headline = format!("Expected one resource of type {cfn_type} matching {}", pattern_text(&pattern));
                Err(self.none_matched(&headline, cfn_type, &result))
            }
            several => Err(AssertionError::new(format!(
                "Expected one resource of type {cfn_type} matching {}, found {}: {}",
                pattern_text(&pattern),
                several.len(),
                section::id_list(several.iter().map(|(id, _)| *id))
            ))),
        }
    }

    // ---- other sections -----------------------------------------------------------------

    /// Asserts that output `id` (or, with `"*"`, some output) matches `pattern`, e.g.
    /// `json!({"Value": {"Ref": "LogGroup"}})`.
    #[track_caller]
    pub fn has_output(&self, id: &str, pattern: impl Into<Matcher>) {
        self.try_has_output(id, pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::has_output`] returning the report instead of panicking.
    pub fn try_has_output(&self, id: &str, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        self.has_in_section(SectionKind::OUTPUTS, id, &pattern.into())
    }

    /// The outputs with ID `id` (or all, with `"*"`) matching `pattern`, by ID.
    pub fn find_outputs(&self, id: &str, pattern: impl Into<Matcher>) -> BTreeMap<String, Json> {
        self.find_in_section(SectionKind::OUTPUTS, id, &pattern.into())
    }

    /// Asserts that parameter `id` (or, with `"*"`, some parameter) matches `pattern`.
    #[track_caller]
    pub fn has_parameter(&self, id: &str, pattern: impl Into<Matcher>) {
        self.try_has_parameter(id, pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::has_parameter`] returning the report instead of panicking.
    pub fn try_has_parameter(&self, id: &str, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        self.has_in_section(SectionKind::PARAMETERS, id, &pattern.into())
    }

    /// The parameters with ID `id` (or all, with `"*"`) matching `pattern`, by ID.
    pub fn find_parameters(&self, id: &str, pattern: impl Into<Matcher>) -> BTreeMap<String, Json> {
        self.find_in_section(SectionKind::PARAMETERS, id, &pattern.into())
    }

    /// Asserts that mapping `id` (or, with `"*"`, some mapping) matches `pattern`.
    #[track_caller]
    pub fn has_mapping(&self, id: &str, pattern: impl Into<Matcher>) {
        self.try_has_mapping(id, pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::has_mapping`] returning the report instead of panicking.
    pub fn try_has_mapping(&self, id: &str, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        self.has_in_section(SectionKind::MAPPINGS, id, &pattern.into())
    }

    /// The mappings with ID `id` (or all, with `"*"`) matching `pattern`, by ID.
    pub fn find_mappings(&self, id: &str, pattern: impl Into<Matcher>) -> BTreeMap<String, Json> {
        self.find_in_section(SectionKind::MAPPINGS, id, &pattern.into())
    }

    /// Asserts that condition `id` (or, with `"*"`, some condition) matches `pattern`.
    #[track_caller]
    pub fn has_condition(&self, id: &str, pattern: impl Into<Matcher>) {
        self.try_has_condition(id, pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::has_condition`] returning the report instead of panicking.
    pub fn try_has_condition(&self, id: &str, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        self.has_in_section(SectionKind::CONDITIONS, id, &pattern.into())
    }

    /// The conditions with ID `id` (or all, with `"*"`) matching `pattern`, by ID.
    pub fn find_conditions(&self, id: &str, pattern: impl Into<Matcher>) -> BTreeMap<String, Json> {
        self.find_in_section(SectionKind::CONDITIONS, id, &pattern.into())
    }

    fn section_entries<'a>(&'a self, kind: SectionKind, id: &'a str) -> impl Iterator<Item = (&'a str, &'a Json)> {
        self.section(kind.section).filter(move |(k, _)| id == "*" || *k == id)
    }

    fn has_in_section(&self, kind: SectionKind, id: &str, pattern: &Matcher) -> Result<(), AssertionError> {
        let result = section::match_entries(self.section_entries(kind, id), |v| matching::test(pattern, v, vec![]));
        if !result.matches.is_empty() {
            return Ok(());
        }
        let noun = kind.noun;
        let headline = if id == "*" {
            format!("Expected {} {noun} matching {}", kind.article, pattern_text(pattern))
        } else {
            format!("Expected {noun} {id:?} matching {}", pattern_text(pattern))
        };
        if result.analyzed() == 0 {
            let ids: Vec<&str> = self.section(kind.section).map(|(k, _)| k).collect();
            // With "*", nothing analyzed means the section is empty.
            let why = if ids.is_empty() {
                format!("the template has no {noun}s")
            } else {
                format!("the template has no {noun} with that ID ({noun}s: {})", ids.join(", "))
            };
            return Err(AssertionError::new(format!("{headline}; {why}.")));
        }
        if id != "*" {
            let (_, outcome) = &result.misses[0];
            let lines: Vec<String> = outcome.failures.iter().map(|f| format!("  {}", f.render())).collect();
            return Err(AssertionError::new(format!("{headline}; it differs:\n{}\n", lines.join("\n"))));
        }
        Err(AssertionError::new(format!(
            "{headline}; the template has {} and none match. Closest:\n{}",
            render::count(result.analyzed(), noun),
            section::closest(&result.misses)
        )))
    }

    fn find_in_section(&self, kind: SectionKind, id: &str, pattern: &Matcher) -> BTreeMap<String, Json> {
        owned(section::match_entries(self.section_entries(kind, id), |v| matching::test(pattern, v, vec![])))
    }

    // ---- whole template -----------------------------------------------------------------

    /// Asserts that the whole template matches `pattern` (object-like for a JSON literal).
    #[track_caller]
    pub fn template_matches(&self, pattern: impl Into<Matcher>) {
        self.try_template_matches(pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Template::template_matches`] returning the report instead of panicking.
    pub fn try_template_matches(&self, pattern: impl Into<Matcher>) -> Result<(), AssertionError> {
        let pattern = pattern.into();
        let outcome = matching::test(&pattern, &self.json, vec![]);
        if outcome.is_match() {
            outcome.commit_captures();
            return Ok(());
        }
        let lines: Vec<String> = outcome.failures.iter().map(|f| format!("  {}", f.render())).collect();
        Err(AssertionError::new(format!(
            "Expected the template to match {}; it differs in {}:\n{}\n",
            pattern_text(&pattern),
            render::count(outcome.cost(), "place"),
            lines.join("\n")
        )))
    }
}

#[derive(Clone, Copy)]
struct SectionKind {
    section: &'static str,
    noun: &'static str,
    article: &'static str,
}

impl SectionKind {
    const OUTPUTS: SectionKind = SectionKind { section: "Outputs", noun: "output", article: "an" };
    const PARAMETERS: SectionKind = SectionKind { section: "Parameters", noun: "parameter", article: "a" };
    const MAPPINGS: SectionKind = SectionKind { section: "Mappings", noun: "mapping", article: "a" };
    const CONDITIONS: SectionKind = SectionKind { section: "Conditions", noun: "condition", article: "a" };
}

/// Tests a resource's `Properties` (`{}` when it has none, unless the pattern is `absent()`),
/// reporting paths from the resource (`/Properties/...`).
fn test_properties(props: &Matcher, resource: &Json) -> Outcome {
    match resource.get("Properties") {
        Some(p) => matching::test(props, p, vec![Seg::Key("Properties".into())]),
        None if props.is_absent() => Outcome::default(),
        None => matching::test(props, &Json::Object(Map::new()), vec![Seg::Key("Properties".into())]),
    }
}

fn pattern_text(m: &Matcher) -> String {
    render::truncate(&m.describe(), PATTERN_CHARS)
}

fn owned(result: SectionMatch<'_>) -> BTreeMap<String, Json> {
    result.matches.into_iter().map(|(id, v)| (id.to_string(), v.clone())).collect()
}

#[cfg(test)]
mod tests;
