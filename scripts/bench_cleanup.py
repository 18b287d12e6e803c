#!/usr/bin/env python3
"""Deletes what a scale benchmark left on the local emulator by design: the log groups its stacks
retain (DeletionPolicy: Retain) and its toolkit stack's staging bucket (retained too).

usage: bench_cleanup.py --endpoint URL [--log-group-prefix PREFIX]... [--bucket NAME]...

Runs with the boto3 of LocalStack's own venv (.tools/localstack-venv, made by scripts/localstack),
so nothing else is installed. Only the emulator's dummy credentials are used (test/test); it
refuses an endpoint that is not on 127.0.0.1 or localhost. Prints what it deleted; exits 1 when
a deletion fails.
"""
import argparse
import sys
from urllib.parse import urlparse

import boto3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--log-group-prefix", action="append", default=[])
    parser.add_argument("--bucket", action="append", default=[])
    args = parser.parse_args()
    if urlparse(args.endpoint).hostname not in ("127.0.0.1", "localhost"):
        print(f"bench_cleanup: refusing {args.endpoint}: the emulator only", file=sys.stderr)
        return 1
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    logs = session.client("logs", endpoint_url=args.endpoint)
    s3 = session.client("s3", endpoint_url=args.endpoint)
    failed = 0
    groups = 0
    buckets = 0
    for prefix in args.log_group_prefix:
        for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=prefix):
            for group in page.get("logGroups", []):
                try:
                    logs.delete_log_group(logGroupName=group["logGroupName"])
                    groups += 1
                except Exception as e:  # noqa: BLE001 - reported, then the rest goes on
                    print(f"bench_cleanup: {group['logGroupName']}: {e}", file=sys.stderr)
                    failed += 1
    for bucket in args.bucket:
        try:
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
                for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
                    s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
            s3.delete_bucket(Bucket=bucket)
            buckets += 1
        except Exception as e:  # noqa: BLE001
            print(f"bench_cleanup: bucket {bucket}: {e}", file=sys.stderr)
            failed += 1
    print(f"bench_cleanup: deleted {groups} log group(s) and {buckets} bucket(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
