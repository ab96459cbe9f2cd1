"""The rules backend with real libclang and g++: what each rule rewrites, what it leaves
alone, and that every rewrite still compiles and prints what the original printed."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pie_lsp.models.base import Candidate, Generation, Outcome
from pie_lsp.models.rules import (
    RULE_NAMES,
    Code,
    Edit,
    Rewrite,
    Rule,
    RulesBackend,
    apply_edits,
    merge,
)
from pie_lsp.program import Program
from pie_lsp.settings import Settings, SettingsError

needs_gxx = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")

# One program where every rule applies somewhere, next to look-alikes it must not touch.
SHOWCASE = r"""#include <iostream>
#include <vector>
#include <string>
#include <map>
#include <cmath>
#include <cstring>
using namespace std;

#define SQ(x) pow(x, 2)
#define rep(i, n) for (int i = 0; i < (int)(n); i++)
#define SHOW(x) cout << (x) << endl

vector<int> shared_v;
char word[64];
bool seen[1 << 16];
int reused[8];

long long total(vector<int> v) {
    long long s = 0;
    for (int x : v) s += x;
    return s;
}

int smallest(vector<int> v, string label) {
    v[0] = min(v[0], v.back());
    return v[0] + (int)label.size();
}

int aliased(vector<int> v) {
    shared_v.push_back(1);
    return (int)v.size();
}

int main() {
    int n;
    cin >> n;
    memset(seen, 0, sizeof(seen));
    reused[0] = n;
    memset(reused, 0, sizeof reused);
    vector<int> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    shared_v = a;

    long long weighted = 0;
    for (int i = 0; i < a.size(); i++) weighted += (long long)a[i] * i;
    vector<int> grow = a;
    for (int i = 0; i < grow.size(); i++) if (grow[i] % 2 == 0 && grow.size() < 100) grow.push_back(1);
    strcpy(word, "banana");
    int vowels = 0;
    for (int i = 0; i < strlen(word); i++) vowels += word[i] == 'a';
    rep(i, a.size()) weighted += a[i];

    double d = pow(a[0] - a[n - 1], 2) + std::pow(1.5, 3);
    int e = n % 3;
    double p = pow(2.0, e) + SQ(a[0]);

    string s, t = "<";
    for (int i = 0; i < n; i++) {
        s = s + (char)('a' + a[i] % 26) + ',';
        t = to_string(a[i]) + t;
    }

    map<int, int> counts;
    map<int, int> ordered;
    map<int, int> lower;
    for (int x : a) { counts[x]++; ordered[x]++; lower[x] = 1; }
    int distinct = 0;
    for (auto& kv : ordered) distinct += kv.second > 0;
    auto lb = lower.lower_bound(2);

    cout << total(a) << " " << smallest(a, "xy") << " " << aliased(shared_v) << endl;
    cout << weighted << " " << grow.size() << " " << vowels << " " << seen[n] + reused[0] << endl;
    cout << d << " " << p << " " << s << " " << t << endl;
    cout << counts.size() << " " << counts.count(3) << " " << distinct << " "
         << (lb == lower.end() ? -1 : lb->first) << endl;
    SHOW(n);
    return 0;
}
"""
SHOWCASE_INPUT = "6\n5 3 8 3 1 12\n"

# C stdio on the same stream as cout: unsyncing would reorder the output.
MIXED_STDIO = r"""#include <cstdio>
#include <iostream>
int main() {
    int n;
    std::cin >> n;
    for (int i = 0; i < n; i++) {
        std::cout << i << std::endl;
        printf("%d\n", i * i);
    }
    return 0;
}
"""


def generate(
    source: str, folder: Path, settings: Settings | None = None, name: str = "prog.cpp"
) -> Generation:
    path = folder / name
    path.write_text(source)
    backend = RulesBackend.from_settings(settings or Settings())
    return asyncio.run(backend.generate(Program.from_file(path), 1, lambda _: None))


def without_stdio() -> Settings:
    """All rules but iostream-to-stdio, which would rewrite all of MIXED_STDIO's I/O (the
    tests on that program are about the other rules)."""
    settings = Settings()
    settings.model.rules.disabled = ["iostream-to-stdio"]
    return settings


def by_origin(generation: Generation) -> dict[str, Candidate]:
    return {c.origin: c for c in generation.candidates}


def diff_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines only in before, lines only in after), stripped."""
    old = [line.strip() for line in before.splitlines()]
    new = [line.strip() for line in after.splitlines()]
    return [x for x in old if x not in new], [x for x in new if x not in old]


def compile_and_run(sources: Sequence[str], stdin: str, folder: Path) -> list[str]:
    """The output of each program on `stdin` (g++ -std=c++17, native run), in parallel."""
    folder.mkdir(parents=True, exist_ok=True)

    def one(index: int) -> str:
        source_path = folder / f"variant{index}.cpp"
        source_path.write_text(sources[index])
        exe = folder / f"variant{index}"
        built = subprocess.run(
            ["g++", "-std=c++17", "-O0", "-o", str(exe), str(source_path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert built.returncode == 0, f"variant {index} does not compile:\n{built.stderr}"
        ran = subprocess.run(
            [str(exe)], input=stdin, capture_output=True, text=True, timeout=30, check=False
        )
        assert ran.returncode == 0, f"variant {index} failed: {ran.stderr}"
        return ran.stdout

    with ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        return list(pool.map(one, range(len(sources))))


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Generation:
    return generate(SHOWCASE, tmp_path_factory.mktemp("showcase"))


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Generation:
    return generate(MIXED_STDIO, tmp_path_factory.mktemp("mixed"), without_stdio())


# --------------------------------------------------------------------------- each rule


# The rules SHOWCASE exercises (each newer rule has its own fixtures in tests/models/rules/).
SHOWCASE_RULES = (
    "sync-stdio",
    "endl",
    "const-ref-params",
    "int-pow",
    "hoist-loop-bound",
    "map-to-unordered",
    "string-append",
    "zero-memset",
)


def test_every_rule_applies_once_and_all_combine(showcase: Generation) -> None:
    assert [c.origin for c in showcase.candidates] == [
        *(f"rules:{name}" for name in RULE_NAMES if name in SHOWCASE_RULES),
        "rules:all",
    ]
    assert showcase.rejected == []
    assert all(c.description for c in showcase.candidates)


def test_sync_stdio_goes_first_in_main(showcase: Generation) -> None:
    text = by_origin(showcase)["rules:sync-stdio"].source
    assert (
        "int main() {\n    std::ios::sync_with_stdio(false);\n    std::cin.tie(nullptr);\n"
        "    int n;\n" in text
    )
    assert diff_lines(SHOWCASE, text) == (
        [],
        ["std::ios::sync_with_stdio(false);", "std::cin.tie(nullptr);"],
    )


def test_sync_stdio_not_with_c_stdio(mixed: Generation) -> None:
    assert [c.origin for c in mixed.candidates] == ["rules:endl"]
    assert "sync_with_stdio" not in mixed.candidates[0].source


def test_endl_outside_macros(showcase: Generation) -> None:
    candidate = by_origin(showcase)["rules:endl"]
    removed, added = diff_lines(SHOWCASE, candidate.source)
    assert len(removed) == 4 and all(line.endswith("<< endl;") for line in removed)
    assert all(line.endswith("<< '\\n';") for line in added)
    assert "#define SHOW(x) cout << (x) << endl" in candidate.source  # macro untouched
    assert "in 4 places" in candidate.description


def test_endl_rewritten_when_written_std_endl(mixed: Generation) -> None:
    assert diff_lines(MIXED_STDIO, mixed.candidates[0].source) == (
        ["std::cout << i << std::endl;"],
        ["std::cout << i << '\\n';"],
    )


def test_const_ref_params(showcase: Generation) -> None:
    candidate = by_origin(showcase)["rules:const-ref-params"]
    assert diff_lines(SHOWCASE, candidate.source) == (
        ["long long total(vector<int> v) {", "int smallest(vector<int> v, string label) {"],
        [
            "long long total(const vector<int>& v) {",
            "int smallest(vector<int> v, const string& label) {",
        ],
    )
    # `v` of smallest() is modified (the const version failed to compile and was dropped);
    # `v` of aliased() may be the global it modifies.
    assert "int aliased(vector<int> v) {" in candidate.source
    assert "label in smallest()" in candidate.description


def test_int_pow(showcase: Generation) -> None:
    candidate = by_origin(showcase)["rules:int-pow"]
    assert diff_lines(SHOWCASE, candidate.source) == (
        ["double d = pow(a[0] - a[n - 1], 2) + std::pow(1.5, 3);"],
        [
            "double d = ((double)(a[0] - a[n - 1]) * (double)(a[0] - a[n - 1])) + "
            "((double)(1.5) * (double)(1.5) * (double)(1.5));"
        ],
    )  # pow(2.0, e) has no literal exponent; SQ(a[0]) is a macro


def test_hoist_loop_bound(showcase: Generation) -> None:
    candidate = by_origin(showcase)["rules:hoist-loop-bound"]
    assert diff_lines(SHOWCASE, candidate.source) == (
        [
            "for (int i = 0; i < a.size(); i++) weighted += (long long)a[i] * i;",
            "for (int i = 0; i < strlen(word); i++) vowels += word[i] == 'a';",
        ],
        [
            "{ const auto pie_bound_1 = a.size(); for (int i = 0; i < pie_bound_1; i++) "
            "weighted += (long long)a[i] * i; }",
            "{ const auto pie_bound_2 = strlen(word); for (int i = 0; i < pie_bound_2; i++) "
            "vowels += word[i] == 'a'; }",
        ],
    )  # grow.size() changes in its loop; rep(i, a.size()) is a macro


def test_string_append_keeps_grouping(showcase: Generation) -> None:
    candidate = by_origin(showcase)["rules:string-append"]
    assert diff_lines(SHOWCASE, candidate.source) == (
        ["s = s + (char)('a' + a[i] % 26) + ',';"],
        ["(s += (char)('a' + a[i] % 26)) += ',';"],
    )  # t = to_string(a[i]) + t prepends: untouched


def test_map_to_unordered_only_order_free_maps(showcase: Generation) -> None:
    candidate = by_origin(showcase)["rules:map-to-unordered"]
    assert diff_lines(SHOWCASE, candidate.source) == (
        ["map<int, int> counts;"],
        ["#include <unordered_map>", "unordered_map<int, int> counts;"],
    )
    assert candidate.source.startswith("#include <iostream>\n#include <unordered_map>\n")


def test_zero_memset_only_of_an_untouched_global(showcase: Generation) -> None:
    candidate = by_origin(showcase)["rules:zero-memset"]
    assert diff_lines(SHOWCASE, candidate.source) == (["memset(seen, 0, sizeof(seen));"], [])
    assert "    cin >> n;\n    reused[0] = n;\n" in candidate.source  # the whole line went
    assert "memset(reused, 0, sizeof reused);" in candidate.source  # written before it


ZERO_MEMSETS = r"""#include <cstring>
#include <cstdio>
#define CLEAR(a) memset(a, 0, sizeof(a))
struct P { int x; P() : x(7) {} };
int plain[100];
int cube[4][5][6];
double reals[10];
int given[3] = {1, 2, 3};
int aliased[10];
int* alias = aliased;
int by_call[10];
int by_init[10];
int cleared_in_loop[10];
int by_macro[10];
int half[10];
P objects[4];
void fill_it() { by_call[0] = 5; }
int touch() { by_init[1] = 9; return 0; }
int dummy = touch();
int main() {
    fill_it();
    memset(plain, 0, sizeof(plain));
    std::memset(cube, 0, sizeof cube);
    memset(reals, 0, sizeof(reals));
    memset(given, 0, sizeof(given));
    memset(aliased, 0, sizeof(aliased));
    memset(by_call, 0, sizeof(by_call));
    memset(by_init, 0, sizeof(by_init));
    CLEAR(by_macro);
    memset(half, 0, sizeof(half) / 2);
    memset(objects, 0, sizeof(objects));
    for (int t = 0; t < 2; t++) { memset(cleared_in_loop, 0, sizeof(cleared_in_loop)); }
    int n = 0;
    if (std::scanf("%d", &n) == 1) plain[0] = n;
    printf("%d %d %g %d %d %d %d\n", plain[0], cube[1][2][3], reals[4], given[0], by_call[0], by_init[1], dummy);
    return 0;
}
"""


def test_zero_memset_conditions(tmp_path: Path) -> None:
    settings = Settings()
    settings.model.rules.enabled = ["zero-memset"]
    (candidate,) = generate(ZERO_MEMSETS, tmp_path, settings).candidates
    removed, added = diff_lines(ZERO_MEMSETS, candidate.source)
    # untouched globals of numbers, also multi-dimensional, std:: spelled, `sizeof x`
    assert removed == [
        "memset(plain, 0, sizeof(plain));",
        "std::memset(cube, 0, sizeof cube);",
        "memset(reals, 0, sizeof(reals));",
    ]
    assert added == []
    # kept: initialised, aliased by a global, written by a call before, written by a
    # global's initializer, a macro, part of the array, class objects, in a loop
    assert "plain, cube, reals" in candidate.description


@needs_gxx
def test_zero_memset_prints_the_same(tmp_path: Path) -> None:
    settings = Settings()
    settings.model.rules.enabled = ["zero-memset"]
    (candidate,) = generate(ZERO_MEMSETS, tmp_path, settings).candidates
    outputs = compile_and_run([ZERO_MEMSETS, candidate.source], "4\n", tmp_path / "run")
    # given, by_call and by_init are zeroed by their kept memsets
    assert outputs == ["4 0 0 0 0 0 0\n"] * 2


def test_combination_is_every_rule_at_once(showcase: Generation) -> None:
    removed: set[str] = set()
    added: set[str] = set()
    for candidate in showcase.candidates[:-1]:
        old, new = diff_lines(SHOWCASE, candidate.source)
        removed.update(old)
        added.update(new)
    old, new = diff_lines(SHOWCASE, by_origin(showcase)["rules:all"].source)
    assert (set(old), set(new)) == (removed, added)


@needs_gxx
def test_rewrites_compile_and_print_the_same(
    showcase: Generation, mixed: Generation, tmp_path: Path
) -> None:
    programs = [
        SHOWCASE,
        *(c.source for c in showcase.candidates),
        MIXED_STDIO,
        *(c.source for c in mixed.candidates),
    ]
    split = 1 + len(showcase.candidates)
    outputs = compile_and_run(programs[:split], SHOWCASE_INPUT, tmp_path)
    assert outputs[0].count("\n") == 5
    assert outputs == [outputs[0]] * split
    mixed_outputs = compile_and_run(programs[split:], "4\n", tmp_path / "mixed")
    assert mixed_outputs == ["0\n0\n1\n1\n2\n4\n3\n9\n"] * len(mixed_outputs)


# --------------------------------------------------------------------------- the backend


def test_syntax_error_gives_a_note(tmp_path: Path) -> None:
    generation = generate(
        "#include <iostream>\nint main() { int x = ; std::cout << x; }\n", tmp_path
    )
    assert generation.candidates == [] and generation.rejected == []
    assert len(generation.notes) == 1 and "cannot parse" in generation.notes[0]


def test_no_rule_applies_says_what_was_checked(tmp_path: Path) -> None:
    path = tmp_path / "prog.cpp"
    path.write_text('#include <cstdio>\nint main() { printf("hi\\n"); return 0; }\n')
    program = Program.from_file(path)
    backend = RulesBackend.from_settings(Settings())
    generation = asyncio.run(backend.generate(program, 1, lambda _: None))
    assert generation.candidates == [] and generation.notes == []
    why = backend.explain(program, [])
    checked = backend.applicable(program)
    assert why[0].startswith(f"Checked {len(checked)} of {len(RULE_NAMES)} rules")
    assert why[1] == "None of them matched."
    assert 'model.backend = "openai"' in why[-1]


def test_explain_names_rules_that_matched_but_were_not_faster(tmp_path: Path) -> None:
    path = tmp_path / "prog.cpp"
    path.write_text(MIXED_STDIO)
    program = Program.from_file(path)
    backend = RulesBackend.from_settings(Settings())
    asyncio.run(backend.generate(program, 1, lambda _: None))
    why = backend.explain(program, [Outcome("rules:endl", "not-faster", 1.02, "below")])
    assert "Matched but not 1.10× faster: endl (1.02×)." in why
    assert all("None of them matched" not in line for line in why)


def test_the_backend_takes_its_parts_of_the_settings(tmp_path: Path) -> None:
    """`from_settings` passes `pie.model`, the compiler and `min_speedup`, nothing else:
    `explain` words the threshold the tree sets, and settings the backend does not read
    (the simulator's) leave its digest alone."""
    path = tmp_path / "prog.cpp"
    path.write_text(MIXED_STDIO)
    program = Program.from_file(path)
    settings = Settings()
    settings.min_speedup = 1.5
    backend = RulesBackend.from_settings(settings)
    assert (backend.options, backend.compiler) == (settings.model.rules, settings.build.compiler)
    asyncio.run(backend.generate(program, 1, lambda _: None))
    why = backend.explain(program, [Outcome("rules:endl", "not-faster", 1.2, "below")])
    assert "Matched but not 1.50× faster: endl (1.20×)." in why
    other = Settings()
    other.simulator.backend = "native"
    assert RulesBackend.from_settings(other).config_digest() == backend.config_digest()


def test_refine_combines_the_fastest_rules_once(tmp_path: Path) -> None:
    path = tmp_path / "prog.cpp"
    path.write_text(SHOWCASE)
    program = Program.from_file(path)
    settings = Settings()
    settings.model.rules.search_seconds = 1e6  # not the subject here, and CI can be slow
    backend = RulesBackend.from_settings(settings)
    generation = asyncio.run(backend.generate(program, 1, lambda _: None))
    speedups = {"rules:endl": 1.5, "rules:sync-stdio": 1.3, "rules:int-pow": 1.2}
    outcomes = [
        Outcome(c.origin, "faster", speedups.get(c.origin, 0.99)) for c in generation.candidates
    ]
    combined = asyncio.run(backend.refine(program, outcomes)).candidates
    assert [c.origin for c in combined] == [
        "rules:endl+sync-stdio",
        "rules:endl+sync-stdio+int-pow",
    ]
    singles = by_origin(generation)
    both = combined[0].source
    assert "'\\n'" in both and "sync_with_stdio(false)" in both and "pow(" in both
    assert both != singles["rules:all"].source
    assert asyncio.run(backend.refine(program, outcomes)).candidates == []  # once only


def test_refine_respects_the_time_budget(tmp_path: Path) -> None:
    path = tmp_path / "prog.cpp"
    path.write_text(SHOWCASE)
    program = Program.from_file(path)
    settings = Settings()
    settings.model.rules.search_seconds = 0
    backend = RulesBackend.from_settings(settings)
    generation = asyncio.run(backend.generate(program, 1, lambda _: None))
    outcomes = [Outcome(c.origin, "faster", 2.0) for c in generation.candidates]
    assert asyncio.run(backend.refine(program, outcomes)) == Generation()  # 0: no search


def test_one_rule_alone_has_no_combination(tmp_path: Path) -> None:
    generation = generate(MIXED_STDIO, tmp_path, without_stdio())
    assert [c.origin for c in generation.candidates] == ["rules:endl"]


def test_enabled_and_disabled(tmp_path: Path) -> None:
    only = Settings()
    only.model.rules.enabled = ["sync-stdio", "endl"]
    only.model.rules.disabled = ["endl"]
    generation = generate(SHOWCASE, tmp_path, only)
    assert [c.origin for c in generation.candidates] == ["rules:sync-stdio"]
    assert "checked" not in " ".join(generation.notes)
    digests = {RulesBackend.from_settings(s).config_digest() for s in (Settings(), only)}
    assert len(digests) == 2


def test_unknown_rule_name_is_a_settings_error() -> None:
    settings = Settings()
    settings.model.rules.disabled = ["endl", "no-such-rule"]
    with pytest.raises(SettingsError, match="no-such-rule"):
        RulesBackend.from_settings(settings)


class _Insert(Rule):
    """A test rule that inserts a line at the top of the program."""

    summary = "inserts a line"

    def __init__(self, name: str, line: str) -> None:
        self.name, self.line = name, line  # type: ignore[misc]

    def find(self, code: Code) -> list[Rewrite]:
        return [Rewrite((Edit(0, 0, self.line + "\n"),), "top")]

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return f"insert {self.line}"


def generate_with(rules: list[Rule], source: str, folder: Path) -> Generation:
    backend = RulesBackend.from_settings(Settings())
    backend.rules = rules
    path = folder / "prog.cpp"
    path.write_text(source)
    return asyncio.run(backend.generate(Program.from_file(path), 1, lambda _: None))


def test_rewrite_that_does_not_compile_is_rejected(tmp_path: Path) -> None:
    generation = generate_with(
        [_Insert("broken", "this is not C++;"), *RulesBackend.from_settings(Settings()).rules[:2]],
        MIXED_STDIO,
        tmp_path,
    )
    assert [c.origin for c in generation.candidates] == ["rules:endl"]
    assert [r.origin for r in generation.rejected] == ["rules:broken"]
    assert generation.rejected[0].reason.startswith("rewrite would not compile: 1:")


def test_combination_drops_rules_that_clash(tmp_path: Path) -> None:
    # each compiles alone; together they define `clash` twice
    rules: list[Rule] = [
        _Insert("first", "int clash = 1;"),
        _Insert("second", "int clash = 2;"),
        _Insert("third", "int other = 3;"),
    ]
    generation = generate_with(rules, MIXED_STDIO, tmp_path)
    assert [c.origin for c in generation.candidates] == [
        "rules:first",
        "rules:second",
        "rules:third",
        "rules:all",
    ]
    assert generation.candidates[-1].source == "int clash = 1;\nint other = 3;\n" + MIXED_STDIO
    assert generation.rejected == []
    assert generation.notes == [
        "rules: the rules' rewrites do not compile together; rules:all leaves out second"
    ]


class _Crash(_Insert):
    def find(self, code: Code) -> list[Rewrite]:
        raise RuntimeError("boom")


def test_a_rule_that_crashes_costs_only_itself(tmp_path: Path) -> None:
    endl = [rule for rule in RulesBackend.from_settings(Settings()).rules if rule.name == "endl"]
    generation = generate_with([_Crash("crash", ""), *endl], MIXED_STDIO, tmp_path)
    assert [c.origin for c in generation.candidates] == ["rules:endl"]
    assert generation.notes == [
        "rules: crash failed on this program (RuntimeError: boom); please report it"
    ]


async def test_generate_keeps_the_event_loop_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The libclang work runs off the event loop: the rules start only once a task on the
    loop has run, which could not happen if they held the loop's thread."""
    path = tmp_path / "prog.cpp"
    path.write_text(MIXED_STDIO)
    messages: list[str] = []
    loop_ran = threading.Event()
    work = RulesBackend._generate

    def generate_once_the_loop_ran(
        self: RulesBackend, program: Program, progress: Callable[[str], None]
    ) -> Generation:
        assert loop_ran.wait(timeout=60), "the event loop was held while the rules ran"
        return work(self, program, progress)

    monkeypatch.setattr(RulesBackend, "_generate", generate_once_the_loop_ran)

    async def on_the_loop() -> None:
        loop_ran.set()

    marker = asyncio.create_task(on_the_loop())
    generation = await RulesBackend.from_settings(without_stdio()).generate(
        Program.from_file(path), 8, messages.append
    )
    await marker
    await asyncio.sleep(0)  # deliver progress queued from the worker thread
    assert [c.origin for c in generation.candidates] == ["rules:endl"]
    assert messages and messages[0].startswith("rules: parsing prog.cpp")


# --------------------------------------------------------------------------- edits


def test_apply_edits_on_bytes() -> None:
    source = "// ü\nint a = b + c;\n".encode()
    start = source.index(b"b + c")
    edits = [Edit(start, start + 5, "d"), Edit(0, 0, "#x\n"), Edit(0, 0, "#y\n")]
    assert apply_edits(source, edits) == "#x\n#y\n// ü\nint a = d;\n"


def test_merge_skips_overlapping_rewrites() -> None:
    first = Rewrite((Edit(5, 10, "x"), Edit(20, 20, "}")), "first")
    inside = Rewrite((Edit(7, 8, "y"),), "inside")
    touching = Rewrite((Edit(10, 12, "z"), Edit(20, 20, "}")), "touching")
    assert merge([first, inside, touching]) == [*first.edits, *touching.edits]


def test_identical_candidates_are_kept_once() -> None:
    from pie_lsp.models.rules.backend import _unique

    candidates = [Candidate("rules:a", "x"), Candidate("rules:b", "y"), Candidate("rules:all", "x")]
    assert [c.origin for c in _unique(candidates)] == ["rules:a", "rules:b"]


def test_a_rule_version_changes_only_the_keys_of_programs_it_may_apply_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uses_pow, plain = tmp_path / "pow.cpp", tmp_path / "plain.cpp"
    uses_pow.write_text("#include <cmath>\nint main() { return (int)pow(2.0, 2); }\n")
    plain.write_text("int main() { return 0; }\n")
    backend = RulesBackend.from_settings(Settings())
    programs = [Program.from_file(p) for p in (uses_pow, plain)]
    before = [backend.config_digest_for(p) for p in programs]
    rule = next(r for r in backend.rules if r.name == "int-pow")
    monkeypatch.setattr(type(rule), "version", rule.version + 1)
    after = [backend.config_digest_for(p) for p in programs]
    assert after[0] != before[0] and after[1] == before[1]


def test_a_combination_names_only_the_rules_it_applies(tmp_path: Path) -> None:
    """prefix_sums: iostream-to-stdio fires alone, but its edits overlap those of the
    rules before it (sync-stdio, endl), so rules:all leaves it out, and must not say it
    reads and writes with scanf/printf."""
    example = Path(__file__).parents[2] / "examples" / "prefix_sums" / "slow.cpp"
    found = by_origin(generate(example.read_text(), tmp_path))
    assert "scanf" in found["rules:iostream-to-stdio"].source
    combined = found["rules:all"]
    assert "scanf" not in combined.source and "sync_with_stdio" in combined.source
    assert "scanf" not in combined.description
    assert "std::endl" in combined.description and "syncing" in combined.description
