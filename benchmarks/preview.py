"""Preview benchmark: an LDIF of 100,000 content items through fact sheet, relation and tag processors.

The configuration has about 10 updates per Deployment item (value mappings with a catch-all, a relation with
a field, tags from a comma list through ``forEach``). Reports:

- content items/s and processor evaluations/s of the engine (``evaluate``: bind, compile, run all levels).
  A processor evaluation is one run of a processor as iAPI defines it (reference §6.6: "a matching processor
  runs once, or once per forEach element / per search match"); the stricter count of (content item,
  processor) matches — the sum of iAPI's ``processedContentCount`` — is reported beside it;
- peak memory of the engine run (tracemalloc on a separate, smaller run — it slows Python down — and the
  growth of the process's peak RSS during the timed run);
- compiled-once against re-parsed JUEL: the configuration's templates evaluated on sample items with the
  compiled templates, and again compiling each template afresh for every use (no cache), as a ratio;
- LDIF loading: ``load_ldif`` on the serialised LDIF (validation, JSON-path positions on demand) against
  a bare ``json.loads`` of the same text, as a ratio;
- the engine against a hand-written loop (:func:`handwritten`: the same configuration written out in plain
  Python, building the same plan records), run side by side in the same process; both must give the same
  number of writes and the same records on a sample; ``engine_over_handwritten`` is the median ratio
  (goal: at most 4);
- the preview on top (frames built from the plan), for reference.

Run: ``.venv/bin/python benchmarks/preview.py [--items 100000]``; results go to benchmarks/results/preview.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import machine  # noqa: E402
from kit.integration.engine import evaluate  # noqa: E402
from kit.integration.engine.records import field_write, relation_write, sheet_ref, tag_write  # noqa: E402
from kit.integration.engine.records import origin as make_origin  # noqa: E402
from kit.integration.juel import compile_template  # noqa: E402
from kit.integration.plan import FactSheetRef  # noqa: E402

HEADER = {
    "connectorType": "benchmark",
    "connectorId": "preview",
    "connectorVersion": "1.0.0",
    "processingDirection": "inbound",
    "processingMode": "partial",
}
CATEGORIES = ("cloud_service", "sample_software", "hardware", "saas_tool", "other")
CLUSTERS = 200
TARGET = 100_000
#: the engine within this factor of the hand-written loop (issue 11)
RATIO_GOAL = 4


def mapping(key: str, source: str, pairs: list[tuple[str, str]], default: str) -> dict[str, Any]:
    values = [
        {"expr": source, "regexMatch": pattern, "regexReplace": {"match": "^.*$", "replace": result}}
        for pattern, result in pairs
    ]
    values.append({"expr": source, "regexMatch": ".*", "regexReplace": {"match": "^.*$", "replace": default}})
    return {"key": {"expr": key}, "values": values}


def configuration() -> dict[str, Any]:
    external = {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}}
    cluster = {"external": {"id": {"expr": "${data.clusterName}"}, "type": {"expr": "externalId"}}}
    return {
        **HEADER,
        "processors": [
            {
                "processorType": "inboundFactSheet",
                "processorName": "Apps from Deployments",
                "type": "Application",
                "filter": {"exactType": "Deployment"},
                "identifier": external,
                "updates": [
                    {"key": {"expr": "name"}, "values": [{"expr": "${data.app}"}]},
                    {"key": {"expr": "description"}, "values": [{"expr": "${data.app} - ${data.version}"}]},
                    mapping(
                        "businessCriticality",
                        "${data.category}",
                        [("(cloud_service)", "missionCritical"), ("(sample_software)", "businessCritical")],
                        "administrativeService",
                    ),
                    mapping(
                        "hostingType",
                        "${data.hosting}",
                        [("(?i)saas.*", "saas"), ("(?i)paas.*", "paas"), ("(?i)iaas.*", "iaas")],
                        "onPremise",
                    ),
                    {
                        "key": {"expr": "alias"},
                        "values": [{"expr": "${data.app.toLowerCase().replace(' ', '-')}"}],
                    },
                    {
                        "key": {"expr": "lifecycle.active"},
                        "values": [{"expr": "${data.since}"}],
                        "optional": True,
                    },
                ],
            },
            {
                "processorType": "inboundFactSheet",
                "processorName": "ITComponents from Clusters",
                "type": "ITComponent",
                "filter": {"exactType": "Cluster"},
                "identifier": external,
                "updates": [
                    {"key": {"expr": "name"}, "values": [{"expr": "${data.clusterName}"}]},
                    {"key": {"expr": "description"}, "values": [{"expr": "Cluster in ${data.region}"}]},
                ],
            },
            {
                "processorType": "inboundRelation",
                "processorName": "Apps run on clusters",
                "type": "relApplicationToITComponent",
                "filter": {"exactType": "Deployment"},
                "run": 1,
                "from": external,
                "to": cluster,
                "updates": [
                    {"key": {"expr": "description"}, "values": [{"expr": "deployed ${data.version}"}]}
                ],
            },
            {
                "processorType": "inboundTag",
                "processorName": "Tags of deployments",
                "filter": {"exactType": "Deployment"},
                "run": 1,
                "forEach": "${helper:toList(data.tags.split(','))}",
                "factSheets": {"external": {"ids": "${content.id}", "type": {"expr": "externalId"}}},
                "updates": [
                    {"key": {"expr": "name"}, "values": [{"expr": "${integration.valueOfForEach.trim()}"}]},
                    {"key": {"expr": "group.name"}, "values": [{"expr": "Deployment tags"}]},
                ],
            },
        ],
    }


def make_ldif(items: int) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    clusters = min(CLUSTERS, max(1, items // 10))
    for c in range(clusters):
        content.append(
            {
                "type": "Cluster",
                "id": f"cluster-{c}",
                "data": {"clusterName": f"cluster-{c}", "region": f"region-{c % 7}"},
            }
        )
    for i in range(items - clusters):
        content.append(
            {
                "type": "Deployment",
                "id": f"dep-{i:06d}",
                "data": {
                    "app": f"Service {i % 5000}",
                    "version": f"{i % 9}.{i % 13}.{i % 7}",
                    "category": CATEGORIES[i % len(CATEGORIES)],
                    "hosting": ("SaaS", "PaaS offering", "iaas", "on-prem")[i % 4],
                    "since": f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}",
                    "clusterName": f"cluster-{i % clusters}",
                    "tags": ("prod, eu", "test", "prod,us, critical")[i % 3],
                },
            }
        )
    return {**HEADER, "lxVersion": "1.0.0", "content": content}


def templates_of(node: Any) -> list[str]:
    """Every JUEL template text in the configuration (strings with ``${``)."""
    if isinstance(node, dict):
        return [t for v in node.values() for t in templates_of(v)]
    if isinstance(node, list):
        return [t for v in node for t in templates_of(v)]
    return [node] if isinstance(node, str) and "${" in node else []


def juel_ratio(config: dict[str, Any], ldif: dict[str, Any], sample: int) -> dict[str, Any]:
    from kit.integration.juel import Integration

    texts = templates_of(config["processors"])
    compiled = [compile_template(t) for t in texts]
    items = [i for i in ldif["content"] if i["type"] == "Deployment"][:sample]
    contexts = [
        {
            "data": i["data"],
            "content": i,
            "header": ldif,
            "variables": {},
            "integration": Integration(values={"valueOfForEach": " prod "}),
            "lx": None,
            "search": None,
        }
        for i in items
    ]

    usable = []  # templates that evaluate on every sample context (so the timed loops need no try)
    for text, template in zip(texts, compiled, strict=True):
        try:
            for ctx in contexts:
                template.evaluate(ctx)
        except Exception:
            continue
        usable.append((text, template))
    texts = [text for text, _ in usable]
    compiled = [template for _, template in usable]

    def run_compiled() -> int:
        count = 0
        for ctx in contexts:
            for template in compiled:
                template.evaluate(ctx)
            count += len(compiled)
        return count

    def run_reparsed() -> int:
        count = 0
        for ctx in contexts:
            for text in texts:
                compile_template(text).evaluate(ctx)
            count += len(texts)
        return count

    best_compiled = best_reparsed = float("inf")
    evaluations = 0
    for _ in range(3):
        start = time.perf_counter()
        evaluations = run_compiled()
        best_compiled = min(best_compiled, time.perf_counter() - start)
        start = time.perf_counter()
        run_reparsed()
        best_reparsed = min(best_reparsed, time.perf_counter() - start)
    return {
        "templates": len(texts),
        "evaluations": evaluations,
        "compiled_once_us_per_evaluation": round(best_compiled / evaluations * 1e6, 3),
        "reparsed_us_per_evaluation": round(best_reparsed / evaluations * 1e6, 3),
        "reparsed_over_compiled_ratio": round(best_reparsed / best_compiled, 1),
    }


def ldif_load_ratio(ldif: dict[str, Any]) -> dict[str, Any]:
    from kit.integration.inputs import load_ldif

    text = json.dumps(ldif, indent=1)
    best_plain = best_kit = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        json.loads(text)
        best_plain = min(best_plain, time.perf_counter() - start)
        start = time.perf_counter()
        loaded = load_ldif(text)
        best_kit = min(best_kit, time.perf_counter() - start)
    return {
        "content_items": len(loaded.content),
        "megabytes": round(len(text) / 1e6, 1),
        "json_loads_seconds": round(best_plain, 3),
        "load_ldif_seconds": round(best_kit, 3),
        "load_ldif_over_json_loads_ratio": round(best_kit / best_plain, 2),
    }


# -- the hand-written equivalent ------------------------------------------------------------------------


_CRITICALITY = (
    (re.compile("(cloud_service)"), "missionCritical"),
    (re.compile("(sample_software)"), "businessCritical"),
)
_HOSTING = (
    (re.compile("(?i)saas.*"), "saas"),
    (re.compile("(?i)paas.*"), "paas"),
    (re.compile("(?i)iaas.*"), "iaas"),
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NO_DETAILS: dict[str, Any] = {}


def _first_match(text: str, pairs: tuple[tuple[re.Pattern[str], str], ...], default: str) -> str:
    for pattern, result in pairs:
        if pattern.fullmatch(text) is not None:
            return result
    return default


def handwritten(ldif: dict[str, Any]) -> list[Any]:
    """The benchmark's configuration written out by hand: a plain loop per run level over the content dicts,
    building the same plan records as the engine (same order, same values) with the same constructors
    (:mod:`kit.integration.engine.records`). No JUEL, no configuration, no checks beyond what this one
    LDIF needs (the date of ``lifecycle.active`` is checked, as the engine coerces it)."""
    writes: list[Any] = []
    add = writes.append
    content = ldif["content"]
    new: dict[tuple[str, str], FactSheetRef] = {}
    # run level 0: fact sheets (one pass per processor, in configuration order, as iAPI runs them)
    for item in content:
        if item["type"] != "Deployment":
            continue
        data, content_id = item["data"], item["id"]
        ref = sheet_ref(None, "Application", ("externalId", content_id))
        new["Application", content_id] = ref
        where = make_origin(0, "Apps from Deployments", 0, content_id, "Deployment")
        app = data["app"]
        add(field_write(where, ref, "create", "name", app, None))
        add(field_write(where, ref, "create", "description", f"{app} - {data['version']}", None))
        criticality = _first_match(data["category"], _CRITICALITY, "administrativeService")
        add(field_write(where, ref, "create", "businessCriticality", criticality, None))
        hosting = _first_match(data["hosting"], _HOSTING, "onPremise")
        add(field_write(where, ref, "create", "hostingType", hosting, None))
        add(field_write(where, ref, "create", "alias", app.lower().replace(" ", "-"), None))
        since = data.get("since")
        if since and _ISO_DATE.fullmatch(since):
            add(field_write(where, ref, "create", "lifecycle.active", since, None))
    for item in content:
        if item["type"] != "Cluster":
            continue
        data, content_id = item["data"], item["id"]
        ref = sheet_ref(None, "ITComponent", ("externalId", content_id))
        new["ITComponent", content_id] = ref
        where = make_origin(0, "ITComponents from Clusters", 1, content_id, "Cluster")
        add(field_write(where, ref, "create", "name", data["clusterName"], None))
        add(field_write(where, ref, "create", "description", f"Cluster in {data['region']}", None))
    # run level 1: relations, then tags
    for item in content:
        if item["type"] != "Deployment":
            continue
        data, content_id = item["data"], item["id"]
        where = make_origin(1, "Apps run on clusters", 2, content_id, "Deployment")
        source = new["Application", content_id]
        target = new["ITComponent", data["clusterName"]]
        fields = {"description": f"deployed {data['version']}"}
        add(relation_write(where, "upsert", "relApplicationToITComponent", source, target, fields))
    tags: set[str] = set()
    group = "Deployment tags"
    group_created = False
    for item in content:
        if item["type"] != "Deployment":
            continue
        content_id = item["id"]
        where = make_origin(1, "Tags of deployments", 3, content_id, "Deployment")
        ref = new["Application", content_id]
        for text in item["data"]["tags"].split(","):
            name = text.strip()
            created = name not in tags
            if created:
                tags.add(name)
            add(tag_write(where, "add", ref, group, name, created, not group_created, NO_DETAILS))
            group_created = True
    return writes


def timed_handwritten(ldif: dict[str, Any]) -> float:
    """Seconds of one :func:`handwritten` run, with the cyclic GC paused as the engine pauses it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        writes = handwritten(ldif)
        seconds = time.perf_counter() - start
    finally:
        if collecting:
            gc.enable()
    del writes
    return seconds


def compare_with_handwritten(ldif: dict[str, Any], engine_writes: list[Any], sample: int) -> dict[str, Any]:
    """Same number of writes, and the same records on ``sample`` positions spread over the plan."""
    hand = handwritten(ldif)
    if len(hand) != len(engine_writes):
        raise SystemExit(f"hand-written loop: {len(hand):,} writes, engine: {len(engine_writes):,}")
    step = max(1, len(hand) // sample)
    checked = 0
    for position in range(0, len(hand), step):
        if hand[position] != engine_writes[position]:
            raise SystemExit(
                f"write {position} differs:\n  hand-written {hand[position]}\n  engine       {engine_writes[position]}"
            )
        checked += 1
    return {"writes": len(hand), "sampled_writes_equal": checked}


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items", type=int, default=100_000, help="content items in the LDIF (default 100,000)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed runs of the engine and of the hand-written loop; medians count (default 3)",
    )
    parser.add_argument("--no-preview", action="store_true", help="skip the preview (frames) timing")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "preview.json"))
    args = parser.parse_args()

    config = configuration()
    ldif = make_ldif(args.items)
    evaluate(config, make_ldif(200))  # warm-up (imports, caches)

    gc.collect()
    load_before = os.getloadavg()[0]
    rss_before = rss_mib()
    runs: list[float] = []
    hand_runs: list[float] = []
    ratios: list[float] = []
    for _ in range(max(1, args.repeat)):
        gc.collect()
        start = time.perf_counter()
        result = evaluate(config, ldif)
        runs.append(time.perf_counter() - start)
        matched = sum(p["processedContentCount"] for p in result.stats["processorStatistics"])
        evaluations = result.executions
        counts = (result.filter_checks, len(result.plan.writes), len(result.warnings))
        engine_writes = result.plan.writes
        del result  # each run starts from the same heap
        gc.collect()
        hand_runs.append(timed_handwritten(ldif))  # side by side, same process, same heap
        ratios.append(runs[-1] / hand_runs[-1])
    agreement = compare_with_handwritten(ldif, engine_writes, sample=5000)
    del engine_writes
    seconds = statistics.median(runs)
    rss_growth = rss_mib() - rss_before
    figures: dict[str, Any] = {
        "benchmark": "preview",
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "machine": machine(),
        "content_items": len(ldif["content"]),
        "processors": len(config["processors"]),
        "updates_per_deployment_item": 6 + 1 + 2 * 5 / 3,
        "engine_seconds": round(seconds, 3),
        "engine_seconds_range": [round(min(runs), 3), round(max(runs), 3)],
        "content_items_per_second": round(len(ldif["content"]) / seconds),
        "processor_evaluations": evaluations,
        "processor_evaluations_per_second": round(evaluations / seconds),
        "matched_item_processor_pairs": matched,
        "matched_item_processor_pairs_per_second": round(matched / seconds),
        "engine_seconds_all_runs": [round(r, 3) for r in runs],
        "filter_checks": counts[0],
        "plan_records": counts[1],
        "warnings": counts[2],
        "peak_rss_growth_mib": round(rss_growth, 1),
        "load_average_1m": {
            "before_runs": round(load_before, 2),
            "after_runs": round(os.getloadavg()[0], 2),
            "note": "other work on the machine slows both loops; the ratio is measured side by side for that reason",
        },
        "handwritten": {
            "note": "a plain loop over the content dicts building the same plan records (benchmarks/preview.py "
            "handwritten); run after each engine run in the same process, the cyclic GC paused as the engine "
            "pauses it",
            "seconds": round(statistics.median(hand_runs), 3),
            "seconds_range": [round(min(hand_runs), 3), round(max(hand_runs), 3)],
            "seconds_all_runs": [round(r, 3) for r in hand_runs],
            **agreement,
        },
        "engine_over_handwritten": round(statistics.median(ratios), 2),
        "engine_over_handwritten_range": [round(min(ratios), 2), round(max(ratios), 2)],
        "engine_over_handwritten_all_runs": [round(r, 2) for r in ratios],
    }
    gc.collect()

    small = max(1000, args.items // 10)
    small_ldif = make_ldif(small)
    tracemalloc.start()
    kept = evaluate(config, small_ldif)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures["tracemalloc"] = {
        "content_items": small,
        "peak_mib": round(peak / 2**20, 1),
        "peak_bytes_per_content_item": round(peak / small),
        "plan_records": len(kept.plan.writes),
    }
    del kept
    figures["juel"] = juel_ratio(config, ldif, sample=2000)
    figures["ldif_load"] = ldif_load_ratio(ldif)

    if not args.no_preview:
        from kit.previews.preview import preview

        gc.collect()
        start = time.perf_counter()
        shown = preview(config, ldif)
        middle = time.perf_counter()
        frame = shown.writes
        end = time.perf_counter()
        figures["preview"] = {
            "preview_seconds": round(middle - start, 3),
            "writes_frame_seconds": round(end - middle, 3),
            "writes_frame_rows": len(frame),
            "note": "preview = input validation + engine + plan; frames are built on first access",
        }
        del shown, frame

    figures["targets"] = {
        "processor_evaluations_per_second": f">= {TARGET:,}",
        "engine_over_handwritten": f"<= {RATIO_GOAL} (median of the runs)",
    }
    figures["target_met"] = {
        "processor_evaluations_per_second": figures["processor_evaluations_per_second"] >= TARGET,
        "engine_over_handwritten": figures["engine_over_handwritten"] <= RATIO_GOAL,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
