"""Fetch benchmark: 100,000 fact sheets served by the sandbox (in its own process) into DataFrames.

Reports, side by side:
- end-to-end rows/s (all types, all pages, through HTTP, JSON decoding and frame building);
- DataFrame build time from the decoded pages: the kit's declared columns against ``pd.json_normalize`` on the
  same pages (raw, and followed by the dtype conversions that make its result comparable);
- the client-side share of end-to-end time (everything but the server's own time, read from Server-Timing);
- memory per fact sheet of the frames (deep);
- the sandbox's server-side answer (GraphQL execution plus JSON encoding) for every page of the kit's reader
  query, in this process on a workspace of the same size, through the direct path for plain
  ``allFactSheets`` queries and through graphql-core, side by side (the answers are checked byte for byte).

Run: ``.venv/bin/python benchmarks/fetch.py [--size 100000]``; results go to benchmarks/results/fetch.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import machine  # noqa: E402
from kit.client import LeanIXClient  # noqa: E402
from kit.config import Secret  # noqa: E402
from kit.frames.columns import build_frame  # noqa: E402
from kit.frames.queries import wide_query  # noqa: E402
from kit.frames.reader import _PAGE_QUERY  # noqa: E402
from kit.sandbox import SANDBOX_TOKEN  # noqa: E402
from kit.sandbox.demo import generate_workspace  # noqa: E402
from kit.sandbox.graphql_api import PathfinderGraphQL  # noqa: E402
from kit.workspace import Workspace  # noqa: E402


class _NodeList(list):
    """A page sink that keeps the decoded nodes (the frame build is timed on them afterwards)."""

    add = list.extend


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sandbox(size: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kit", "sandbox", "serve", "--size", str(size), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            requests.post(url + "/services/mtm/v1/oauth2/token", timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("sandbox did not start")


class ServerTime:
    """Sums the server's own time per answer (Server-Timing: app;dur=ms)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, response, *args, **kwargs):
        header = response.headers.get("Server-Timing", "")
        if "dur=" in header:
            self.seconds += float(header.split("dur=")[1]) / 1000
        return response


def normalize_like_kit(nodes: list[dict], kit_frame: pd.DataFrame) -> pd.DataFrame:
    """json_normalize, then the renames and dtype conversions needed to match the kit's frame."""
    frame = pd.json_normalize(nodes)
    frame = frame.rename(
        columns={
            "lifecycle.asString": "lifecycle",
            "externalId.externalId": "externalId",
            "completion.completion": "completion",
        }
    )
    frame = frame[[c for c in kit_frame.columns if c in frame.columns]]
    return frame.astype(
        {c: kit_frame[c].dtype for c in frame.columns if not str(kit_frame[c].dtype).startswith("datetime")}
    )


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def serve_all_pages(api: PathfinderGraphQL, queries: dict[str, str], page_size: int) -> list[bytes]:
    """Every page of every type as the server answers it (execution and JSON encoding), in order."""
    bodies = []
    for type_name, query in queries.items():
        after = None
        while True:
            variables = {"first": page_size, "after": after, "type": type_name, "filter": None}
            answer = api.execute(query, variables)
            bodies.append(json.dumps(answer, separators=(",", ":")).encode())
            info = answer["data"]["allFactSheets"]["pageInfo"]
            if not info["hasNextPage"]:
                break
            after = info["endCursor"]
    return bodies


def server_paths(size: int, repeat: int, page_size: int = 1000) -> dict:
    """Server-side time of the kit's reader pages through the direct path and through graphql-core."""
    store = generate_workspace(size)
    api = PathfinderGraphQL(store)
    queries = {
        t: _PAGE_QUERY % f"id ... on {t} {{ {wide_query(store.metamodel, t, None).selection} }}"
        for t in store.metamodel.type_names
    }
    times: dict[str, list[float]] = {"direct": [], "graphql_core": []}
    answers: dict[str, list[bytes]] = {}
    for direct in (True, False):  # warm the document, plan and result caches
        api.direct = direct
        answers["direct" if direct else "graphql_core"] = serve_all_pages(api, queries, page_size)
    if answers["direct"] != answers["graphql_core"]:
        raise SystemExit("the direct path and graphql-core answered differently")
    for _ in range(repeat):
        for name, direct in (("direct", True), ("graphql_core", False)):
            api.direct = direct
            times[name].append(timed(serve_all_pages, api, queries, page_size)[1])
    direct_s, core_s = min(times["direct"]), min(times["graphql_core"])
    pages = len(answers["direct"])
    print(
        f"server side, {pages} pages of {page_size}: direct path {direct_s:.2f} s, graphql-core {core_s:.2f} s "
        f"({core_s / direct_s:.1f}x); answers identical byte for byte"
    )
    return {
        "fact_sheets": len(store),
        "pages": pages,
        "page_size": page_size,
        "direct_seconds": round(direct_s, 3),
        "graphql_core_seconds": round(core_s, 3),
        "speedup": round(core_s / direct_s, 2),
        "direct_median_seconds": round(statistics.median(times["direct"]), 3),
        "graphql_core_median_seconds": round(statistics.median(times["graphql_core"]), 3),
        "repeat": repeat,
        "statistic": "min",
        "identical_answers": True,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="repetitions of the frame-build comparison")
    args = parser.parse_args()

    print(f"starting a sandbox with {args.size:,} fact sheets in its own process ...", flush=True)
    started = time.perf_counter()
    process, url = start_sandbox(args.size)
    print(f"  ready in {time.perf_counter() - started:.1f} s at {url}", flush=True)
    try:
        session = requests.Session()
        server_time = ServerTime()
        session.hooks["response"].append(server_time)
        client = LeanIXClient(url, Secret(SANDBOX_TOKEN), session=session)
        ws = Workspace(client, page_size=1000, progress=False)
        types = ws.types()

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        frames = {t: ws.factsheets(t, include_archived=True) for t in types}
        end_to_end = time.perf_counter() - t0
        server_seconds = server_time.seconds
        rows = sum(len(f) for f in frames.values())
        peak_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
        memory = sum(int(f.memory_usage(deep=True).sum()) for f in frames.values())
        client_share = 1 - server_seconds / end_to_end
        print(
            f"end to end: {rows:,} rows in {end_to_end:.2f} s = {rows / end_to_end:,.0f} rows/s; "
            f"server time {server_seconds:.2f} s, client-side share {client_share:.1%}"
        )
        print(
            f"memory: {memory / rows:.0f} bytes per fact sheet in the frames ({memory / 2**20:.1f} MiB in all); "
            f"peak RSS grew {peak_growth / 2**20:.0f} MiB during the fetch"
        )

        # Frame build on the same decoded pages: the biggest type, all its pages.
        biggest = max(frames, key=lambda t: len(frames[t]))
        query = wide_query(ws.model, biggest, None)
        nodes = ws._read(biggest, "fact sheets", query.selection, _NodeList, {}, True, 1000, False)
        kit_times, norm_times, norm_typed_times = [], [], []
        for _ in range(args.repeat):
            kit_frame, seconds = timed(build_frame, nodes, query.columns)
            kit_times.append(seconds)
            norm_times.append(timed(pd.json_normalize, nodes)[1])
            norm_typed_times.append(timed(normalize_like_kit, nodes, kit_frame)[1])
        kit_s, norm_s, typed_s = min(kit_times), min(norm_times), min(norm_typed_times)
        print(
            f"frame build for {len(nodes):,} {biggest} nodes: kit {kit_s * 1000:.0f} ms, json_normalize "
            f"{norm_s * 1000:.0f} ms ({norm_s / kit_s:.1f}x), json_normalize + dtypes {typed_s * 1000:.0f} ms "
            f"({typed_s / kit_s:.1f}x)"
        )

        server = server_paths(args.size, args.repeat)
        results = {
            "benchmark": "fetch",
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "machine": machine(pandas=pd.__version__),
            "fact_sheets": rows,
            "types": len(types),
            "page_size": 1000,
            "end_to_end_seconds": round(end_to_end, 3),
            "rows_per_second": round(rows / end_to_end),
            "server_seconds": round(server_seconds, 3),
            "client_side_share": round(client_share, 4),
            "memory_bytes_per_fact_sheet": round(memory / rows, 1),
            "peak_rss_growth_mib": round(peak_growth / 2**20, 1),
            "frame_build": {
                "type": biggest,
                "nodes": len(nodes),
                "kit_seconds": round(kit_s, 4),
                "json_normalize_seconds": round(norm_s, 4),
                "json_normalize_with_dtypes_seconds": round(typed_s, 4),
                "speedup_vs_json_normalize": round(norm_s / kit_s, 2),
                "speedup_vs_json_normalize_with_dtypes": round(typed_s / kit_s, 2),
                "repeat": args.repeat,
                "statistic": "min",
                "kit_median_seconds": round(statistics.median(kit_times), 4),
                "json_normalize_median_seconds": round(statistics.median(norm_times), 4),
            },
            "server_paths": server,
            "targets": {"speedup_vs_json_normalize": ">= 3", "memory_bytes_per_fact_sheet": "< 1024"},
        }
        out = ROOT / "benchmarks" / "results" / "fetch.json"
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"results saved to {out.relative_to(ROOT)}")
        client.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
