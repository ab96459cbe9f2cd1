"""The language server end to end: `python -m pie_lsp serve` as a subprocess, driven over
stdio by pytest-lsp's client with VS Code's and Neovim's capabilities, on real programs
(real g++, tests, valgrind estimate, libclang rules, git)."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from pie_lsp.pipeline import OptimizeResult, Pipeline
from pie_lsp.settings import Settings

from ..conftest import (
    DOUBLER,
    EXAMPLES,
    processes_in,
    wait_until,
    wait_until_gone,
    write_program,
)
from .conftest import (
    SPIN,
    SPIN_TESTS,
    StartSession,
    apply_edits,
    copy_example,
    edits_of,
    options,
    position_encoding,
)

STUBS = ["Optimize program (PIE)", "Check speedup vs HEAD (PIE)", "Save speedup baseline (PIE)"]
PREFIX_SUMS = (EXAMPLES / "prefix_sums" / "slow.cpp").read_text()
# prefix_sums made fast by hand, as a user would: unsynced streams, '\n' instead of endl
PREFIX_SUMS_FAST = PREFIX_SUMS.replace(
    "    int n;\n", "    ios::sync_with_stdio(false);\n    cin.tie(nullptr);\n    int n;\n"
).replace("endl", "'\\n'")


async def expected_result(path: Path, cache: Path) -> OptimizeResult:
    """What the pipeline itself makes of `path` (the CLI's path; cached after the server)."""
    settings = Settings()
    settings.cache.dir = str(cache)
    settings.simulator.backend = "estimate"
    pipeline = Pipeline(settings)
    try:
        return await pipeline.optimize(pipeline.job_for(path))
    finally:
        await pipeline.aclose()
        pipeline.cache.close()


async def test_initialize_advertises_commands_and_logs(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(tmp_path, options(tmp_path / "cache"))
    assert session.initialize_result is not None
    caps = session.initialize_result.capabilities
    assert caps.execute_command_provider is not None
    assert set(caps.execute_command_provider.commands) == {
        "pie.optimize",
        "pie.checkSpeedup",
        "pie.saveBaseline",
        "pie.applyResult",
        "pie.profile",
    }
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert list(caps.code_action_provider.code_action_kinds or []) == [
        "refactor.rewrite.pie",
        "source.pie",
    ]
    assert caps.code_lens_provider is not None and caps.hover_provider
    # the log: window/logMessage, and a file in the cache directory (what doctor prints)
    await wait_until(lambda: session.client.log_messages, 10, "a window/logMessage")
    assert "pie-lsp" in session.client.log_messages[0].message
    log_file = tmp_path / "cache" / "logs" / "server.log"
    assert "pie-lsp" in await wait_until(
        lambda: log_file.is_file() and log_file.read_text(), 10, "the log file"
    )
    if session.preset == "visual-studio-code":
        # VS Code only sends configuration changes to servers that register for them
        await wait_until(lambda: session.registrations, 10, "client/registerCapability")
        (registration,) = session.registrations[0].registrations
        assert registration.method == types.WORKSPACE_DID_CHANGE_CONFIGURATION


async def test_code_action_stubs_for_cpp_only(start_session: StartSession, tmp_path: Path) -> None:
    program = write_program(tmp_path / "p", DOUBLER, {"1": ("1\n", "2\n")})
    notes = tmp_path / "p" / "notes.py"
    notes.write_text("print('not C++')\n")
    session = await start_session(tmp_path, options(tmp_path / "cache"))
    uri = session.open(program)
    actions = await session.code_actions(uri)
    assert [a.title for a in actions] == STUBS
    for action in actions:
        assert isinstance(action, types.CodeAction) and action.edit is None
        assert action.command is not None and list(action.command.arguments or []) == [uri]
    assert [
        a.command.command for a in actions if isinstance(a, types.CodeAction) and a.command
    ] == [
        "pie.optimize",
        "pie.checkSpeedup",
        "pie.saveBaseline",
    ]
    # `only` filters by kind hierarchy, as editors ask for refactors or source actions
    assert [a.title for a in await session.code_actions(uri, only=["refactor"])] == STUBS[:1]
    assert [a.title for a in await session.code_actions(uri, only=["source"])] == STUBS[1:]
    assert await session.code_actions(uri, only=["quickfix"]) == []
    assert await session.code_actions(session.open(notes, language="python")) == []
    assert await session.code_actions((tmp_path / "never-opened.cpp").as_uri()) == []


async def test_optimize_reports_progress_and_applies_a_verified_edit(
    start_session: StartSession, tmp_path: Path
) -> None:
    path = copy_example("prefix_sums", tmp_path)
    cache = tmp_path / "cache"
    session = await start_session(tmp_path, options(cache))
    uri = session.open(path)

    answer = await session.execute("pie.optimize", uri)

    assert answer["status"] == "optimized", answer
    assert answer["speedup"] >= 1.5
    assert (answer["testsPassed"], answer["testsTotal"]) == (3, 3)
    assert answer["applied"] is True
    # progress: a cancellable begin, the pipeline's steps, an end
    (begin,) = session.progress_for(types.WorkDoneProgressBegin)
    assert begin.cancellable is True and "slow.cpp" in begin.title
    reports = session.progress_for(types.WorkDoneProgressReport)
    messages = [r.message for r in reports]
    assert any("Generating candidates" in m for m in messages), messages
    assert any("Verifying" in m for m in messages), messages
    # every candidate the rules proposed was verified and measured (how many depends on
    # which rules match the example)
    assert any(re.fullmatch(r"Verified and measured (\d+)/\1", m) for m in messages), messages
    percents = [r.percentage for r in reports]
    assert percents == sorted(percents) and percents[-1] > 25
    (end,) = session.progress_for(types.WorkDoneProgressEnd)
    assert end.message == answer["label"]
    # the edit: versioned and needing confirmation where the client takes that
    (sent,) = session.edits
    if session.preset == "visual-studio-code":
        assert sent.edit.changes is None and sent.edit.document_changes is not None
        (change,) = sent.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.version == 1
        assert all(isinstance(e, types.AnnotatedTextEdit) for e in change.edits)
        assert sent.edit.change_annotations is not None
        # the rewrite ticked in VS Code's preview; an empty edit asks for the preview
        asked = {a.needs_confirmation for a in sent.edit.change_annotations.values()}
        assert asked == {True, False}
        assert {a.label for a in sent.edit.change_annotations.values()} == {sent.label}
    else:  # Neovim takes neither documentChanges nor annotations
        assert sent.edit.document_changes is None and sent.edit.changes is not None
    assert sent.label is not None and sent.label.startswith("Apply 2.")
    assert re.search(
        r"faster rewrite on Skylake \(estimate\) — 3/3 tests \+ \d+ derived inputs$", sent.label
    )
    expected = await expected_result(path, cache)
    assert expected.optimized_source is not None
    after = apply_edits(PREFIX_SUMS, edits_of(sent.edit, uri), position_encoding(session.preset))
    assert after == expected.optimized_source
    assert "sync_with_stdio(false)" in after and "<< endl" not in after
    assert path.read_text() == PREFIX_SUMS  # the file on disk is the editor's business

    # until the text changes: the ready edit as a code action, a code lens and a hover
    actions = await session.code_actions(uri)
    assert [a.title for a in actions] == [sent.label, *STUBS]
    ready = actions[0]
    assert isinstance(ready, types.CodeAction) and ready.edit is not None
    assert ready.kind == "refactor.rewrite.pie" and ready.is_preferred
    assert (
        apply_edits(PREFIX_SUMS, edits_of(ready.edit, uri), position_encoding(session.preset))
        == after
    )
    (lens,) = await session.lenses(uri)
    assert lens.range.start.line == 0 and lens.command is not None
    assert answer["label"] in lens.command.title and "3/3 tests" in lens.command.title
    assert lens.command.command == "pie.applyResult"
    hover = await session.hover(uri)
    assert hover is not None and answer["label"] in hover and "rules:" in hover
    assert await session.hover(uri, line=5) is None
    # the lens's command applies the result again
    again = await session.execute("pie.applyResult", *(lens.command.arguments or []))
    assert again == {"applied": True}
    assert len(session.edits) == 2 and session.edits[1].edit == sent.edit

    # the buffer now holds the rewrite: the old result no longer applies
    session.change(uri, after)
    assert await session.titles(uri) == STUBS
    assert await session.lenses(uri) == []
    assert await session.hover(uri) is None
    stale = await session.execute("pie.applyResult", *(lens.command.arguments or []))
    assert stale == {"applied": False, "stale": True}
    assert len(session.edits) == 2


async def test_a_result_for_a_changed_document_is_not_applied(
    start_session: StartSession, tmp_path: Path
) -> None:
    path = copy_example("prefix_sums", tmp_path)
    session = await start_session(tmp_path, options(tmp_path / "cache"))
    uri = session.open(path)
    running = session.execute("pie.optimize", uri)
    await wait_until(lambda: session.progress_for(types.WorkDoneProgressBegin), 30, "progress")
    session.change(uri, PREFIX_SUMS.replace("Prefix sums", "Running totals"))

    answer = await running

    assert answer["status"] == "optimized" and answer["applied"] is False and answer["stale"]
    assert session.edits == []
    warnings = session.message_texts(types.MessageType.Warning)
    assert any("slow.cpp changed while it was being optimized" in w for w in warnings), warnings
    assert await session.titles(uri) == STUBS
    # back to the text it was computed for: the result is offered again
    session.change(uri, PREFIX_SUMS)
    titles = await session.titles(uri)
    assert titles[0].startswith("Apply 2.") and titles[1:] == STUBS


@pytest.mark.parametrize("how", ["$/cancelRequest", "window/workDoneProgress/cancel"])
async def test_cancel_stops_the_work_and_kills_every_child(
    start_session: StartSession, tmp_path: Path, private_tmp: Path, how: str
) -> None:
    path = write_program(tmp_path / "spin", SPIN, SPIN_TESTS)
    session = await start_session(tmp_path, options(tmp_path / "cache"))
    uri = session.open(path)
    # a client-chosen token for the progress variant; a server-created one otherwise
    token = "client-token-1" if how == "window/workDoneProgress/cancel" else None
    running = session.execute("pie.optimize", uri, msg_id="optimize-1", token=token)
    simulating = await wait_until(
        lambda: [p for p in processes_in(private_tmp) if "valgrind" in p[1]],
        90,
        "valgrind to start measuring",
    )
    assert simulating

    if how == "$/cancelRequest":
        session.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="optimize-1"))
        with pytest.raises(JsonRpcException) as raised:
            await running
        assert raised.value.code == -32800  # RequestCancelled
    else:
        (begin,) = session.progress_for(types.WorkDoneProgressBegin)
        assert begin.cancellable is True
        assert token in session.client.progress_reports
        session.client.window_work_done_progress_cancel(
            types.WorkDoneProgressCancelParams(token=token)
        )
        assert await running == {"status": "cancelled"}

    await wait_until_gone(str(private_tmp))  # every process in its scratch directories
    await wait_until(
        lambda: session.progress_for(types.WorkDoneProgressEnd), 10, "the progress to end"
    )
    (end,) = session.progress_for(types.WorkDoneProgressEnd)
    assert end.message == "Cancelled"
    assert session.edits == []
    assert await session.titles(uri) == STUBS  # and the server is still there


async def test_a_new_request_supersedes_the_running_one(
    start_session: StartSession, tmp_path: Path, private_tmp: Path
) -> None:
    path = write_program(tmp_path / "spin", SPIN, SPIN_TESTS)
    session = await start_session(tmp_path, options(tmp_path / "cache"))
    uri = session.open(path)
    first = session.execute("pie.optimize", uri)
    await wait_until(lambda: processes_in(private_tmp), 60, "the first job's processes")
    # the same output without the long loop: quick to build, test and simulate
    session.change(uri, SPIN.replace("for (long long i = 0; i < n; i++) x = x + 1;", "x = n;"))
    second = session.execute("pie.optimize", uri)

    assert await first == {"status": "superseded"}
    answer = await second
    assert answer["status"] in {"optimized", "not-optimized"}, answer
    assert answer["testsPassed"] == answer["testsTotal"] == 1
    ends = [e.message for e in session.progress_for(types.WorkDoneProgressEnd)]
    assert ends[0] == "Superseded by a newer request"
    assert len(ends) == 2
    await wait_until(lambda: not processes_in(private_tmp), 10, "no processes left")


async def test_shutdown_kills_running_work(
    start_session: StartSession, tmp_path: Path, private_tmp: Path
) -> None:
    path = write_program(tmp_path / "spin", SPIN, SPIN_TESTS)
    session = await start_session(tmp_path, options(tmp_path / "cache"))
    uri = session.open(path)
    running = session.execute("pie.optimize", uri)
    await wait_until(lambda: processes_in(private_tmp), 60, "the job's processes")
    await asyncio.wait_for(session.client.shutdown_async(None), 30)
    assert processes_in(private_tmp) == []
    assert await running == {"status": "shutdown"}
    session.client.exit(None)
    server = session.client._server
    assert server is not None
    assert await asyncio.wait_for(server.wait(), 10) == 0
    session.closed = True


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=pie", "-c", "user.email=pie@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


async def test_check_speedup_against_git_head_and_a_saved_baseline(
    start_session: StartSession, tmp_path: Path, shared_cache: Path
) -> None:
    path = copy_example("prefix_sums", tmp_path)
    git(path.parent, "init", "-q")
    git(path.parent, "add", ".")
    git(path.parent, "commit", "-q", "-m", "slow version")
    session = await start_session(path.parent, options(shared_cache))
    uri = session.open(path, PREFIX_SUMS_FAST)  # edited in the editor, not saved

    answer = await session.execute("pie.checkSpeedup", uri)

    assert answer["status"] == "measured", answer
    assert answer["baseline"] == "HEAD" and answer["speedup"] > 1.5
    assert (answer["testsPassed"], answer["testsTotal"]) == (3, 3)
    assert "faster than HEAD on Skylake (estimate) — 3/3 tests" in answer["label"]
    infos = session.message_texts(types.MessageType.Info)
    assert any(answer["label"] in m for m in infos), infos
    lenses = [lens.command.title for lens in await session.lenses(uri) if lens.command]
    assert lenses == [f"PIE: {answer['label']}"]
    hover = await session.hover(uri)
    assert hover is not None and "faster than HEAD" in hover

    saved = await session.execute("pie.saveBaseline", uri)
    assert saved["status"] == "saved" and Path(saved["path"]).read_text() == PREFIX_SUMS_FAST
    same = await session.execute("pie.checkSpeedup", uri)
    assert same["baseline"] == "saved baseline"
    assert same["speedup"] == pytest.approx(1.0, abs=0.02)  # the same binary, deterministic
    assert path.read_text() == PREFIX_SUMS


async def test_check_speedup_outside_git_names_the_fix(
    start_session: StartSession, tmp_path: Path
) -> None:
    path = write_program(tmp_path / "p", DOUBLER, {"1": ("1\n", "2\n")})
    session = await start_session(tmp_path, options(tmp_path / "cache"))
    uri = session.open(path)
    answer = await session.execute("pie.checkSpeedup", uri)
    assert answer["status"] == "error"
    (error,) = session.message_texts(types.MessageType.Error)
    assert "not a git repository" in error and "Save speedup baseline" in error


@pytest.mark.parametrize("where", ["initializationOptions", ".pie-lsp.toml", "pyproject.toml"])
async def test_invalid_settings_name_the_key_and_defaults_are_used(
    start_session: StartSession, tmp_path: Path, where: str
) -> None:
    path = write_program(tmp_path / "p", DOUBLER, {"1": ("1 2\n", "2\n4\n")})
    init: dict[str, object] | None = None
    if where == "initializationOptions":
        init = {"simulator": {"backend": "quantum"}}
    elif where == ".pie-lsp.toml":
        (tmp_path / ".pie-lsp.toml").write_text('[simulator]\nbackend = "quantum"\n')
    else:
        (tmp_path / "pyproject.toml").write_text('[tool.pie-lsp.simulator]\nbackend = "quantum"\n')
    session = await start_session(tmp_path, init)
    errors = await wait_until(
        lambda: session.message_texts(types.MessageType.Error), 15, "a settings error"
    )
    assert len(errors) == 1
    assert "pie.simulator.backend" in errors[0] and "using the default settings" in errors[0]
    uri = session.open(path)
    assert await session.titles(uri) == STUBS
    answer = await session.execute("pie.optimize", uri)  # with the defaults
    assert answer["status"] in {"optimized", "not-optimized"}, answer
    assert answer["simulator"] in {"estimate", "gem5"}
    assert len(session.message_texts(types.MessageType.Error)) == 1  # said once


async def test_configuration_changes_are_pulled_and_checked(
    start_session: StartSession, tmp_path: Path, shared_cache: Path
) -> None:
    path = write_program(tmp_path / "p", DOUBLER, {"1": ("1\n", "2\n")})
    cases = tmp_path / "p" / "more-cases"
    cases.mkdir()
    for i in range(1, 5):
        (cases / f"c{i}.in").write_text(f"{i}\n")
        (cases / f"c{i}.out").write_text(f"{2 * i}\n")
    session = await start_session(tmp_path, options(shared_cache))
    uri = session.open(path)
    assert (await session.execute("pie.optimize", uri))["testsTotal"] == 1

    client: LanguageClient = session.client
    client.set_configuration({"tests": {"dir": "more-cases"}}, section="pie")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    # no pause: a command sent after the change waits for the settings it pulls
    assert (await session.execute("pie.optimize", uri))["testsTotal"] == 4

    client.set_configuration({"tests": {"timeout": -1}}, section="pie")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    errors = await wait_until(
        lambda: session.message_texts(types.MessageType.Error), 10, "a settings error"
    )
    assert "pie.tests.timeout must be > 0" in errors[0]


async def test_bad_requests_get_errors_and_the_server_stays_up(
    start_session: StartSession, tmp_path: Path, shared_cache: Path
) -> None:
    folder = tmp_path / "p"
    good = write_program(folder, DOUBLER, {"1": ("1\n", "2\n")})
    untested = folder / "untested.cpp"
    untested.write_text(DOUBLER)
    broken = write_program(
        folder, DOUBLER.replace("return 0;", "return 0"), {"1": ("1\n", "2\n")}, "broken.cpp"
    )
    headless = write_program(folder, "int helper() { return 1; }\n", {"1": ("", "")}, "lib.cpp")
    text_file = folder / "notes.txt"
    text_file.write_text("hello\n")
    session = await start_session(tmp_path, options(shared_cache))
    good_uri = session.open(good)

    async def rpc_error(command: str, *args: object) -> str:
        with pytest.raises(JsonRpcException) as raised:
            await session.execute(command, *args)
        assert raised.value.code == -32602  # InvalidParams
        return str(raised.value)

    assert "missing argument" in await rpc_error("pie.optimize")
    assert "must be the document URI" in await rpc_error("pie.optimize", 42)
    assert "not open in the editor" in await rpc_error("pie.optimize", untested.as_uri())
    text_uri = session.open(text_file, language="plaintext")
    assert "not a C++ file" in await rpc_error("pie.checkSpeedup", text_uri)
    assert "no result 'r999'" in await rpc_error("pie.applyResult", "r999")
    assert "not defined" in await rpc_error("pie.frobnicate", good_uri)

    # failures of the work itself: one readable message each, naming the fix
    cases = [
        (untested, "no tests found", "input.1.txt"),
        (broken, "does not compile", "fix the compile errors"),
        (headless, "no main function", "optimize the file that defines main()"),
    ]
    for path, problem, fix in cases:
        answer = await session.execute("pie.optimize", session.open(path))
        assert answer["status"] == "error", answer
        message = session.message_texts(types.MessageType.Error)[-1]
        assert problem in message and fix in message and path.name in message
    assert len(session.message_texts(types.MessageType.Error)) == len(cases)
    logged = "\n".join(m.message for m in session.client.log_messages)
    assert "expected ';'" in logged  # the compiler's details went to the log
    # the good file still gets its actions (first an Apply, when a result for the same
    # program and tests is already in the shared cache)
    titles = await session.titles(good_uri)
    assert titles[-3:] == STUBS and all(t.startswith("Apply ") for t in titles[:-3])
    assert (await session.execute("pie.optimize", good_uri))["status"] != "error"


def test_serve_over_tcp(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "pie_lsp", "serve", "--tcp", f"127.0.0.1:{port}"],
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except ConnectionRefusedError:
                if server.poll() is not None:
                    break
                import time

                time.sleep(0.1)
        else:
            raise AssertionError("the server never listened")
        body = (
            b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":'
            b'{"processId":null,"rootUri":null,"capabilities":{}}}'
        )
        with connection:
            connection.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            reply = b""
            while b'"result"' not in reply or not reply.rstrip().endswith(b"}"):
                chunk = connection.recv(65536)
                assert chunk, reply
                reply += chunk
        assert b'"name":"pie-lsp"' in reply.replace(b" ", b"")
        assert b"pie.optimize" in reply
    finally:
        server.kill()
        server.wait(10)


def test_serve_rejects_a_bad_tcp_address() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pie_lsp", "serve", "--tcp", "localhost"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "expected HOST:PORT" in done.stderr and "--tcp 127.0.0.1:2087" in done.stderr


async def test_a_broken_gem5_is_named_and_the_server_stays_up(
    start_session: StartSession, tmp_path: Path, shared_cache: Path
) -> None:
    # a gem5 the user pointed at that cannot run: a file without the execute bit
    gem5 = tmp_path / "gem5.opt"
    gem5.write_text("not a gem5\n")
    path = write_program(tmp_path / "p", DOUBLER, {"1": ("1\n", "2\n")})
    settings = options(shared_cache)
    settings["simulator"] = {"backend": "gem5", "gem5": {"path": str(gem5)}}
    session = await start_session(tmp_path, settings)
    uri = session.open(path)
    answer = await session.execute("pie.optimize", uri)
    assert answer["status"] == "error", answer
    assert "gem5" in answer["error"] and str(gem5) in answer["error"] + (answer["hint"] or "")
    (shown,) = session.message_texts(types.MessageType.Error)
    assert "gem5" in shown and "pie.simulator.gem5.path" in shown  # the cause and the fix

    # the server is alive and answers the next request on the same document
    assert await session.titles(uri) == STUBS
    answer = await session.execute("pie.optimize", uri)
    assert answer["status"] == "error" and len(session.message_texts(types.MessageType.Error)) == 2
