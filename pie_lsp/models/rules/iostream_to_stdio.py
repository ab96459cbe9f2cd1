"""The `iostream-to-stdio` rule: a program whose only I/O is `cin >>` numbers and
`cout <<` numbers, characters and literals uses scanf/printf and no longer includes
<iostream>, whose static initialization (the eight standard streams and their locales)
costs more than a small program's own work.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import Cursor, children, key, strip
from pie_lsp.models.rules.edits import Edit, Rewrite

# printf conversions for what `cout <<` prints of each (converted) argument type, and
# scanf conversions for what `cin >>` reads into each target type.
PRINTED = {
    TK.INT: "%d",
    TK.UINT: "%u",
    TK.LONG: "%ld",
    TK.ULONG: "%lu",
    TK.LONGLONG: "%lld",
    TK.ULONGLONG: "%llu",
    TK.CHAR_S: "%c",
    TK.CHAR_U: "%c",
    TK.BOOL: "%d",  # without boolalpha a bool prints as 1 or 0
    TK.DOUBLE: "%g",  # the default ostream format: %g, precision 6
}
# the integers read as printed; no bool (>> into a bool accepts only 0 and 1)
READ = {
    **{kind: form for kind, form in PRINTED.items() if kind != TK.BOOL},
    TK.CHAR_S: " %c",  # >> into a char skips whitespace first
    TK.CHAR_U: " %c",
    TK.DOUBLE: "%lf",
}
STREAMS = frozenset({"cin", "cout", "cerr", "clog", "wcin", "wcout", "wcerr", "wclog"})
INCLUDE = re.compile(
    rb"^[ \t]*#[ \t]*include[ \t]*[<\"](iostream|bits/stdc\+\+\.h)[>\"][^\n]*", re.M
)
# C stdio that reads stdin / writes stdout: mixed with unsynchronized streams, the
# original's order of input or output is not the program's.
STDIO_OUT = frozenset({"printf", "puts", "putchar", "fputs", "fwrite", "putc", "fputc"})
STDIO_IN = frozenset({"scanf", "getchar", "fgets", "gets", "fread", "getc", "fgetc"})
# Everything <bits/stdc++.h> brings in for C++17 but <iostream> (and the deprecated C
# wrappers and <execution>, which need more than the compiler).
HEADERS = (
    "cassert",
    "cctype",
    "cerrno",
    "cfloat",
    "climits",
    "clocale",
    "cmath",
    "csetjmp",
    "csignal",
    "cstdarg",
    "cstddef",
    "cstdio",
    "cstdlib",
    "cstring",
    "ctime",
    "cwchar",
    "cwctype",
    "cfenv",
    "cinttypes",
    "cstdint",
    "algorithm",
    "bitset",
    "complex",
    "deque",
    "exception",
    "fstream",
    "functional",
    "iomanip",
    "ios",
    "iosfwd",
    "istream",
    "iterator",
    "limits",
    "list",
    "locale",
    "map",
    "memory",
    "new",
    "numeric",
    "ostream",
    "queue",
    "set",
    "sstream",
    "stack",
    "stdexcept",
    "streambuf",
    "string",
    "typeinfo",
    "utility",
    "valarray",
    "vector",
    "array",
    "atomic",
    "chrono",
    "codecvt",
    "condition_variable",
    "forward_list",
    "future",
    "initializer_list",
    "mutex",
    "random",
    "ratio",
    "regex",
    "scoped_allocator",
    "system_error",
    "thread",
    "tuple",
    "typeindex",
    "type_traits",
    "unordered_map",
    "unordered_set",
    "shared_mutex",
    "any",
    "charconv",
    "filesystem",
    "optional",
    "memory_resource",
    "string_view",
    "variant",
)


class IostreamToStdio(Rule):
    """`cin >> n >> m;` becomes `scanf("%d %d", &n, &m);`, `cout << x << ' ' << y << endl;`
    becomes `printf("%d%c%lld\\n", x, ' ', y);`, `while (cin >> n && n)` tests
    `scanf(...) == 1`, stream tuning (`sync_with_stdio`, `tie`) goes, and `#include
    <iostream>` (or <bits/stdc++.h>, replaced by its other headers) is dropped: a
    statically linked program that includes <iostream> builds the standard streams and
    their locales before main, a large share of a small program's time.

    Exact on input where every read finds what it reads (a number in its type's range for a
    number): scanf's %d/%lld/%lf/ %c skip whitespace and parse as operator>> does (both by
    strtol/strtod rules), and a chain's result converted to bool is true exactly when every
    read succeeded, as scanf's count equals the number of targets; printf's %d/%lld/%c/%g (C
    locale, precision 6) print what operator<< prints for int, long long, char, bool and
    double by default; endl's flush only moves output earlier. Proved: every mention of a
    standard stream is in such a statement (so nothing else needs <iostream>: no getline,
    cerr, manipulator but endl, string or pointer I/O, or user type); the printed
    expressions have no side effects (printf's arguments are evaluated in no set order,
    operator<< chains left to right); no read target names another target of its chain
    (scanf takes every address before reading); a chain's value is used only as a condition;
    stdio calls are not mixed with unsynchronized streams; the program has no
    abort/_exit/quick_exit (which would drop output buffered after a removed endl)."""

    name = "iostream-to-stdio"
    summary = "read and write numbers with scanf/printf and drop <iostream>"
    triggers = re.compile(r"\b(cin|cout|iostream)\b|bits/stdc")

    def find(self, code: Code) -> list[Rewrite]:
        includes = list(INCLUDE.finditer(code.source))
        if not includes or code.io.abnormal_exit:
            return []  # (abort or _exit would drop printf's buffered output)
        edits: list[Edit] = []
        handled: set[int] = set()  # offsets of the stream mentions the edits cover
        synced = False
        used: set[str] = set()  # the streams and stdio functions the program names
        for cursor, parents in code.nodes:
            if cursor.kind != CK.CALL_EXPR or not parents:
                continue
            if cursor.spelling in ("operator<<", "operator>>") and self._top(cursor, parents):
                edit = self._chain(code, cursor, parents, handled)
                if edit is None:
                    return []
                edits.append(edit)
            elif cursor.spelling == "sync_with_stdio" or (
                cursor.spelling == "tie" and self._on_stream(cursor)
            ):
                edit = self._tuning(code, cursor, parents, handled)
                if edit is None:
                    return []
                synced = synced or cursor.spelling == "sync_with_stdio"
                edits.append(edit)
        edits = sorted(set(edits))  # a class's inline members can be walked twice
        if not edits and any(t in STREAMS for t in code.token_at.values()):
            return []
        if any(a.end > b.start for a, b in itertools.pairwise(edits)):
            return []
        for cursor, _ in code.nodes:
            if (
                cursor.kind == CK.DECL_REF_EXPR
                and cursor.referenced is not None
                and code.from_library(cursor.referenced)
            ):
                name = cursor.referenced.spelling
                if name in STREAMS and cursor.location.offset not in handled:
                    return []  # a stream used some other way
                used.add(name)
        if synced and (
            (used & {"cout", "cerr", "clog"} and used & STDIO_OUT)
            or ("cin" in used and used & STDIO_IN)
        ):
            return []  # unsynchronized: the original's order is not the program's
        # Claim the point where sync-stdio inserts its stream calls (just inside main's
        # brace), so that no combination of rules puts them into a program without
        # <iostream>: overlapping rewrites are never applied together.
        body = code.main_body()
        if body is None:
            return []
        brace = body.extent.start.offset
        claimed = code.source[brace : brace + 2]
        if len(claimed) != 2 or claimed[:1] != b"{" or not claimed[1:].isspace():
            return []
        if any(brace <= e.start < brace + 2 for e in edits):
            return []
        edits.append(Edit(brace, brace + 2, claimed.decode()))
        for match in includes:
            # <istream> and <ostream> are what <iostream> declares, without the streams
            headers = ["cstdio", "istream", "ostream"] if match.group(1) == b"iostream" else HEADERS
            text = code.newline.join(f"#include <{h}>" for h in headers)
            edits.append(Edit(match.start(), match.end(), text))
        return [Rewrite(tuple(edits), "cin/cout" if handled else "<iostream>", ())]

    @staticmethod
    def _on_stream(call: Cursor) -> bool:
        """`cin.tie(...)` (not std::tie of a tuple)."""
        member = children(call)[0] if children(call) else None
        return (
            member is not None
            and member.kind == CK.MEMBER_REF_EXPR
            and any(
                c.kind == CK.DECL_REF_EXPR
                and c.referenced is not None
                and c.referenced.spelling in STREAMS
                for c in member.walk_preorder()
            )
        )

    @staticmethod
    def _top(cursor: Cursor, parents: Sequence[Cursor]) -> bool:
        """Whether the call is the outermost `<<`/`>>` of its chain."""
        for parent in reversed(parents):
            if parent.kind in (CK.UNEXPOSED_EXPR, CK.PAREN_EXPR):
                continue
            return not (parent.kind == CK.CALL_EXPR and parent.spelling == cursor.spelling)
        return True

    @staticmethod
    def _flatten(chain: Cursor, operator_name: str) -> tuple[Cursor, list[Cursor]] | None:
        """(the stream, the operands left to right) of `s << a << b`."""
        operands: list[Cursor] = []
        node = chain
        while node.kind == CK.CALL_EXPR and node.spelling == operator_name:
            parts = children(node)
            if len(parts) != 3:
                return None
            operands.insert(0, parts[2])
            node = strip(parts[0])
        if node.kind != CK.DECL_REF_EXPR or node.referenced is None:
            return None
        return node, operands

    def _statement_end(self, code: Code, start: int) -> int | None:
        """The offset just past the `;` that ends the statement starting at `start`."""
        offset = start
        while True:
            found = code.next_token(offset)
            if found is None:
                return None
            if found[1] == ";":
                return found[0] + 1
            if found[1] in ("{", "}"):
                return None
            offset = found[0] + 1

    def _chain(
        self, code: Code, chain: Cursor, parents: Sequence[Cursor], handled: set[int]
    ) -> Edit | None:
        flat = self._flatten(chain, chain.spelling)
        if flat is None:
            return None
        stream, operands = flat
        if not code.from_library(stream.referenced) or not code.is_written(stream):
            return None
        as_statement = code.value_unused(chain, parents)
        if stream.referenced.spelling == "cout" and chain.spelling == "operator<<":
            if not as_statement:
                return None
            call = self._printf(code, operands)
        elif stream.referenced.spelling == "cin" and chain.spelling == "operator>>":
            call = self._scanf(code, operands)
            if call is not None and not as_statement:
                if not self._tested(chain, parents):
                    return None
                call = f"({call} == {len(operands)})"
        else:
            return None
        if call is None:
            return None
        handled.add(stream.location.offset)
        start = chain.extent.start.offset
        if as_statement:
            end = self._statement_end(code, start)
            if end is None:
                return None
            return Edit(start, end, call + ";")
        # A condition: the chain ends at the token before the `&&`, `)` or `;` after it.
        end = self._operand_end(code, chain, parents)
        if end is None:
            return None
        return Edit(start, end, call)

    @staticmethod
    def _tested(chain: Cursor, parents: Sequence[Cursor]) -> bool:
        """Whether the chain's value is only converted to bool (a condition)."""
        index = len(parents) - 1
        while index >= 0 and parents[index].kind == CK.UNEXPOSED_EXPR:
            index -= 1
        return (
            index >= 1
            and parents[index].kind == CK.MEMBER_REF_EXPR
            and parents[index].spelling == "operator bool"
            and parents[index - 1].kind == CK.CALL_EXPR
        )

    def _operand_end(self, code: Code, chain: Cursor, parents: Sequence[Cursor]) -> int | None:
        """Where the chain's text ends: the last operand's end (libclang's extent of the
        whole call can stop early)."""
        flat = self._flatten(chain, chain.spelling)
        if flat is None:
            return None
        last = flat[1][-1]
        return int(last.extent.end.offset)

    def _printf(self, code: Code, operands: list[Cursor]) -> str | None:
        form: list[str] = []
        arguments: list[str] = []
        for operand in operands:
            inner = strip(operand)
            if (
                inner.kind == CK.DECL_REF_EXPR
                and inner.referenced is not None
                and inner.referenced.spelling == "endl"
                and code.from_library(inner.referenced)
            ):
                form.append("\\n")
                continue
            if inner.kind == CK.STRING_LITERAL:
                token = code.token_at.get(inner.extent.start.offset)
                if token is None or token != code.text(inner) or not token.startswith('"'):
                    return None
                form.append(token[1:-1].replace("%", "%%"))
                continue
            conversion = PRINTED.get(operand.type.get_canonical().kind)
            if conversion is None or not _pure(code, operand):
                return None
            if any(
                c.kind == CK.DECL_REF_EXPR
                and c.referenced is not None
                and c.referenced.spelling in STREAMS
                for c in operand.walk_preorder()
            ):
                return None
            form.append(conversion)
            arguments.append(code.text(operand))
        return "printf(" + ", ".join([f'"{"".join(form)}"', *arguments]) + ")"

    def _scanf(self, code: Code, operands: list[Cursor]) -> str | None:
        form: list[str] = []
        arguments: list[str] = []
        targets: set[object] = set()
        for operand in operands:
            inner = strip(operand)
            conversion = READ.get(inner.type.get_canonical().kind)
            if conversion is None or not code.is_pure(inner):
                return None
            if inner.kind == CK.DECL_REF_EXPR and inner.referenced is not None:
                targets.add(key(inner.referenced))
            arguments.append(f"&{code.text(inner)}")
        for operand in operands:
            inner = strip(operand)
            named = [
                key(c.referenced)
                for c in inner.walk_preorder()
                if c.kind == CK.DECL_REF_EXPR and c.referenced is not None
            ]
            if inner.kind == CK.DECL_REF_EXPR:
                named = named[1:]
            if any(n in targets for n in named):
                return None  # `cin >> n >> a[n]` reads n before taking a[n]'s address
        for operand in operands:
            form.append(READ[strip(operand).type.get_canonical().kind])
        return "scanf(" + ", ".join([f'"{" ".join(form)}"', *arguments]) + ")"

    def _tuning(
        self, code: Code, call: Cursor, parents: Sequence[Cursor], handled: set[int]
    ) -> Edit | None:
        """Deletes `ios::sync_with_stdio(false);`, `cin.tie(0);`, `cout.tie(nullptr);`."""
        if not code.value_unused(call, parents) or not code.from_library(call.referenced):
            return None
        for inner in call.walk_preorder():
            if (
                inner.kind == CK.DECL_REF_EXPR
                and inner.referenced is not None
                and inner.referenced.spelling in STREAMS
            ):
                handled.add(inner.location.offset)
        start = call.extent.start.offset
        end = self._statement_end(code, start)
        if end is None:
            return None
        # Alone on its line: the line goes too.
        line_start = code.source.rfind(b"\n", 0, start) + 1
        line_end = code.source.find(b"\n", end)
        if (
            line_end >= 0
            and not code.source[line_start:start].strip()
            and not code.source[end:line_end].strip()
        ):
            start, end = line_start, line_end + 1
        return Edit(start, end, "")

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return "read and write with scanf/printf instead of cin/cout, and drop <iostream>"


def _pure(code: Code, expression: Cursor) -> bool:
    """`Code.is_pure`, with `c ? x : y` of pure parts too."""
    expression = strip(expression)
    if expression.kind == CK.CONDITIONAL_OPERATOR:
        return all(_pure(code, c) for c in children(expression))
    return code.is_pure(expression)
