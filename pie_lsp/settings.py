"""The one typed settings tree, and where its values come from.

Every knob of pie-lsp lives in `Settings` (attrs classes, structured with cattrs). Layers are
merged, later winning: defaults < `[tool.pie-lsp]` in the workspace's pyproject.toml or a
`.pie-lsp.toml` < the editor's `initializationOptions` < `workspace/configuration` (section
`pie`) < command-line flags. Keys may be written in snake_case, camelCase or kebab-case;
an unknown key or a wrong type is an error that names the key.

One module on purpose, though past 500 lines: more than half of it is declarations (one
attrs class per subtree, every field with its default and the doc string `pie-lsp
settings`, the editors' generated settings and the docs show), and the rest reads exactly
those declarations (structuring, value checks, layers, `field_docs`). Every component
takes its own subtree of it (`Builder` `pie.build`, a measurer `pie.simulator`, a model
backend `pie.model`), so a new setting is added in this one file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import attrs
import cattrs
from attrs import define, field

from pie_lsp.errors import PieError

ModelBackend = Literal["rules", "openai", "transformers"]
SimulatorBackend = Literal["auto", "estimate", "native", "gem5"]
Gem5Ranking = Literal["estimate", "gem5"]
OpenAIApi = Literal["completions", "chat"]


def setting(default: Any = attrs.NOTHING, doc: str = "", *, factory: Any = None) -> Any:
    """An attrs field with its user-facing description (shown in editors and docs)."""
    if factory is not None:
        return field(factory=factory, metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@define
class BuildSettings:
    """How candidate and original programs are compiled."""

    compiler: str = setting("g++", "C++ compiler for every build (a name on PATH or a path).")
    # Never -march=native: valgrind dies on AVX-512, and gem5 models baseline x86-64.
    flags: list[str] = setting(
        factory=lambda: ["-O3", "-std=c++17"],
        doc="Compiler flags (PIE: -O3 -std=c++17). -march=native is refused.",
    )
    # Static binaries: what gem5 needs, and what the estimate's constants were fitted on.
    static: bool = setting(True, "Link statically (needed by gem5; the estimate is fitted on it).")
    timeout: float = setting(60.0, "Seconds one compilation may take.")
    memory_mb: int = setting(4096, "Address-space limit of the compiler, MiB.")
    precompiled_headers: bool = setting(
        True,
        "Compile a program's leading #include <...> lines once into a g++ precompiled "
        "header (kept beside the scratch directories), so builds skip parsing them; the "
        "binaries are the same.",
    )


@define
class TestSettings:
    """Where the tests are and the limits of one test run."""

    dir: str | None = setting(
        None,
        "Test directory (input.N.txt/output.N.txt or NAME.in/NAME.out pairs), relative to "
        "the program's folder wherever it is set (settings file, editor, --set). Default: "
        "<stem>.tests/ or tests/ next to the file. The CLI's --tests DIR is relative to the "
        "current directory instead.",
    )
    timeout: float = setting(10.0, "Seconds one native test run of the original may take.")
    memory_mb: int = setting(2048, "Address-space limit of one test run, MiB.")
    output_limit_mb: int = setting(32, "A run printing more than this (MiB) is stopped.")
    derived: int = setting(
        24,
        "Derived inputs (made from the tests' inputs: numbers perturbed, sizes changed, rows "
        "reordered) on which a candidate must print what the original prints; 0: off.",
    )
    derived_seconds: float = setting(
        30.0,
        "Wall-clock seconds for running the original on the derived inputs (a few at a "
        "time); those not reached are left out.",
    )


@define
class SandboxSettings:
    """Limits on every process that runs untrusted code (builds and runs)."""

    isolate: bool = setting(
        True,
        "Run builds and programs without network, in their own PID namespace and as an "
        "unprivileged user, where the system allows it.",
    )
    processes: int = setting(64, "Most processes a sandboxed program may have at once.")
    file_size_mb: int = setting(64, "Largest file a sandboxed program may write, MiB.")
    measure_factor: float = setting(
        20.0,
        "A candidate's measurement of a test is stopped after this many times the "
        "original's measurement of that test (plus measure_floor): it can spin only when "
        "measured.",
    )
    measure_floor: float = setting(
        10.0, "Seconds added to the bound of a candidate's measurement (see measure_factor)."
    )


@define
class RulesSettings:
    """The embedded rules backend: which rewrites it may try."""

    enabled: list[str] = setting(factory=list, doc="Rules to try (empty: all rules).")
    disabled: list[str] = setting(factory=list, doc="Rules never to try.")
    search_seconds: float = setting(
        20.0,
        "Time budget of the search over rule combinations: after each rule alone and all "
        "together are measured, combinations of the fastest are tried only if less than "
        "this many seconds have passed since generation began (which is when the original's "
        "build begins), so that an optimize stays near 30 s on a busy machine; the result "
        "says when it cut the search (0: no search).",
    )


@define
class OpenAISettings:
    """Any OpenAI-compatible server (vLLM, TGI, llama.cpp, Ollama, hosted APIs)."""

    url: str = setting("http://127.0.0.1:8000/v1", "Base URL of the server, ending in /v1.")
    model: str = setting("", "Model name the server knows (e.g. LearningOpt/pie-hq-selfplay-7b).")
    api: OpenAIApi = setting(
        "completions", "completions (base and PIE fine-tuned models) or chat (instruct models)."
    )
    api_key_env: str = setting(
        "OPENAI_API_KEY", "Name of the environment variable holding the API key (may be unset)."
    )
    headers: dict[str, str] = setting(factory=dict, doc="Extra HTTP headers for every request.")
    timeout: float = setting(120.0, "Seconds one request may take.")
    retries: int = setting(3, "Retries with backoff on 429 and 5xx answers.")
    temperature: float = setting(0.7, "Sampling temperature (PIE: 0.7 for best-of-k).")
    max_tokens: int = setting(2048, "Most tokens per completion.")
    use_n: bool = setting(
        True, "Ask for k samples in one request with `n`; off for servers that ignore `n`."
    )


@define
class TransformersSettings:
    """A local checkpoint directory loaded with transformers (never downloaded)."""

    path: str = setting("", "Directory of a local checkpoint (config, weights, tokenizer).")
    device: str = setting("auto", "auto, cpu, cuda or cuda:N.")
    temperature: float = setting(0.7, "Sampling temperature.")
    max_new_tokens: int = setting(1024, "Most new tokens per sample.")


@define
class PromptSettings:
    """Which prompt template to use and how it is filled."""

    template: str = setting(
        "auto",
        "auto, pie-conditioned, pie-plain, fewshot, chat, or a path to a template file. "
        "auto: chat for chat models; for completions pie-plain for PIE's unconditioned "
        "checkpoints (names with hq-selfplay or uncon), else pie-conditioned.",
    )
    few_shot: int = setting(2, "Retrieved slow/fast example pairs in few-shot prompts.")
    score: int = setting(10, "The performance tag of the conditioned prompt (PIE: 10/10).")
    stop: list[str] = setting(
        factory=list,
        doc="Where a plain completion stops (at most 4; empty: the built-in template's own "
        "markers, none for a template file).",
    )
    hotspots: bool = setting(
        False,
        "Profile the original first and tell the model its hottest function and lines "
        "(a template with {hotspots} gets them there, any other before its text). A "
        "template using {hotspots} gets them with this off too.",
    )
    focus_lines: int = setting(
        0,
        "Programs longer than this many lines send the model only their hottest function "
        "(from a profile of the original, when it is not main); the function it returns "
        "replaces the original's and the whole program is verified (0: whole programs).",
    )


@define
class ModelSettings:
    """Where candidate programs come from."""

    backend: ModelBackend = setting(
        "rules",
        "rules (embedded, offline), openai (any OpenAI-compatible server) or "
        "transformers (local checkpoint).",
    )
    samples: int = setting(4, "Candidates k to ask a model for (best-of-k).")
    rounds: int = setting(
        1,
        "Rounds of sampling with execution feedback: after each, the candidates and what "
        "happened to them (compile error, failing test, timeout, speedup per test) go back "
        "to the model; stops early when a round finds nothing better (1: sample once).",
    )
    crossover: bool = setting(
        False,
        "In a feedback round, also ask the model to combine the two best correct candidates.",
    )
    max_calls: int = setting(0, "Most model requests one optimization may make (0: no limit).")
    max_tokens: int = setting(
        0, "Most model tokens (prompt and completion) one optimization may use (0: no limit)."
    )
    rules: RulesSettings = setting(factory=RulesSettings)
    openai: OpenAISettings = setting(factory=OpenAISettings)
    transformers: TransformersSettings = setting(factory=TransformersSettings)
    prompt: PromptSettings = setting(factory=PromptSettings)


@define
class EstimateSettings:
    """The deterministic Skylake estimate: callgrind counts priced in cycles (docs/ESTIMATE.md)."""

    timeout: float = setting(300.0, "Seconds one test may take under valgrind.")
    params: str | None = setting(
        None, "Another machine-parameter file (default: simulator/skylake.json)."
    )


@define
class NativeSettings:
    """Wall-clock runs on this machine."""

    repeats: int = setting(5, "Timed runs per test (min and median are reported).")
    warmup: int = setting(1, "Untimed runs per test before timing.")


@define
class Gem5Settings:
    """gem5 in syscall-emulation mode with the Skylake configuration."""

    path: str | None = setting(
        None, "gem5 binary; else $PIE_GEM5, else gem5.opt / gem5.fast on PATH."
    )
    config: str | None = setting(
        None, "Another gem5 configuration script (default: simulator/gem5_skylake.py)."
    )
    prefix: list[str] = setting(
        factory=list,
        doc="Command prefix to run gem5 in a container, e.g. docker run --rm -v ... IMAGE.",
    )
    timeout: float = setting(
        120.0,
        "Host CPU seconds one gem5 run (one test) may take (PIE: 120); wall-clock time is "
        "capped at 10× that.",
    )
    ranking: Gem5Ranking = setting(
        "estimate",
        "estimate: rank correct candidates with the estimate and run only the original and "
        "the top `confirm` in gem5; gem5: run every correct candidate in gem5.",
    )
    confirm: int = setting(
        1, "Candidates (best by the estimate) that gem5 confirms when ranking is estimate."
    )


@define
class SimulatorSettings:
    """How run time is measured."""

    backend: SimulatorBackend = setting(
        "auto", "auto (gem5 when found, else estimate), estimate, native or gem5."
    )
    estimate: EstimateSettings = setting(factory=EstimateSettings)
    native: NativeSettings = setting(factory=NativeSettings)
    gem5: Gem5Settings = setting(factory=Gem5Settings)


@define
class CacheSettings:
    """The on-disk result cache."""

    enabled: bool = setting(True, "Reuse builds, test runs and measurements across runs.")
    dir: str | None = setting(None, "Cache directory (default: $XDG_CACHE_HOME/pie-lsp).")
    size_limit_mb: int = setting(2048, "Cache size limit, MiB (least recently used goes).")


@define
class ProfileSettings:
    """Where the time goes: the per-line profile (`pie-lsp profile`, command pie.profile)."""

    inline: bool = setting(
        False,
        "Show a computed profile in the editor: hints on the hottest lines and a lens on the "
        "hottest functions (the command computes it; nothing runs on its own); Check speedup "
        "then also profiles both versions and names the lines that got cheaper or dearer.",
    )
    lines: int = setting(5, "Hot lines shown (editor hints, CLI table).")
    min_share: float = setting(
        0.02, "Smallest share of the program's cycles a line needs to be shown inline."
    )


@define
class Settings:
    """Everything pie-lsp can be told."""

    build: BuildSettings = setting(factory=BuildSettings)
    tests: TestSettings = setting(factory=TestSettings)
    sandbox: SandboxSettings = setting(factory=SandboxSettings)
    model: ModelSettings = setting(factory=ModelSettings)
    simulator: SimulatorSettings = setting(factory=SimulatorSettings)
    cache: CacheSettings = setting(factory=CacheSettings)
    profile: ProfileSettings = setting(factory=ProfileSettings)
    jobs: int = setting(0, "Parallel builds, tests and simulations; 0 = one per CPU.")
    min_speedup: float = setting(
        1.10, "Smallest speedup offered as an optimization (PIE's threshold: 1.10)."
    )
    log_file: str | None = setting(None, "Server log file (default: in the cache directory).")

    def effective_jobs(self) -> int:
        return self.jobs if self.jobs > 0 else max(1, os.cpu_count() or 1)


class SettingsError(PieError):
    """Settings that cannot be used; the message names the bad key."""


_converter = cattrs.Converter(forbid_extra_keys=True)


def _snake(key: str) -> str:
    key = key.replace("-", "_")
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def _normalise(value: Any, path: str) -> Any:
    """Turn camelCase / kebab-case keys into the tree's snake_case, recursively."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise SettingsError(f"setting {path or 'pie'}: key {key!r} is not a string")
            # headers are free-form: their keys are data, not setting names
            inner = item if key == "headers" else _normalise(item, f"{path}.{key}".lstrip("."))
            out[_snake(key)] = inner
        return out
    return value


def _empty_tables(data: Mapping[str, Any], defaults: Any) -> dict[str, Any]:
    """`[]` where a table belongs becomes `{}`: Lua (Neovim) has one empty table and sends
    it as a JSON array, e.g. `headers = {}` or `model = {}`."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        default = getattr(defaults, key, None)
        table = attrs.has(type(default)) or isinstance(default, dict)
        if table and isinstance(value, list) and not value:
            out[key] = {}
        elif attrs.has(type(default)) and isinstance(value, Mapping):
            out[key] = _empty_tables(value, default)
        else:
            out[key] = value
    return out


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge two raw settings dicts; `over` wins, dicts merge key by key."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _describe_error(exc: Exception) -> str:
    if isinstance(exc, cattrs.BaseValidationError):
        messages = cattrs.transform_error(exc, path="pie")
        return "; ".join(messages)
    return str(exc)


def structure(raw: Mapping[str, Any] | None) -> Settings:
    """Build `Settings` from raw (merged) layers; raises SettingsError naming the bad key."""
    data = _empty_tables(_normalise(dict(raw or {}), ""), Settings())
    try:
        settings = _converter.structure(data, Settings)
    except Exception as exc:  # cattrs raises several exception types
        raise SettingsError(
            f"invalid pie-lsp settings: {_describe_error(exc)}",
            hint="fix or remove the named key; see `pie-lsp settings` for every key "
            "and its default",
        ) from exc
    _check_values(settings)
    return settings


def _check_values(settings: Settings) -> None:
    problems: list[str] = []
    if any(flag.startswith("-march=native") for flag in settings.build.flags):
        problems.append(
            "pie.build.flags: -march=native is not allowed (valgrind dies on AVX-512 "
            "and gem5 models baseline x86-64); remove it"
        )
    for name, value in (
        ("pie.tests.timeout", settings.tests.timeout),
        ("pie.build.timeout", settings.build.timeout),
        ("pie.simulator.estimate.timeout", settings.simulator.estimate.timeout),
        ("pie.simulator.gem5.timeout", settings.simulator.gem5.timeout),
    ):
        if value <= 0:
            problems.append(f"{name} must be > 0 seconds, not {value}")
    if len(settings.model.prompt.stop) > 4:
        problems.append("pie.model.prompt.stop: OpenAI-compatible servers take at most 4")
    if settings.model.samples < 1:
        problems.append(f"pie.model.samples must be >= 1, not {settings.model.samples}")
    if settings.model.rounds < 1:
        problems.append(f"pie.model.rounds must be >= 1, not {settings.model.rounds}")
    if settings.model.max_calls < 0 or settings.model.max_tokens < 0:
        problems.append("pie.model.max_calls and pie.model.max_tokens must be >= 0 (0: no limit)")
    if settings.profile.lines < 1 or not 0.0 <= settings.profile.min_share <= 1.0:
        problems.append("pie.profile.lines must be >= 1 and pie.profile.min_share in [0, 1]")
    if settings.jobs < 0:
        problems.append(f"pie.jobs must be >= 0 (0 = one per CPU), not {settings.jobs}")
    if settings.tests.derived < 0:
        problems.append(f"pie.tests.derived must be >= 0 (0: off), not {settings.tests.derived}")
    if settings.simulator.native.repeats < 1:
        problems.append("pie.simulator.native.repeats must be >= 1")
    if settings.simulator.gem5.confirm < 1:
        problems.append("pie.simulator.gem5.confirm must be >= 1 (gem5 confirms the best)")
    if problems:
        raise SettingsError(
            "invalid pie-lsp settings: " + "; ".join(problems),
            hint="fix the named setting",
        )


def unstructure(settings: Settings) -> dict[str, Any]:
    """The settings as plain data (snake_case keys)."""
    data: dict[str, Any] = _converter.unstructure(settings)
    return data


def defaults() -> Settings:
    return Settings()


def read_file_layer(directory: Path | None) -> tuple[dict[str, Any], Path | None]:
    """The settings file layer for a workspace: `.pie-lsp.toml`, else pyproject's
    `[tool.pie-lsp]`, searched from `directory` upwards. Returns ({}, None) if none."""
    if directory is None:
        return {}, None
    directory = directory.resolve()
    for folder in (directory, *directory.parents):
        dedicated = folder / ".pie-lsp.toml"
        if dedicated.is_file():
            return _load_toml(dedicated), dedicated
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _load_toml(pyproject).get("tool", {}).get("pie-lsp")
            if isinstance(table, dict):
                return table, pyproject
    return {}, None


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(
            f"cannot read settings file {path}: {exc}", hint="fix the TOML syntax"
        ) from exc


# Settings that name files, and when a relative value is a path rather than a name to look
# up (a built-in template, a program on PATH): "any", or "slash" (only with a "/" in it).
# (Not tests.dir: it is relative to each program's folder, so one setting serves programs
# in many folders; pie_lsp.job.tests_folder.)
_PATH_SETTINGS: dict[tuple[str, ...], str] = {
    ("model", "prompt", "template"): "slash",
    ("model", "transformers", "path"): "any",
    ("simulator", "estimate", "params"): "any",
    ("simulator", "gem5", "path"): "slash",
    ("simulator", "gem5", "config"): "any",
    ("cache", "dir"): "any",
    ("log_file",): "any",
}


def _anchor_paths(layer: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Relative paths of a settings file made relative to the file's folder (as ruff and
    pytest do), not to wherever pie-lsp happens to run."""
    for where, kind in _PATH_SETTINGS.items():
        node: Any = layer
        for part in where[:-1]:
            node = node.get(part) if isinstance(node, Mapping) else None
        value = node.get(where[-1]) if isinstance(node, dict) else None
        if not isinstance(value, str) or not value or value.startswith(("/", "~")):
            continue
        if kind == "slash" and "/" not in value and not value.endswith(".txt"):
            continue
        node[where[-1]] = str(folder / value)
    return layer


def load(directory: Path | None = None, *layers: Mapping[str, Any] | None) -> Settings:
    """Settings for a workspace folder, with more raw layers (editor, CLI) on top."""

    def clean(layer: Mapping[str, Any]) -> dict[str, Any]:
        # each layer on its own: an empty table must not wipe out a lower layer's
        return _empty_tables(_normalise(dict(layer), ""), Settings())

    file_layer, source = read_file_layer(directory)
    merged = clean(file_layer)
    if source is not None:
        merged = _anchor_paths(merged, source.parent)
        try:  # the file on its own first, so that a bad value in it is reported with its name
            structure(merged)
        except SettingsError as exc:
            raise SettingsError(
                f"{source}: {exc.message}", hint=f"{exc.hint} (in {source.name})"
            ) from exc
    for layer in layers:
        if layer:
            merged = merge(merged, clean(layer))
    return structure(merged)


def field_docs() -> list[tuple[str, str, Any, str]]:
    """(dotted camelCase key, type name, default, description) for every leaf setting;
    the VS Code extension's package.json is checked against this list."""
    rows: list[tuple[str, str, Any, str]] = []

    def walk(cls: type, prefix: str, default: Any) -> None:
        for attribute in attrs.fields(cls):
            value = getattr(default, attribute.name)
            camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), attribute.name)
            key = f"{prefix}.{camel}"
            if attrs.has(type(value)):
                walk(type(value), key, value)
            else:
                rows.append((key, str(attribute.type), value, attribute.metadata.get("doc", "")))

    walk(Settings, "pie", Settings())
    return rows
