"""Times Step Functions executions on LocalStack, for the simulate benchmark.

The benchmark (app/benches/simulate.rs) starts LocalStack when it is not running, writes the
spec and runs this with the boto3 of .tools/localstack-venv (as localstack-core pins it):

    python scripts/bench_sfn_localstack.py SPEC.json [--out RESULT.json] [--endpoint URL]

SPEC.json: {"machines": [{"name": "flagship", "definition": "<ASL JSON text>", "inputs": [<JSON>,
...], "executions": 20, "warmup": 1, "timeout_seconds": 120, "stop_after_timeout": false}, ...]}.
Per machine, in order: CreateStateMachine (STANDARD, role arn:aws:iam::000000000000:role/bench, a
name new to this run), `warmup` unmeasured executions, then `executions` measured ones, one at a
time, the inputs taken in turn; then DeleteStateMachine. A sample is the wall time
(time.perf_counter) from just before StartExecution to the DescribeExecution response that reports
a status other than RUNNING, polling every 10 ms for the first 2 s and every 100 ms after (so long
executions are not slowed by the polling): what a caller of the emulator waits for an execution,
over HTTP, in real time.

An execution still RUNNING after `timeout_seconds` is stopped (StopExecution) and recorded as a
sample with status "RUNNING", error "bench.Timeout" and the time waited; with
`stop_after_timeout`, the machine's remaining executions are then not started (counted in
"skipped"). An execution whose StartExecution or DescribeExecution fails is recorded with status
"API_ERROR", error the API error's code and cause its message.

Writes one JSON object to RESULT.json (default: stdout): {"localstack": <version from the health
endpoint>, "machines": {name: [{"seconds", "status", "output" (parsed JSON or null), "error",
"cause", "polls"}, ...]}, "skipped": {name: <executions not started>}} (the measured executions
only). Progress goes to stderr. Exits 1 with the reason on stderr when the health endpoint,
CreateStateMachine or a warm-up execution fails.

With "delete_log_group_prefix": "<prefix>" in SPEC.json (the machines may then be []), every
CloudWatch Logs log group whose name starts with the prefix is deleted after the machines run, and
"deleted_log_groups" in the result lists them: the benchmark's cleanup of the log group the
flagship stack retains when it is destroyed (`DeletionPolicy: Retain`, by design).
"""

import argparse
import json
import sys
import time
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

ROLE_ARN = "arn:aws:iam::000000000000:role/bench"
REGION = "us-east-1"
POLL_SECONDS = 0.01
POLL_SECONDS_LATER = 0.1
POLL_FAST_FOR_SECONDS = 2.0
DEFAULT_TIMEOUT_SECONDS = 120.0


def log(message):
    print(f"bench_sfn_localstack: {message}", file=sys.stderr, flush=True)


def api_error_text(err):
    if isinstance(err, botocore.exceptions.ClientError):
        e = err.response.get("Error", {})
        return f"{e.get('Code', '?')}: {e.get('Message', '')}"
    return f"{type(err).__name__}: {err}"


def localstack_version(endpoint):
    with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=5) as resp:
        return json.load(resp).get("version", "?")


def client(endpoint):
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )
    return session.client(
        "stepfunctions",
        endpoint_url=endpoint,
        config=botocore.config.Config(
            connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}
        ),
    )


def execute(sfn, arn, payload, timeout):
    """One execution, timed from StartExecution to a terminal DescribeExecution.

    Raises TimeoutError when it is still running after `timeout` seconds (it is stopped then).
    """
    start = time.perf_counter()
    execution = sfn.start_execution(stateMachineArn=arn, input=payload)["executionArn"]
    polls = 0
    while True:
        described = sfn.describe_execution(executionArn=execution)
        polls += 1
        elapsed = time.perf_counter() - start
        if described["status"] != "RUNNING":
            seconds = elapsed
            break
        if elapsed > timeout:
            try:
                sfn.stop_execution(executionArn=execution)
            except botocore.exceptions.ClientError as err:
                log(f"could not stop {execution}: {api_error_text(err)}")
            raise TimeoutError(f"{execution} still RUNNING after {timeout:.0f} s (stopped)")
        time.sleep(POLL_SECONDS if elapsed < POLL_FAST_FOR_SECONDS else POLL_SECONDS_LATER)
    output = described.get("output")
    return {
        "seconds": seconds,
        "status": described["status"],
        "output": None if output is None else json.loads(output),
        "error": described.get("error"),
        "cause": described.get("cause"),
        "polls": polls,
    }


def measured(sfn, arn, payload, timeout):
    """One measured execution: its sample, also when it times out or an API call fails."""
    start = time.perf_counter()
    try:
        return execute(sfn, arn, payload, timeout)
    except TimeoutError as err:
        error, cause, status = "bench.Timeout", str(err), "RUNNING"
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as err:
        status = "API_ERROR"
        error, _, cause = api_error_text(err).partition(": ")
    return {
        "seconds": time.perf_counter() - start,
        "status": status,
        "output": None,
        "error": error,
        "cause": cause,
        "polls": None,
    }


def delete_log_groups(endpoint, prefix):
    """Deletes the log groups whose names start with `prefix`; returns their names."""
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )
    logs = session.client(
        "logs",
        endpoint_url=endpoint,
        config=botocore.config.Config(connect_timeout=5, read_timeout=60),
    )
    names = []
    for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=prefix):
        names.extend(g["logGroupName"] for g in page.get("logGroups", []))
    for name in names:
        try:
            logs.delete_log_group(logGroupName=name)
        except logs.exceptions.ResourceNotFoundException:
            pass
        log(f"deleted log group {name}")
    return names


def run_machine(sfn, token, machine):
    name = f"bench-{machine['name']}-{token}"
    inputs = [json.dumps(i) for i in machine["inputs"]]
    timeout = float(machine.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS))
    arn = sfn.create_state_machine(
        name=name, definition=machine["definition"], roleArn=ROLE_ARN, type="STANDARD"
    )["stateMachineArn"]
    try:
        for i in range(int(machine.get("warmup", 0))):
            warm = execute(sfn, arn, inputs[i % len(inputs)], timeout)
            log(f"{machine['name']}: warm-up {warm['status']} in {warm['seconds']:.3f} s")
        samples = []
        executions = int(machine["executions"])
        for i in range(executions):
            sample = measured(sfn, arn, inputs[i % len(inputs)], timeout)
            log(f"{machine['name']}: {sample['status']} in {sample['seconds']:.3f} s")
            if sample["error"] is not None:
                log(f"{machine['name']}: {sample['error']}: {(sample['cause'] or '')[:300]}")
            samples.append(sample)
            if sample["error"] == "bench.Timeout" and machine.get("stop_after_timeout"):
                log(f"{machine['name']}: the other {executions - i - 1} executions are not started")
                break
        return samples, executions - len(samples)
    finally:
        try:
            sfn.delete_state_machine(stateMachineArn=arn)
        except Exception as err:  # cleanup only: the samples stand
            log(f"could not delete {arn}: {api_error_text(err)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", help="the machines to run (JSON; see the module docstring)")
    parser.add_argument("--out", help="where to write the result (default: stdout)")
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566")
    args = parser.parse_args()
    with open(args.spec, encoding="utf-8") as f:
        spec = json.load(f)
    try:
        version = localstack_version(args.endpoint)
        sfn = client(args.endpoint)
        token = f"{time.time_ns() // 1_000_000:x}"[-8:]
        runs = {m["name"]: run_machine(sfn, token, m) for m in spec["machines"]}
        prefix = spec.get("delete_log_group_prefix")
        deleted = delete_log_groups(args.endpoint, prefix) if prefix else []
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, OSError, TimeoutError) as err:
        log(f"error: {api_error_text(err)}")
        return 1
    result = json.dumps(
        {
            "localstack": version,
            "machines": {name: samples for name, (samples, _) in runs.items()},
            "skipped": {name: skipped for name, (_, skipped) in runs.items()},
            "deleted_log_groups": deleted,
        }
    )
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(result + "\n")
    else:
        print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
