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

import argparse
import concurrent.futures
import datetime
import json
import os
import sys
import threading
import time
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

WORKERS = 4
GLOBAL_DEADLINE_SECONDS = 5 * 60
REGION = "us-east-1"

_print_lock = threading.Lock()


def log(message):
    with _print_lock:
        print(f"events-differential: {message}", file=sys.stderr, flush=True)


def api_error_text(err):
    if isinstance(err, botocore.exceptions.ClientError):
        e = err.response.get("Error", {})
        return f"{e.get('Code', '?')}: {e.get('Message', '')}"
    return f"{type(err).__name__}: {err}"


class Runner:
    def __init__(self, endpoint, deadline):
        self.deadline = deadline
        session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test")
        # A client is thread-safe once made; one for all workers.
        self.events = session.client(
            "events",
            region_name=REGION,
            endpoint_url=endpoint,
            config=botocore.config.Config(
                connect_timeout=5,
                read_timeout=10,
                retries={"max_attempts": 3, "mode": "standard"},
                max_pool_connections=WORKERS,
            ),
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
    cases, where = [], {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as err:
                sys.exit(f"events-differential: error: {path}: not JSON: {err}")
        if not isinstance(data, list):
            sys.exit(f"events-differential: error: {path}: not a JSON array of cases")
        for i, case in enumerate(data):
            if not (isinstance(case, dict) and isinstance(case.get("name"), str) and "pattern" in case and "event" in case):
                sys.exit(f"events-differential: error: {path}: case {i} lacks a string name, a pattern or an event")
            if case["name"] in where:
                sys.exit(f"events-differential: error: case {case['name']!r} is in both {where[case['name']]} and {path}")
            where[case["name"]] = path
            cases.append(case)
    return cases


def localstack_version(endpoint):
    with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=5) as resp:
        return json.load(resp).get("version", "unknown")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="where to write the verdicts")
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566")
    parser.add_argument("files", nargs="+", metavar="CASE_FILE")
    args = parser.parse_args()

    started = time.monotonic()
    deadline = started + GLOBAL_DEADLINE_SECONDS
    cases = load_cases(args.files)
    version = localstack_version(args.endpoint)
    runner = Runner(args.endpoint, deadline)
    log(f"{len(cases)} cases from {len(args.files)} file(s) on LocalStack {version}, {WORKERS} at a time")

    verdicts = {}
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS)
    try:
        futures = {pool.submit(runner.run_logged, case): case["name"] for case in cases}
        remaining = deadline - time.monotonic() + 15  # the last calls' read timeout
        done, not_done = concurrent.futures.wait(futures, timeout=max(remaining, 0))
        for future in done:
            verdicts[futures[future]] = future.result()
        for future in not_done:
            future.cancel()
            verdicts[futures[future]] = {"skipped": "global deadline reached before the case finished"}
    finally:
        pool.shutdown(wait=False, cancel_futures=True)

    document = {
        "localstack": version,
        "recorded": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        "cases": verdicts,
    }
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    tmp = f"{args.out}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.out)

    kinds = {}
    for verdict in verdicts.values():
        kind = next((k for k in ("skipped", "error") if k in verdict), None) or f"result={verdict['result']}".lower()
        kinds[kind] = kinds.get(kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    log(f"wrote {args.out}: {summary} ({time.monotonic() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
