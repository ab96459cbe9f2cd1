"""The settings tree: layers, key spellings, and errors that name the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pie_lsp.settings import Settings, SettingsError, field_docs, load, merge, structure


def test_defaults_are_pie_defaults() -> None:
    s = Settings()
    assert s.build.flags == ["-O3", "-std=c++17"]
    assert s.min_speedup == 1.10
    assert s.model.backend == "rules"
    assert s.simulator.backend == "auto"


def test_camel_kebab_and_snake_keys_all_work() -> None:
    s = structure(
        {
            "tests": {"outputLimitMb": 5},
            "min-speedup": 1.5,
            "model": {"openai": {"api_key_env": "K", "headers": {"X-Api-Key": "v"}}},
        }
    )
    assert s.tests.output_limit_mb == 5
    assert s.min_speedup == 1.5
    assert s.model.openai.api_key_env == "K"
    # header names are data, not setting names: left as written
    assert s.model.openai.headers == {"X-Api-Key": "v"}


def test_unknown_key_is_named() -> None:
    with pytest.raises(SettingsError) as info:
        structure({"model": {"bakend": "rules"}})
    assert "bakend" in info.value.message
    assert "pie.model" in info.value.message


def test_wrong_type_is_named() -> None:
    with pytest.raises(SettingsError) as info:
        structure({"tests": {"timeout": "soon"}})
    assert "pie.tests.timeout" in info.value.message


def test_bad_choice_is_named() -> None:
    with pytest.raises(SettingsError) as info:
        structure({"simulator": {"backend": "qemu"}})
    assert "pie.simulator.backend" in info.value.message


def test_march_native_is_refused() -> None:
    with pytest.raises(SettingsError, match="march=native"):
        structure({"build": {"flags": ["-O3", "-march=native"]}})


def test_negative_values_are_refused() -> None:
    with pytest.raises(SettingsError, match=r"pie\.tests\.timeout"):
        structure({"tests": {"timeout": -1}})


def test_merge_is_deep() -> None:
    assert merge({"a": {"b": 1, "c": 2}}, {"a": {"c": 3}}) == {"a": {"b": 1, "c": 3}}


def test_layers_pyproject_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pie-lsp]\njobs = 3\n[tool.pie-lsp.tests]\ntimeout = 7.5\n"
    )
    sub = tmp_path / "src"
    sub.mkdir()
    s = load(sub, {"tests": {"memoryMb": 100}}, {"jobs": 1})
    assert s.tests.timeout == 7.5  # from pyproject, found from a subfolder
    assert s.tests.memory_mb == 100
    assert s.jobs == 1  # the later layer wins


def test_dedicated_file_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.pie-lsp]\njobs = 3\n")
    (tmp_path / ".pie-lsp.toml").write_text("jobs = 2\n")
    assert load(tmp_path).jobs == 2


def test_broken_toml_is_a_settings_error(tmp_path: Path) -> None:
    (tmp_path / ".pie-lsp.toml").write_text("jobs = = 2\n")
    with pytest.raises(SettingsError, match=r"\.pie-lsp\.toml"):
        load(tmp_path)


def test_field_docs_cover_every_leaf_with_a_description() -> None:
    rows = field_docs()
    keys = [key for key, *_ in rows]
    assert "pie.model.openai.apiKeyEnv" in keys
    assert "pie.simulator.gem5.prefix" in keys
    assert all(doc for *_, doc in rows), [k for k, *_, d in rows if not d]
    assert len(keys) == len(set(keys))


def test_empty_lua_tables_sent_as_arrays_are_empty_tables(tmp_path: Path) -> None:
    # Neovim sends `settings = { model = {}, ... headers = {} }` as JSON arrays
    (tmp_path / ".pie-lsp.toml").write_text('[model]\nbackend = "openai"\n')
    editor = {"model": [], "cache": {"dir": str(tmp_path)}, "simulator": {"gem5": []}}
    settings = load(tmp_path, editor, {"model": {"openai": {"headers": []}}})
    assert settings.model.backend == "openai"  # the file's table survives the empty one
    assert settings.model.openai.headers == {}
    assert settings.cache.dir == str(tmp_path)
    with pytest.raises(SettingsError, match="jobs"):
        structure({"jobs": []})  # a list where a number belongs is still an error


def test_relative_paths_in_a_settings_file_are_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / ".pie-lsp.toml").write_text(
        '[tests]\ndir = "cases"\n[cache]\ndir = "~/c"\n'
        '[model.prompt]\ntemplate = "prompts/mine.txt"\n'
        '[simulator.gem5]\npath = "gem5.opt"\nconfig = "sim/config.py"\n'
    )
    below = tmp_path / "src" / "deep"
    below.mkdir(parents=True)
    settings = load(below, {"model": {"transformers": {"path": "ckpt"}}})
    assert settings.tests.dir == "cases"  # relative to each program's folder (job.py)
    assert settings.model.prompt.template == str(tmp_path / "prompts" / "mine.txt")
    assert settings.simulator.gem5.config == str(tmp_path / "sim" / "config.py")
    assert settings.simulator.gem5.path == "gem5.opt"  # a name looked up on PATH
    assert settings.cache.dir == "~/c"  # expanded where it is used
    assert settings.model.transformers.path == "ckpt"  # not from the file: left alone
    builtin = tmp_path / "b"
    builtin.mkdir()
    (builtin / "pyproject.toml").write_text('[tool.pie-lsp.model.prompt]\ntemplate = "fewshot"\n')
    assert load(builtin).model.prompt.template == "fewshot"
