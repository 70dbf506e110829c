#!/usr/bin/env python3
"""Search quality of sofdir on the shared dataset, as a user's CLI sees it.

Starts a fresh sofdir-server on 127.0.0.1:0, imports the dataset with
`sofdir import`, runs every intent through `sofdir search TEXT <filters>
--limit 50 --json`, writes a run file ({"query_id", "ids"} per line), scores
it with the data folder's score.py and fails when nDCG@10 or Recall@50 is
below the given minimum.

Exit codes: 0 pass, 1 below a minimum or a command failed, 77 skipped (the
data folder or one of its files is missing), 2 bad arguments.
Python 3 standard library only; see README.md for running it by hand.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testing"))
from sofdir_server import ServerProcess, ServerStartError  # noqa: E402

SKIP = 77
DATA_FILES = ("sof-directory.jsonl", "dev-intents.jsonl", "dev-qrels.jsonl", "score.py")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server-binary", required=True, help="path of sofdir-server")
    ap.add_argument("--cli-binary", required=True, help="path of sofdir")
    ap.add_argument("--data-dir", required=True,
                    help="folder with sof-directory.jsonl, the intents, qrels and score.py")
    ap.add_argument("--synonyms", help="synonyms file for the server (--synonyms)")
    ap.add_argument("--dataset", help="records to import (default: DATA_DIR/sof-directory.jsonl)")
    ap.add_argument("--intents", help="default: DATA_DIR/dev-intents.jsonl")
    ap.add_argument("--qrels", help="default: DATA_DIR/dev-qrels.jsonl")
    ap.add_argument("--min-ndcg10", type=float, default=0.0)
    ap.add_argument("--min-recall50", type=float, default=0.0)
    ap.add_argument("--limit", type=int, default=50, help="results asked for per intent")
    ap.add_argument("--run-out", help="keep the run file here")
    ap.add_argument("--verbose", action="store_true", help="per-intent scores")
    return ap.parse_args()


def skip(message):
    print(f"SKIPPED: {message}")
    sys.exit(SKIP)


def fail(message):
    print(f"FAILED: {message}")
    sys.exit(1)


def filter_flags(intent):
    """The CLI flags for an intent's UI filters (hard constraints)."""
    flags = []
    for key, value in (intent.get("filters") or {}).items():
        if key == "kind":
            for kind in value if isinstance(value, list) else [value]:
                flags += ["--kind", kind]
        elif key == "area":
            flags += ["--area", value]
        elif key == "district":
            flags += ["--district", value]
        elif key == "has_free_places":
            if value:
                flags.append("--free")
            else:
                fail(f"{intent['id']}: has_free_places=false has no CLI flag")
        elif key == "age":
            flags += ["--age", str(value)]
        else:
            fail(f"{intent['id']}: filter {key!r} has no CLI flag; extend filter_flags")
    return flags


def run_intents(cli, address, intents_path, limit):
    """[(query_id, [ids best first])] and the seconds the searches took."""
    run = []
    seconds = 0.0
    with open(intents_path, encoding="utf-8") as f:
        intents = [json.loads(line) for line in f if line.strip()]
    for intent in intents:
        # "--" so that a text starting with "-" stays the query.
        args = [cli, "search", *filter_flags(intent), "--limit", str(limit), "--json",
                "--server", address, "--", intent["text"]]
        start = time.monotonic()
        result = subprocess.run(args, capture_output=True, text=True)
        seconds += time.monotonic() - start
        if result.returncode != 0:
            fail(f"{intent['id']} {intent['text']!r}: sofdir search exited "
                 f"{result.returncode}: {result.stderr.strip()}")
        body = json.loads(result.stdout)
        run.append((intent["id"], [r["id"] for r in body["results"]]))
    return run, seconds


def main():
    a = parse_args()
    if not os.path.isdir(a.data_dir):
        skip(f"no data folder at {a.data_dir}")
    dataset = a.dataset or os.path.join(a.data_dir, "sof-directory.jsonl")
    intents = a.intents or os.path.join(a.data_dir, "dev-intents.jsonl")
    qrels = a.qrels or os.path.join(a.data_dir, "dev-qrels.jsonl")
    score = os.path.join(a.data_dir, "score.py")
    for path in (dataset, intents, qrels, score):
        if not os.path.isfile(path):
            skip(f"missing {path}")
    for binary in (a.server_binary, a.cli_binary):
        if not os.access(binary, os.X_OK):
            print(f"error: {binary} is not an executable", file=sys.stderr)
            sys.exit(2)

    work_dir = tempfile.mkdtemp(prefix="sofdir-quality-")
    server = ServerProcess(a.server_binary, work_dir,
                           ["--synonyms", a.synonyms] if a.synonyms else [])
    try:
        try:
            server.wait_until_listening()
        except ServerStartError as error:
            fail(str(error))
        start = time.monotonic()
        imported = subprocess.run(
            [a.cli_binary, "import", dataset, "--server", server.address, "--json"],
            capture_output=True, text=True)
        if imported.returncode != 0:
            fail(f"sofdir import exited {imported.returncode}: {imported.stderr.strip()}\n"
                 f"{imported.stdout[:2000]}")
        import_seconds = time.monotonic() - start
        run, search_seconds = run_intents(a.cli_binary, server.address, intents, a.limit)
    finally:
        server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)

    run_path = a.run_out or os.path.join(tempfile.gettempdir(), f"sofdir-run-{os.getpid()}.jsonl")
    with open(run_path, "w", encoding="utf-8") as f:
        for query_id, ids in run:
            f.write(json.dumps({"query_id": query_id, "ids": ids}, ensure_ascii=False) + "\n")

    command = [sys.executable, score, qrels, run_path]
    if a.verbose:
        subprocess.run(command + ["--verbose"], check=True)
    scored = subprocess.run(command + ["--json"], capture_output=True, text=True, check=True)
    if not a.run_out:
        os.remove(run_path)
    means = json.loads(scored.stdout)
    print(f"imported {os.path.basename(dataset)} in {import_seconds:.1f} s; "
          f"{len(run)} intents searched in {search_seconds:.1f} s "
          f"({1000 * search_seconds / max(1, len(run)):.0f} ms each, CLI start included)")
    print("  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in means.items()))
    if a.run_out:
        print(f"run file: {run_path}")

    below = []
    if means["nDCG@10"] < a.min_ndcg10:
        below.append(f"nDCG@10 {means['nDCG@10']:.4f} < {a.min_ndcg10}")
    if means["Recall@50"] < a.min_recall50:
        below.append(f"Recall@50 {means['Recall@50']:.4f} < {a.min_recall50}")
    if below:
        fail("; ".join(below))
    print(f"PASSED (minimum nDCG@10 {a.min_ndcg10}, Recall@50 {a.min_recall50})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
