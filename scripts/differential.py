"""What the LocalStack differential runners (asl_differential.py, events_differential.py) share:
the command line, the boto3 client, the case files, the pool of workers under a global deadline
and the verdicts file (keys sorted, indent 2, trailing newline: the same bytes for the same
verdicts on the same LocalStack the same day).
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
DEFAULT_ENDPOINT = "http://127.0.0.1:4566"

_print_lock = threading.Lock()


class Tool:
    """One runner's name, as it prefixes its log lines and error messages."""

    def __init__(self, name):
        self.name = name

    def log(self, message):
        with _print_lock:
            print(f"{self.name}: {message}", file=sys.stderr, flush=True)

    def die(self, message):
        sys.exit(f"{self.name}: error: {message}")

    def load_cases(self, paths, is_case, lacks):
        """The cases of these files (each a JSON array), in order; exits on a file that is not one,
        on a case for which `is_case` is false (with "case N lacks `lacks`") or on a name twice."""
        cases, where = [], {}
        for path in paths:
            with open(path, encoding="utf-8") as f:
                try:
                    data = json.load(f)
                except json.JSONDecodeError as err:
                    self.die(f"{path}: not JSON: {err}")
            if not isinstance(data, list):
                self.die(f"{path}: not a JSON array of cases")
            for i, case in enumerate(data):
                if not (isinstance(case, dict) and isinstance(case.get("name"), str) and is_case(case)):
                    self.die(f"{path}: case {i} lacks {lacks}")
                if case["name"] in where:
                    self.die(f"case {case['name']!r} is in both {where[case['name']]} and {path}")
                where[case["name"]] = path
                cases.append(case)
        return cases


def parse_args(doc):
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="where to write the verdicts")
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT)
    parser.add_argument("files", nargs="+", metavar="CASE_FILE")
    return parser.parse_args()


def api_error_text(err):
    if isinstance(err, botocore.exceptions.ClientError):
        e = err.response.get("Error", {})
        return f"{e.get('Code', '?')}: {e.get('Message', '')}"
    return f"{type(err).__name__}: {err}"


def session():
    return boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test")


def client(session, service, region, endpoint, read_timeout, **config):
    """A LocalStack client (5 s to connect, 3 attempts); `config`: more botocore Config options."""
    return session.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        config=botocore.config.Config(
            connect_timeout=5,
            read_timeout=read_timeout,
            retries={"max_attempts": 3, "mode": "standard"},
            **config,
        ),
    )


def localstack_version(endpoint):
    with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=5) as resp:
        return json.load(resp).get("version", "unknown")


def run_all(cases, run_logged, deadline, grace):
    """{name: verdict}: `run_logged(case)` for every case, WORKERS at a time; the cases not
    finished `grace` seconds after the deadline are recorded as skipped."""
    verdicts = {}
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS)
    try:
        futures = {pool.submit(run_logged, case): case["name"] for case in cases}
        remaining = deadline - time.monotonic() + grace
        done, not_done = concurrent.futures.wait(futures, timeout=max(remaining, 0))
        for future in done:
            verdicts[futures[future]] = future.result()
        for future in not_done:
            future.cancel()
            verdicts[futures[future]] = {"skipped": "global deadline reached before the case finished"}
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return verdicts


def write_verdicts(path, version, verdicts):
    """Writes the verdicts file (atomically: a temporary file, then renamed)."""
    document = {
        "localstack": version,
        "recorded": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        "cases": verdicts,
    }
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def count_kinds(verdicts, kind_of):
    """"N kind, ..." over the verdicts, kinds sorted."""
    kinds = {}
    for verdict in verdicts.values():
        kind = kind_of(verdict)
        kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))


def main(tool, doc, global_deadline, grace, load_cases, make_runner, kind_of):
    """A runner's whole run: the cases of the files on the command line, their verdicts written to
    --out. `load_cases(paths)`, `make_runner(endpoint, deadline)` (with a `run_logged(case)`),
    `kind_of(verdict)` (for the summary line)."""
    args = parse_args(doc)
    started = time.monotonic()
    deadline = started + global_deadline
    cases = load_cases(args.files)
    version = localstack_version(args.endpoint)
    runner = make_runner(args.endpoint, deadline)
    tool.log(f"{len(cases)} cases from {len(args.files)} file(s) on LocalStack {version}, {WORKERS} at a time")
    verdicts = run_all(cases, runner.run_logged, deadline, grace)
    write_verdicts(args.out, version, verdicts)
    tool.log(f"wrote {args.out}: {count_kinds(verdicts, kind_of)} ({time.monotonic() - started:.1f}s)")
    return 0
