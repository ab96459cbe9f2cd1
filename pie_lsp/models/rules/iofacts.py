"""How a program does its input and output, for the iostream rules."""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import frozen
from clang.cindex import CursorKind as CK

from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    FUNCTIONS,
    Cursor,
    is_implicit,
)


@frozen
class IoFacts:
    """How the program does its input and output (for the iostream rules)."""

    streams: bool  # uses std::cin / std::cout
    c_stdio: bool  # uses C stdio on stdin/stdout (printf, getchar...) or raw read/write
    sync_called: bool  # calls sync_with_stdio already
    tie_called: bool  # calls .tie() already
    early_streams: bool  # iostreams or user code may run before main or after it returns
    abnormal_exit: bool  # may end without flushing (abort, _exit, quick_exit)

    STREAMS: ClassVar[frozenset[str]] = frozenset({"cin", "cout", "wcin", "wcout"})
    C_STDIO: ClassVar[frozenset[str]] = frozenset(
        {
            "printf",
            "scanf",
            "puts",
            "putchar",
            "getchar",
            "gets",
            "vprintf",
            "vscanf",
            "getchar_unlocked",
            "putchar_unlocked",
            "fflush",
            "freopen",
            "fgets",
            "fputs",
            "fprintf",
            "fscanf",
            "fgetc",
            "fputc",
            "getc",
            "putc",
            "ungetc",
            "fread",
            "fwrite",
            "read",
            "write",
            "system",
            "popen",
            "fork",
            "setvbuf",
            "setbuf",
        }
    )
    ABNORMAL: ClassVar[frozenset[str]] = frozenset({"abort", "_exit", "_Exit", "quick_exit"})

    @classmethod
    def of(cls, code: Code) -> IoFacts:
        named: set[tuple[Any, str]] = set()  # (kind, name) of library declarations named
        streams_outside_main = False
        before_main: list[Cursor] = []  # user functions that globals' initializers call
        for cursor, parents in code.nodes:
            decl = (
                cursor.referenced
                if cursor.kind in (CK.DECL_REF_EXPR, CK.MEMBER_REF_EXPR, CK.CALL_EXPR)
                else None
            )
            if decl is None:
                continue
            function = next((p for p in reversed(parents) if p.kind in FUNCTIONS), None)
            if not code.from_library(decl):
                if cursor.kind == CK.CALL_EXPR and function is None and not is_implicit(decl):
                    before_main.append(decl)
                continue
            named.add((decl.kind, decl.spelling))
            if (
                decl.kind == CK.VAR_DECL
                and decl.spelling in cls.STREAMS
                and (function is None or function.kind in (CK.CONSTRUCTOR, CK.DESTRUCTOR))
            ):
                streams_outside_main = True
        definitions = [d for d in (f.get_definition() for f in before_main) if d is not None]
        early = [*definitions, *code.called_functions(definitions)]
        return cls(
            streams=any((CK.VAR_DECL, name) in named for name in cls.STREAMS),
            c_stdio=any((CK.VAR_DECL, name) in named for name in ("stdin", "stdout"))
            or any((CK.FUNCTION_DECL, name) in named for name in cls.C_STDIO),
            sync_called=any(name == "sync_with_stdio" for _, name in named),
            tie_called=(CK.CXX_METHOD, "tie") in named,
            early_streams=streams_outside_main
            or any(
                c.kind == CK.DECL_REF_EXPR and c.spelling in cls.STREAMS
                for f in early
                for c in f.walk_preorder()
            ),
            abnormal_exit=any((CK.FUNCTION_DECL, name) in named for name in cls.ABNORMAL),
        )
