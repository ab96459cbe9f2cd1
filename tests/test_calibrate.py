"""`pie-lsp calibrate`: table reading, the fit, the agreement metrics, writing the costs."""

from __future__ import annotations

import asyncio
import csv
import json
import random
import sys
from pathlib import Path

import pytest

from pie_lsp.calibrate import (
    CalibrationError,
    agreement,
    fit_costs,
    group_pairs,
    machine_json,
    measure_counts,
    program_part,
    read_plan,
    read_table,
    readme_groups,
    replace_section,
    source_pairs,
    speedup_error,
    split_table,
)
from pie_lsp.cli import main
from pie_lsp.measure import load_machine
from pie_lsp.measure.pricing import (
    COST_PARAMETERS,
    estimated_cycles,
    expand_costs,
    parameter_values,
)
from pie_lsp.settings import Settings

from .conftest import REPO

HEADER = "program,source,input,sim_seconds,num_cycles,sim_insts,host_seconds,exit_ok,output_ok"

# Small programs with different behaviour (a work loop, memory traffic); c01 in two versions
# with the same output, the slow one doing the loop twice (a volatile store keeps it).
LOOP = """#include <cstdio>
volatile long long sink;
int main() {
    long long n;
    unsigned long long s = 0;
    if (std::scanf("%lld", &n) != 1) return 0;
    for (int rep = 0; rep < REPS; rep++) {
        s = 0;
        for (long long i = 0; i < n; i++) s += (i * 7) ^ (s >> 3);
        sink = s;
    }
    std::printf("%llu\\n", s);
    return 0;
}
"""
MEMORY = """#include <cstdio>
static int a[1 << 20];
int main() {
    long long n, s = 0;
    if (std::scanf("%lld", &n) != 1) return 0;
    for (long long i = 0; i < n; i++) {
        a[(i * 4099) & ((1 << 20) - 1)] += i;
        s += a[(i * 31) & 1023];
    }
    std::printf("%lld\\n", s);
    return 0;
}
"""
SOURCES = {
    "c01_loop": {"prog.cpp": LOOP.replace("REPS", "1"), "slow.cpp": LOOP.replace("REPS", "2")},
    "c02_memory": {"prog.cpp": MEMORY},
}
README = """# A calibration set

| program | stresses |
|---|---|
| c01_loop | a loop |

Groups meant to be compared (same work or same instructions, one factor changed):

- c01 / c02 — the same loop, and memory traffic: c01 and c02 differ
  in what they touch.
- c01 / c09, c02 / c03 — absent programs are ignored.

## What cachegrind sees
- c01 / c02 — not a group: another section.
"""


def expected_output(program: str, n: int) -> str:
    s = 0
    if program == "c02_memory":
        a = [0] * (1 << 20)
        for i in range(n):
            a[(i * 4099) & ((1 << 20) - 1)] += i
            s += a[(i * 31) & 1023]
    else:
        for i in range(n):  # unsigned 64-bit arithmetic, as in the C++
            s = (s + ((i * 7) ^ (s >> 3))) & (2**64 - 1)
    return f"{s}\n"


def make_set(folder: Path) -> list[tuple[str, str, str]]:
    """A calibration folder: programs, tests and README; returns (program, source, input)."""
    runs = []
    for program, sources in SOURCES.items():
        tests = folder / program / "tests"
        tests.mkdir(parents=True)
        for source_name, text in sources.items():
            (folder / program / source_name).write_text(text)
        for number, n in (("1", 2000), ("2", 30000)):
            (tests / f"input.{number}.txt").write_text(f"{n}\n")
            (tests / f"output.{number}.txt").write_text(expected_output(program, n))
            runs += [(program, source, f"input.{number}.txt") for source in sources]
    (folder / "README.md").write_text(README)
    return runs


def write_table(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER.split(","))
        writer.writerows(rows)


# -- the fit -------------------------------------------------------------------------------------


def test_fit_recovers_known_costs() -> None:
    rng = random.Random(5)
    names = list(COST_PARAMETERS)
    truth = {name: rng.choice([0.0, 0.5, 3.0, 40.0, 200.0]) for name in names}
    truth["micro_ops"] = 0.3
    rows = []
    for _ in range(40):
        values = {name: rng.uniform(0, 1) * 10 ** rng.randint(1, 6) for name in names}
        values["per_run"] = 1.0
        rows.append(values)
    cycles = [sum(truth[n] * r[n] for n in names) for r in rows]
    fitted = fit_costs(rows, cycles, names)
    for name in names:
        assert fitted[name] == pytest.approx(truth[name], rel=1e-3, abs=1e-3), name
    assert all(value >= 0 for value in fitted.values())


def test_fit_is_non_negative_where_the_best_line_is_not() -> None:
    # cycles fall as "x" rises: a free fit would give x a negative cost
    rows = [{"per_run": 1.0, "x": float(x)} for x in range(1, 10)]
    cycles = [100.0 - 5 * x for x in range(1, 10)]
    fitted = fit_costs(rows, cycles, ["per_run", "x"])
    assert fitted["x"] == 0.0 and fitted["per_run"] > 0


def test_tied_parameters_expand_to_every_feature() -> None:
    counts = {
        "Ir": 1000.0, "I1mr": 9.0, "ILmr": 4.0, "Dr": 300.0, "D1mr": 20.0, "DLmr": 6.0,
        "Dw": 100.0, "D1mw": 10.0, "DLmw": 3.0, "Bc": 50.0, "Bcm": 7.0, "Bi": 5.0, "Bim": 2.0,
    }  # fmt: skip
    values = parameter_values(counts)
    assert values["l1_misses"] == (9 - 4) + (20 + 10 - 6 - 3)
    assert values["mispredicts"] == 7 + 2 and values["per_run"] == 1.0
    params = {name: float(i + 1) for i, name in enumerate(COST_PARAMETERS)}
    costs = expand_costs(params)
    assert costs["l1i_misses"] == costs["l1d_misses"] == params["l1_misses"]
    # the per-feature costs give the same cycles as the per-parameter fit
    assert estimated_cycles(counts, costs) == pytest.approx(
        sum(params[n] * values[n] for n in COST_PARAMETERS)
    )


def test_missing_numpy_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    with pytest.raises(CalibrationError) as info:
        fit_costs([{"a": 1.0}], [1.0], ["a"])
    assert "pip install 'pie-lsp[calibrate]'" in info.value.hint


# -- metrics --------------------------------------------------------------------------------------


def test_speedup_error_is_symmetric() -> None:
    assert speedup_error(2.0, 1.0) == pytest.approx(1.0)
    assert speedup_error(1.0, 2.0) == pytest.approx(1.0)
    assert speedup_error(1.1, 1.1) == 0.0


def test_readme_groups_come_from_their_section() -> None:
    programs = ["c01_loop", "c02_memory", "c03_other"]
    assert readme_groups(README, programs) == [
        ["c01_loop", "c02_memory"],
        ["c02_memory", "c03_other"],
    ]
    assert readme_groups("# no groups here\n", programs) == []
    real = REPO.parent / "shared" / "calibration" / "README.md"
    if real.is_file():  # the format the groups were written for, when the data is around
        names = [p.name for p in real.parent.iterdir() if p.is_dir()]
        assert ["c11_rand_access_32m", "c12_pointer_chase"] in readme_groups(
            real.read_text(), names
        )


def test_agreement_figures(tmp_path: Path) -> None:
    for program in ("p1", "p2"):
        (tmp_path / program / "tests").mkdir(parents=True)
        for source in ("slow.cpp", "fast.cpp"):
            (tmp_path / program / source).write_text("int main() {}\n")
        for n in ("1", "2"):
            (tmp_path / program / "tests" / f"input.{n}.txt").write_text("")
            (tmp_path / program / "tests" / f"output.{n}.txt").write_text("")
    rows: list[list[object]] = []
    gem5 = {
        ("p1", "slow.cpp", "1"): 400.0, ("p1", "fast.cpp", "1"): 100.0,
        ("p1", "slow.cpp", "2"): 600.0, ("p1", "fast.cpp", "2"): 300.0,
        ("p2", "slow.cpp", "1"): 110.0, ("p2", "fast.cpp", "1"): 100.0,
    }  # fmt: skip
    for (program, source, n), cycles in gem5.items():
        rows.append([program, source, f"input.{n}.txt", cycles / 3.5e9, cycles, 10, 1.0, 1, 1])
    rows.append(["p2", "slow.cpp", "input.2.txt", "", "", "", 240.0, 0, 0])
    write_table(tmp_path / "gem5.csv", rows)
    table = read_table(tmp_path / "gem5.csv")
    assert len(table.usable) == 6 and len(table.skipped) == 1
    pairs = source_pairs(table.usable)
    assert [p.first[1] for p in pairs] == ["slow.cpp"] * 3  # slow/fast: PIE's speedup
    predicted = dict(gem5)
    predicted[("p1", "slow.cpp", "1")] = 200.0  # estimate: 2x where gem5 says 4x
    result = agreement(table, predicted)
    assert result.runs == 6 and result.skipped == 1
    assert result.cycle_error_max == pytest.approx(0.5)
    assert result.cycle_error_median == 0.0
    assert result.worst_run == "p1/slow.cpp test 1"
    assert result.pairs == 3
    assert result.speedup_error_max == pytest.approx(1.0)  # 4x vs 2x
    assert result.worst_pair == "p1 test 1: slow.cpp/fast.cpp"
    assert result.same_verdict == 1.0  # 2x and 4x are both above 1.10x
    # per program (PIE): summed cycles over the tests both sources ran
    assert result.programs == 2
    details = {d["program"]: d for d in result.details if d.get("kind") == "program"}
    assert details["p1"]["gem5"] == pytest.approx(1000 / 400)
    assert details["p1"]["estimate"] == pytest.approx(800 / 400)
    assert details["p2"]["tests"] == 1
    ranks = agreement(table, {k: v * 1.5 for k, v in gem5.items()})
    assert ranks.speedup_error_max == pytest.approx(0.0)
    assert ranks.spearman == pytest.approx(1.0)
    # a group compares the same source of its programs; p2's slow.cpp test 2 did not finish
    group = group_pairs(table.usable, [["p1", "p2"]])
    assert {p.name for p in group} == {"p1/p2 test 1 (fast.cpp)", "p1/p2 test 1 (slow.cpp)"}


# -- reading tables ------------------------------------------------------------------------------


def test_table_errors_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(CalibrationError, match="no table at"):
        read_table(tmp_path / "absent.csv")
    (tmp_path / "cols.csv").write_text("program,source,input,num_cycles\nx,y,z,1\n")
    with pytest.raises(CalibrationError, match="lacks the columns sim_seconds, sim_insts") as info:
        read_table(tmp_path / "cols.csv")
    assert HEADER in info.value.hint
    write_table(tmp_path / "t.csv", [["c99_nowhere", "prog.cpp", "input.1.txt", 1, 1, 1, 1, 1, 1]])
    with pytest.raises(
        CalibrationError, match="line 2: unknown program folder 'c99_nowhere'"
    ) as info:
        read_table(tmp_path / "t.csv")
    assert "--programs" in info.value.hint
    (tmp_path / "c99_nowhere" / "tests").mkdir(parents=True)
    (tmp_path / "c99_nowhere" / "prog.cpp").write_text("int main() {}\n")
    with pytest.raises(CalibrationError, match=r"missing test file .*input\.1\.txt"):
        read_table(tmp_path / "t.csv")
    write_table(
        tmp_path / "n.csv", [["c99_nowhere", "prog.cpp", "input.1.txt", 1, "many", 1, 1, 1, 1]]
    )
    with pytest.raises(CalibrationError, match="line 2, num_cycles: 'many' is not a number"):
        read_table(tmp_path / "n.csv")


def test_machine_json_keeps_small_objects_on_one_line() -> None:
    machine = {**load_machine(), "caches": {"l1d": {"size_kib": 32, "assoc": 8}}}
    text = machine_json(machine)
    assert json.loads(text) == machine
    assert '"l1d": {"size_kib": 32' in text
    # objects are folded when long (long strings, like "_about", stay on their line)
    assert all(len(line) <= 160 for line in text.splitlines() if "{" in line)


# -- the command, end to end with real builds and valgrind ----------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float]]:
    """A calibration folder whose "gem5" cycles are exactly the estimate's features times
    known costs: a fit must find costs that reproduce them."""
    folder = tmp_path_factory.mktemp("calib")
    runs = make_set(folder)
    write_table(folder / "gem5.csv", [[*run, 0, 1, 0, 0, 1, 1] for run in runs])
    settings = Settings()
    settings.cache.dir = str(folder / "cache")
    table = read_table(folder / "gem5.csv")
    counts = asyncio.run(measure_counts([table], settings))
    truth = {
        "micro_ops": 0.6, "l1_misses": 9.0, "lli_misses": 120.0, "lld_read_misses": 40.0,
        "lld_write_misses": 150.0, "mispredicts": 20.0, "per_run": 30000.0,
    }  # fmt: skip
    rows = []
    for run in table.runs:
        values = parameter_values(counts[(str(folder), *run.key)])
        cycles = sum(truth[n] * values[n] for n in truth)
        rows.append([run.program, run.source, run.input, cycles / 3.5e9, round(cycles), 1, 1, 1, 1])
    rows.append(["c02_memory", "prog.cpp", "input.2.txt", "", "", "", 240.0, 0, 0])
    write_table(folder / "gem5.csv", rows)
    return folder, truth


def test_calibrate_command_fits_reports_and_writes(
    synthetic: tuple[Path, dict[str, float]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, _ = synthetic
    machine = tmp_path / "machine.json"
    machine.write_text((REPO / "simulator" / "skylake.json").read_text())
    (tmp_path / ".pie-lsp.toml").write_text(
        f'[simulator.estimate]\nparams = "{machine}"\n[cache]\ndir = "{folder / "cache"}"\n'
    )
    monkeypatch.chdir(tmp_path)
    code = main(["calibrate", str(folder / "gem5.csv"), "--write", "--json", "--jobs", "2"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    fit = report["fitted"][0]
    assert fit["runs"] == 6 and fit["skipped"] == 1
    assert fit["cycle_error_max"] < 0.01  # the fitted costs reproduce every run
    assert fit["pairs"] == 2 + 2  # slow/prog on two inputs, README group c01/c02 on two
    assert fit["speedup_error_max"] < 0.01
    assert any("line 8" in note for note in report["skipped"])
    written = load_machine(machine)
    assert written["estimate"]["costs"] == report["costs"]
    provenance = written["estimate"]["fit"]
    assert provenance["runs"] == 6 and provenance["method"].startswith("non-negative")
    assert provenance["data"][0].endswith("gem5.csv")
    # the rest of the machine file is kept byte for byte (other sections are not ours)
    before = (REPO / "simulator" / "skylake.json").read_text()
    after = machine.read_text()
    assert after[: after.index('"estimate"')] == before[: before.index('"estimate"')]
    assert written["estimate"]["glibc_tunables"] == load_machine()["estimate"]["glibc_tunables"]


def test_calibrate_checks_a_held_out_table(
    synthetic: tuple[Path, dict[str, float]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, _ = synthetic
    (tmp_path / ".pie-lsp.toml").write_text(f'[cache]\ndir = "{folder / "cache"}"\n')
    monkeypatch.chdir(tmp_path)
    # held out: the same programs, "gem5" now finds the slow version 3x slower, not ~2x
    held = folder / "held.csv"
    write_table(
        held,
        [
            ["c01_loop", "prog.cpp", "input.2.txt", 1e-4, 1_000_000, 1, 1, 1, 1],
            ["c01_loop", "slow.cpp", "input.2.txt", 3e-4, 3_000_000, 1, 1, 1, 1],
        ],
    )
    code = main(["calibrate", str(folder / "gem5.csv"), "--check", str(held), "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    fit, check = report["fitted"]
    assert check["table"].endswith("held.csv") and check["runs"] == 2 and check["pairs"] == 1
    pair = next(d for d in check["details"] if d.get("kind") == "pair")
    assert pair["gem5"] == pytest.approx(3.0)
    assert 1.5 < pair["estimate"] < 2.5  # the estimate still says about 2x
    assert check["speedup_error_max"] == pytest.approx(3.0 / pair["estimate"] - 1, rel=1e-3)
    assert report["current"][0]["runs"] == fit["runs"]  # the machine file's costs, too


def test_split_is_by_program_stable_and_disjoint(tmp_path: Path) -> None:
    names = [f"p{i:03d}" for i in range(200)]
    parts = {n: program_part(n) for n in names}
    assert parts == {n: program_part(n) for n in names}  # the same every time
    held = sum(p == "held out" for p in parts.values())
    assert 60 < held < 140  # about half
    assert sum(program_part(n, 0.2) == "held out" for n in names) < held
    runs = make_set(tmp_path)
    write_table(tmp_path / "gem5.csv", [[*run, 1e-4, 1000, 10, 1, 1, 1] for run in runs])
    table = read_table(tmp_path / "gem5.csv")
    fit, out = split_table(table, "fit"), split_table(table, "held out")
    assert len(fit.runs) + len(out.runs) == len(table.runs)
    assert not {r.program for r in fit.runs} & {r.program for r in out.runs}
    assert fit.name.endswith("[fit]") and out.name.endswith("[held out]")


def test_plan_names_fit_and_held_out_tables(tmp_path: Path) -> None:
    runs = make_set(tmp_path)
    write_table(tmp_path / "gem5.csv", [[*run, 1e-4, 1000, 10, 1, 1, 1] for run in runs])
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(
        json.dumps(
            {
                "fit": [{"table": "gem5.csv", "split": True}],
                "held_out": [{"table": "gem5.csv", "split": True}],
            }
        )
    )
    plan = read_plan(plan_path)
    assert [t.part for t in plan.fit] == ["fit"] and [t.part for t in plan.held_out] == ["held out"]
    plan_path.write_text(json.dumps({"held_out": [{"table": "gem5.csv"}]}))
    with pytest.raises(CalibrationError, match="lists no fit table"):
        read_plan(plan_path)
    plan_path.write_text(json.dumps({"fit": [{"tabel": "gem5.csv"}]}))
    with pytest.raises(CalibrationError, match="needs a"):
        read_plan(plan_path)


def test_replace_section_keeps_every_other_byte() -> None:
    text = '{\n  "core":   {"a": 1},\n  "estimate": {"costs": {"x": 1}},\n  "tail": [1,2]\n}\n'
    out = replace_section(text, "estimate", {"costs": {"x": 2.5}})
    assert json.loads(out) == {"core": {"a": 1}, "estimate": {"costs": {"x": 2.5}}, "tail": [1, 2]}
    assert out.startswith('{\n  "core":   {"a": 1},\n') and out.endswith('"tail": [1,2]\n}\n')
    added = replace_section('{\n  "core": {}\n}\n', "estimate", {"v": 1})
    assert json.loads(added) == {"core": {}, "estimate": {"v": 1}}


def test_rendered_report_names_split_tables_literally(
    synthetic: tuple[Path, dict[str, float]],
) -> None:
    """Table names like "gem5.csv [held out]" are text, not rich markup (rich dropped them)."""
    from attrs import evolve
    from rich.console import Console

    from pie_lsp.calibrate import calibrate
    from pie_lsp.calibrate_report import render_calibration

    folder, _ = synthetic
    settings = Settings()
    settings.cache.dir = str(folder / "cache")
    table = read_table(folder / "gem5.csv")
    counts = asyncio.run(measure_counts([table], settings))
    fit, held = evolve(table, part="fit"), evolve(table, part="held out")
    machine_path = REPO / "simulator" / "skylake.json"
    result = calibrate([fit], [held], counts, load_machine(machine_path), machine_path)
    console = Console(record=True, width=300)
    render_calibration(result, console)
    text = console.export_text()
    assert "gem5.csv [fit] (fit)" in text and "gem5.csv [held out] (held out)" in text
    assert "worst pair" in text and "intdiv_chained" in text
