//! The Map state: runs a processor (a nested definition) for each item of an array.

use std::collections::BTreeMap;

use framework::Value;

use super::super::definition::Definition;
use super::super::fields::{check_payload, put};
use super::super::reader::Reader;
use super::super::syntax::reference_path_problem;
use super::common::{CommonFields, Takes};
use super::{common_fields, error_setters, io_setters, next_setters, result_setters};
use crate::num::Num;

/// Whether the items are processed inside the execution or as child executions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessorMode {
    /// `INLINE`: the iterations run inside the execution.
    Inline,
    /// `DISTRIBUTED`: each iteration (or batch) runs as a child execution.
    Distributed,
}

/// `ItemProcessor.ProcessorConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessorConfig {
    /// `Mode`: inline or distributed.
    pub mode: ProcessorMode,
    /// Child execution type (`Distributed` mode only): true for EXPRESS, false for STANDARD.
    pub express: Option<bool>,
}

/// A Map state.
///
/// ```
/// use constructs::stepfunctions::asl::{Definition, Map, Pass};
/// let m = Map::new(Definition::new("Each").state("Each", Pass::new().end()))
///     .items_path("$.items")
///     .max_concurrency(5)
///     .item_selector(serde_json::json!({"item.$": "$$.Map.Item.Value"}))
///     .end();
/// # let _ = m;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// Its `parameters` are the legacy name of `ItemSelector`.
    pub(crate) fields: CommonFields,
    /// `ItemSelector`: the input of each iteration.
    pub item_selector: Option<Value>,
    /// `ItemsPath`: where in the input the items are (reference path, default `$`).
    pub items_path: Option<String>,
    /// `ItemProcessor` (or `Iterator`): the definition run for each item.
    pub processor: Definition,
    /// `ItemProcessor.ProcessorConfig`.
    pub processor_config: Option<ProcessorConfig>,
    /// Rendered as the legacy `Iterator` field instead of `ItemProcessor`.
    pub legacy_iterator: bool,
    /// `MaxConcurrency`: how many iterations may run at once (0 = as many as possible).
    pub max_concurrency: Option<u32>,
    /// `MaxConcurrencyPath`: the maximum concurrency taken from the input (reference path).
    pub max_concurrency_path: Option<String>,
    /// `ToleratedFailurePercentage`: how many items may fail, in percent (distributed only).
    pub tolerated_failure_percentage: Option<Num>,
    /// `ToleratedFailureCount`: how many items may fail (distributed only).
    pub tolerated_failure_count: Option<u32>,
    /// `Label`: a name Step Functions adds to the Map Run ARN (distributed only).
    pub label: Option<String>,
    /// `ItemReader`: where to read the items from, e.g. an S3 object (distributed only).
    pub item_reader: Option<Value>,
    /// `ItemBatcher`: how to group the items into batches (distributed only).
    pub item_batcher: Option<Value>,
    /// `ResultWriter`: where to write the child executions' results, in S3 (distributed only).
    pub result_writer: Option<Value>,
}

impl Map {
    pub(crate) const TAKES: Takes = Takes::ALL;

    /// A Map state running `processor` for each item.
    pub fn new(processor: Definition) -> Map {
        Map {
            fields: CommonFields::default(),
            item_selector: None,
            items_path: None,
            processor,
            processor_config: None,
            legacy_iterator: false,
            max_concurrency: None,
            max_concurrency_path: None,
            tolerated_failure_percentage: None,
            tolerated_failure_count: None,
            label: None,
            item_reader: None,
            item_batcher: None,
            result_writer: None,
        }
    }
    common_fields!();
    io_setters!();
    next_setters!();
    result_setters!();
    error_setters!();
    /// `ItemsPath`: the array to iterate over (reference path, default `$`).
    pub fn items_path(mut self, path: impl Into<String>) -> Self {
        self.items_path = Some(path.into());
        self
    }
    /// `ItemSelector`: the input of each iteration.
    pub fn item_selector(mut self, template: impl Into<Value>) -> Self {
        self.item_selector = Some(template.into());
        self
    }
    /// `MaxConcurrency` (0 = as many as possible).
    pub fn max_concurrency(mut self, n: u32) -> Self {
        self.max_concurrency = Some(n);
        self
    }
    /// `ItemProcessor.ProcessorConfig`.
    pub fn processor_config(mut self, config: ProcessorConfig) -> Self {
        self.processor_config = Some(config);
        self
    }

    pub(crate) fn render(&self, m: &mut BTreeMap<String, Value>) {
        put(m, "ItemSelector", self.item_selector.clone());
        put(m, "ItemsPath", self.items_path.as_deref());
        let mut processor = match self.processor.to_value() {
            Value::Map(m) => m,
            _ => BTreeMap::new(),
        };
        if let Some(c) = &self.processor_config {
            let mut cfg = BTreeMap::new();
            cfg.insert(
                "Mode".to_string(),
                Value::from(match c.mode {
                    ProcessorMode::Inline => "INLINE",
                    ProcessorMode::Distributed => "DISTRIBUTED",
                }),
            );
            put(&mut cfg, "ExecutionType", c.express.map(|e| if e { "EXPRESS" } else { "STANDARD" }));
            processor.insert("ProcessorConfig".into(), Value::Map(cfg));
        }
        let key = if self.legacy_iterator { "Iterator" } else { "ItemProcessor" };
        m.insert(key.into(), Value::Map(processor));
        put(m, "MaxConcurrency", self.max_concurrency);
        put(m, "MaxConcurrencyPath", self.max_concurrency_path.as_deref());
        put(m, "ToleratedFailurePercentage", self.tolerated_failure_percentage.map(Num::to_value));
        put(m, "ToleratedFailureCount", self.tolerated_failure_count);
        put(m, "Label", self.label.as_deref());
        put(m, "ItemReader", self.item_reader.clone());
        put(m, "ItemBatcher", self.item_batcher.clone());
        put(m, "ResultWriter", self.result_writer.clone());
    }

    pub(crate) fn check(&self, ctx: &str, out: &mut Vec<String>) {
        self.fields.check_transition(ctx, "Map", Map::TAKES, out);
        self.fields.check_paths(ctx, out);
        check_payload(ctx, "ItemSelector", &self.item_selector, out);
        self.fields.check_result_selector(ctx, out);
        if self.fields.parameters.is_some() && self.item_selector.is_some() {
            out.push(format!("{ctx}: a Map state may have ItemSelector or its legacy form Parameters, not both"));
        }
        for (field, v) in [("ItemsPath", &self.items_path), ("MaxConcurrencyPath", &self.max_concurrency_path)] {
            if let Some(why) = v.as_deref().and_then(reference_path_problem) {
                out.push(format!("{ctx}: {field} {why}"));
            }
        }
        if self.max_concurrency.is_some() && self.max_concurrency_path.is_some() {
            out.push(format!("{ctx}: a Map state may have MaxConcurrency or MaxConcurrencyPath, not both"));
        }
        if let Some(p) = &self.tolerated_failure_percentage {
            let f = p.as_f64();
            if p.problem().is_some() || !(0.0..=100.0).contains(&f) {
                out.push(format!("{ctx}: ToleratedFailurePercentage must be between 0 and 100"));
            }
        }
        if self.legacy_iterator && self.processor_config.is_some() {
            out.push(format!("{ctx}: ProcessorConfig needs ItemProcessor (the legacy Iterator has none)"));
        }
        if let Some(c) = &self.processor_config {
            if c.mode == ProcessorMode::Inline && c.express.is_some() {
                out.push(format!("{ctx}: ExecutionType is only allowed with Mode DISTRIBUTED"));
            }
            if c.mode == ProcessorMode::Distributed && c.express.is_none() {
                out.push(format!("{ctx}: Mode DISTRIBUTED requires ExecutionType (STANDARD or EXPRESS)"));
            }
        }
        let distributed = self.processor_config.is_some_and(|c| c.mode == ProcessorMode::Distributed);
        for (field, set) in [
            ("ItemReader", self.item_reader.is_some()),
            ("ItemBatcher", self.item_batcher.is_some()),
            ("ResultWriter", self.result_writer.is_some()),
            ("Label", self.label.is_some()),
            ("ToleratedFailurePercentage", self.tolerated_failure_percentage.is_some()),
            ("ToleratedFailureCount", self.tolerated_failure_count.is_some()),
        ] {
            if set && !distributed {
                out.push(format!("{ctx}: {field} is only allowed in a Map state with Mode DISTRIBUTED"));
            }
        }
        self.fields.check_errors(ctx, out);
        let field = if self.legacy_iterator { "Iterator" } else { "ItemProcessor" };
        self.processor.check_into(&format!("{ctx} {field}"), false, out);
    }

    pub(crate) fn parse(r: &mut Reader<'_, '_>) -> Option<Map> {
        let errors = CommonFields::parse_errors(r, Map::TAKES);
        let has_processor = r.has("ItemProcessor");
        let has_iterator = r.has("Iterator");
        let field = match (has_processor, has_iterator) {
            (true, false) => Some("ItemProcessor"),
            (false, true) => Some("Iterator"),
            (true, true) => {
                r.problem("a Map state may have ItemProcessor or its legacy form Iterator, not both");
                r.raw("Iterator");
                r.raw("ItemProcessor");
                None
            }
            (false, false) => {
                r.problem("missing required field ItemProcessor (or its legacy form Iterator)");
                None
            }
        };
        let mut processor = None;
        let mut processor_config = None;
        if let Some(field) = field {
            if let Some(obj) = r.object(field) {
                let ctx = format!("{} {field}", r.ctx);
                let mut body = obj.clone();
                if let Some(cfg) = body.shift_remove("ProcessorConfig") {
                    processor_config = parse_config(&cfg, &ctx, r.problems);
                }
                processor = Definition::parse_object(&body, &ctx, r.problems);
            }
        }
        let mut m = Map::new(processor.clone().unwrap_or_else(|| Definition::new("")));
        m.processor_config = processor_config;
        m.legacy_iterator = field == Some("Iterator");
        m.fields = CommonFields::parse_after_errors(r, Map::TAKES, errors);
        m.item_selector = r.value("ItemSelector");
        m.items_path = r.string("ItemsPath");
        m.max_concurrency = r.uint("MaxConcurrency");
        m.max_concurrency_path = r.string("MaxConcurrencyPath");
        m.tolerated_failure_percentage = r.number("ToleratedFailurePercentage");
        m.tolerated_failure_count = r.uint("ToleratedFailureCount");
        m.label = r.string("Label");
        m.item_reader = r.value("ItemReader");
        m.item_batcher = r.value("ItemBatcher");
        m.result_writer = r.value("ResultWriter");
        m.fields.parse_transition(r, Map::TAKES);
        processor.map(|_| m)
    }
}

fn parse_config(cfg: &serde_json::Value, ctx: &str, problems: &mut Vec<String>) -> Option<ProcessorConfig> {
    let Some(obj) = cfg.as_object() else {
        problems.push(format!("{ctx}: ProcessorConfig must be an object"));
        return None;
    };
    let mut r = Reader::new(obj, format!("{ctx} ProcessorConfig"), problems);
    let mode = match r.string("Mode").as_deref() {
        None | Some("INLINE") => Some(ProcessorMode::Inline),
        Some("DISTRIBUTED") => Some(ProcessorMode::Distributed),
        Some(other) => {
            r.problem(format!("Mode must be INLINE or DISTRIBUTED (got {other:?})"));
            None
        }
    };
    let express = match r.string("ExecutionType").as_deref() {
        None => Some(None),
        Some("STANDARD") => Some(Some(false)),
        Some("EXPRESS") => Some(Some(true)),
        Some(other) => {
            r.problem(format!("ExecutionType must be STANDARD or EXPRESS (got {other:?})"));
            None
        }
    };
    r.finish("ProcessorConfig");
    Some(ProcessorConfig { mode: mode?, express: express? })
}

#[cfg(test)]
mod tests {
    use super::super::super::*;
    use serde_json::json;

    fn each() -> Definition {
        Definition::new("Each").state("Each", Pass::new().end())
    }

    fn problems(m: Map) -> Vec<String> {
        Definition::new("M").state("M", m.end()).problems()
    }

    #[test]
    fn renders_item_processor_with_config() {
        let m = Map::new(each())
            .items_path("$.items")
            .max_concurrency(3)
            .processor_config(ProcessorConfig { mode: ProcessorMode::Distributed, express: Some(true) })
            .end();
        let d = Definition::new("M").state("M", m);
        assert_eq!(d.problems(), Vec::<String>::new());
        assert_eq!(
            d.to_json().unwrap()["States"]["M"],
            json!({
                "End": true,
                "ItemProcessor": {
                    "ProcessorConfig": {"ExecutionType": "EXPRESS", "Mode": "DISTRIBUTED"},
                    "StartAt": "Each",
                    "States": {"Each": {"End": true, "Type": "Pass"}}
                },
                "ItemsPath": "$.items",
                "MaxConcurrency": 3,
                "Type": "Map"
            })
        );
    }

    #[test]
    fn field_combinations_are_checked() {
        let mut m = Map::new(each()).item_selector(json!({"a.$": "$"})).parameters(json!({"b": 1}));
        m.max_concurrency = Some(1);
        m.max_concurrency_path = Some("$.n".into());
        m.label = Some("x".into());
        m.tolerated_failure_percentage = Some(150.into());
        let p = problems(m);
        for needle in [
            "state \"M\": a Map state may have ItemSelector or its legacy form Parameters, not both",
            "state \"M\": a Map state may have MaxConcurrency or MaxConcurrencyPath, not both",
            "state \"M\": ToleratedFailurePercentage must be between 0 and 100",
            "state \"M\": Label is only allowed in a Map state with Mode DISTRIBUTED",
            "state \"M\": ToleratedFailurePercentage is only allowed in a Map state with Mode DISTRIBUTED",
        ] {
            assert!(p.iter().any(|m| m == needle), "{needle}: {p:#?}");
        }
        let p = problems(
            Map::new(each()).processor_config(ProcessorConfig { mode: ProcessorMode::Distributed, express: None }),
        );
        assert_eq!(p, vec!["state \"M\": Mode DISTRIBUTED requires ExecutionType (STANDARD or EXPRESS)"]);
        let p = problems(
            Map::new(each()).processor_config(ProcessorConfig { mode: ProcessorMode::Inline, express: Some(false) }),
        );
        assert_eq!(p, vec!["state \"M\": ExecutionType is only allowed with Mode DISTRIBUTED"]);
    }

    #[test]
    fn processor_transitions_may_not_leave_it() {
        let processor = Definition::new("Each").state("Each", Pass::new().next("After"));
        let d = Definition::new("M").state("M", Map::new(processor).next("After")).state("After", Succeed::new());
        assert_eq!(
            d.problems(),
            vec!["state \"M\" ItemProcessor: state \"Each\": Next \"After\" is not a state of this branch (transitions may not leave a Parallel branch or Map processor)"]
        );
    }

    #[test]
    fn import_reads_processor_config_and_rejects_both_forms() {
        let v = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "FAST"}, "StartAt": "E", "States": {"E": {"Type": "Succeed"}}}}}});
        let e = Definition::from_json(&v).unwrap_err();
        assert_eq!(
            e.problems,
            vec!["state \"M\" ItemProcessor ProcessorConfig: Mode must be INLINE or DISTRIBUTED (got \"FAST\")"]
        );
        let v = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
            "ItemProcessor": {"StartAt": "E", "States": {"E": {"Type": "Succeed"}}},
            "Iterator": {"StartAt": "E", "States": {"E": {"Type": "Succeed"}}}}}});
        let e = Definition::from_json(&v).unwrap_err();
        assert_eq!(
            e.problems,
            vec!["state \"M\": a Map state may have ItemProcessor or its legacy form Iterator, not both"]
        );
    }
}
