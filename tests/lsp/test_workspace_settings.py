"""The settings layers of a workspace and the pipelines made from them."""

from __future__ import annotations

from pathlib import Path

from pie_lsp.lsp.workspace_settings import Pipelines, WorkspaceSettings
from pie_lsp.settings import Settings


def test_layers_merge_in_order(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pie-lsp]\njobs = 3\nmin-speedup = 1.5\n[tool.pie-lsp.tests]\ntimeout = 5\n"
    )
    folder = tmp_path / "src"
    folder.mkdir()
    layers = WorkspaceSettings()
    assert layers.resolve(folder)[0].tests.timeout == 5  # the file, found upwards

    layers.set_init_options({"tests": {"timeout": 7}, "minSpeedup": 1.2})
    settings, error = layers.resolve(folder)
    assert error is None and settings.tests.timeout == 7 and settings.min_speedup == 1.2

    # workspace/configuration wins, and may come wrapped in its section name
    layers.set_configuration({"pie": {"tests": {"timeout": 9}}})
    settings, error = layers.resolve(folder)
    assert error is None
    assert (settings.tests.timeout, settings.min_speedup, settings.jobs) == (9, 1.2, 3)

    layers.set_configuration(None)  # a client with nothing configured
    assert layers.resolve(folder)[0].tests.timeout == 7


def test_a_dedicated_file_beats_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.pie-lsp]\njobs = 3\n")
    (tmp_path / ".pie-lsp.toml").write_text("jobs = 2\n")
    assert WorkspaceSettings().resolve(tmp_path)[0].jobs == 2


def test_bad_settings_give_defaults_and_name_the_key(tmp_path: Path) -> None:
    layers = WorkspaceSettings()
    layers.set_init_options({"cache": {"dir": str(tmp_path)}, "simulatr": {"backend": "gem5"}})
    settings, error = layers.resolve(tmp_path)
    assert error is not None and "simulatr" in error.message
    assert settings == Settings()

    layers.set_init_options({"tests": {"timeout": "soon"}})
    _, error = layers.resolve(tmp_path)
    assert error is not None and "pie.tests.timeout" in error.message

    layers.set_init_options(["not", "an", "object"])
    _, error = layers.resolve(tmp_path)
    assert error is not None and "initializationOptions must be an object" in error.message

    layers.set_init_options({})
    layers.set_configuration("verbose")
    _, error = layers.resolve(tmp_path)
    assert error is not None and "configuration section must be an object" in error.message

    layers.set_configuration({})
    (tmp_path / ".pie-lsp.toml").write_text("jobs = [\n")
    _, error = layers.resolve(tmp_path)
    assert error is not None and ".pie-lsp.toml" in error.message and "TOML" in error.hint


async def test_one_pipeline_per_distinct_settings(tmp_path: Path) -> None:
    pipelines = Pipelines()
    first = Settings()
    first.cache.dir = str(tmp_path / "cache")
    first.jobs = 2
    same = Settings()
    same.cache.dir = str(tmp_path / "cache")
    same.jobs = 2
    other = Settings()
    other.cache.dir = str(tmp_path / "cache")
    other.jobs = 2
    other.min_speedup = 1.5
    try:
        a = await pipelines.get(first)
        assert await pipelines.get(same) is a
        b = await pipelines.get(other)
        assert b is not a and b.settings.min_speedup == 1.5
        assert a.slots is b.slots  # one bound on processes across documents
        assert pipelines.cached(other) is b
    finally:
        await pipelines.aclose()
    assert pipelines.cached(first) is None
