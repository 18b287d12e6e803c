#!/usr/bin/env python3
"""LocalStack's EventBridge pattern engine, in-process, for app/benches/event_match.rs.

Run with the Python of .tools/localstack-venv (localstack-core installed):

    bench_event_match.py SPEC.json --out RESULT.json

SPEC: {"rules": [pattern JSON text, ...], "events": [event JSON text, ...],
       "compiled_passes": N, "provider_passes": M}

Times, per event (one sample per event per pass, after one warm-up pass):
- compiled: json.loads of the event text, then EventRuleEngine.evaluate_pattern_on_event over
  every rule, the patterns compiled (parsed and validated) once beforehand;
- provider: json.loads of the event text, then localstack.utils.event_matcher.matches_event per
  rule with the pattern's text, as LocalStack's EventBridge provider calls it (it compiles the
  pattern on every call).

RESULT: {"localstack": version, "compiled_seconds": [...], "provider_seconds": [...],
         "matches": [[rule index, ...] per event]}
"""

import argparse
import json
import time
from importlib.metadata import version

from localstack.services.events.event_rule_engine import EventPatternCompiler, EventRuleEngine
from localstack.utils.event_matcher import matches_event


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = json.load(f)
    rules = spec["rules"]
    events = spec["events"]

    compiler = EventPatternCompiler()
    engine = EventRuleEngine()
    compiled = [compiler.compile_event_pattern(r) for r in rules]

    def match_compiled(text: str) -> list:
        body = json.loads(text)
        return [i for i, p in enumerate(compiled) if engine.evaluate_pattern_on_event(p, body)]

    def match_provider(text: str) -> list:
        body = json.loads(text)
        return [i for i, p in enumerate(rules) if matches_event(p, body)]

    matches = [match_compiled(e) for e in events]  # also the warm-up
    compiled_seconds = []
    for _ in range(spec.get("compiled_passes", 3)):
        for e in events:
            start = time.perf_counter()
            match_compiled(e)
            compiled_seconds.append(time.perf_counter() - start)

    provider_seconds = []
    for e in events[:10]:
        assert match_provider(e) == match_compiled(e), "the provider path gives other matches"
    for _ in range(spec.get("provider_passes", 1)):
        for e in events:
            start = time.perf_counter()
            match_provider(e)
            provider_seconds.append(time.perf_counter() - start)

    with open(args.out, "w") as f:
        json.dump(
            {
                "localstack": version("localstack-core"),
                "compiled_seconds": compiled_seconds,
                "provider_seconds": provider_seconds,
                "matches": matches,
            },
            f,
        )


if __name__ == "__main__":
    main()
