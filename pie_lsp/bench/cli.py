"""`pie-lsp bench DATASET …`: its flags and the command (pie_lsp/cli.py only registers it)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console

from pie_lsp.bench.run import BenchOptions, run_bench
from pie_lsp.bench.work import REFERENCE
from pie_lsp.settings import load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dataset",
        type=Path,
        metavar="DATASET",
        help="a folder of problems (NAME/slow.cpp, NAME/tests/) or PIE's .jsonl split",
    )
    parser.add_argument(
        "--model",
        dest="bench_model",
        choices=[REFERENCE, "rules", "openai", "transformers"],
        help="where candidates come from; reference = each problem's human fast version "
        "(default: pie.model.backend, rules)",
    )
    parser.add_argument("--samples", type=int, metavar="K", help="candidates per program (k)")
    parser.add_argument(
        "--simulator",
        choices=["auto", "estimate", "native", "gem5"],
        help="how run time is measured (default: auto = gem5 if found, else estimate)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="results folder (default: bench-NAME-MODEL)"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue the run whose results are in --out"
    )
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N problems")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="local worker processes (default: CPUs; 0 = one at a time in this process)",
    )
    parser.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (docs/BENCH.md)",
    )
    parser.add_argument(
        "--tests-root",
        type=Path,
        metavar="DIR",
        help="jsonl: the folder of per-problem test cases (default: merged_test_cases/ "
        "or tests/ beside the file)",
    )
    parser.add_argument("--jobs", type=int, metavar="N", help="parallel runs inside a worker")
    parser.add_argument("--no-cache", action="store_true", help="do not reuse results on disk")
    parser.add_argument("--compiler", help="C++ compiler (default: g++)")
    parser.add_argument("--model-url", help="OpenAI-compatible server URL (…/v1)")
    parser.add_argument("--model-name", help="model name on that server")
    parser.add_argument("--model-path", help="local checkpoint directory (transformers)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="any setting"
    )


def command(args: argparse.Namespace, out: Console, err: Console) -> int:
    from pie_lsp.bench.report import render
    from pie_lsp.cli import flag_layer

    layer: dict[str, Any] = flag_layer(args)
    model = args.bench_model
    if model is not None and model != REFERENCE:
        layer.setdefault("model", {})["backend"] = model
    dataset: Path = args.dataset
    settings = load(dataset.resolve() if dataset.is_dir() else dataset.resolve().parent, layer)
    model = model or settings.model.backend
    outdir = args.out or Path(f"bench-{dataset.stem}-{model}")
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    options = BenchOptions(
        dataset=dataset,
        out=outdir,
        model=model,
        resume=args.resume,
        limit=args.limit,
        workers=workers,
        cluster=args.cluster,
        tests_root=args.tests_root,
    )
    run = run_bench(options, settings, progress=not args.json and err.is_terminal)
    if args.json:
        print(
            json.dumps(
                {
                    "status": "ok",
                    "summary": run.summary.to_json(),
                    "run": run.config,
                    "out": str(run.out),
                    "ran": run.ran,
                    "reused": run.reused,
                    "seconds": round(run.seconds, 2),
                }
            )
        )
        return 0
    title = f"{dataset.name} — {model}, {run.config['simulator']} ({run.engine})"
    render(run.summary, run.records, title, out, str(run.out))
    out.print(f"{run.ran} run, {run.reused} reused from an earlier run, {run.seconds:.1f} s")
    return 0
