"""The `pie-lsp` command: the parser of every subcommand, and their dispatch.

optimize, check, measure, baseline, settings, doctor and serve are short handlers here:
each turns flags into a settings layer and calls the same pipeline the server uses (or
one function of its module). The commands with work of their own have it in their
modules: `profile` (profile.run_command), `calibrate` (calibrate_report.command), `bench`
(bench/cli.command).

Exit codes: 0 success (optimize: whether or not a faster version was found; see --json's
`status`), 1 a failure the message explains, 2 bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import evolve
from rich.console import Console

from pie_lsp import __version__
from pie_lsp.errors import PieError
from pie_lsp.pipeline import Pipeline, Step
from pie_lsp.program import Program
from pie_lsp.settings import Settings, load
from pie_lsp.text import markup


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tests",
        type=Path,
        metavar="DIR",
        help="test directory, relative to the current directory (default: the setting "
        "tests.dir, relative to FILE's folder; else <stem>.tests/ or tests/ next to FILE)",
    )
    parser.add_argument(
        "--simulator",
        choices=["auto", "estimate", "native", "gem5"],
        help="how run time is measured (default: auto = gem5 if found, else estimate)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="parallel builds, tests and simulations (default: CPUs)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--no-cache", action="store_true", help="do not reuse or store results on disk"
    )
    parser.add_argument("--compiler", help="C++ compiler (default: g++)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any setting, e.g. --set tests.timeout=20 (VALUE is JSON or a plain string)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pie-lsp", description="Make C++ programs faster, with proof (the PIE method)."
    )
    parser.add_argument("--version", action="version", version=f"pie-lsp {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    opt = sub.add_parser("optimize", help="find a faster, test-verified version of FILE")
    opt.add_argument("file", type=Path, metavar="FILE")
    _add_common(opt)
    opt.add_argument(
        "--model",
        choices=["rules", "openai", "transformers"],
        help="where candidates come from (default: rules)",
    )
    opt.add_argument("--samples", type=int, metavar="K", help="candidates to ask a model for")
    opt.add_argument(
        "--rounds",
        type=int,
        metavar="N",
        help="rounds with execution feedback (model.rounds; default 1: sample once); "
        "Ctrl-C keeps the best result found so far",
    )
    opt.add_argument("--model-url", help="OpenAI-compatible server URL (…/v1)")
    opt.add_argument("--model-name", help="model name on that server")
    opt.add_argument("--model-path", help="local checkpoint directory (transformers)")
    opt.add_argument(
        "--write",
        action="store_true",
        help="replace FILE with the optimized version (only on success)",
    )

    measure = sub.add_parser(
        "measure", help="measure FILE on its tests: seconds, cycles, instructions per test"
    )
    measure.add_argument("file", type=Path, metavar="FILE")
    _add_common(measure)

    profile = sub.add_parser(
        "profile", help="where FILE's time goes: estimated Skylake cycles per line and function"
    )
    profile.add_argument("file", type=Path, metavar="FILE")
    _add_common(profile)

    check = sub.add_parser("check", help="measure FILE against a baseline on its tests")
    check.add_argument("file", type=Path, metavar="FILE")
    check.add_argument(
        "--against",
        metavar="REV|FILE",
        help="git revision or file (default: saved baseline, else HEAD)",
    )
    _add_common(check)
    check.add_argument(
        "--lines",
        action="store_true",
        help="also profile both versions: which lines got cheaper or dearer (estimate)",
    )

    baseline = sub.add_parser(
        "baseline",
        help="save, show or clear the version of FILE that `check` measures against",
    )
    baseline.add_argument("action", choices=["save", "show", "clear"])
    baseline.add_argument("file", type=Path, metavar="FILE")
    baseline.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="e.g. cache.dir=DIR"
    )

    doctor = sub.add_parser("doctor", help="which tools and backends are available, and fixes")
    doctor.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="check with this setting too (as an editor would send it), e.g. "
        "--set simulator.gem5.path=/opt/gem5/build/X86/gem5.opt",
    )
    doctor.add_argument("--model", choices=["rules", "openai", "transformers"])
    doctor.add_argument("--model-url", help="OpenAI-compatible server URL (…/v1)")
    doctor.add_argument("--model-name", help="model name on that server")
    doctor.add_argument("--model-path", help="local checkpoint directory (transformers)")
    settings = sub.add_parser("settings", help="every setting with its default and meaning")
    settings.add_argument("--json", action="store_true")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")

    calibrate = sub.add_parser("calibrate", help="fit the estimate's costs to gem5 data")
    calibrate.add_argument(
        "table",
        type=Path,
        metavar="TABLE|PLAN.json",
        help="CSV of gem5 measurements, or a plan (JSON) naming fit and held-out tables, "
        "e.g. benchmarks/data/calibration.json",
    )
    calibrate.add_argument(
        "--programs",
        type=Path,
        help="folder of the measured programs (default: the table's; a plan names its own)",
    )
    calibrate.add_argument(
        "--check",
        type=Path,
        action="append",
        default=[],
        metavar="TABLE",
        help="held-out table to report agreement on",
    )
    calibrate.add_argument(
        "--write", action="store_true", help="store the fitted costs in the machine file"
    )
    calibrate.add_argument("--json", action="store_true", help="print one JSON object")
    calibrate.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="parallel builds and runs (default: pie.jobs, 0 = CPUs)",
    )
    from pie_lsp.bench.cli import add_arguments as add_bench_arguments

    add_bench_arguments(
        sub.add_parser("bench", help="PIE's evaluation over a dataset (docs/BENCH.md)")
    )
    return parser


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def flag_layer(args: argparse.Namespace) -> dict[str, Any]:
    """The settings layer given by command-line flags."""
    layer: dict[str, Any] = {}

    def put(dotted: str, value: Any) -> None:
        node = layer
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value

    for item in getattr(args, "set", []):
        key, sep, value = item.partition("=")
        if not sep:
            raise PieError(
                f"--set {item!r}: expected KEY=VALUE", hint="e.g. --set tests.timeout=20"
            )
        put(key.removeprefix("pie."), _parse_value(value))
    # --tests is not a setting: it is the job's folder, relative to the current directory
    # (Pipeline.job_for), where the setting tests.dir is relative to the program's folder
    simple = {
        "simulator": "simulator.backend",
        "jobs": "jobs",
        "compiler": "build.compiler",
        "model": "model.backend",
        "samples": "model.samples",
        "rounds": "model.rounds",
        "model_url": "model.openai.url",
        "model_name": "model.openai.model",
        "model_path": "model.transformers.path",
    }
    for attr, dotted in simple.items():
        value = getattr(args, attr, None)
        if value is not None:
            put(dotted, str(value) if isinstance(value, Path) else value)
    if getattr(args, "no_cache", False):
        put("cache.enabled", False)
    return layer


def _settings_for(args: argparse.Namespace) -> Settings:
    return load(args.file.resolve().parent, flag_layer(args))


def cmd_optimize(args: argparse.Namespace, out: Console, err: Console) -> int:
    from pie_lsp.pipeline import OptimizeResult
    from pie_lsp.report import TerminalProgress, dumps, render

    before = b""
    so_far: list[OptimizeResult] = []  # the best streamed while rounds run (--rounds N)

    async def run() -> OptimizeResult:
        nonlocal before
        async with Pipeline(_settings_for(args)) as pipeline:
            job = pipeline.job_for(args.file, tests=args.tests)
            before = args.file.read_bytes()
            with TerminalProgress(not args.json and err.is_terminal) as report:

                def keep(step: Step) -> None:
                    if step.stage == "partial" and step.result is not None:
                        so_far[:] = [step.result]
                        err.print(f"{markup(step.message)} (Ctrl-C keeps it)")
                    report(step)

                return await pipeline.optimize(job, keep)

    interrupted = False
    try:
        result = asyncio.run(run())
    except KeyboardInterrupt:
        if not so_far:
            raise  # nothing to keep: main() says "interrupted"
        # every check the final result gets, this one passed: only the search stopped
        interrupted = True
        result = evolve(
            so_far[0],
            partial=False,
            notes=[*so_far[0].notes, "the search was cancelled: this is the best found so far"],
        )
    except PieError as exc:
        # the same JSON shape as every other outcome, so tools parse one format
        result = OptimizeResult(
            status="error", path=str(args.file), error=exc.message, hint=exc.hint
        )
    if args.json:
        print(dumps(result))
    else:
        render(result, out if result.status != "error" else err)
    if args.write and result.status == "optimized" and result.optimized_source:
        if args.file.read_bytes() != before:
            err.print(f"[yellow]{markup(str(args.file))} changed while optimizing; not written[/]")
            return 1
        args.file.write_text(result.optimized_source)
        if not args.json:
            out.print(f"wrote {markup(str(args.file))}")
    if interrupted:
        return 130
    return 1 if result.status == "error" else 0


def cmd_check(args: argparse.Namespace, out: Console, err: Console) -> int:
    from pie_lsp.baseline import resolve_baseline
    from pie_lsp.cache import cache_dir
    from pie_lsp.report import TerminalProgress, dumps, render_speedup

    settings = _settings_for(args)

    async def run() -> Any:
        async with Pipeline(settings) as pipeline:
            job = pipeline.job_for(args.file, tests=args.tests)
            name, text = resolve_baseline(args.file, args.against, cache_dir(settings.cache))
            baseline = Program.from_text(args.file, text)
            with TerminalProgress(not args.json and err.is_terminal) as report:
                result = await pipeline.check_speedup(job, baseline, name, report)
            if not args.lines:
                return result, None
            from pie_lsp.profile import compare_versions

            return result, (name, await compare_versions(pipeline, job, baseline))

    result, lines = asyncio.run(run())
    if args.json:
        from pie_lsp.profile import changes_json

        extra = {"line_changes": changes_json(lines[1])} if lines else {}
        print(json.dumps({**json.loads(dumps(result)), **extra}, indent=2, ensure_ascii=False))
    else:
        render_speedup(result, out)
        if lines:
            from pie_lsp.profile import render_changes

            render_changes(lines[1], lines[0], out)
    return 0


def cmd_baseline(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Save, show or clear the saved baseline (the one the editors save too)."""
    from pie_lsp.baseline import baseline_command
    from pie_lsp.cache import cache_dir

    settings = _settings_for(args)
    said, text = baseline_command(args.action, args.file, cache_dir(settings.cache))
    err.print(markup(said))
    if text:
        print(text, end="")  # the program's text, as it is: for a pipe or a diff
    return 0


def cmd_measure(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Measure one program on its tests (verified first, as `optimize` does)."""
    import time

    from pie_lsp.report import MeasureReport, TerminalProgress, measure_json, render_measure

    started = time.perf_counter()
    report = MeasureReport(status="error", path=str(args.file))
    try:
        settings = _settings_for(args)

        async def run() -> None:
            async with Pipeline(settings) as pipeline:
                job = pipeline.job_for(args.file, tests=args.tests)
                report.tests_dir = str(job.suite.directory)
                report.simulator = pipeline.measurer.name
                report.simulator_label = pipeline.measurer.label
                with TerminalProgress(not args.json and err.is_terminal) as progress:
                    measured = await pipeline.measure_program(job, progress)
                report.tests, report.status = measured.tests, "ok"

        asyncio.run(run())
    except PieError as exc:
        report.status, report.error, report.hint = "error", exc.message, exc.hint
        report.error_details = exc.details
    report.seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(measure_json(report), indent=2, ensure_ascii=False))
    else:
        render_measure(report, out if report.status == "ok" else err)
    return 0 if report.status == "ok" else 1


def cmd_profile(args: argparse.Namespace, out: Console, err: Console) -> int:
    """The per-line profile of FILE on its tests (pie_lsp/profile.py does the work)."""
    from pie_lsp.profile import run_command

    return run_command(args.file, args.tests, _settings_for(args), args.json, out, err)


def cmd_settings(args: argparse.Namespace, out: Console, err: Console) -> int:
    from rich.table import Table

    from pie_lsp.settings import field_docs

    rows = field_docs()
    if args.json:
        print(
            json.dumps(
                [{"key": k, "type": t, "default": d, "description": doc} for k, t, d, doc in rows],
                indent=2,
            )
        )
        return 0
    table = Table(
        # "\[" keeps rich from reading [tool.pie-lsp] as markup
        title="pie-lsp settings (pyproject \\[tool.pie-lsp], .pie-lsp.toml, editor "
        "settings under pie.*)",
        title_justify="left",
    )
    for column in ("key", "default", "description"):
        table.add_column(column, overflow="fold")
    for key, _, default, doc in rows:
        table.add_row(key, json.dumps(default), doc)
    out.print(table)
    return 0


def cmd_doctor(args: argparse.Namespace, out: Console, err: Console) -> int:
    from pie_lsp.doctor import run_doctor

    return run_doctor(out, layer=flag_layer(args))


def cmd_serve(args: argparse.Namespace, out: Console, err: Console) -> int:
    from pie_lsp.server import serve

    return serve(args.tcp)


def cmd_calibrate(args: argparse.Namespace, out: Console, err: Console) -> int:
    from pie_lsp.calibrate_report import command

    return command(args, out, err)


def cmd_bench(args: argparse.Namespace, out: Console, err: Console) -> int:
    from pie_lsp.bench.cli import command

    return command(args, out, err)


COMMANDS = {
    "optimize": cmd_optimize,
    "check": cmd_check,
    "baseline": cmd_baseline,
    "measure": cmd_measure,
    "profile": cmd_profile,
    "doctor": cmd_doctor,
    "settings": cmd_settings,
    "serve": cmd_serve,
    "calibrate": cmd_calibrate,
    "bench": cmd_bench,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from pie_lsp.report import console

    out, err = console(), console(stderr=True)
    try:
        return COMMANDS[args.command](args, out, err)
    except PieError as exc:
        if getattr(args, "json", False):
            print(
                json.dumps(
                    {
                        "status": "error",
                        "error": exc.message,
                        "hint": exc.hint,
                        "speedup": None,
                        "candidates": [],
                    }
                )
            )
        else:
            err.print(f"[bold red]error:[/] {markup(exc.message)}")
            if exc.hint:
                err.print(f"[yellow]hint:[/] {markup(exc.hint)}")
        return 1
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
