"""Runs Amazon States Language corpus cases on LocalStack and records its verdicts as JSON.

Run it through scripts/asl-differential (which starts LocalStack and picks the venv's python):

    python scripts/asl_differential.py --out VERDICTS.json [--endpoint URL] CASE_FILE...

Each CASE_FILE is a JSON array of cases (tests/conformance/asl/README.md). Per case, one verdict:

- `{"skipped": "<reason>"}`: the case has `handlers`, a Task state anywhere (Parallel branches and
  Map processors included; LocalStack would call real services), or a Wait longer than 3 s
  (`Seconds` > 3, `SecondsPath`, `Timestamp`, `TimestampPath`: the run would take wall-clock time).
- `{"refused": true, "message": "..."}` or `{"refused": false}` for a case that expects a
  `definition_error`: whether CreateStateMachine refused the definition (nothing is run).
  A case that expects to run but is refused gets `{"refused": true, "message": ...}` too.
- `{"stuck": true}`: the execution was still running after 30 s (it is stopped).
- otherwise `{"status", "output" (parsed JSON or null), "error", "cause", "states" (every
  *StateEntered event's state name, in order), "history" (every event type, in order)}`. The
  order is the interpreter's: Map items and Parallel branches one after another (item 0, branch 0
  first), rebuilt from previousEventId, since LocalStack runs them concurrently and interleaves
  their events differently on each run.
- `{"api_error": "..."}` when a LocalStack API call failed otherwise.

The state machine is named after the case; the execution as the case's `options.execution_name`
(default `simulation`). LocalStack keeps the executions of deleted state machines, so on a second
run against the same LocalStack that name is taken: the execution is then renamed and the verdict
says so (`"execution_name"`). For the canonical file, record on a freshly started LocalStack.

The file: `{"localstack": <version from the health endpoint>, "recorded": <UTC date>, "cases":
{name: verdict}}`, keys sorted, indent 2, trailing newline, so two runs on the same LocalStack
the same day give the same bytes. Cases run 4 at a time; the whole run is bounded by a global
deadline (15 minutes): cases not finished by then are recorded as skipped.
"""

import json
import re
import sys
import threading
import time

import botocore.exceptions

import differential
from differential import api_error_text

ROLE_ARN = "arn:aws:iam::000000000000:role/asl-differential"
ACCOUNT = "000000000000"
POLL_SECONDS = 0.05
CASE_TIMEOUT_SECONDS = 30.0
GLOBAL_DEADLINE_SECONDS = 15 * 60
MAX_WAIT_SECONDS = 3

TOOL = differential.Tool("asl-differential")
log = TOOL.log


# --- which cases can run ------------------------------------------------------------------------


def all_states(definition, path=""):
    """Yields (path, name, state) for every state of a definition, nested ones included."""
    states = definition.get("States") if isinstance(definition, dict) else None
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = f"{path}{name}"
        yield here, name, state
        if state.get("Type") == "Parallel":
            for i, branch in enumerate(state.get("Branches") or []):
                yield from all_states(branch, f"{here}.Branches[{i}].")
        elif state.get("Type") == "Map":
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(key), dict):
                    yield from all_states(state[key], f"{here}.{key}.")


def skip_reason(case):
    if case.get("handlers"):
        return "has handlers (Task replies LocalStack cannot give)"
    for path, _, state in all_states(case["definition"]):
        kind = state.get("Type")
        if kind == "Task":
            return f"Task state {path} (LocalStack would call the real resource)"
        if kind == "Wait":
            for key in ("SecondsPath", "Timestamp", "TimestampPath"):
                if key in state:
                    return f"Wait state {path} uses {key} (a wall-clock wait)"
            seconds = state.get("Seconds")
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
                return f"Wait state {path} has a computed Seconds (a wall-clock wait)"
            if seconds > MAX_WAIT_SECONDS:
                return f"Wait state {path} waits {seconds:g} s (more than {MAX_WAIT_SECONDS} s)"
    return None


# --- the history in a deterministic order -------------------------------------------------------

# The events that end a Map or a Parallel state (in its own lane).
MAP_ENDS = {"MapStateSucceeded", "MapStateFailed", "MapStateAborted", "MapStateExited"}
PARALLEL_ENDS = {"ParallelStateSucceeded", "ParallelStateFailed", "ParallelStateAborted", "ParallelStateExited"}


def sequential_order(events, definition):
    """The events as if Map items and Parallel branches ran one after another (item 0 / branch 0
    first, each complete), the interpreter's order: LocalStack runs them concurrently, so its own
    order of their events varies from run to run.

    Each event names the event before it in its thread (previousEventId); from that, every event
    gets a lane: () for the execution, lane + ((fork event id, (index, id)),) for a Map item or a
    Parallel branch. A lane's events are listed in id order, each fork's lanes right after it.
    """
    par_start_ats = {}
    for _, name, state in all_states(definition):
        if state.get("Type") == "Parallel":
            for branch in state.get("Branches") or []:
                if isinstance(branch, dict):
                    par_start_ats.setdefault(name, []).append(branch.get("StartAt"))
    events = sorted(events, key=lambda e: e["id"])
    by_id = {e["id"]: e for e in events}
    lane_of, fork_kind, fork_name, children = {}, {}, {}, {}

    def entered_name(event):
        return (event or {}).get("stateEnteredEventDetails", {}).get("name")

    def enclosing(lane, kind, name=None):
        """The nearest lane (this one or an outer one) of a `kind` fork (of the state `name`)."""
        while lane and not (fork_kind[lane[-1][0]] == kind and name in (None, fork_name[lane[-1][0]])):
            lane = lane[:-1]
        return lane

    def fork(p, e, kind, name, index):
        fork_kind.setdefault(p["id"], kind)
        fork_name.setdefault(p["id"], name)
        lane = lane_of[p["id"]] + ((p["id"], (index, e["id"])),)
        children.setdefault(p["id"], []).append(lane)
        return lane

    for e in events:
        p = by_id.get(e.get("previousEventId"))
        t = e["type"]
        if p is None or p["id"] not in lane_of:
            lane = ()
        elif t == "MapIterationStarted":
            # After MapStateStarted, or (one item at a time) after the previous item's last event.
            name = e.get("mapIterationStartedEventDetails", {}).get("name")
            index = e.get("mapIterationStartedEventDetails", {}).get("index", 1 << 30)
            sibling = enclosing(lane_of[p["id"]], "map", name) if p["type"] != "MapStateStarted" else ()
            if sibling:
                parent = by_id[sibling[-1][0]]
                lane = sibling[:-1] + ((parent["id"], (index, e["id"])),)
                children[parent["id"]].append(lane)
            else:
                lane = fork(p, e, "map", name, index)
        elif p["type"] == "ParallelStateStarted" and t not in PARALLEL_ENDS:
            start_ats = par_start_ats.get(entered_name(by_id.get(p.get("previousEventId"))), [])
            first = entered_name(e)
            index = start_ats.index(first) if first in start_ats else 1 << 30
            lane = fork(p, e, "parallel", None, index)
        elif t in MAP_ENDS and p["type"] not in MAP_ENDS | {"MapStateStarted"}:
            # The Map ends after its last item's last event: back to the Map's lane.
            lane = enclosing(lane_of[p["id"]], "map")[:-1]
        elif t in PARALLEL_ENDS and p["type"] not in PARALLEL_ENDS | {"ParallelStateStarted"}:
            lane = enclosing(lane_of[p["id"]], "parallel")[:-1]
        else:
            lane = lane_of[p["id"]]
        lane_of[e["id"]] = lane

    in_lane = {}
    for e in events:
        in_lane.setdefault(lane_of[e["id"]], []).append(e)
    out = []

    def emit(lane):
        for e in in_lane.get(lane, []):
            out.append(e)
            for child in sorted(children.get(e["id"], []), key=lambda lane: lane[-1][1]):
                emit(child)

    emit(())
    return out if len(out) == len(events) else events


# --- running one case ---------------------------------------------------------------------------


def machine_name(case_name):
    """The state machine's name: the case's name in [A-Za-z0-9-_], at most 80 characters."""
    name = re.sub(r"[^A-Za-z0-9_-]", "-", case_name)[:80]
    return name or "case"


class Runner:
    def __init__(self, endpoint, deadline):
        self.endpoint = endpoint
        self.deadline = deadline
        self._clients = {}
        self._clients_lock = threading.Lock()
        self._warned_renamed = False
        self.run_token = f"{time.time_ns() // 1_000_000:x}"[-8:]
        self._session = differential.session()

    def client(self, region):
        # Clients are thread-safe; creating them is not (hence the lock).
        with self._clients_lock:
            if region not in self._clients:
                self._clients[region] = differential.client(
                    self._session, "stepfunctions", region, self.endpoint, read_timeout=30
                )
            return self._clients[region]

    def create(self, sfn, region, name, definition):
        """Creates the state machine; returns (arn, None) or (None, refusal message)."""
        kwargs = dict(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN, type="STANDARD")
        try:
            return sfn.create_state_machine(**kwargs)["stateMachineArn"], None
        except sfn.exceptions.StateMachineAlreadyExists:
            # Left over from an interrupted run: replace it.
            sfn.delete_state_machine(stateMachineArn=f"arn:aws:states:{region}:{ACCOUNT}:stateMachine:{name}")
            try:
                return sfn.create_state_machine(**kwargs)["stateMachineArn"], None
            except botocore.exceptions.ClientError as err:
                return None, api_error_text(err)
        except botocore.exceptions.ClientError as err:
            code = err.response.get("Error", {}).get("Code", "")
            if code in ("InvalidDefinition", "ValidationException", "InvalidName"):
                return None, api_error_text(err)
            raise

    def run(self, case):
        options = case.get("options") or {}
        region = options.get("region", "us-east-1")
        sfn = self.client(region)
        name = machine_name(case["name"])
        expects_refusal = "definition_error" in (case.get("expect") or {})
        reason = None if expects_refusal else skip_reason(case)
        if reason:
            return {"skipped": reason}
        if time.monotonic() >= self.deadline:
            return {"skipped": "global deadline reached before the case ran"}

        arn, refusal = self.create(sfn, region, name, case["definition"])
        if refusal is not None:
            return {"refused": True, "message": refusal}
        try:
            if expects_refusal:
                return {"refused": False}
            return self.execute(sfn, arn, case, options)
        finally:
            try:
                sfn.delete_state_machine(stateMachineArn=arn)
            except Exception as err:  # cleanup only: the verdict stands
                log(f"{case['name']}: could not delete {arn}: {api_error_text(err)}")

    def execute(self, sfn, arn, case, options):
        # LocalStack keeps a deleted state machine's executions, and a re-created one has the same
        # ARN: a second run on the same LocalStack must name its executions afresh (and says so in
        # the verdict, since $$.Execution.Name then differs from the case's).
        wanted = options.get("execution_name", "simulation")
        renamed = None
        try:
            execution = sfn.start_execution(
                stateMachineArn=arn, name=wanted, input=json.dumps(case.get("input", {}))
            )["executionArn"]
        except sfn.exceptions.ExecutionAlreadyExists:
            renamed = f"{wanted[:70]}-{self.run_token}"
            self.warn_renamed()
            execution = sfn.start_execution(
                stateMachineArn=arn, name=renamed, input=json.dumps(case.get("input", {}))
            )["executionArn"]
        until = min(time.monotonic() + CASE_TIMEOUT_SECONDS, self.deadline)
        while True:
            described = sfn.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING":
                break
            if time.monotonic() >= until:
                try:
                    sfn.stop_execution(executionArn=execution, error="AslDifferential.Stuck")
                except Exception as err:
                    log(f"{case['name']}: could not stop {execution}: {api_error_text(err)}")
                if time.monotonic() >= self.deadline:
                    return {"stuck": True, "note": "stopped at the global deadline"}
                return {"stuck": True}
            time.sleep(POLL_SECONDS)

        events = []
        for page in sfn.get_paginator("get_execution_history").paginate(
            executionArn=execution, includeExecutionData=True
        ):
            events.extend(page["events"])
        events = sequential_order(events, case["definition"])
        output = described.get("output")
        verdict = {
            "status": described["status"],
            "output": json.loads(output) if output is not None else None,
            "error": described.get("error"),
            "cause": described.get("cause"),
            "states": [
                e["stateEnteredEventDetails"]["name"]
                for e in events
                if e["type"].endswith("StateEntered") and "stateEnteredEventDetails" in e
            ],
            "history": [e["type"] for e in events],
        }
        if renamed:
            verdict["execution_name"] = renamed
        return verdict

    def warn_renamed(self):
        with self._clients_lock:
            if self._warned_renamed:
                return
            self._warned_renamed = True
        log(
            "this LocalStack already ran some of these cases, so their executions are renamed "
            f"(...-{self.run_token}, noted in the verdicts); for the cases' own names restart it: "
            "scripts/localstack down && scripts/localstack up"
        )

    def run_logged(self, case):
        t0 = time.monotonic()
        try:
            verdict = self.run(case)
        except Exception as err:
            verdict = {"api_error": api_error_text(err)}
        summary = next(
            (f"{k}={verdict[k]}" for k in ("status", "refused", "stuck", "api_error") if k in verdict),
            "skipped",
        )
        if "skipped" not in verdict:
            log(f"{case['name']}: {summary} ({time.monotonic() - t0:.2f}s)")
        return verdict


# --- the corpus and the file --------------------------------------------------------------------


def load_cases(paths):
    cases = TOOL.load_cases(paths, lambda case: isinstance(case.get("definition"), dict), "a string name or an object definition")
    names = {}
    for case in cases:
        other = names.setdefault(machine_name(case["name"]), case["name"])
        if other != case["name"]:
            TOOL.die(f"cases {other!r} and {case['name']!r} give the same state machine name")
    return cases


def kind_of(verdict):
    kind = next((k for k in ("skipped", "refused", "stuck", "api_error") if k in verdict), "ran")
    if kind == "refused" and not verdict["refused"]:
        kind = "accepted"
    return kind


def main():
    # The last cases' stop + cleanup: up to CASE_TIMEOUT_SECONDS past the deadline.
    return differential.main(TOOL, __doc__, GLOBAL_DEADLINE_SECONDS, CASE_TIMEOUT_SECONDS, load_cases, Runner, kind_of)


if __name__ == "__main__":
    sys.exit(main())
