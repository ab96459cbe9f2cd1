"""Generate (or check) the `pie.*` settings the VS Code extension contributes.

The server's settings tree (pie_lsp/settings.py, printed by `pie-lsp settings --json`) is the
one source of truth: this script turns every leaf into a VS Code configuration property (type,
default, enum, description) and writes them into package.json, next to the client-only
settings of client-settings.json (`pie.serverPath`, `pie.interpreter`, `pie.trace.server`,
which the extension never sends to the server).

    python editors/vscode/scripts/sync_settings.py           # rewrite package.json
    python editors/vscode/scripts/sync_settings.py --check   # exit 1 and name every drift

Run it with the Python that has pie-lsp installed (the repository's .venv).
"""

from __future__ import annotations

import argparse
import json
import sys
import typing
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
PACKAGE_JSON = HERE / "package.json"
CLIENT_SETTINGS = HERE / "client-settings.json"

# Settings-UI sections, by the first part of the key after `pie.`; the rest go under "PIE".
SECTIONS = {
    "build": "PIE: Build",
    "tests": "PIE: Tests",
    "sandbox": "PIE: Sandbox",
    "model": "PIE: Model",
    "simulator": "PIE: Simulator",
    "cache": "PIE: Cache",
}

Rows = list[tuple[str, str, Any, str]]


def _schema_for(type_name: str) -> dict[str, Any]:
    """The JSON-schema type of one settings type, as field_docs() names it."""
    from pie_lsp import settings as module

    type_name = type_name.strip()
    if type_name.endswith("| None"):
        inner = _schema_for(type_name.removesuffix("| None"))
        inner["type"] = [inner["type"], "null"]
        return inner
    simple = {"str": "string", "bool": "boolean", "int": "integer", "float": "number"}
    if type_name in simple:
        return {"type": simple[type_name]}
    if type_name == "list[str]":
        return {"type": "array", "items": {"type": "string"}}
    if type_name == "dict[str, str]":
        return {"type": "object", "additionalProperties": {"type": "string"}}
    alias = getattr(module, type_name, None)
    if alias is not None and typing.get_origin(alias) is typing.Literal:
        return {"type": "string", "enum": list(typing.get_args(alias))}
    # A new kind of setting must be mapped here on purpose, never guessed.
    raise SystemExit(
        f"sync_settings.py: no VS Code schema for settings type {type_name!r}; "
        "add it to _schema_for()"
    )


def server_properties(rows: Rows) -> dict[str, dict[str, Any]]:
    """One VS Code property per server setting, in the tree's order."""
    properties: dict[str, dict[str, Any]] = {}
    for order, (key, type_name, default, doc) in enumerate(rows):
        prop = _schema_for(type_name)
        prop["default"] = default
        prop["description"] = doc
        prop["scope"] = "resource"
        prop["order"] = order
        properties[key] = prop
    return properties


def configuration(rows: Rows, client: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """package.json's contributes.configuration: client settings, then the server's, grouped."""
    groups: dict[str, dict[str, Any]] = {"PIE": dict(client)}
    for key, prop in server_properties(rows).items():
        first = key.split(".")[1]
        groups.setdefault(SECTIONS.get(first, "PIE"), {})[key] = prop
    return [{"title": title, "properties": props} for title, props in groups.items()]


def drift(expected: list[dict[str, Any]], actual: Any) -> list[str]:
    """Human-readable differences between the generated and the committed configuration."""
    if expected == actual:
        return []

    def flat(config: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for group in config if isinstance(config, list) else [config]:
            if isinstance(group, dict):
                for key, prop in group.get("properties", {}).items():
                    out[key] = (group.get("title"), prop)
        return out

    want, have = flat(expected), flat(actual)
    problems = [f"missing in package.json: {key}" for key in want if key not in have]
    problems += [f"not a pie-lsp setting: {key}" for key in have if key not in want]
    for key in want.keys() & have.keys():
        (want_title, want_prop), (have_title, have_prop) = want[key], have[key]
        if want_title != have_title:
            problems.append(f"{key}: under {have_title!r}, expected {want_title!r}")
        for field in sorted(want_prop.keys() | have_prop.keys()):
            if want_prop.get(field) != have_prop.get(field):
                problems.append(
                    f"{key}.{field}: package.json has {json.dumps(have_prop.get(field))}, "
                    f"the settings tree says {json.dumps(want_prop.get(field))}"
                )
    return problems or ["the order of the settings groups differs"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report drift (exit 1)")
    parser.add_argument("--package-json", type=Path, default=PACKAGE_JSON)
    args = parser.parse_args(argv)

    from pie_lsp.settings import field_docs

    client = json.loads(CLIENT_SETTINGS.read_text())
    clash = sorted(set(client) & {row[0] for row in field_docs()})
    if clash:
        raise SystemExit(f"client-only settings shadow server settings: {', '.join(clash)}")
    expected = configuration(field_docs(), client)
    package = json.loads(args.package_json.read_text())
    contributes = package.setdefault("contributes", {})
    if args.check:
        problems = drift(expected, contributes.get("configuration"))
        for problem in problems:
            print(f"{args.package_json}: {problem}", file=sys.stderr)
        if problems:
            print(
                "fix: run `python editors/vscode/scripts/sync_settings.py` to regenerate",
                file=sys.stderr,
            )
            return 1
        return 0
    contributes["configuration"] = expected
    args.package_json.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {sum(len(g['properties']) for g in expected)} settings to {args.package_json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
