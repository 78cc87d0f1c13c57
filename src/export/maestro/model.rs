//! Serde models of the Netflix Maestro workflow definition `compile --target maestro`
//! emits: the body of `POST /api/v3/workflows` (`properties` + `workflow`), with the JSON
//! field names of Maestro's model classes (`com.netflix.maestro.models.definition`:
//! `Workflow`, `Properties`, `RunStrategy`, `Step`/`TypedStep`, `ForeachStep`,
//! `WhileStep`, `SubworkflowStep`, `StepTransition`, `RetryPolicy`, `ParamDefinition`,
//! `SignalDependenciesDefinition`, `SignalOutputsDefinition`, `CronTimeTrigger`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The create-workflow request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    pub properties: Properties,
    pub workflow: Workflow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Properties {
    pub owner: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub run_strategy: Option<RunStrategy>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tags: Option<Vec<Tag>>,
}

/// `RunStrategy`: a rule, and for `PARALLEL` the number of concurrent runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunStrategy {
    pub rule: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub workflow_concurrency: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tags: Option<Vec<Tag>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timeout: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub time_triggers: Vec<TimeTrigger>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub signal_triggers: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub instance_step_concurrency: Option<i64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub params: BTreeMap<String, ParamDefinition>,
    pub steps: Vec<Step>,
}

/// `CronTimeTrigger` (`type: CRON`) or `PredefinedTimeTrigger` (`type: PREDEFINED`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeTrigger {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cron: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expression: Option<String>,
    pub timezone: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// A `ParamDefinition`: a typed value, or a SEL expression computing it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDefinition {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expression: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mode: Option<String>,
}

/// One entry of a `steps` list: `{"step": …}`, `{"foreach": …}`, `{"while": …}` or
/// `{"subworkflow": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    Step(StepDef),
    Foreach(LoopDef),
    While(LoopDef),
    Subworkflow(StepDef),
}

/// A typed step (`NoOp`, `Sleep`, `kubernetes`) or a subworkflow step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub id: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sync: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timeout: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub failure_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub retry_policy: Option<RetryPolicy>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub params: BTreeMap<String, ParamDefinition>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub signal_dependencies: Vec<SignalDependency>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub signal_outputs: Vec<SignalOutput>,
    #[serde(default)]
    pub transition: Transition,
}

/// A `foreach` (loop params, concurrency, inner steps) or a `while` (plus a condition).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoopDef {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub condition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub concurrency: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub failure_mode: Option<String>,
    pub params: BTreeMap<String, ParamDefinition>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub transition: Transition,
}

/// `StepTransition`: successors with their SEL conditions (`"true"` when unconditional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub successors: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error_retry_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timeout_retry_limit: Option<i64>,
    pub backoff: Backoff,
}

/// `RetryPolicy.Backoff`: `FIXED_BACKOFF` or `EXPONENTIAL_BACKOFF`, per kind of failure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backoff {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error_retry_backoff_in_secs: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error_retry_exponent: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error_retry_limit_in_secs: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timeout_retry_backoff_in_secs: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timeout_retry_exponent: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timeout_retry_limit_in_secs: Option<i64>,
}

/// One `signal_dependencies` entry: a signal name and the params it must match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalDependency {
    pub name: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub match_params: BTreeMap<String, SignalMatch>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalMatch {
    pub param: ParamDefinition,
    pub operator: String,
}

/// One `signal_outputs` entry: the signal a step publishes when it succeeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalOutput {
    pub name: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub params: BTreeMap<String, ParamDefinition>,
}
