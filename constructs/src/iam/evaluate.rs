//! Evaluating IAM policy documents locally, the way the IAM User Guide's "Policy evaluation logic"
//! describes it, for the simulation (no AWS SDK, no AWS call).
//!
//! The policies are the JSON documents a CloudFormation template holds: `{"Version": "2012-10-17",
//! "Statement": [...]}` (Statement a list or one object), or a single statement object; Action,
//! NotAction, Resource and NotResource a string or a list of strings.
//!
//! [`evaluate`] answers whether identity-based policies allow an action on a resource;
//! [`trusts`] whether a role's trust policy lets a service principal assume the role;
//! [`problems`] lists what is wrong with a policy document's shape.
//!
//! # Decisions
//!
//! * Every statement of every policy is looked at; the order does not matter. A statement
//!   applies when its Action (or NotAction), its Resource (or NotResource) and its Condition all
//!   match the request.
//! * An applying `Deny` wins over any `Allow`: [`Decision::ExplicitDeny`], naming the statement
//!   by its `Sid`, or by its place (`Statement[1]`, and `of policies[2]` when there are several
//!   policies). With no applying `Allow` the request is denied implicitly
//!   ([`Decision::ImplicitDeny`]).
//! * What cannot be known here makes the answer [`Decision::Undetermined`], naming what is
//!   missing: an `Allow` that would apply if its Condition held (unless another `Allow` applies
//!   unconditionally), or a `Deny` that would apply if its Condition held, for a request that is
//!   otherwise allowed. The same goes for values still unresolved in a template (`{"Ref": ...}`,
//!   `{"Fn::GetAtt": ...}`, ...) and for policy variables (`${aws:username}`) the request's
//!   context does not supply.
//! * Actions match case-insensitively (`s3:getobject` is `s3:GetObject`); `*` matches any run of
//!   characters and `?` any one character (`states:Start*`, `s3:*Object*`, `iam:?etUser`).
//! * Resources match case-sensitively. `*` matches any run of characters within an ARN segment
//!   (the parts between colons), `/` included; a `*` that ends a segment of the pattern (the last
//!   character before a `:`, or of the pattern) may also run across colons, so `*` alone and
//!   `arn:aws:states:us-east-1:123456789012:stateMachine:*` match what they read as. `?` matches
//!   any one character.
//! * `NotAction`/`NotResource` match whatever their lists do not: with `Allow` they allow
//!   everything else, with `Deny` they deny everything else.
//! * Conditions: operators and keys are ANDed, a key's values ORed. Evaluated here, when the
//!   request's [`Request::context`] has the key (keys compared case-insensitively):
//!   `StringEquals`, `StringNotEquals`, `StringEqualsIgnoreCase`, `StringNotEqualsIgnoreCase`,
//!   `StringLike`, `StringNotLike`, `ArnEquals`, `ArnLike`, `ArnNotEquals`, `ArnNotLike`, each
//!   with or without `IfExists` (the ARN operators compare the six colon-separated parts one by
//!   one, each with `*` and `?`). Any other operator (`Null`, numeric, date, `Bool`, the
//!   `ForAnyValue:`/`ForAllValues:` set operators), or a key missing from the context, gives
//!   Undetermined naming the key and the operator: here a missing key means "not known", not
//!   "absent from the request". [`evaluate`] runs with an empty context.
//! * Principal and NotPrincipal are ignored by [`evaluate`] (identity policies have none);
//!   [`trusts`] reads them: `"*"` and `{"AWS": "*"}` match everyone, `{"Service": ...}` (a string
//!   or a list) matches the service's principal name (ASCII case-insensitively).
//! * Evaluation expects a well-formed policy (check it with [`problems`]): a statement it cannot
//!   read (no or unknown Effect, both Action and NotAction, no Resource, ...) never applies, and
//!   entries of the wrong type match nothing. Nothing panics, whatever the JSON.
//!
//! # Example
//!
//! ```
//! use constructs::iam::{evaluate, evaluate_request, Decision, Request};
//! use serde_json::json;
//!
//! let policy = json!({
//!     "Version": "2012-10-17",
//!     "Statement": [
//!         {"Effect": "Allow", "Action": "states:Start*",
//!          "Resource": "arn:aws:states:us-east-1:123456789012:stateMachine:*"},
//!         {"Sid": "NoProd", "Effect": "Deny", "Action": "states:*",
//!          "Resource": "arn:aws:states:us-east-1:123456789012:stateMachine:prod-*"},
//!     ],
//! });
//! let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
//! assert_eq!(evaluate(&[&policy], "states:StartExecution", machine), Decision::Allowed);
//! assert_eq!(evaluate(&[&policy], "states:StopExecution", machine), Decision::ImplicitDeny);
//! let prod = "arn:aws:states:us-east-1:123456789012:stateMachine:prod-orders";
//! let denied = evaluate(&[&policy], "states:StartExecution", prod);
//! assert_eq!(denied, Decision::ExplicitDeny { statement: "NoProd".into() });
//! assert!(!denied.is_allowed());
//!
//! // A condition on a key is evaluated when the request's context supplies it.
//! let conditional = json!({
//!     "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
//!     "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:events:*:123456789012:rule/*"}},
//! });
//! let queue = "arn:aws:sqs:us-east-1:123456789012:q";
//! let unknown = evaluate(&[&conditional], "sqs:SendMessage", queue);
//! assert_eq!(unknown, Decision::Undetermined { conditions: vec!["aws:SourceArn (ArnLike)".into()] });
//! let request = Request::new("sqs:SendMessage", queue)
//!     .with("aws:SourceArn", "arn:aws:events:us-east-1:123456789012:rule/orders");
//! assert!(evaluate_request(&[&conditional], &request).is_allowed());
//! ```

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The outcome of evaluating a request against policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// An `Allow` statement applies and no `Deny` statement does.
    Allowed,
    /// A `Deny` statement applies: it overrides any `Allow`.
    ExplicitDeny {
        /// The statement: its `Sid`, or its place (`Statement[1]`, `Statement[0] of policies[2]`).
        statement: String,
    },
    /// No statement applies: denied by default.
    ImplicitDeny,
    /// The decision depends on what cannot be evaluated here.
    Undetermined {
        /// What is missing, each once: condition keys with their operator
        /// (`aws:SourceArn (ArnLike)`), unresolved values, policy variables.
        conditions: Vec<String>,
    },
}

impl Decision {
    /// Whether the request is allowed (and known to be).
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed)
    }

    /// The decision as a plain sentence.
    pub fn reason(&self) -> String {
        match self {
            Decision::Allowed => "Allowed: an Allow statement applies and no Deny statement does.".to_string(),
            Decision::ExplicitDeny { statement } => {
                format!("Denied explicitly by statement {statement}, which overrides any Allow.")
            }
            Decision::ImplicitDeny => "Denied implicitly: no Allow statement applies.".to_string(),
            Decision::Undetermined { conditions } => format!(
                "Undetermined: the decision depends on what cannot be evaluated here: {}.",
                conditions.join(", ")
            ),
        }
    }
}

/// One request: an action on a resource, with what is known of its context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The action, `service:Action` (`states:StartExecution`).
    pub action: String,
    /// The resource's ARN (or `*`).
    pub resource: String,
    /// Condition keys and their values (`aws:SourceAccount` -> `123456789012`); keys are looked
    /// up case-insensitively. A key absent here makes conditions on it undetermined.
    pub context: BTreeMap<String, String>,
}

impl Request {
    /// A request with an empty context.
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Self {
        Request { action: action.into(), resource: resource.into(), context: BTreeMap::new() }
    }

    /// The request, with `key` set to `value` in its context.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.context.insert(key.into(), value.into());
        self
    }
}

/// Identity-policy evaluation of one request, with an empty context: see [`evaluate_request`].
pub fn evaluate(policies: &[&Value], action: &str, resource: &str) -> Decision {
    evaluate_request(policies, &Request::new(action, resource))
}

/// Identity-policy evaluation of one request: every statement of every policy; an explicit Deny
/// wins; an Allow that applies only under a Condition that cannot be evaluated gives
/// Undetermined (naming the condition keys), unless another Allow applies unconditionally; a
/// Deny under an unevaluable Condition makes an otherwise-allowed request Undetermined.
pub fn evaluate_request(policies: &[&Value], request: &Request) -> Decision {
    let several = policies.len() > 1;
    let mut verdicts = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        let doc = Doc::of(policy);
        for (i, statement) in doc.statements.iter().enumerate() {
            let Some((effect, statement)) = readable(statement) else { continue };
            let label = label(statement, i, several.then_some(p));
            let ctx = &request.context;
            let action = element(statement, "Action", "NotAction", |p| match_action(p, &request.action));
            let resource = element(statement, "Resource", "NotResource", |p| {
                match_resource(p, &request.resource, doc.variables.then_some(ctx))
            });
            let applies = action.and(|| resource).and(|| condition(statement.get("Condition"), ctx, doc.variables));
            verdicts.push((effect, label, applies));
        }
    }
    decide(verdicts)
}

/// Whether a role's trust policy (its AssumeRolePolicyDocument) lets `service`
/// (`events.amazonaws.com`) assume it, with an empty context: see [`trusts_with_context`].
pub fn trusts(trust_policy: &Value, service: &str) -> Decision {
    trusts_with_context(trust_policy, service, &BTreeMap::new())
}

/// Whether a role's trust policy lets `service` assume it: an Allow statement whose Action
/// matches `sts:AssumeRole` (wildcards too) and whose Principal names the service
/// (`{"Service": ...}`, a string or a list; or `"*"`), no Deny that applies. Conditions are
/// evaluated against `context` as in [`evaluate_request`] (`aws:SourceAccount`,
/// `aws:SourceArn`, ...); what cannot be evaluated gives Undetermined.
pub fn trusts_with_context(trust_policy: &Value, service: &str, context: &BTreeMap<String, String>) -> Decision {
    let doc = Doc::of(trust_policy);
    let mut verdicts = Vec::new();
    for (i, statement) in doc.statements.iter().enumerate() {
        let Some((effect, statement)) = readable(statement) else { continue };
        let action = element(statement, "Action", "NotAction", |p| match_action(p, "sts:AssumeRole"));
        let principal = match (statement.get("Principal"), statement.get("NotPrincipal")) {
            (Some(p), None) => principal_names(p, service),
            (None, Some(p)) => principal_names(p, service).not(),
            _ => Tri::No,
        };
        let applies = action.and(|| principal).and(|| condition(statement.get("Condition"), context, doc.variables));
        verdicts.push((effect, label(statement, i, None), applies));
    }
    decide(verdicts)
}

/// Problems with a policy document's shape, each naming the statement (by `Sid` or place):
/// a missing or unknown Effect, both Action and NotAction (or neither), a Resource that is
/// neither `*` nor an ARN, entries that are not strings, unknown elements, ... Empty when the
/// document is fine. A statement with a Principal (a trust or resource policy) needs no
/// Resource. Unresolved template values (`{"Ref": ...}`, `{"Fn::...": ...}`) are accepted where
/// CloudFormation allows them (resources, principals, condition values).
pub fn problems(policy: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let doc = Doc::of(policy);
    match policy {
        Value::Object(map) if doc.is_document => {
            for key in map.keys().filter(|k| !matches!(k.as_str(), "Version" | "Id" | "Statement")) {
                out.push(format!("the policy has an unknown element {key}"));
            }
            match map.get("Version") {
                None => {}
                Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => {}
                Some(Value::String(v)) => {
                    out.push(format!("the policy's Version is {v:?}, not \"2012-10-17\" or \"2008-10-17\""))
                }
                Some(_) => out.push("the policy's Version is not a string".to_string()),
            }
            match map.get("Statement") {
                None => out.push("the policy has no Statement".to_string()),
                Some(Value::Array(_) | Value::Object(_)) => {}
                Some(_) => out.push("the policy's Statement is neither a list nor an object".to_string()),
            }
        }
        Value::Object(_) | Value::Array(_) => {}
        _ => out.push("the policy is not a JSON object".to_string()),
    }
    for (i, statement) in doc.statements.iter().enumerate() {
        let Value::Object(statement) = statement else {
            out.push(format!("Statement[{i}] is not an object"));
            continue;
        };
        let name = match statement.get("Sid").and_then(Value::as_str) {
            Some(sid) if !sid.is_empty() => format!("statement {sid}"),
            _ => format!("Statement[{i}]"),
        };
        statement_problems(statement, &name, &mut out);
    }
    out
}

fn statement_problems(statement: &Map<String, Value>, name: &str, out: &mut Vec<String>) {
    const ELEMENTS: [&str; 9] =
        ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"];
    for key in statement.keys().filter(|k| !ELEMENTS.contains(&k.as_str())) {
        out.push(format!("{name} has an unknown element {key}"));
    }
    if statement.get("Sid").is_some_and(|s| !s.is_string()) {
        out.push(format!("{name} has a Sid that is not a string"));
    }
    match statement.get("Effect") {
        None => out.push(format!("{name} has no Effect")),
        Some(Value::String(e)) if e == "Allow" || e == "Deny" => {}
        Some(Value::String(e)) => out.push(format!("{name} has Effect {e:?}, neither \"Allow\" nor \"Deny\"")),
        Some(_) => out.push(format!("{name} has an Effect that is not a string")),
    }
    let principal = statement.contains_key("Principal") || statement.contains_key("NotPrincipal");
    for (pos, neg, required) in [("Action", "NotAction", true), ("Resource", "NotResource", !principal)] {
        match (statement.get(pos), statement.get(neg)) {
            (Some(_), Some(_)) => out.push(format!("{name} has both {pos} and {neg}")),
            (None, None) if required => out.push(format!("{name} has neither {pos} nor {neg}")),
            (Some(v), None) => entries_problems(v, pos, name, out),
            (None, Some(v)) => entries_problems(v, neg, name, out),
            (None, None) => {}
        }
    }
    match (statement.get("Principal"), statement.get("NotPrincipal")) {
        (Some(_), Some(_)) => out.push(format!("{name} has both Principal and NotPrincipal")),
        (Some(p), None) => principal_problems(p, "Principal", name, out),
        (None, Some(p)) => principal_problems(p, "NotPrincipal", name, out),
        (None, None) => {}
    }
    match statement.get("Condition") {
        None => {}
        Some(Value::Object(ops)) => {
            for (op, block) in ops {
                let Value::Object(keys) = block else {
                    out.push(format!("{name} has Condition operator {op} whose value is not an object"));
                    continue;
                };
                for (key, values) in keys {
                    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
                    let fine = match values {
                        Value::Array(vs) => vs.iter().all(|v| scalar(v) || intrinsic(v)),
                        v => scalar(v) || intrinsic(v),
                    };
                    if !fine {
                        out.push(format!("{name} has Condition {op} {key} with values that are not strings"));
                    }
                }
            }
        }
        Some(_) => out.push(format!("{name} has a Condition that is not an object")),
    }
}

fn entries_problems(value: &Value, element: &str, name: &str, out: &mut Vec<String>) {
    if intrinsic(value) {
        return;
    }
    let entries = match value {
        Value::Array(list) => list.iter().collect(),
        v => vec![v],
    };
    if entries.is_empty() {
        out.push(format!("{name} has an empty {element}"));
    }
    for entry in entries {
        match entry {
            Value::String(s) if element.ends_with("Action") => {
                if s != "*"
                    && !s.split_once(':').is_some_and(|(service, action)| !service.is_empty() && !action.is_empty())
                {
                    out.push(format!("{name} has {element} {s:?}, neither * nor service:action"));
                }
            }
            Value::String(s) => {
                if s != "*" && !s.starts_with("arn:") {
                    out.push(format!("{name} has {element} {s:?}, neither * nor an ARN"));
                }
            }
            v if intrinsic(v) && !element.ends_with("Action") => {}
            v => out.push(format!("{name} has an entry in {element} that is not a string: {}", brief(v))),
        }
    }
}

fn principal_problems(value: &Value, element: &str, name: &str, out: &mut Vec<String>) {
    match value {
        Value::String(s) if s == "*" => {}
        Value::Object(kinds) if !intrinsic(value) => {
            for (kind, ids) in kinds {
                if !matches!(kind.as_str(), "AWS" | "Service" | "Federated" | "CanonicalUser") {
                    out.push(format!("{name} has {element} of unknown kind {kind}"));
                }
                let fine = match ids {
                    Value::Array(list) => !list.is_empty() && list.iter().all(|v| v.is_string() || intrinsic(v)),
                    v => v.is_string() || intrinsic(v),
                };
                if !fine {
                    out.push(format!("{name} has {element} {kind} that is not a string or a list of strings"));
                }
            }
        }
        v if intrinsic(v) => {}
        _ => out.push(format!("{name} has {element} that is neither \"*\" nor an object")),
    }
}

/// A policy document's statements, and whether policy variables apply (Version 2012-10-17).
struct Doc<'a> {
    statements: Vec<&'a Value>,
    variables: bool,
    is_document: bool,
}

impl<'a> Doc<'a> {
    fn of(policy: &'a Value) -> Self {
        match policy {
            Value::Object(map) if ["Statement", "Version", "Id"].iter().any(|k| map.contains_key(*k)) => {
                let version = map.get("Version").and_then(Value::as_str);
                let statements = match map.get("Statement") {
                    Some(Value::Array(list)) => list.iter().collect(),
                    Some(s @ Value::Object(_)) => vec![s],
                    _ => Vec::new(),
                };
                Doc { statements, variables: version == Some("2012-10-17"), is_document: true }
            }
            // A lone statement (or a bare list of them): no Version, so no policy variables.
            Value::Object(_) => Doc { statements: vec![policy], variables: false, is_document: false },
            Value::Array(list) => Doc { statements: list.iter().collect(), variables: false, is_document: false },
            _ => Doc { statements: Vec::new(), variables: false, is_document: false },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
}

/// A statement evaluation can use: an object with Effect `Allow` or `Deny`.
fn readable(statement: &Value) -> Option<(Effect, &Map<String, Value>)> {
    let statement = statement.as_object()?;
    let effect = match statement.get("Effect")?.as_str()? {
        "Allow" => Effect::Allow,
        "Deny" => Effect::Deny,
        _ => return None,
    };
    Some((effect, statement))
}

/// A statement's name: its Sid, or its place.
fn label(statement: &Map<String, Value>, index: usize, policy: Option<usize>) -> String {
    let base = match statement.get("Sid").and_then(Value::as_str) {
        Some(sid) if !sid.is_empty() => sid.to_string(),
        _ => format!("Statement[{index}]"),
    };
    match policy {
        Some(p) => format!("{base} of policies[{p}]"),
        None => base,
    }
}

/// Three-valued truth: what cannot be known carries what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    Unknown(Vec<String>),
}

impl Tri {
    fn of(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }

    /// Both; `other` is not looked at once `self` is No.
    fn and(self, other: impl FnOnce() -> Tri) -> Tri {
        match self {
            Tri::No => Tri::No,
            Tri::Yes => other(),
            Tri::Unknown(mut missing) => match other() {
                Tri::No => Tri::No,
                Tri::Yes => Tri::Unknown(missing),
                Tri::Unknown(more) => {
                    missing.extend(more);
                    Tri::Unknown(missing)
                }
            },
        }
    }

    /// Either; `other` is not looked at once `self` is Yes.
    fn or(self, other: impl FnOnce() -> Tri) -> Tri {
        match self {
            Tri::Yes => Tri::Yes,
            Tri::No => other(),
            Tri::Unknown(mut missing) => match other() {
                Tri::Yes => Tri::Yes,
                Tri::No => Tri::Unknown(missing),
                Tri::Unknown(more) => {
                    missing.extend(more);
                    Tri::Unknown(missing)
                }
            },
        }
    }

    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            unknown => unknown,
        }
    }
}

/// The decision from each statement's effect and whether it applies.
fn decide(verdicts: Vec<(Effect, String, Tri)>) -> Decision {
    let (mut allowed, mut allow_missing, mut deny_missing) = (false, Vec::new(), Vec::new());
    for (effect, label, applies) in verdicts {
        match (effect, applies) {
            (_, Tri::No) => {}
            (Effect::Deny, Tri::Yes) => return Decision::ExplicitDeny { statement: label },
            (Effect::Deny, Tri::Unknown(missing)) => deny_missing.extend(missing),
            (Effect::Allow, Tri::Yes) => allowed = true,
            (Effect::Allow, Tri::Unknown(missing)) => allow_missing.extend(missing),
        }
    }
    let missing = match (allowed, allow_missing.is_empty()) {
        (true, _) if deny_missing.is_empty() => return Decision::Allowed,
        (true, _) => deny_missing,
        (false, true) => return Decision::ImplicitDeny,
        (false, false) => allow_missing.into_iter().chain(deny_missing).collect(),
    };
    let mut conditions: Vec<String> = Vec::new();
    for m in missing {
        if !conditions.contains(&m) {
            conditions.push(m);
        }
    }
    Decision::Undetermined { conditions }
}

/// Whether the statement's `pos` element (or the negation of its `neg` element) matches, each
/// entry matched with `matches`. Both or neither present: the statement does not apply.
fn element(statement: &Map<String, Value>, pos: &str, neg: &str, matches: impl Fn(&str) -> Tri) -> Tri {
    match (statement.get(pos), statement.get(neg)) {
        (Some(v), None) => any_entry(v, pos, &matches),
        (None, Some(v)) => any_entry(v, neg, &matches).not(),
        _ => Tri::No,
    }
}

fn any_entry(value: &Value, element: &str, matches: &impl Fn(&str) -> Tri) -> Tri {
    match value {
        Value::String(s) => matches(s),
        Value::Array(list) => {
            list.iter().fold(Tri::No, |acc, entry| acc.or(|| any_entry_scalar(entry, element, matches)))
        }
        v if intrinsic(v) => Tri::Unknown(vec![format!("{element} {} (unresolved)", brief(v))]),
        _ => Tri::No,
    }
}

fn any_entry_scalar(value: &Value, element: &str, matches: &impl Fn(&str) -> Tri) -> Tri {
    match value {
        Value::String(s) => matches(s),
        v if intrinsic(v) => Tri::Unknown(vec![format!("{element} {} (unresolved)", brief(v))]),
        _ => Tri::No,
    }
}

/// A CloudFormation intrinsic function (`{"Ref": ...}`, `{"Fn::GetAtt": ...}`): a value not
/// resolved yet.
fn intrinsic(value: &Value) -> bool {
    value.as_object().is_some_and(|m| m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")))
}

/// A JSON value, compact and short, for messages.
fn brief(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text,
    }
}

/// One piece of a wildcard pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// `*`; `colons`: whether it may run across `:`.
    Star { colons: bool },
    /// `?`: any one character.
    One,
    /// This character, literally.
    Char(char),
}

/// Whether `text` matches `pieces`, all of it: dynamic programming over the text's positions,
/// O(pattern × text), whatever the stars.
fn glob(pieces: &[Piece], text: &str) -> bool {
    // no wildcard: a plain comparison
    if pieces.iter().all(|p| matches!(p, Piece::Char(_))) {
        let mut chars = text.chars();
        return pieces.iter().all(|p| matches!(p, Piece::Char(c) if chars.next() == Some(*c)))
            && chars.next().is_none();
    }
    let text: Vec<char> = text.chars().collect();
    let n = text.len();
    let (mut reach, mut next) = (vec![false; n + 1], vec![false; n + 1]);
    reach[0] = true;
    for piece in pieces {
        next.fill(false);
        match *piece {
            Piece::Star { colons } => {
                for j in 0..=n {
                    next[j] = reach[j] || (j > 0 && next[j - 1] && (colons || text[j - 1] != ':'));
                }
            }
            Piece::One => (1..=n).for_each(|j| next[j] = reach[j - 1]),
            Piece::Char(c) => (1..=n).for_each(|j| next[j] = reach[j - 1] && text[j - 1] == c),
        }
        if !next.iter().any(|r| *r) {
            return false;
        }
        std::mem::swap(&mut reach, &mut next);
    }
    reach[n]
}

/// `*` and `?` wildcards, every star running across colons.
fn plain_pieces(pattern: &str) -> Vec<Piece> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Piece::Star { colons: true },
            '?' => Piece::One,
            c => Piece::Char(c),
        })
        .collect()
}

/// Action patterns: case-insensitive, `*` and `?`.
fn match_action(pattern: &str, action: &str) -> Tri {
    Tri::of(glob(&plain_pieces(&pattern.to_lowercase()), &action.to_lowercase()))
}

/// Resource patterns: case-sensitive; a `*` runs across colons only when it ends a segment of the
/// pattern. With `variables` (Version 2012-10-17), `${key}` stands for the context's value of
/// `key`, and `${*}`, `${?}`, `${$}` for those characters.
fn match_resource(pattern: &str, resource: &str, variables: Option<&BTreeMap<String, String>>) -> Tri {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pieces = Vec::with_capacity(chars.len());
    let mut missing = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let (Some(context), '$', Some('{')) = (variables, c, chars.get(i + 1)) {
            if let Some(len) = chars[i + 2..].iter().position(|c| *c == '}') {
                let name: String = chars[i + 2..i + 2 + len].iter().collect();
                match name.as_str() {
                    "*" | "?" | "$" => pieces.extend(name.chars().map(Piece::Char)),
                    _ => match lookup(context, &name) {
                        Some(value) => pieces.extend(value.chars().map(Piece::Char)),
                        None => missing.push(format!("${{{name}}} (policy variable)")),
                    },
                }
                i += len + 3;
                continue;
            }
        }
        pieces.push(match c {
            '*' => Piece::Star { colons: chars.get(i + 1).is_none_or(|next| *next == ':') },
            '?' => Piece::One,
            c => Piece::Char(c),
        });
        i += 1;
    }
    if !missing.is_empty() {
        return Tri::Unknown(missing);
    }
    Tri::of(glob(&pieces, resource))
}

/// The context's value of a condition key; keys compare case-insensitively.
fn lookup<'a>(context: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    context
        .get(key)
        .or_else(|| context.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
        .map(|v| v.as_str())
}

/// A statement's Condition against the context: operators and keys ANDed.
fn condition(condition: Option<&Value>, context: &BTreeMap<String, String>, variables: bool) -> Tri {
    let ops = match condition {
        None => return Tri::Yes,
        Some(Value::Object(ops)) => ops,
        Some(v) => return Tri::Unknown(vec![format!("Condition {}", brief(v))]),
    };
    let mut all = Tri::Yes;
    for (op, block) in ops {
        let Value::Object(keys) = block else {
            all = all.and(|| Tri::Unknown(vec![format!("{op} {}", brief(block))]));
            continue;
        };
        for (key, values) in keys {
            all = all.and(|| operator(op, key, values, context, variables));
        }
    }
    all
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    Equals,
    EqualsIgnoreCase,
    Like,
    Arn,
}

/// One condition operator on one key.
fn operator(op: &str, key: &str, values: &Value, context: &BTreeMap<String, String>, variables: bool) -> Tri {
    let unknown = |what: String| Tri::Unknown(vec![what]);
    let base = op.strip_suffix("IfExists").unwrap_or(op).to_ascii_lowercase();
    let (compare, negated) = match base.as_str() {
        "stringequals" => (Compare::Equals, false),
        "stringnotequals" => (Compare::Equals, true),
        "stringequalsignorecase" => (Compare::EqualsIgnoreCase, false),
        "stringnotequalsignorecase" => (Compare::EqualsIgnoreCase, true),
        "stringlike" => (Compare::Like, false),
        "stringnotlike" => (Compare::Like, true),
        "arnequals" | "arnlike" => (Compare::Arn, false),
        "arnnotequals" | "arnnotlike" => (Compare::Arn, true),
        _ => return unknown(format!("{key} ({op})")),
    };
    let Some(actual) = lookup(context, key) else { return unknown(format!("{key} ({op})")) };
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let expected: Option<Vec<String>> = match values {
        Value::Array(list) => list.iter().map(scalar).collect(),
        v => scalar(v).map(|s| vec![s]),
    };
    let Some(expected) = expected else { return unknown(format!("{key} ({op}, unresolved value)")) };
    if variables && expected.iter().any(|v| v.contains("${")) {
        return unknown(format!("{key} ({op}, policy variable)"));
    }
    let hit = expected.iter().any(|e| match compare {
        Compare::Equals => e == actual,
        Compare::EqualsIgnoreCase => e.to_lowercase() == actual.to_lowercase(),
        Compare::Like => glob(&plain_pieces(e), actual),
        Compare::Arn => arn_like(e, actual),
    });
    Tri::of(hit != negated)
}

/// ArnLike/ArnEquals: the six colon-separated parts compared one by one, each with `*` and `?`
/// (the last part keeps any further colons); values that are not six-part ARNs compare whole.
fn arn_like(pattern: &str, arn: &str) -> bool {
    let (p, a): (Vec<&str>, Vec<&str>) = (pattern.splitn(6, ':').collect(), arn.splitn(6, ':').collect());
    if p.len() == 6 && a.len() == 6 {
        p.iter().zip(&a).all(|(p, a)| glob(&plain_pieces(p), a))
    } else {
        glob(&plain_pieces(pattern), arn)
    }
}

/// Whether a Principal names `service`: `"*"`, `{"AWS": "*"}`, or `{"Service": ...}`.
fn principal_names(principal: &Value, service: &str) -> Tri {
    match principal {
        Value::String(s) => Tri::of(s == "*"),
        v if intrinsic(v) => Tri::Unknown(vec![format!("Principal {} (unresolved)", brief(v))]),
        Value::Object(kinds) => kinds.iter().fold(Tri::No, |acc, (kind, ids)| {
            acc.or(|| {
                let ids: Vec<&Value> = match ids {
                    Value::Array(list) => list.iter().collect(),
                    v => vec![v],
                };
                ids.into_iter().fold(Tri::No, |acc, id| {
                    acc.or(|| match (kind.as_str(), id) {
                        ("AWS", Value::String(s)) => Tri::of(s == "*"),
                        ("Service", Value::String(s)) => Tri::of(s.eq_ignore_ascii_case(service)),
                        ("AWS" | "Service", v) if intrinsic(v) => {
                            Tri::Unknown(vec![format!("Principal {kind} {} (unresolved)", brief(v))])
                        }
                        _ => Tri::No,
                    })
                })
            })
        }),
        _ => Tri::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";

    fn allow(action: Value, resource: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
    }

    fn undetermined(conditions: &[&str]) -> Decision {
        Decision::Undetermined { conditions: conditions.iter().map(|c| c.to_string()).collect() }
    }

    #[test]
    fn action_wildcards_match_case_insensitively() {
        let p = allow(json!("states:Start*"), json!("*"));
        assert!(evaluate(&[&p], "states:StartExecution", MACHINE).is_allowed());
        assert!(evaluate(&[&p], "STATES:startsyncexecution", MACHINE).is_allowed(), "case-insensitive");
        assert_eq!(evaluate(&[&p], "states:StopExecution", MACHINE), Decision::ImplicitDeny);
        assert_eq!(evaluate(&[&p], "lambda:StartExecution", MACHINE), Decision::ImplicitDeny);

        let p = allow(json!(["s3:*Object*"]), json!("*"));
        for action in ["s3:GetObject", "s3:PutObjectAcl", "s3:DeleteObjectVersion", "s3:Object"] {
            assert!(evaluate(&[&p], action, "arn:aws:s3:::b/k").is_allowed(), "{action}");
        }
        assert_eq!(evaluate(&[&p], "s3:ListBucket", "arn:aws:s3:::b"), Decision::ImplicitDeny);

        let p = allow(json!("iam:?etUser"), json!("*"));
        assert!(evaluate(&[&p], "iam:GetUser", "*").is_allowed());
        assert_eq!(evaluate(&[&p], "iam:GGetUser", "*"), Decision::ImplicitDeny, "? is exactly one");
        assert_eq!(evaluate(&[&p], "iam:etUser", "*"), Decision::ImplicitDeny);

        let p = allow(json!("*"), json!("*"));
        assert!(evaluate(&[&p], "anything:AtAll", "arn:aws:x:::y").is_allowed());
    }

    #[test]
    fn resource_wildcards_are_case_sensitive_and_respect_segments() {
        let p = allow(json!("states:*"), json!("arn:aws:states:us-east-1:123456789012:stateMachine:*"));
        assert!(evaluate(&[&p], "states:StartExecution", MACHINE).is_allowed());
        let execution = "arn:aws:states:us-east-1:123456789012:stateMachine:orders:v2";
        assert!(evaluate(&[&p], "states:StartExecution", execution).is_allowed(), "a final * crosses colons");
        let other = "arn:aws:states:us-west-2:123456789012:stateMachine:orders";
        assert_eq!(evaluate(&[&p], "states:StartExecution", other), Decision::ImplicitDeny);
        let upper = "arn:aws:states:us-east-1:123456789012:STATEMACHINE:orders";
        assert_eq!(evaluate(&[&p], "states:StartExecution", upper), Decision::ImplicitDeny, "case-sensitive");

        // `*` runs across `/` (the guide's S3 example) but a mid-segment `*` not across `:`.
        let p = allow(json!("s3:GetObject"), json!("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*"));
        for key in
            ["1/test/object.jpg", "1/2/test/3/object.jpg", "1///test///object.jpg", "/test/object.jpg", "1/test/"]
        {
            let arn = format!("arn:aws:s3:::amzn-s3-demo-bucket/{key}");
            assert!(evaluate(&[&p], "s3:GetObject", &arn).is_allowed(), "{key}");
        }
        for key in ["1-test/object.jpg", "test/object.jpg", "a:b/test/x"] {
            let arn = format!("arn:aws:s3:::amzn-s3-demo-bucket/{key}");
            assert_eq!(evaluate(&[&p], "s3:GetObject", &arn), Decision::ImplicitDeny, "{key}");
        }
        let p = allow(json!("s3:*"), json!("arn:aws:s3:::example?bucket/*"));
        assert!(evaluate(&[&p], "s3:GetObject", "arn:aws:s3:::example1bucket/k").is_allowed());
        assert_eq!(evaluate(&[&p], "s3:GetObject", "arn:aws:s3:::examplebucket/k"), Decision::ImplicitDeny);
        let p = allow(json!("logs:*"), json!("arn:aws:logs:*:*:log-group:/aws/vendedlogs/*"));
        assert!(
            evaluate(&[&p], "logs:PutLogEvents", "arn:aws:logs:us-east-1:1:log-group:/aws/vendedlogs/x:*").is_allowed()
        );
    }

    #[test]
    fn deny_wins_over_allow() {
        // The guide's AllowGetList / DenyReports example.
        let p = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
            {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"},
        ]});
        assert!(evaluate(&[&p], "iam:GetUser", "*").is_allowed());
        assert_eq!(evaluate(&[&p], "iam:CreatePolicy", "*"), Decision::ImplicitDeny);
        let denied = evaluate(&[&p], "iam:GetOrganizationsAccessReport", "*");
        assert_eq!(denied, Decision::ExplicitDeny { statement: "DenyReports".into() });
        // Another policy's Allow does not override the Deny.
        let more = allow(json!("iam:GenerateCredentialReport"), json!("*"));
        let denied = evaluate(&[&more, &p], "iam:GenerateCredentialReport", "*");
        assert_eq!(denied, Decision::ExplicitDeny { statement: "DenyReports of policies[1]".into() });
        assert!(denied.reason().contains("DenyReports"));
        // Without a Sid, the statement's place.
        let p = json!([
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"},
        ]);
        assert_eq!(evaluate(&[&p], "s3:GetObject", "*"), Decision::ExplicitDeny { statement: "Statement[1]".into() });
    }

    #[test]
    fn not_action_and_not_resource_match_everything_else() {
        // The guide: everything in S3 on S3 resources but deleting a bucket.
        let p = json!({"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"});
        assert!(evaluate(&[&p], "s3:GetObject", "arn:aws:s3:::b/k").is_allowed());
        assert_eq!(evaluate(&[&p], "s3:DeleteBucket", "arn:aws:s3:::b"), Decision::ImplicitDeny);
        assert_eq!(evaluate(&[&p], "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q"), Decision::ImplicitDeny);
        // Everything but IAM.
        let p = json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"});
        assert!(evaluate(&[&p], "states:StartExecution", MACHINE).is_allowed());
        assert_eq!(evaluate(&[&p], "iam:CreateUser", "*"), Decision::ImplicitDeny);
        // Deny with NotAction denies what is not listed; it allows nothing.
        let p = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "OnlyIam", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"},
        ]});
        assert!(evaluate(&[&p], "iam:ListUsers", "*").is_allowed());
        assert_eq!(evaluate(&[&p], "s3:GetObject", "*"), Decision::ExplicitDeny { statement: "OnlyIam".into() });
        let only = json!({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"});
        assert_eq!(evaluate(&[&only], "iam:ListUsers", "*"), Decision::ImplicitDeny);
        // NotResource: deny everything but one bucket.
        let p = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Sid": "OneBucket", "Effect": "Deny", "Action": "s3:*",
             "NotResource": ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"]},
        ]});
        assert!(evaluate(&[&p], "s3:GetObject", "arn:aws:s3:::mine/k").is_allowed());
        let denied = evaluate(&[&p], "s3:GetObject", "arn:aws:s3:::theirs/k");
        assert_eq!(denied, Decision::ExplicitDeny { statement: "OneBucket".into() });
    }

    #[test]
    fn conditions_that_cannot_be_evaluated_give_undetermined() {
        let conditional = json!({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
            "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:1:rule/r"},
                          "Bool": {"aws:SecureTransport": "true"}}});
        let d = evaluate(&[&conditional], "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q");
        assert_eq!(d, undetermined(&["aws:SourceArn (ArnEquals)", "aws:SecureTransport (Bool)"]));
        assert!(!d.is_allowed() && d.reason().contains("aws:SecureTransport (Bool)"));
        // An unconditional Allow settles it.
        let plain = allow(json!("sqs:*"), json!("*"));
        assert!(evaluate(&[&conditional, &plain], "sqs:SendMessage", "q").is_allowed());
        // A conditional Allow that does not match the action is no matter.
        assert_eq!(evaluate(&[&conditional], "sqs:ReceiveMessage", "q"), Decision::ImplicitDeny);
        // A conditional Deny makes an allowed request undetermined, not an implicitly denied one.
        let deny = json!({"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}});
        assert_eq!(
            evaluate(&[&plain, &deny], "sqs:SendMessage", "q"),
            undetermined(&["aws:RequestedRegion (StringNotEquals)"])
        );
        assert_eq!(evaluate(&[&deny], "sqs:SendMessage", "q"), Decision::ImplicitDeny);
        // Both unknown: both named, once each.
        let d = evaluate(&[&conditional, &conditional, &deny], "sqs:SendMessage", "q");
        assert_eq!(
            d,
            undetermined(&[
                "aws:SourceArn (ArnEquals)",
                "aws:SecureTransport (Bool)",
                "aws:RequestedRegion (StringNotEquals)"
            ])
        );
        // An explicit Deny still wins.
        let hard = json!({"Sid": "No", "Effect": "Deny", "Action": "sqs:*", "Resource": "*"});
        assert_eq!(
            evaluate(&[&conditional, &hard], "sqs:SendMessage", "q"),
            Decision::ExplicitDeny { statement: "No of policies[1]".into() }
        );
    }

    #[test]
    fn simple_conditions_are_evaluated_from_the_context() {
        let p = json!({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {
            "StringEquals": {"aws:SourceAccount": ["123456789012", "210987654321"]},
            "ArnLike": {"aws:SourceArn": "arn:aws:events:*:123456789012:rule/*"}}});
        let request = Request::new("sqs:SendMessage", "q")
            .with("AWS:SourceAccount", "123456789012")
            .with("aws:sourcearn", "arn:aws:events:us-east-1:123456789012:rule/orders");
        assert!(evaluate_request(&[&p], &request).is_allowed(), "keys compare case-insensitively");
        let elsewhere = request.clone().with("AWS:SourceAccount", "999999999999");
        assert_eq!(evaluate_request(&[&p], &elsewhere), Decision::ImplicitDeny);
        let half = Request::new("sqs:SendMessage", "q").with("aws:SourceAccount", "123456789012");
        assert_eq!(evaluate_request(&[&p], &half), undetermined(&["aws:SourceArn (ArnLike)"]));
        let wrong_rule = request.clone().with("aws:sourcearn", "arn:aws:events:us-east-1:123456789012:event-bus/x");
        assert_eq!(evaluate_request(&[&p], &wrong_rule), Decision::ImplicitDeny);

        // Arn operators compare part by part: a `*` in the region does not swallow the account.
        assert!(arn_like("arn:aws:events:*:123456789012:rule/*", "arn:aws:events:us-east-1:123456789012:rule/a:b"));
        assert!(!arn_like("arn:aws:events:*:123456789012:rule/*", "arn:aws:events:us-east-1:1:123456789012:rule/a"));
        assert!(arn_like("*", "arn:aws:events:us-east-1:1:rule/a"));

        // Negated, IgnoreCase, IfExists, Like.
        let ctx = |k: &str, v: &str| Request::new("a:b", "*").with(k, v);
        fn with(op: &str, v: Value) -> Value {
            json!({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {op: {"k": v}}})
        }
        assert!(evaluate_request(&[&with("StringNotEquals", json!("x"))], &ctx("k", "y")).is_allowed());
        assert!(!evaluate_request(&[&with("StringNotEquals", json!("x"))], &ctx("k", "x")).is_allowed());
        assert!(evaluate_request(&[&with("StringEqualsIgnoreCase", json!("ABC"))], &ctx("k", "abc")).is_allowed());
        let like = with("StringLikeIfExists", json!("ord?rs-*"));
        assert!(evaluate_request(&[&like], &ctx("k", "orders-1")).is_allowed());
        assert!(!evaluate_request(&[&with("StringNotLike", json!("ord*"))], &ctx("k", "orders")).is_allowed());
        assert!(evaluate_request(&[&with("StringEquals", json!(123))], &ctx("k", "123")).is_allowed(), "numbers");
        let d = evaluate_request(&[&with("NumericLessThan", json!("5"))], &ctx("k", "3"));
        assert_eq!(d, undetermined(&["k (NumericLessThan)"]), "unsupported operators stay undetermined");
        let d = evaluate_request(&[&with("ForAnyValue:StringEquals", json!("a"))], &ctx("k", "a"));
        assert_eq!(d, undetermined(&["k (ForAnyValue:StringEquals)"]));
        let d = evaluate_request(&[&with("StringEquals", json!({"Ref": "AWS::AccountId"}))], &ctx("k", "a"));
        assert_eq!(d, undetermined(&["k (StringEquals, unresolved value)"]));
    }

    #[test]
    fn policy_variables_and_unresolved_values() {
        let p = allow(json!("s3:*"), json!("arn:aws:s3:::home/${aws:username}/*"));
        let d = evaluate(&[&p], "s3:GetObject", "arn:aws:s3:::home/ana/k");
        assert_eq!(d, undetermined(&["${aws:username} (policy variable)"]));
        let request = Request::new("s3:GetObject", "arn:aws:s3:::home/ana/k").with("aws:username", "ana");
        assert!(evaluate_request(&[&p], &request).is_allowed());
        let other = Request::new("s3:GetObject", "arn:aws:s3:::home/bob/k").with("aws:username", "ana");
        assert_eq!(evaluate_request(&[&p], &other), Decision::ImplicitDeny);
        // `${*}` is a literal star; without Version 2012-10-17 there are no variables.
        let p = allow(json!("s3:*"), json!("arn:aws:s3:::b/${*}"));
        assert!(evaluate(&[&p], "s3:GetObject", "arn:aws:s3:::b/*").is_allowed());
        assert_eq!(evaluate(&[&p], "s3:GetObject", "arn:aws:s3:::b/x"), Decision::ImplicitDeny);
        let lone = json!({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}"});
        assert!(evaluate(&[&lone], "s3:GetObject", "arn:aws:s3:::b/${aws:username}").is_allowed());

        // A template's unresolved Resource is undetermined, not a match or a miss.
        let p = allow(json!("sqs:*"), json!([{"Fn::GetAtt": ["Queue", "Arn"]}]));
        let d = evaluate(&[&p], "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q");
        assert_eq!(d, undetermined(&[r#"Resource {"Fn::GetAtt":["Queue","Arn"]} (unresolved)"#]));
        assert_eq!(evaluate(&[&p], "s3:GetObject", "x"), Decision::ImplicitDeny, "the action decides first");
    }

    #[test]
    fn trust_policies() {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": ["states.amazonaws.com", "events.amazonaws.com"]}, "Action": "sts:AssumeRole"}]});
        assert!(trusts(&trust, "events.amazonaws.com").is_allowed());
        assert_eq!(trusts(&trust, "lambda.amazonaws.com"), Decision::ImplicitDeny);
        let single = json!({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": ["sts:*"]});
        assert!(trusts(&single, "events.amazonaws.com").is_allowed());
        let other_action =
            json!({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:TagSession"});
        assert_eq!(trusts(&other_action, "events.amazonaws.com"), Decision::ImplicitDeny);
        let aws_only =
            json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "sts:AssumeRole"});
        assert_eq!(trusts(&aws_only, "events.amazonaws.com"), Decision::ImplicitDeny);
        let anyone = json!({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"});
        assert!(trusts(&anyone, "events.amazonaws.com").is_allowed());

        let guarded = json!({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}});
        assert_eq!(trusts(&guarded, "events.amazonaws.com"), undetermined(&["aws:SourceAccount (StringEquals)"]));
        let ctx = BTreeMap::from([("aws:SourceAccount".to_string(), "123456789012".to_string())]);
        assert!(trusts_with_context(&guarded, "events.amazonaws.com", &ctx).is_allowed());

        let denied = json!({"Statement": [
            {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"},
            {"Sid": "NotEvents", "Effect": "Deny", "Principal": {"Service": "events.amazonaws.com"},
             "Action": "sts:*"}]});
        assert_eq!(trusts(&denied, "events.amazonaws.com"), Decision::ExplicitDeny { statement: "NotEvents".into() });
        let not_principal = json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Sid": "OnlyStates", "Effect": "Deny", "NotPrincipal": {"Service": "states.amazonaws.com"},
             "Action": "sts:*"}]});
        assert!(trusts(&not_principal, "states.amazonaws.com").is_allowed());
        assert!(!trusts(&not_principal, "events.amazonaws.com").is_allowed());
        let unresolved = json!({"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": {"Fn::Join": ["", ["events.", {"Ref": "AWS::URLSuffix"}]]}}});
        assert!(matches!(trusts(&unresolved, "events.amazonaws.com"), Decision::Undetermined { .. }));
    }

    #[test]
    fn problems_name_the_statement() {
        assert!(problems(&allow(json!("s3:GetObject"), json!("arn:aws:s3:::b/*"))).is_empty());
        let trust = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}});
        assert!(problems(&trust).is_empty(), "a trust policy needs no Resource: {:?}", problems(&trust));
        let cfn = allow(json!(["sqs:SendMessage"]), json!([{"Fn::GetAtt": ["Q", "Arn"]}, {"Fn::Sub": "${Q.Arn}/*"}]));
        assert!(problems(&cfn).is_empty(), "{:?}", problems(&cfn));

        let bad = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "NoEffect", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Permit", "Action": "s3:*", "Resource": "*"},
            {"Sid": "Both", "Effect": "Allow", "Action": "s3:*", "NotAction": "s3:Get*", "Resource": "*"},
            {"Sid": "Neither", "Effect": "Allow"},
            {"Sid": "Odd", "Effect": "Deny", "Action": ["s3", 7], "Resource": "bucket", "Extra": 1,
             "Condition": {"StringEquals": "x"}, "Principal": 3},
            "text",
        ]});
        let got = problems(&bad);
        let expect = [
            "statement NoEffect has no Effect",
            "Statement[1] has Effect \"Permit\", neither \"Allow\" nor \"Deny\"",
            "statement Both has both Action and NotAction",
            "statement Neither has neither Action nor NotAction",
            "statement Neither has neither Resource nor NotResource",
            "statement Odd has an unknown element Extra",
            "statement Odd has Action \"s3\", neither * nor service:action",
            "statement Odd has an entry in Action that is not a string: 7",
            "statement Odd has Resource \"bucket\", neither * nor an ARN",
            "statement Odd has Principal that is neither \"*\" nor an object",
            "statement Odd has Condition operator StringEquals whose value is not an object",
            "Statement[5] is not an object",
        ];
        for e in expect {
            assert!(got.iter().any(|g| g == e), "missing {e:?} in {got:#?}");
        }
        assert_eq!(got.len(), expect.len(), "{got:#?}");
        // Malformed statements never apply.
        assert_eq!(evaluate(&[&bad], "s3:GetObject", "*"), Decision::ImplicitDeny);

        assert_eq!(problems(&json!({"Version": "2012-10-17"})), vec!["the policy has no Statement".to_string()]);
        assert_eq!(problems(&json!({"Version": "2020", "Statement": []})).len(), 1);
        assert_eq!(problems(&json!(42)), vec!["the policy is not a JSON object".to_string()]);
    }

    #[test]
    fn odd_json_never_panics() {
        let odd = [
            json!(null),
            json!(1),
            json!("x"),
            json!([]),
            json!({}),
            json!([null, 1, "s", [], {}]),
            json!({"Statement": null}),
            json!({"Statement": "x", "Version": 3}),
            json!({"Statement": [{"Effect": "Allow", "Action": null, "Resource": {}, "Condition": []}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": [[]], "Resource": [null],
                "Principal": {"Service": [1]}}]}),
            json!({"Statement": [{"Effect": "Deny", "NotAction": [], "NotResource": [],
                "Condition": {"A": {"k": [{}]}}}]}),
            json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "a${b"}}),
            json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "${}*${"}}),
            json!({"Effect": "Allow", "Action": "é*ß?", "Resource": "*:*:?", "Principal": {"Fn::If": []}}),
        ];
        for policy in &odd {
            let _ = problems(policy);
            let _ = trusts(policy, "events.amazonaws.com");
            for (action, resource) in [("", ""), ("s3:GetObject", "*"), ("ÉΣ:x", "arn:é:::")] {
                let _ = evaluate(&[policy, policy], action, resource).reason();
                let _ = evaluate_request(&[policy], &Request::new(action, resource).with("k", "v")).reason();
            }
        }
        assert_eq!(evaluate(&[], "s3:GetObject", "*"), Decision::ImplicitDeny);
        // Empty NotAction/NotResource in a Deny match everything.
        let p = json!({"Sid": "All", "Effect": "Deny", "NotAction": [], "NotResource": []});
        assert_eq!(evaluate(&[&p], "s3:GetObject", "*"), Decision::ExplicitDeny { statement: "All".into() });
        // A long pattern against a long text stays quick.
        let pattern = "*a".repeat(200);
        let p = allow(json!("*"), json!(pattern));
        assert_eq!(evaluate(&[&p], "s3:GetObject", &"b".repeat(5000)), Decision::ImplicitDeny);
    }
}
