"""Few-shot retrieval (pie_lsp.models.retrieval) and the corpus in model/fewshot/.

The corpus is checked as data (every pair complete and listed) and end to end: every slow
and fast version is compiled with real g++ and both must print the same output on the
pair's input. Retrieval is checked on programs written here in other styles than the
corpus (other names, headers, loop shapes), so a pair is found by its pattern, not by being
a copy of the query.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pie_lsp.errors import ModelError
from pie_lsp.models.retrieval import (
    SIGNATURE_BONUS,
    Index,
    Pair,
    corpus_digest,
    corpus_dir,
    default_index,
    load_corpus,
    signatures,
    similar,
    terms,
)
from pie_lsp.verify import compare_outputs

CORPUS = corpus_dir()
FILES = ("slow.cpp", "fast.cpp", "input.txt")


def ids(pairs: list[Pair]) -> list[str]:
    return [pair.id for pair in pairs]


# -- the corpus as data ------------------------------------------------------------------------


def test_corpus_has_at_least_30_complete_pairs() -> None:
    pairs = load_corpus()
    assert len(pairs) >= 30
    for pair in pairs:
        for name in FILES:
            assert (CORPUS / pair.id / name).is_file(), f"{pair.id}/{name} is missing"
        assert pair.slow.strip() and pair.fast.strip() and pair.input.strip(), pair.id
        assert pair.slow != pair.fast, f"{pair.id}: slow and fast are the same program"
        assert pair.category.strip() and pair.summary.strip(), pair.id


def test_every_folder_is_listed_once_in_order() -> None:
    listed = [entry["id"] for entry in tomllib.loads((CORPUS / "pairs.toml").read_text())["pair"]]
    folders = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())
    # a folder missing from pairs.toml would never be retrieved
    assert listed == folders
    assert all(re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*", name) for name in listed)
    assert [int(name[:2]) for name in listed] == list(range(1, len(listed) + 1))


def test_pairs_hold_their_files_text() -> None:
    for pair in load_corpus():
        assert pair.slow == (CORPUS / pair.id / "slow.cpp").read_text()
        assert pair.fast == (CORPUS / pair.id / "fast.cpp").read_text()
        assert pair.input == (CORPUS / pair.id / "input.txt").read_text()


def write_corpus(folder: Path, index: str, pairs: dict[str, tuple[str, str, str]]) -> Path:
    folder.mkdir()
    (folder / "pairs.toml").write_text(index)
    for name, texts in pairs.items():
        (folder / name).mkdir()
        for file, text in zip(FILES, texts, strict=True):
            (folder / name / file).write_text(text)
    return folder


def test_custom_corpus_directory(tmp_path: Path) -> None:
    index = '[[pair]]\nid = "b"\ncategory = "io"\nsummary = "s"\n\n' + (
        '[[pair]]\nid = "a"\ncategory = "math"\nsummary = "t"\n'
    )
    folder = write_corpus(tmp_path / "c", index, {"a": ("A1", "A2", "A3"), "b": ("B1", "B2", "B3")})
    # pairs.toml's order, not the folders' names
    assert load_corpus(folder) == (
        Pair("b", "io", "s", "B1", "B2", "B3"),
        Pair("a", "math", "t", "A1", "A2", "A3"),
    )


@pytest.mark.parametrize(
    ("index", "pairs"),
    [
        ('[[pair]]\nid = "gone"\ncategory = "io"\nsummary = "s"\n', {}),
        ('[[pair]]\nid = "a"\nsummary = "no category"\n', {"a": ("1", "2", "3")}),
        ("[[pair]\nid = ", {}),
    ],
    ids=["missing-folder", "missing-key", "bad-toml"],
)
def test_broken_corpus_is_a_model_error_naming_the_fix(
    tmp_path: Path, index: str, pairs: dict[str, tuple[str, str, str]]
) -> None:
    folder = write_corpus(tmp_path / "c", index, pairs)
    with pytest.raises(ModelError) as caught:
        load_corpus(folder)
    assert str(folder) in caught.value.message
    assert "pie.model.prompt.few_shot = 0" in caught.value.hint


# -- terms ------------------------------------------------------------------------------------


def test_terms_drop_std_prefix_comments_and_literal_contents() -> None:
    qualified = terms('std::vector<int> v; // a comment\nstd::cout << "hi" << 42;')
    plain = terms('vector<int> v; /* other */ cout << "bye" << 7;')
    assert qualified == plain
    assert "std" not in qualified and "comment" not in qualified
    assert "<string>" in plain and "<number>" in plain


def test_terms_include_adjacent_token_bigrams() -> None:
    found = terms("cout << x << endl;")
    assert {"cout", "<<", "endl", "<< endl", "cout <<"} <= set(found)
    assert "x endl" not in found


# -- ranking on a small index --------------------------------------------------------------------


def toy_pair(name: str, slow: str) -> Pair:
    return Pair(name, "test", name, slow, slow + "// fast\n", "")


TOY = [
    toy_pair("io", "int main() { int x; while (cin >> x) cout << x << endl; }"),
    toy_pair("pow", "int main() { double s = 0; for (int i = 0; i < n; i++) s += pow(i, 2); }"),
    toy_pair("strlen", "int main() { for (int i = 0; i < strlen(s); i++) c += s[i]; }"),
    toy_pair("io-copy", "int main() { int x; while (cin >> x) cout << x << endl; }"),
]


def test_most_similar_first_and_ties_in_corpus_order() -> None:
    index = Index(TOY)
    # "io" and its exact copy tie: corpus order decides
    assert ids(index.search("while (cin >> y) cout << y << endl;", 2)) == ["io", "io-copy"]
    assert index.search("x += pow(x, 2);", 1)[0].id == "pow"
    assert index.search("n = strlen(t);", 1)[0].id == "strlen"


def test_search_order_follows_the_scores() -> None:
    index = default_index()
    query = "for (int i = 0; i < n; i++) s = s + 'a';"
    scores = dict(zip(ids(list(index.pairs)), index.ranking_scores(query), strict=True))
    ranked = index.search(query, len(index.pairs))
    assert [scores[p.id] for p in ranked] == sorted(scores.values(), reverse=True)
    # BM25 relative to the best, plus the bonus of the slowdown 07 shows how to fix
    lexical = dict(zip(ids(list(index.pairs)), index.scores(query), strict=True))
    best = max(lexical.values())
    assert scores["07-string-concat"] == pytest.approx(
        lexical["07-string-concat"] / best + SIGNATURE_BONUS
    )
    assert ranked[0].id == "07-string-concat"


def test_signatures_name_the_slowdowns_a_pair_fixes() -> None:
    assert signatures("int f(vector<int> v, int x) { return v[x]; }") == {"@copied-container"}
    assert signatures("int f(const vector<int>& v) { return v[0]; }") == set()
    assert signatures("int main() { int x; cin >> x; }") == {"@unsynced-cin"}
    synced = "int main() { ios::sync_with_stdio(false); int x; cin >> x; cout << x << endl; }"
    assert signatures(synced) == {"@endl"}
    assert signatures("s = s + t; m = pow(a, 2); map<int, int> c;") == {
        "@string-concat",
        "@pow",
        "@ordered-map",
    }


@pytest.mark.parametrize("k", [0, -3])
def test_no_pairs_for_k_below_one(k: int) -> None:
    assert Index(TOY).search("cin >> x;", k) == []


def test_k_larger_than_the_corpus_returns_every_pair_once() -> None:
    assert sorted(ids(Index(TOY).search("pow", 100))) == sorted(ids(TOY))
    everything = similar("int main() {}", 1000)
    assert sorted(ids(everything)) == sorted(ids(list(load_corpus())))


def test_empty_index() -> None:
    assert Index([]).search("int main() {}", 3) == []


# -- retrieval on the shipped corpus -------------------------------------------------------------

# Reads n numbers with cin in a loop and never unsyncs the streams from stdio.
UNSYNCED_CIN = """#include <iostream>
using namespace std;
int main() {
    int n;
    cin >> n;
    long long total = 0;
    for (int i = 0; i < n; i++) {
        int v;
        cin >> v;
        total += v;
    }
    cout << total << "\\n";
    return 0;
}
"""

# Counts primes by trial division, another shape than the corpus's slow.cpp.
TRIAL_DIVISION = """#include <cstdio>
int main() {
    int n;
    scanf("%d", &n);
    int cnt = 0;
    for (int v = 2; v <= n; v++) {
        bool ok = true;
        for (int d = 2; d < v; d++)
            if (v % d == 0) { ok = false; break; }
        if (ok) cnt++;
    }
    printf("%d\\n", cnt);
}
"""

POW_SQUARES = """#include <cmath>
#include <iostream>
int main() {
    int n; std::cin >> n;
    long long acc = 0;
    for (int i = 1; i <= n; i++) acc += (long long)pow(i, 2);
    std::cout << acc << "\\n";
}
"""

STRLEN_CONDITION = """#include <cstdio>
#include <cstring>
char buf[100005];
int main() {
    scanf("%s", buf);
    int vowels = 0;
    for (int i = 0; i < strlen(buf); i++) if (buf[i] == 'a' || buf[i] == 'e') vowels++;
    printf("%d\\n", vowels);
}
"""

ENDL_LOOP = """#include <iostream>
using namespace std;
int main() {
    int n; cin >> n;
    for (int i = 1; i <= n; i++) cout << i * i << endl;
}
"""

# The bundled example's slowdown among plenty of scanf I/O (which the buffered-reader pair
# shares lexically): a vector copied into a helper on every query.
COPIED_VECTOR = (
    Path(__file__).resolve().parents[2] / "examples" / "pass_by_value" / "slow.cpp"
).read_text()
TEST_CASES_LOOP = """#include <bits/stdc++.h>
using namespace std;
int main() {
    int t;
    cin >> t;
    while (t--) {
        long long a, b;
        cin >> a >> b;
        cout << a + b << '\\n';
    }
}
"""

WRONG_LOOP_ORDER = """#include <bits/stdc++.h>
using namespace std;
int A[300][300], B[300][300], C[300][300];
int main() {
    int n; cin >> n;
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) cin >> A[i][j];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) cin >> B[i][j];
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++) C[i][j] += A[i][k] * B[k][j];
    cout << C[0][0] << "\\n";
}
"""


@pytest.mark.parametrize(
    ("program", "pair", "within"),
    [
        (UNSYNCED_CIN, "01-sync-stdio", 2),
        (COPIED_VECTOR, "05-vector-by-value", 2),
        (TEST_CASES_LOOP, "01-sync-stdio", 2),
        (TRIAL_DIVISION, "23-sieve-of-eratosthenes", 2),
        (POW_SQUARES, "21-avoid-pow", 2),
        (STRLEN_CONDITION, "10-strlen-in-loop", 2),
        (ENDL_LOOP, "02-endl-flush", 2),
        (WRONG_LOOP_ORDER, "35-matmul-loop-order", 2),
    ],
    ids=["unsynced-cin", "copied-vector", "test-cases", "sieve", "pow", "strlen", "endl", "matmul"],
)
def test_program_retrieves_the_pair_for_its_slowdown(program: str, pair: str, within: int) -> None:
    # `within` 2 is what the default prompt shows (pie.model.prompt.few_shot = 2)
    assert pair in ids(similar(program, within)), ids(similar(program, 5))


def test_each_slow_version_retrieves_its_own_pair_first() -> None:
    for pair in load_corpus():
        assert similar(pair.slow, 1)[0].id == pair.id


def test_retrieval_is_deterministic() -> None:
    first = ids(similar(TRIAL_DIVISION, 5))
    assert ids(similar(TRIAL_DIVISION, 5)) == first
    # a fresh index over the same corpus ranks the same way
    assert ids(Index(load_corpus()).search(TRIAL_DIVISION, 5)) == first
    assert corpus_digest() == corpus_digest() and re.fullmatch(r"[0-9a-f]{64}", corpus_digest())


def test_empty_program_gets_the_first_pairs_in_corpus_order() -> None:
    # nothing matches, every score ties at zero
    assert similar("", 3) == list(load_corpus()[:3])
    assert similar("   \n// only a comment\n", 2) == list(load_corpus()[:2])


@pytest.mark.parametrize(
    "program",
    ['}}}{{ ))) "unterminated', "/* never closed", "def f(x):\n    return x\n", "\x00\xff\u2028"],
)
def test_odd_program_does_not_crash(program: str) -> None:
    found = similar(program, 4)
    assert len(found) == 4 and len(set(ids(found))) == 4


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(-2, 50))
def test_any_text_gets_distinct_pairs(text: str, k: int) -> None:
    found = similar(text, k)
    assert len(found) == max(0, min(k, len(load_corpus())))
    assert len(set(ids(found))) == len(found)


# -- the corpus end to end: real g++ -----------------------------------------------------------

COMPILE_TIMEOUT = 60.0
RUN_TIMEOUT = 10.0


def build_and_run(source: Path, work: Path, stdin: str) -> tuple[str | None, str]:
    """(None, stdout) when `source` compiles and runs cleanly, else (why not, "")."""
    binary = work / f"{source.parent.name}-{source.stem}"
    try:
        build = subprocess.run(
            ["g++", "-O1", "-std=c++17", "-pipe", "-o", str(binary), str(source)],
            capture_output=True,
            text=True,
            timeout=COMPILE_TIMEOUT,
            check=False,
        )
        if build.returncode != 0:
            return f"does not compile:\n{build.stderr[-800:]}", ""
        run = subprocess.run(
            [str(binary)],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return f"timed out ({exc.timeout:g} s)", ""
    if run.returncode != 0:
        return f"exits with {run.returncode}: {run.stderr[-300:]}", ""
    return None, run.stdout


@pytest.mark.slow
def test_every_pair_compiles_and_prints_the_same_output(tmp_path: Path) -> None:
    pairs = load_corpus()
    jobs = [(pair, version) for pair in pairs for version in ("slow", "fast")]
    # two workers: a couple of cores are all CI machines are sure to have
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(
                lambda job: build_and_run(
                    CORPUS / job[0].id / f"{job[1]}.cpp", tmp_path, job[0].input
                ),
                jobs,
            )
        )
    outcome = dict(zip([(p.id, v) for p, v in jobs], results, strict=True))
    failures: list[str] = []
    for pair in pairs:
        (slow_error, slow_out), (fast_error, fast_out) = (
            outcome[(pair.id, "slow")],
            outcome[(pair.id, "fast")],
        )
        if slow_error or fast_error:
            failures += [
                f"{pair.id}/{v}.cpp {e}"
                for v, e in (("slow", slow_error), ("fast", fast_error))
                if e
            ]
        elif not slow_out.strip():
            # two programs printing nothing would "agree" without showing anything
            failures.append(f"{pair.id}: prints nothing on its input.txt")
        elif why := compare_outputs(fast_out, slow_out):
            failures.append(f"{pair.id}: fast.cpp differs from slow.cpp, {why}")
    assert not failures, "\n".join(failures)
