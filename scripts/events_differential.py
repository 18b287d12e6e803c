"""Runs EventBridge event-pattern corpus cases on LocalStack and records its verdicts as JSON.

Run it through scripts/events-differential (which starts LocalStack and picks the venv's python):

    python scripts/events_differential.py --out VERDICTS.json [--endpoint URL] CASE_FILE...

Each CASE_FILE is a JSON array of cases (tests/conformance/events/README.md). Per case, one
verdict, from one TestEventPattern call (EventPattern and Event as JSON text, us-east-1):

- `{"result": true|false}`: LocalStack accepted the pattern and the event, and says whether the
  event matches;
- `{"error": "<code>: <message>"}`: LocalStack refused the call (an invalid pattern, or an event
  it will not take), with the error code and message of its reply;
- `{"skipped": "global deadline reached before the case ran"}`.

The file: `{"localstack": <version from the health endpoint>, "recorded": <UTC date>, "cases":
{name: verdict}}`, keys sorted, indent 2, trailing newline, so two runs on the same LocalStack
the same day give the same bytes. Cases run 4 at a time; the whole run is bounded by a global
deadline (5 minutes): cases not finished by then are recorded as skipped.
"""

import json
import sys
import time

import botocore.exceptions

import differential
from differential import api_error_text

GLOBAL_DEADLINE_SECONDS = 5 * 60
REGION = "us-east-1"

TOOL = differential.Tool("events-differential")
log = TOOL.log


class Runner:
    def __init__(self, endpoint, deadline):
        self.deadline = deadline
        # A client is thread-safe once made; one for all workers.
        self.events = differential.client(
            differential.session(),
            "events",
            REGION,
            endpoint,
            read_timeout=10,
            max_pool_connections=differential.WORKERS,
        )

    def run(self, case):
        if time.monotonic() >= self.deadline:
            return {"skipped": "global deadline reached before the case ran"}
        try:
            reply = self.events.test_event_pattern(
                EventPattern=json.dumps(case["pattern"], ensure_ascii=False),
                Event=json.dumps(case["event"], ensure_ascii=False),
            )
        except botocore.exceptions.ClientError as err:
            return {"error": api_error_text(err)}
        return {"result": bool(reply["Result"])}

    def run_logged(self, case):
        t0 = time.monotonic()
        try:
            verdict = self.run(case)
        except Exception as err:  # a transport failure: recorded, the run goes on
            verdict = {"error": api_error_text(err)}
        if "skipped" not in verdict:
            expect = case.get("expect")
            summary = verdict.get("result", verdict.get("error"))
            log(f"{case['name']}: {summary} (expect {json.dumps(expect)}) ({time.monotonic() - t0:.2f}s)")
        return verdict


def load_cases(paths):
    return TOOL.load_cases(paths, lambda case: "pattern" in case and "event" in case, "a string name, a pattern or an event")


def kind_of(verdict):
    return next((k for k in ("skipped", "error") if k in verdict), None) or f"result={verdict['result']}".lower()


def main():
    # The last calls' read timeout: 15 s past the deadline.
    return differential.main(TOOL, __doc__, GLOBAL_DEADLINE_SECONDS, 15, load_cases, Runner, kind_of)


if __name__ == "__main__":
    sys.exit(main())
