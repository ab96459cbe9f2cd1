"""The embedded `rules` backend: deterministic PIE-style rewrites found with libclang.

Each rule looks for one well-known slow pattern of competitive-programming C++ (iostreams
synced with stdio, `endl` flushes, containers copied into functions, `pow(x, 2)`, `strlen`
re-evaluated in a loop condition, `s = s + x`, `std::map` used as a hash table, a memset
zeroing a global array that is still zero) and returns byte-offset edits of the original
source. The backend turns them into candidates, one per
rule plus one combining every rule, and drops any candidate libclang says would not compile.

Rules are conservative: each states the conditions under which its rewrite cannot change
what the program prints, and skips code written through macros. The pipeline still builds,
tests and measures every candidate; a rule that produces failing candidates is a bug here.

Reading order: `Code` (the questions rules ask about the parse), the rules (one class each,
`ALL_RULES`), then `RulesBackend` (checking and combining their rewrites).
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import hashlib
import json
import re
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, NamedTuple

from attrs import frozen

from pie_lsp.errors import ToolMissing
from pie_lsp.models.base import Candidate, Generation, ModelBackend, Progress, Rejection
from pie_lsp.program import Parsed, Program
from pie_lsp.settings import Settings, SettingsError

try:
    import clang.cindex as ci
    from clang.cindex import CursorKind as CK
    from clang.cindex import TypeKind as TK
except ImportError as exc:  # a declared dependency, but say what to do
    raise ToolMissing(
        "the libclang Python package is missing", hint="pip install libclang"
    ) from exc

# Bump when any rule changes what it proposes: it is part of config_digest (cache keys).
RULES_VERSION = 2

# clang.cindex is untyped; a cursor is a clang.cindex.Cursor.
Cursor = Any
# A cursor of the main file with its ancestors, outermost first (as Parsed.walk yields them).
Node = tuple[Cursor, tuple[Cursor, ...]]
# Identifies a declaration across redeclarations: (file, offset of its name, name).
Key = tuple[str, int, str]


# --------------------------------------------------------------------------- edits


class Edit(NamedTuple):
    """Replace the source bytes [start, end) with `text` (start == end inserts)."""

    start: int
    end: int
    text: str


@frozen
class Rewrite:
    """One change a rule proposes: edits that only make sense together."""

    edits: tuple[Edit, ...]
    what: str  # names the place for the description: "v in solve()", "strlen(s)"
    # 1-based line ranges the change depends on: compile errors there are blamed on it.
    lines: tuple[tuple[int, int], ...] = ()


def _overlap(a: Edit, b: Edit) -> bool:
    # Two insertions at one point do not conflict (they keep rule order); an insertion
    # strictly inside a replaced range does.
    return a.start < b.end and b.start < a.end


def merge(rewrites: Iterable[Rewrite]) -> list[Edit]:
    """The edits of each rewrite that overlaps none taken before it (first come, first kept)."""
    taken: list[Edit] = []
    for rewrite in rewrites:
        if not any(_overlap(edit, other) for edit in rewrite.edits for other in taken):
            taken.extend(rewrite.edits)
    return taken


def apply_edits(source: bytes, edits: Sequence[Edit]) -> str:
    """The source with non-overlapping edits applied (insertions at one point keep order)."""
    out: list[bytes] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):  # stable
        out += [source[position : edit.start], edit.text.encode()]
        position = edit.end
    out.append(source[position:])
    return b"".join(out).decode("utf-8")


# --------------------------------------------------------------------------- libclang helpers

# Wrappers that do not change what an expression means: implicit conversions show up as
# UNEXPOSED_EXPR in libclang, and parentheses.
TRANSPARENT = frozenset({CK.UNEXPOSED_EXPR, CK.PAREN_EXPR})
FUNCTIONS = frozenset(
    {
        CK.FUNCTION_DECL,
        CK.CXX_METHOD,
        CK.CONSTRUCTOR,
        CK.DESTRUCTOR,
        CK.CONVERSION_FUNCTION,
        CK.FUNCTION_TEMPLATE,
        CK.LAMBDA_EXPR,
    }
)
TEMPLATES = frozenset(
    {
        CK.FUNCTION_TEMPLATE,
        CK.CLASS_TEMPLATE,
        CK.CLASS_TEMPLATE_PARTIAL_SPECIALIZATION,
    }
)
# Where an expression is a whole statement, so its value is unused.
STATEMENT_PARENTS = frozenset(
    {
        CK.COMPOUND_STMT,
        CK.IF_STMT,
        CK.WHILE_STMT,
        CK.FOR_STMT,
        CK.DO_STMT,
        CK.CXX_FOR_RANGE_STMT,
        CK.CASE_STMT,
        CK.DEFAULT_STMT,
        CK.LABEL_STMT,
    }
)
LITERALS = frozenset(
    {
        CK.INTEGER_LITERAL,
        CK.FLOATING_LITERAL,
        CK.CHARACTER_LITERAL,
        CK.CXX_BOOL_LITERAL_EXPR,
    }
)
CASTS = frozenset({CK.CSTYLE_CAST_EXPR, CK.CXX_STATIC_CAST_EXPR, CK.CXX_FUNCTIONAL_CAST_EXPR})
ARITHMETIC = frozenset(
    {
        TK.BOOL,
        TK.CHAR_U,
        TK.UCHAR,
        TK.CHAR_S,
        TK.SCHAR,
        TK.WCHAR,
        TK.CHAR16,
        TK.CHAR32,
        TK.SHORT,
        TK.USHORT,
        TK.INT,
        TK.UINT,
        TK.LONG,
        TK.ULONG,
        TK.LONGLONG,
        TK.ULONGLONG,
        TK.FLOAT,
        TK.DOUBLE,
    }
)
INTEGRAL_KEYS = frozenset(
    {
        "bool",
        "char",
        "signed char",
        "unsigned char",
        "short",
        "unsigned short",
        "int",
        "unsigned int",
        "long",
        "unsigned long",
        "long long",
        "unsigned long long",
    }
)
STRING = "std::basic_string<char>"
# Standard containers: copying one copies all its elements.
CONTAINER = re.compile(
    r"std::(vector|basic_string|deque|list|forward_list|(unordered_)?(multi)?(map|set)"
    r"|priority_queue|queue|stack)<"
)
# Library class templates that own their arguments by value; any other (shared_ptr,
# reference_wrapper, iterators...) may point at objects of its argument types.
VALUE_TEMPLATES = re.compile(
    r"std::(vector|basic_string|deque|list|forward_list|(unordered_)?(multi)?(map|set)"
    r"|priority_queue|queue|stack|pair|tuple|array|optional|bitset)<"
)


# Library class templates whose arguments only describe types (allocators, comparators,
# hashes, traits, streams): they hold no objects of those types.
TYPE_ONLY_TEMPLATES = re.compile(
    r"std::(allocator|less|greater|less_equal|greater_equal|equal_to|hash|char_traits"
    r"|basic_(i|o|io)?stream|basic_(i|o)?fstream|basic_(i|o)?stringstream|basic_ios)<"
)


@functools.cache
def _clang_functions() -> dict[str, Any] | None:
    """libclang entry points the Python bindings do not wrap (None if this libclang lacks them)."""
    lib = ci.conf.lib
    try:
        location = lib.clang_getFileLocation
        binary, unary = lib.clang_getCursorBinaryOperatorKind, lib.clang_getCursorUnaryOperatorKind
        binary_name = lib.clang_getBinaryOperatorKindSpelling
        unary_name = lib.clang_getUnaryOperatorKindSpelling
    except AttributeError:  # libclang older than 17
        return None
    uint = ctypes.POINTER(ctypes.c_uint)
    location.argtypes = [ci.SourceLocation, ctypes.POINTER(ci.c_object_p), uint, uint, uint]
    location.restype = None
    for kind in (binary, unary):
        kind.argtypes, kind.restype = [ci.Cursor], ctypes.c_int
    for name in (binary_name, unary_name):
        name.argtypes, name.restype = [ctypes.c_int], ci._CXString
        name.errcheck = ci._CXString.from_result
    return {
        "location": location,
        "binary": binary,
        "unary": unary,
        "binary_name": binary_name,
        "unary_name": unary_name,
    }


def file_offset(location: Any) -> int | None:
    """Where the file spells a location: for a macro argument its place in the invocation,
    for any other macro token the expansion point (clang_getFileLocation)."""
    functions = _clang_functions()
    if functions is None:
        return None
    file, line, column, offset = ci.c_object_p(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    functions["location"](
        location, ctypes.byref(file), ctypes.byref(line), ctypes.byref(column), ctypes.byref(offset)
    )
    return offset.value


def operator(cursor: Cursor) -> str | None:
    """The operator of a built-in BINARY_OPERATOR / COMPOUND_ASSIGNMENT_OPERATOR /
    UNARY_OPERATOR ("<", "+=", "++"...), or None."""
    functions = _clang_functions()
    if functions is None:
        return None
    if cursor.kind in (CK.BINARY_OPERATOR, CK.COMPOUND_ASSIGNMENT_OPERATOR):
        name: str = functions["binary_name"](functions["binary"](cursor))
    elif cursor.kind == CK.UNARY_OPERATOR:
        name = functions["unary_name"](functions["unary"](cursor))
    else:
        return None
    return name


def key(decl: Cursor) -> Key:
    canonical = decl.canonical
    location = canonical.location
    return (location.file.name if location.file else "", location.offset, canonical.spelling)


def canonical(type_: Any) -> str:
    """The canonical spelling of a type without top-level const/volatile."""
    return re.sub(r"^((const|volatile) )+", "", type_.get_canonical().spelling)


def children(cursor: Cursor) -> list[Cursor]:
    return list(cursor.get_children())


def strip(cursor: Cursor) -> Cursor:
    """The expression under implicit conversions and parentheses."""
    while cursor.kind in TRANSPARENT:
        inner = children(cursor)
        if len(inner) != 1:
            break
        cursor = inner[0]
    return cursor


def strip_copy(cursor: Cursor) -> Cursor:
    """The expression a by-value argument is copied from (`v` in `f(v)`)."""
    cursor = strip(cursor)
    constructor = cursor.referenced if cursor.kind == CK.CALL_EXPR else None
    if (
        constructor is not None
        and constructor.kind == CK.CONSTRUCTOR
        and (constructor.is_copy_constructor() or constructor.is_move_constructor())
    ):
        inner = children(cursor)
        if len(inner) == 1:
            return strip(inner[0])
    return cursor


def same(a: Cursor, b: Cursor) -> bool:
    """Whether two cursors cover the same source (libclang hands out fresh cursor objects)."""
    return bool(
        a.kind == b.kind
        and a.extent.start.offset == b.extent.start.offset
        and a.extent.end.offset == b.extent.end.offset
    )


def is_static_storage(var: Cursor) -> bool:
    """A global, namespace-scope, static local or static member variable."""
    if var.kind != CK.VAR_DECL:
        return False
    if var.storage_class in (ci.StorageClass.STATIC, ci.StorageClass.EXTERN):
        return True
    return var.semantic_parent is None or var.semantic_parent.kind not in FUNCTIONS


def is_implicit(decl: Cursor) -> bool:
    """A member the compiler declared (an implicit constructor sits at its class's name)."""
    parent = decl.semantic_parent
    return bool(
        decl.kind in (CK.CONSTRUCTOR, CK.DESTRUCTOR, CK.CXX_METHOD)
        and parent is not None
        and decl.location.offset == parent.location.offset
    )


def is_reference(type_: Any) -> bool:
    return type_.get_canonical().kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE)


# --------------------------------------------------------------------------- the program


class Code:
    """The parsed program as the rules see it.

    Built once per generation; its cursors die when the translation unit is reparsed
    (Parsed.check_many...), so every rule runs before any rewrite is checked.
    """

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.source = parsed.source
        self.text_str = parsed.program.text
        self.nodes: list[Node] = list(parsed.walk())
        tu = parsed.tu
        extent = tu.get_extent(parsed.filename, (0, len(self.source)))
        tokens = [(t.extent.start.offset, t.spelling) for t in tu.get_tokens(extent=extent)]
        self.token_at: dict[int, str] = dict(tokens)
        self.token_offsets = sorted(self.token_at)
        # Names #defined in this file: a cursor whose location is one of them came from a
        # macro body (libclang reports such cursors at the macro's expansion point).
        self.macros = {
            tokens[i + 2][1]
            for i in range(len(tokens) - 2)
            if tokens[i][1] == "#" and tokens[i + 1][1] == "define"
        }
        # Mentions of each declaration (variables, functions; methods through obj.f).
        self.uses: dict[Key, list[Node]] = defaultdict(list)
        self.declarations: dict[Key, list[Cursor]] = defaultdict(list)  # of functions
        for cursor, parents in self.nodes:
            if cursor.kind in (CK.DECL_REF_EXPR, CK.MEMBER_REF_EXPR) and (
                cursor.referenced is not None
            ):
                self.uses[key(cursor.referenced)].append((cursor, parents))
            elif cursor.kind in (CK.FUNCTION_DECL, CK.CXX_METHOD):
                self.declarations[key(cursor)].append(cursor)
        self._scanned: dict[Key, tuple[dict[Key, Cursor], list[Cursor]]] = {}

    # -- where things are written

    def text(self, cursor: Cursor) -> str:
        extent = cursor.extent
        return self.source[extent.start.offset : extent.end.offset].decode("utf-8", "replace")

    def in_main_file(self, cursor: Cursor) -> bool:
        return self.parsed.in_main_file(cursor)

    def from_library(self, decl: Cursor) -> bool:
        """Declared outside this file (the standard library), so not the user's own."""
        return not self.in_main_file(decl)

    def is_written(self, cursor: Cursor, expected: str | None = None) -> bool:
        """Whether the cursor is spelled in this file rather than produced by a macro
        (and, given `expected`, whether the token at its location is that text)."""
        location = cursor.location
        if location.file is None or location.file.name != self.parsed.filename:
            return False
        if file_offset(location) != location.offset:
            return False  # inside a macro argument
        token = self.token_at.get(location.offset)
        if token is None or token in self.macros:
            return False  # inside a macro body: located at the macro's name
        return expected is None or token == expected

    def library_call(
        self, cursor: Cursor, name: str, arity: int, spelled: re.Pattern[str]
    ) -> list[Cursor] | None:
        """The arguments of `cursor` when it calls the library's `name` with `arity`
        arguments, written in this file (not made by a macro) in a form `spelled` matches."""
        if cursor.kind != CK.CALL_EXPR or cursor.spelling != name:
            return None
        decl = cursor.referenced
        arguments = list(cursor.get_arguments())
        callee = next((c for c in cursor.walk_preorder() if c.kind == CK.DECL_REF_EXPR), None)
        if (
            decl is None
            or not self.from_library(decl)
            or len(arguments) != arity
            or callee is None
            or not self.is_written(callee, name)
            or not spelled.fullmatch(self.text(cursor))
        ):
            return None
        return arguments

    def next_token(self, offset: int) -> tuple[int, str] | None:
        """The first token starting at or after a byte offset (comments are not tokens)."""
        index = bisect_left(self.token_offsets, offset)
        if index == len(self.token_offsets):
            return None
        start = self.token_offsets[index]
        return start, self.token_at[start]

    @property
    def newline(self) -> str:
        return "\r\n" if b"\r\n" in self.source else "\n"

    def line_of(self, offset: int) -> int:
        return self.source.count(b"\n", 0, offset) + 1

    def indentation(self, offset: int) -> str:
        line_start = self.source.rfind(b"\n", 0, offset) + 1
        prefix = self.source[line_start:offset]
        return prefix.decode() if prefix.strip() == b"" else ""

    def fresh_name(self, stem: str, taken: set[str]) -> str:
        """`stem_N` for the smallest N not used in the file or in `taken`."""
        number = 1
        while f"{stem}_{number}" in self.text_str or f"{stem}_{number}" in taken:
            number += 1
        taken.add(f"{stem}_{number}")
        return f"{stem}_{number}"

    def only_mentions(self, declaration: Cursor, uses: Sequence[Node]) -> bool:
        """Whether every token spelling the declaration's name is the declaration itself or
        one of `uses`: no mention hides in a macro body, a template or a namesake."""
        name = declaration.spelling
        mentions = {offset for offset, token in self.token_at.items() if token == name}
        return mentions == {declaration.location.offset} | {c.location.offset for c, _ in uses}

    # -- structure

    @staticmethod
    def enclosing(cursor: Cursor, parents: Sequence[Cursor]) -> tuple[Cursor | None, Cursor, int]:
        """The nearest ancestor that is not a transparent wrapper, the child of it on the
        way (possibly a wrapper), and the ancestor's index in `parents` (-1 if none)."""
        child = cursor
        for index in range(len(parents) - 1, -1, -1):
            if parents[index].kind not in TRANSPARENT:
                return parents[index], child, index
            child = parents[index]
        return None, child, -1

    def value_unused(self, cursor: Cursor, parents: Sequence[Cursor]) -> bool:
        """Whether an expression is a whole statement (`x;`), so its value is discarded."""
        parent, _, _ = self.enclosing(cursor, parents)
        return parent is not None and parent.kind in STATEMENT_PARENTS

    def main_body(self) -> Cursor | None:
        for cursor, parents in self.nodes:
            if (
                cursor.kind == CK.FUNCTION_DECL
                and cursor.spelling == "main"
                and not parents
                and cursor.is_definition()
                and self.is_written(cursor, "main")
            ):
                body = [c for c in children(cursor) if c.kind == CK.COMPOUND_STMT]
                return body[0] if body else None
        return None

    def passes_read_only(
        self, call: Cursor, argument: Cursor, *, printf_like: bool = False
    ) -> bool:
        """Whether `argument` (a child of `call`, possibly an implicit wrapper) is passed by
        value or by const reference/pointer, so the call cannot modify it through this
        argument. With printf_like, the variadic arguments of printf-family functions count
        as read-only."""
        callee = call.referenced
        if callee is None:
            return False
        arguments = list(call.get_arguments())
        index = next((i for i, a in enumerate(arguments) if same(a, argument)), None)
        if index is None:
            return False
        # An overloaded operator implemented as a member gets the object as argument 0.
        if callee.kind == CK.CXX_METHOD and call.spelling.startswith("operator"):
            index -= 1
        if index == -1:
            return bool(callee.is_const_method())
        parameters = list(callee.get_arguments())
        if index >= len(parameters):
            return printf_like and callee.spelling in {"printf", "fprintf", "sprintf", "snprintf"}
        parameter = parameters[index].type.get_canonical()
        if parameter.kind == TK.RVALUEREFERENCE:
            return False
        if parameter.kind in (TK.LVALUEREFERENCE, TK.POINTER):
            return bool(parameter.get_pointee().is_const_qualified())
        return True

    # -- aliasing

    def holds(
        self,
        type_: Any,
        target: str,
        *,
        via_pointer_only: bool,
        _behind_pointer: bool = False,
        _seen: frozenset[str] = frozenset(),
    ) -> bool:
        """Whether an object of `type_` can reach an object of canonical type `target`:
        contain one (unless via_pointer_only) or point/refer to one. Code it cannot see
        into (lambdas, std::function, function pointers) counts as reaching anything."""
        type_ = type_.get_canonical()
        spelling = canonical(type_)
        if spelling == target:
            return _behind_pointer or not via_pointer_only
        recurse = functools.partial(
            self.holds, target=target, via_pointer_only=via_pointer_only, _seen=_seen | {spelling}
        )
        if spelling in _seen:
            return False
        if type_.kind in (TK.POINTER, TK.LVALUEREFERENCE, TK.RVALUEREFERENCE, TK.MEMBERPOINTER):
            return bool(recurse(type_.get_pointee(), _behind_pointer=True))
        if type_.kind in (
            TK.CONSTANTARRAY,
            TK.INCOMPLETEARRAY,
            TK.VARIABLEARRAY,
            TK.DEPENDENTSIZEDARRAY,
        ):
            return bool(recurse(type_.element_type, _behind_pointer=_behind_pointer))
        if type_.kind in (TK.FUNCTIONPROTO, TK.FUNCTIONNOPROTO):
            return True
        if type_.kind != TK.RECORD:
            return False
        if "(lambda at" in spelling or spelling.startswith("std::function<"):
            return True
        if TYPE_ONLY_TEMPLATES.match(spelling):
            return False
        owned = VALUE_TEMPLATES.match(spelling) is not None
        for index in range(max(type_.get_num_template_arguments(), 0)):
            argument = type_.get_template_argument_type(index)
            if argument.kind != TK.INVALID and recurse(
                argument, _behind_pointer=_behind_pointer or not owned
            ):
                return True
        declaration = type_.get_declaration()
        if self.in_main_file(declaration):
            for field in children(declaration):
                if field.kind == CK.FIELD_DECL and recurse(
                    field.type, _behind_pointer=_behind_pointer
                ):
                    return True
        return False

    def _scan(self, root: Cursor) -> tuple[dict[Key, Cursor], list[Cursor]]:
        """Static-storage variables the code under `root` names, and the main-file
        functions it names (calls, address-of)."""
        statics: dict[Key, Cursor] = {}
        functions: list[Cursor] = []
        for cursor in root.walk_preorder():
            if cursor.kind not in (CK.DECL_REF_EXPR, CK.MEMBER_REF_EXPR, CK.CALL_EXPR):
                continue
            referenced = cursor.referenced
            if referenced is None:
                continue
            if is_static_storage(referenced):
                statics[key(referenced)] = referenced
            elif referenced.kind in FUNCTIONS and self.in_main_file(referenced):
                functions.append(referenced)
        return statics, functions

    def _scan_function(self, definition: Cursor) -> tuple[dict[Key, Cursor], list[Cursor]]:
        function_key = key(definition)
        if function_key not in self._scanned:
            self._scanned[function_key] = self._scan(definition)
        return self._scanned[function_key]

    def called_functions(self, roots: Iterable[Cursor]) -> list[Cursor]:
        """Definitions of the main-file functions that code under `roots` names, and of
        those they name, transitively."""
        found: dict[Key, Cursor] = {}
        stack = [f for root in roots for f in self._scan(root)[1]]
        while stack:
            definition = stack.pop().get_definition()
            if definition is None or key(definition) in found:
                continue
            found[key(definition)] = definition
            stack.extend(self._scan_function(definition)[1])
        return list(found.values())

    def statics_named_by(self, definitions: Iterable[Cursor]) -> dict[Key, Cursor]:
        """Static-storage variables that these function definitions name."""
        found: dict[Key, Cursor] = {}
        for definition in definitions:
            found.update(self._scan_function(definition)[0])
        return found

    def reachable_statics(self, roots: Sequence[Cursor]) -> dict[Key, Cursor]:
        """Static-storage variables that code under `roots` may read or write: those it
        names and those named by the functions it calls, transitively."""
        found: dict[Key, Cursor] = {}
        for root in roots:
            found.update(self._scan(root)[0])
        found.update(self.statics_named_by(self.called_functions(roots)))
        return found

    def named_variables(self, roots: Iterable[Cursor]) -> dict[Key, Cursor]:
        """Variables and parameters named in the code under `roots`."""
        found: dict[Key, Cursor] = {}
        for root in roots:
            for cursor in root.walk_preorder():
                if cursor.kind == CK.DECL_REF_EXPR:
                    referenced = cursor.referenced
                    if referenced is not None and referenced.kind in (CK.VAR_DECL, CK.PARM_DECL):
                        found[key(referenced)] = referenced
        return found

    MUTATORS: ClassVar[frozenset[str]] = frozenset(
        {
            "push_back",
            "pop_back",
            "emplace_back",
            "push_front",
            "pop_front",
            "emplace_front",
            "push",
            "pop",
            "emplace",
            "insert",
            "erase",
            "clear",
            "resize",
            "assign",
            "swap",
            "append",
            "operator>>",
            "operator++",
            "operator--",
        }
    )

    def has_side_effects(self, cursor: Cursor) -> bool:
        """Whether an expression may change a variable: assignments, increments, the
        user's functions, mutating library calls (push_back, +=, >>...), lambdas."""
        for inner in cursor.walk_preorder():
            kind = inner.kind
            if kind in (CK.COMPOUND_ASSIGNMENT_OPERATOR, CK.LAMBDA_EXPR):
                return True
            if kind in (CK.BINARY_OPERATOR, CK.UNARY_OPERATOR) and operator(inner) in (
                "=",
                "++",
                "--",
                None,
            ):
                return True
            if kind == CK.CALL_EXPR and inner.referenced is not None:
                name = inner.spelling
                if (
                    self.in_main_file(inner.referenced)
                    or name in self.MUTATORS
                    or (re.fullmatch(r"operator[-+*/%&|^]?=|operator(<<|>>)=", name))
                ):
                    return True
        return False

    def is_pure(self, cursor: Cursor) -> bool:
        """An expression without side effects, cheap to evaluate twice (names, literals,
        fields, subscripts, arithmetic, casts to arithmetic types)."""
        kind = cursor.kind
        if kind in LITERALS:
            return True
        if kind in TRANSPARENT:
            inner = children(cursor)
            return len(inner) == 1 and self.is_pure(inner[0])
        if kind == CK.DECL_REF_EXPR:
            referenced = cursor.referenced
            return (
                referenced is not None
                and referenced.kind in (CK.VAR_DECL, CK.PARM_DECL, CK.ENUM_CONSTANT_DECL)
                and not (referenced.type.is_volatile_qualified())
            )
        if kind == CK.MEMBER_REF_EXPR:
            referenced = cursor.referenced
            return (
                referenced is not None
                and referenced.kind == CK.FIELD_DECL
                and all(self.is_pure(c) for c in children(cursor))
            )
        if kind == CK.ARRAY_SUBSCRIPT_EXPR:
            return all(self.is_pure(c) for c in children(cursor))
        if kind == CK.BINARY_OPERATOR:
            return operator(cursor) in {
                "+",
                "-",
                "*",
                "/",
                "%",
                "<",
                ">",
                "<=",
                ">=",
                "==",
                "!=",
                "&",
                "|",
                "^",
                "<<",
                ">>",
                "&&",
                "||",
            } and all(self.is_pure(c) for c in children(cursor))
        if kind == CK.UNARY_OPERATOR:
            return operator(cursor) in {"-", "+", "!", "~"} and all(
                self.is_pure(c) for c in children(cursor)
            )
        if kind in CASTS:
            return cursor.type.get_canonical().kind in ARITHMETIC and all(
                self.is_pure(c) for c in children(cursor) if c.kind != CK.TYPE_REF
            )
        if kind == CK.CALL_EXPR and cursor.spelling == "operator[]":
            # v[i] on a vector/array/string/deque only reads (unlike map's operator[])
            arguments = list(cursor.get_arguments())
            return (
                len(arguments) == 2
                and cursor.referenced is not None
                and self.from_library(cursor.referenced)
                and re.match(
                    r"std::(vector|array|basic_string|deque)<", canonical(strip(arguments[0]).type)
                )
                is not None
                and all(self.is_pure(a) for a in arguments)
            )
        return False

    @functools.cached_property
    def io(self) -> IoFacts:
        return IoFacts.of(self)


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


# --------------------------------------------------------------------------- rules


class Rule(ABC):
    """One rewrite: a name, what it does, and where it applies in a program."""

    name: ClassVar[str]
    summary: ClassVar[str]  # one line, for documentation and "no rule applies" notes
    # The compiler is this rule's oracle: rewrites that fail are dropped one by one
    # instead of rejecting the whole candidate.
    compile_checked: ClassVar[bool] = False

    @abstractmethod
    def find(self, code: Code) -> list[Rewrite]:
        """Every place the rule applies, as edits of the original source."""

    @abstractmethod
    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        """A short sentence saying what the rewrites change."""


class SyncStdio(Rule):
    """iostreams synced with stdio (the default) pay for it on every operation; an untied
    cin flushes cout before each read. Safe only when nothing else uses C stdio on the
    same streams, since unsynced streams would reorder output with printf & co."""

    name = "sync-stdio"
    summary = "untie cin from cout and stop syncing iostreams with stdio"
    CODE = "std::ios::sync_with_stdio(false);", "std::cin.tie(nullptr);"

    def find(self, code: Code) -> list[Rewrite]:
        io = code.io
        if (
            not io.streams
            or io.c_stdio
            or io.sync_called
            or io.tie_called
            or io.early_streams
            or io.abnormal_exit
        ):
            return []
        body = code.main_body()
        if body is None:
            return []
        brace = body.extent.start.offset
        if code.source[brace : brace + 1] != b"{":
            return []
        statements = children(body)
        if statements and code.line_of(statements[0].extent.start.offset) > code.line_of(brace):
            indent = code.indentation(statements[0].extent.start.offset) or "    "
            text = "".join(f"{code.newline}{indent}{line}" for line in self.CODE)
        else:
            text = "".join(f" {line}" for line in self.CODE)
        return [Rewrite((Edit(brace + 1, brace + 1, text),), "main")]

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return self.summary


class Endl(Rule):
    """`std::endl` flushes cout on every line (a write system call each). '\\n' does not;
    the stream is flushed at exit. Not applied when output might not be flushed at exit
    (abort/_exit) or when unsynced iostreams are mixed with C stdio, where the flushes
    keep the output in order."""

    name = "endl"
    summary = "write '\\n' instead of std::endl so output is not flushed on every line"
    TEXT = re.compile(r"(::\s*)?(std\s*::\s*)?endl")
    STREAMS = frozenset({"cout", "cerr", "clog"})

    def find(self, code: Code) -> list[Rewrite]:
        io = code.io
        if io.abnormal_exit or (io.sync_called and io.c_stdio):
            return []
        rewrites = []
        for cursor, parents in code.nodes:
            if cursor.kind != CK.DECL_REF_EXPR or cursor.spelling != "endl":
                continue
            decl = cursor.referenced
            if (
                decl is None
                or not code.from_library(decl)
                or not code.is_written(cursor, "endl")
                or not self.TEXT.fullmatch(code.text(cursor))
            ):
                continue
            call, operand, _ = code.enclosing(cursor, parents)
            if call is None or call.kind != CK.CALL_EXPR or call.spelling != "operator<<":
                continue
            arguments = list(call.get_arguments())
            if (
                len(arguments) != 2
                or not same(arguments[1], operand)
                or call.referenced is None
                or not code.from_library(call.referenced)
                or self._stream(code, call) not in self.STREAMS
            ):
                continue
            extent = cursor.extent
            rewrites.append(
                Rewrite(
                    (Edit(extent.start.offset, extent.end.offset, "'\\n'"),),
                    f"line {extent.start.line}",
                )
            )
        return rewrites

    @staticmethod
    def _stream(code: Code, call: Cursor) -> str | None:
        """The standard stream at the left end of a `<<` chain (cout in cout << a << b)."""
        while call.kind == CK.CALL_EXPR and call.spelling == "operator<<":
            arguments = list(call.get_arguments())
            if len(arguments) != 2:
                return None
            call = strip(arguments[0])
        decl = call.referenced if call.kind == CK.DECL_REF_EXPR else None
        if decl is None or decl.kind != CK.VAR_DECL or not code.from_library(decl):
            return None
        return str(decl.spelling)

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return (
            f"write '\\n' instead of std::endl ({len(rewrites)}×) so output is not "
            "flushed on every line"
        )


class ConstRefParams(Rule):
    """A container parameter passed by value is copied on every call. `const T&` avoids
    the copy; whether the function modifies the parameter is left to the compiler (the
    const version does not compile then). Skipped when the caller's object could change
    while the function runs (a reference would see it, the copy did not): when the
    function, or what it calls, reaches a global that may hold such an object, when another
    parameter may point to one, when the class has such a field, or when the parameter is
    moved from."""

    name = "const-ref-params"
    summary = "pass containers by const reference instead of copying them into functions"
    compile_checked = True

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for function, parents in code.nodes:
            if (
                function.kind not in (CK.FUNCTION_DECL, CK.CXX_METHOD)
                or not function.is_definition()
                or function.spelling == "main"
                or any(p.kind in TEMPLATES or p.kind in FUNCTIONS for p in parents)
            ):
                continue
            if function.kind == CK.CXX_METHOD and (
                function.is_virtual_method()
                or function.semantic_parent is None
                or function.semantic_parent.kind not in (CK.STRUCT_DECL, CK.CLASS_DECL)
            ):
                continue
            declarations = code.declarations.get(key(function), [])
            if not declarations or not all(code.in_main_file(d) for d in declarations):
                continue
            parameters = list(function.get_arguments())
            for index, parameter in enumerate(parameters):
                if not self._candidate(code, function, parameters, index):
                    continue
                edits = [self._edit(code, list(d.get_arguments()), index) for d in declarations]
                if all(edit is not None for edit in edits):
                    rewrites.append(
                        Rewrite(
                            tuple(edit for edit in edits if edit is not None),
                            f"{parameter.spelling} in {function.spelling}()",
                            tuple((d.extent.start.line, d.extent.end.line) for d in declarations),
                        )
                    )
        return rewrites

    def _candidate(
        self, code: Code, function: Cursor, parameters: list[Cursor], index: int
    ) -> bool:
        parameter = parameters[index]
        type_ = parameter.type.get_canonical()
        target = canonical(type_)
        if type_.kind != TK.RECORD or not (
            CONTAINER.match(target)
            or (re.match(r"std::(pair|tuple)<", target) and CONTAINER.search(target))
        ):
            return False
        if not parameter.spelling or not code.is_written(parameter, parameter.spelling):
            return False
        # aliasing: could the caller's object be reached, and changed, another way?
        if any(
            other != index
            and code.holds(parameters[other].type, target, via_pointer_only=True)
            and not self._distinct_arguments(code, function, index, other)
            for other in range(len(parameters))
        ):
            return False
        if function.kind == CK.CXX_METHOD and any(
            code.holds(field.type, target, via_pointer_only=False)
            for field in children(function.semantic_parent)
            if field.kind == CK.FIELD_DECL
        ):
            return False
        if any(
            code.holds(var.type, target, via_pointer_only=False)
            for var in code.reachable_statics([function]).values()
        ):
            return False
        return not self._moved(code, parameter) and not self._changed_by_caller(code, function)

    @staticmethod
    def _distinct_arguments(code: Code, function: Cursor, mine: int, theirs: int) -> bool:
        """Whether every call passes, for parameter `theirs` (a reference or pointer), an
        object that cannot be the one passed for `mine`: a local variable of the caller
        (or f's own parameter passed on in place, in a recursive call)."""
        function_key = key(function)

        def local(argument: Cursor, position: int, *, parameters_too: bool) -> bool:
            variable = argument.referenced if argument.kind == CK.DECL_REF_EXPR else None
            if variable is None or variable.kind not in (CK.VAR_DECL, CK.PARM_DECL):
                return False
            if variable.kind == CK.PARM_DECL and key(variable.semantic_parent) == function_key:
                own = list(function.get_arguments())
                return position < len(own) and same(own[position], variable)
            return (
                not is_static_storage(variable)
                and not is_reference(variable.type)
                and (parameters_too or variable.kind == CK.VAR_DECL)
            )

        for cursor, parents in code.uses.get(function_key, []):
            call, _, _ = code.enclosing(cursor, parents)
            if (
                call is None
                or call.kind != CK.CALL_EXPR
                or call.referenced is None
                or key(call.referenced) != function_key
            ):
                return False  # the function escapes (address taken): calls are unknown
            arguments = [strip_copy(a) for a in call.get_arguments()]
            if max(mine, theirs) >= len(arguments):
                return False
            ours, other = arguments[mine], arguments[theirs]
            if not (
                local(ours, mine, parameters_too=True)
                and local(other, theirs, parameters_too=False)
                and key(ours.referenced) != key(other.referenced)
            ):
                return False
        return True

    @staticmethod
    def _moved(code: Code, parameter: Cursor) -> bool:
        """Moved from (std::move/forward or a cast to T&&): the copy would be emptied; the
        const version would still compile (moving a const object copies it)."""
        for cursor, parents in code.uses.get(key(parameter), []):
            parent, _, _ = code.enclosing(cursor, parents)
            if parent is None:
                continue
            if parent.kind == CK.CALL_EXPR and parent.spelling in ("move", "forward"):
                return True
            if parent.kind in CASTS and parent.type.get_canonical().kind == TK.RVALUEREFERENCE:
                return True
        return False

    @staticmethod
    def _changed_by_caller(code: Code, function: Cursor) -> bool:
        """A call whose arguments have side effects: with a reference the function could
        see an argument after another argument's evaluation changed it."""
        for cursor, parents in code.uses.get(key(function), []):
            call, _, _ = code.enclosing(cursor, parents)
            if (
                call is not None
                and call.kind == CK.CALL_EXPR
                and any(code.has_side_effects(argument) for argument in call.get_arguments())
            ):
                return True
        return False

    @staticmethod
    def _edit(code: Code, parameters: list[Cursor], index: int) -> Edit | None:
        """`vector<int> v` → `const vector<int>& v` in one declaration of the function."""
        if index >= len(parameters):
            return None
        parameter = parameters[index]
        start = parameter.extent.start.offset
        constness = "" if parameter.type.is_const_qualified() else "const "
        if not parameter.spelling:  # unnamed, in a prototype: `vector<int>`
            type_text = code.text(parameter).strip()
            if not type_text or any(c in type_text for c in "=[("):
                return None
            return Edit(start, parameter.extent.end.offset, f"{constness}{type_text}&")
        name_at = parameter.location.offset
        if not code.is_written(parameter, parameter.spelling) or name_at <= start:
            return None
        type_text = code.source[start:name_at].decode("utf-8", "replace").rstrip()
        if not type_text or any(c in type_text for c in "&*[(;"):
            return None
        return Edit(start, name_at, f"{constness}{type_text}& ")

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return (
            "pass " + ", ".join(r.what for r in rewrites) + " by const reference instead of copying"
        )


class IntPow(Rule):
    """`pow(x, 3)` goes through the general floating-point power function; multiplying is
    several times faster (GCC folds `pow(x, 2)` to `x * x` itself, so squares are rewritten
    for clarity only). The square is the same correctly rounded product; the cube may
    differ from pow in the last bit. The result stays a double. Only the library pow with
    a literal exponent and a base without side effects (it is evaluated two or three
    times)."""

    name = "int-pow"
    summary = "compute pow(x, 2) and pow(x, 3) by multiplication"
    CALL = re.compile(r"(::\s*)?(std\s*::\s*)?pow\s*\(.*\)", re.DOTALL)
    EXPONENT = re.compile(r"([23])(\.0*)?")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for cursor, _ in code.nodes:
            arguments = code.library_call(cursor, "pow", 2, self.CALL)
            if arguments is None or canonical(cursor.type) != "double":
                continue
            exponent = strip(arguments[1])
            match = self.EXPONENT.fullmatch(code.text(exponent))
            if exponent.kind not in (CK.INTEGER_LITERAL, CK.FLOATING_LITERAL) or match is None:
                continue
            base = arguments[0]
            base_text = code.text(base).strip()
            if (
                not base_text
                or not code.is_pure(base)
                or strip(base).type.get_canonical().kind not in ARITHMETIC
            ):
                continue
            factor = f"(double)({base_text})"
            product = " * ".join([factor] * int(match.group(1)))
            extent = cursor.extent
            rewrites.append(
                Rewrite(
                    (Edit(extent.start.offset, extent.end.offset, f"({product})"),),
                    code.text(cursor),
                )
            )
        return rewrites

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        return f"compute {len(rewrites)} pow(x, 2|3) call(s) by multiplication"


class HoistLoopBound(Rule):
    """`i < strlen(s)` rescans the string on every iteration (quadratic); `i < v.size()`
    reloads the size. When the loop provably cannot change the bound, compute it once:
    `{ const auto pie_bound_1 = strlen(s); for (...; i < pie_bound_1; ...) ... }` (same
    type, so the comparison is unchanged). "Provably" means: every use of `s`/`v` in the
    loop only reads it (for strlen, not even its characters are written), nothing in the
    loop names a pointer or reference that could reach it, and no function the loop calls
    touches it (when it is a global)."""

    name = "hoist-loop-bound"
    summary = "compute a strlen()/size() loop bound once instead of on every iteration"
    # Member functions that never change a container's size (element writes are fine).
    SIZE_SAFE = frozenset(
        {
            "size",
            "length",
            "empty",
            "at",
            "front",
            "back",
            "begin",
            "end",
            "cbegin",
            "cend",
            "rbegin",
            "rend",
            "crbegin",
            "crend",
            "data",
            "c_str",
            "find",
            "rfind",
            "find_first_of",
            "find_last_of",
            "find_first_not_of",
            "find_last_not_of",
            "substr",
            "compare",
            "count",
            "max_size",
            "capacity",
        }
    )
    SEQUENCES = re.compile(r"std::(vector|basic_string|deque)<")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        names: set[str] = set()
        for loop, _ in code.nodes:
            if loop.kind != CK.FOR_STMT or not code.is_written(loop, "for"):
                continue
            parts = self._parts(code, loop)
            if parts is None:
                continue
            condition, others = parts
            found = self._bound(code, condition)
            if found is None:
                continue
            bound, target, reads_characters = found
            if loop.extent.start.offset <= target.location.offset < loop.extent.end.offset:
                continue  # declared in the loop: not in scope before it
            region = [c for c in others if not same(c, bound)]
            end = self._end(code, loop)
            if end is None or not self._invariant(
                code, loop, bound, region, target=target, reads_characters=reads_characters
            ):
                continue
            name = code.fresh_name("pie_bound", names)
            bound_text = code.text(bound)
            start = loop.extent.start.offset
            rewrites.append(
                Rewrite(
                    (
                        Edit(start, start, f"{{ const auto {name} = {bound_text}; "),
                        Edit(bound.extent.start.offset, bound.extent.end.offset, name),
                        Edit(end, end, " }"),
                    ),
                    bound_text,
                )
            )
        return rewrites

    @staticmethod
    def _parts(code: Code, loop: Cursor) -> tuple[Cursor, list[Cursor]] | None:
        """The condition (a comparison) and the other children of a for statement. libclang
        omits absent parts, so children are placed by the `;` tokens of the header."""
        start = loop.extent.start.offset
        opening = code.next_token(start + 3)
        if opening is None or opening[1] != "(":
            return None
        depth, separators, position = 0, [], opening[0]
        while True:
            token = code.next_token(position)
            if token is None:
                return None
            position, text = token
            if text in ("(", "[", "{"):
                depth += 1
            elif text in (")", "]", "}"):
                depth -= 1
            elif text == ";" and depth == 1:
                separators.append(position)
            if depth == 0:
                break
            position += len(text)
        if len(separators) != 2:
            return None
        condition = [
            c for c in children(loop) if separators[0] < c.extent.start.offset < separators[1]
        ]
        if (
            len(condition) != 1
            or condition[0].kind != CK.BINARY_OPERATOR
            or operator(condition[0]) not in ("<", "<=", ">", ">=", "!=")
        ):
            return None
        others = [c for c in children(loop) if not same(c, condition[0])]
        return condition[0], others + children(condition[0])

    def _bound(self, code: Code, condition: Cursor) -> tuple[Cursor, Cursor, bool] | None:
        """The side of the comparison computing a bound from one size()/strlen() call:
        (that side, the variable measured, whether the bound depends on its characters)."""
        found = []
        for side in children(condition):
            calls: list[tuple[Cursor, bool]] = []
            if self._bound_expression(code, side, calls) and len(calls) == 1:
                found.append((side, *calls[0]))
        return found[0] if len(found) == 1 else None

    def _bound_expression(
        self, code: Code, cursor: Cursor, calls: list[tuple[Cursor, bool]]
    ) -> bool:
        """Literals, casts and arithmetic around size()/length()/strlen() calls (collected)."""
        kind = cursor.kind
        if (
            kind in TRANSPARENT
            or kind in CASTS
            or (kind == CK.BINARY_OPERATOR and operator(cursor) in ("+", "-", "*", "/"))
        ):
            inner = [c for c in children(cursor) if c.kind != CK.TYPE_REF]
            return bool(inner) and all(self._bound_expression(code, c, calls) for c in inner)
        if kind == CK.INTEGER_LITERAL:
            return True
        if (
            kind != CK.CALL_EXPR
            or cursor.referenced is None
            or not code.from_library(cursor.referenced)
        ):
            return False
        arguments = list(cursor.get_arguments())
        if cursor.spelling in ("size", "length") and not arguments:
            member = children(cursor)
            if (
                len(member) != 1
                or member[0].kind != CK.MEMBER_REF_EXPR
                or not code.is_written(member[0], cursor.spelling)
            ):
                return False
            objects = children(member[0])
            variable = strip(objects[0]) if len(objects) == 1 else None
            if (
                variable is not None
                and variable.kind == CK.DECL_REF_EXPR
                and self._variable(code, variable)
                and self.SEQUENCES.match(
                    canonical(
                        variable.type.get_pointee()
                        if is_reference(variable.type)
                        else variable.type
                    )
                )
            ):
                calls.append((variable.referenced, False))
                return True
            return False
        if cursor.spelling == "strlen" and len(arguments) == 1:
            variable = strip(arguments[0])
            callee = next((c for c in cursor.walk_preorder() if c.kind == CK.DECL_REF_EXPR), None)
            if (
                callee is not None
                and code.is_written(callee, "strlen")
                and variable.kind == CK.DECL_REF_EXPR
                and self._variable(code, variable)
                and variable.referenced.kind == CK.VAR_DECL
                and variable.type.get_canonical().kind == TK.CONSTANTARRAY
                and canonical(variable.type.get_canonical().element_type) == "char"
            ):
                calls.append((variable.referenced, True))
                return True
        return False

    @staticmethod
    def _variable(code: Code, reference: Cursor) -> bool:
        referenced = reference.referenced
        return (
            referenced is not None
            and referenced.kind in (CK.VAR_DECL, CK.PARM_DECL)
            and code.is_written(reference, reference.spelling)
        )

    def _invariant(
        self,
        code: Code,
        loop: Cursor,
        bound: Cursor,
        region: list[Cursor],
        *,
        target: Cursor,
        reads_characters: bool,
    ) -> bool:
        """Whether the loop (all but its bound) cannot change the bound's variable."""
        target_key = key(target)
        bound_start, bound_end = bound.extent.start.offset, bound.extent.end.offset
        for cursor, parents in code.uses.get(target_key, []):
            if not any(same(p, loop) for p in parents):
                continue
            if bound_start <= cursor.location.offset < bound_end:
                continue  # the bound itself
            if not self._reads(code, cursor, parents, reads_characters):
                return False
        reached = code.statics_named_by(code.called_functions(region))
        if target_key in reached:
            return False  # a global the loop's functions may change
        # Another name for it: a pointer or reference (for a reference variable, anything
        # that may contain what it refers to). For a char array, any pointer to char.
        if reads_characters:
            target_type, via_pointer_only = "char", True
        elif is_reference(target.type):
            target_type = canonical(target.type.get_canonical().get_pointee())
            via_pointer_only = False
        else:
            target_type, via_pointer_only = canonical(target.type), True
        others = {**code.named_variables(region), **reached}
        return not any(
            variable_key != target_key
            and code.holds(variable.type, target_type, via_pointer_only=via_pointer_only)
            for variable_key, variable in others.items()
        )

    def _reads(
        self, code: Code, cursor: Cursor, parents: Sequence[Cursor], reads_characters: bool
    ) -> bool:
        """Whether this use of the bound's variable cannot change the bound."""
        parent, child, index = code.enclosing(cursor, parents)
        if parent is None:
            return False
        if reads_characters:  # a char array: not even a character may change
            if parent.kind == CK.ARRAY_SUBSCRIPT_EXPR and same(children(parent)[0], child):
                return self._element_read(code, parent, parents[:index])
            return parent.kind == CK.CALL_EXPR and code.passes_read_only(
                parent, child, printf_like=True
            )
        if parent.kind == CK.MEMBER_REF_EXPR:
            method = parent.referenced
            return (
                method is not None
                and method.kind == CK.CXX_METHOD
                and (method.spelling in self.SIZE_SAFE)
            )
        if parent.kind == CK.CALL_EXPR and parent.spelling == "operator[]":
            arguments = list(parent.get_arguments())
            return bool(arguments) and same(arguments[0], child)
        if parent.kind == CK.CXX_FOR_RANGE_STMT:
            return True
        if parent.kind == CK.CALL_EXPR:
            return code.passes_read_only(parent, child)
        return False

    @staticmethod
    def _element_read(code: Code, element: Cursor, parents: Sequence[Cursor]) -> bool:
        """`s[i]` whose value is only read: converted (an implicit lvalue-to-rvalue cast,
        which libclang shows as UNEXPOSED_EXPR) or passed by value / const reference."""
        child = element
        for parent in reversed(parents):
            if parent.kind == CK.PAREN_EXPR:
                child = parent
                continue
            if parent.kind == CK.UNEXPOSED_EXPR:
                return True
            return parent.kind == CK.CALL_EXPR and code.passes_read_only(parent, child)
        return False

    @staticmethod
    def _end(code: Code, loop: Cursor) -> int | None:
        """The offset just past the loop, including the `;` that ends its last statement
        (libclang extents of expression statements stop before it)."""
        last = loop
        while last.kind in (
            CK.FOR_STMT,
            CK.WHILE_STMT,
            CK.CXX_FOR_RANGE_STMT,
            CK.IF_STMT,
            CK.SWITCH_STMT,
            CK.LABEL_STMT,
            CK.CASE_STMT,
            CK.DEFAULT_STMT,
            CK.CXX_TRY_STMT,
            CK.CXX_CATCH_STMT,
        ):
            inner = children(last)
            if not inner:
                return None
            last = inner[-1]
        end = int(loop.extent.end.offset)
        if last.extent.end.offset != end:
            return None
        if last.kind in (CK.COMPOUND_STMT, CK.NULL_STMT, CK.DECL_STMT):
            return end if code.source[end - 1 : end] in (b"}", b";") else None
        token = code.next_token(end)
        return token[0] + 1 if token is not None and token[1] == ";" else None

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        bounds = ", ".join(dict.fromkeys(r.what for r in rewrites))
        return f"compute the loop bound {bounds} once before the loop instead of on every iteration"


class StringAppend(Rule):
    """`s = s + x` copies the whole string every time (quadratic when building a string);
    `s += x` appends in place. Chains keep their grouping: `s = s + a + b` is
    `(s + a) + b`, so it becomes `(s += a) += b`, never `s += a + b` (wrong for chars).
    The appended operands must not involve `s` (directly, by reference or by calling the
    user's functions), since `s` now changes between them."""

    name = "string-append"
    summary = "append to strings in place (s += x) instead of s = s + x"

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for cursor, parents in code.nodes:
            if (
                cursor.kind != CK.CALL_EXPR
                or cursor.spelling != "operator="
                or canonical(cursor.type) != STRING
                or cursor.referenced is None
                or not code.from_library(cursor.referenced)
                or not code.value_unused(cursor, parents)
            ):
                continue
            arguments = list(cursor.get_arguments())
            if len(arguments) != 2:
                continue
            target = strip(arguments[0])
            if not self._target(code, target):
                continue
            operands = self._operands(code, strip(arguments[1]), target)
            if not operands or not all(
                self._safe_operand(code, operand, target) for operand in operands
            ):
                continue
            text = f"{code.text(target)} += {code.text(operands[0])}"
            for operand in operands[1:]:
                text = f"({text}) += {code.text(operand)}"
            extent = cursor.extent
            if not code.text(cursor).startswith(code.text(target)):
                continue
            rewrites.append(
                Rewrite((Edit(extent.start.offset, extent.end.offset, text),), code.text(target))
            )
        return rewrites

    @staticmethod
    def _target(code: Code, target: Cursor) -> bool:
        referenced = target.referenced if target.kind == CK.DECL_REF_EXPR else None
        return (
            referenced is not None
            and referenced.kind in (CK.VAR_DECL, CK.PARM_DECL)
            and code.is_written(target, target.spelling)
        )

    @staticmethod
    def _operands(code: Code, expression: Cursor, target: Cursor) -> list[Cursor]:
        """[a, b] for `s + a + b` (library operator+ all the way down to `s` itself)."""
        operands = []
        while (
            expression.kind == CK.CALL_EXPR
            and expression.spelling == "operator+"
            and expression.referenced is not None
            and code.from_library(expression.referenced)
        ):
            arguments = list(expression.get_arguments())
            if len(arguments) != 2 or not code.text(arguments[1]).strip():
                return []
            operands.append(arguments[1])
            expression = strip(arguments[0])
        if (
            expression.kind != CK.DECL_REF_EXPR
            or expression.referenced is None
            or key(expression.referenced) != key(target.referenced)
            or not code.is_written(expression, expression.spelling)
        ):
            return []
        return operands[::-1]

    @staticmethod
    def _safe_operand(code: Code, operand: Cursor, target: Cursor) -> bool:
        target_key = key(target.referenced)
        target_is_reference = is_reference(target.referenced.type)
        for cursor in operand.walk_preorder():
            referenced = (
                cursor.referenced
                if cursor.kind in (CK.DECL_REF_EXPR, CK.MEMBER_REF_EXPR, CK.CALL_EXPR)
                else None
            )
            if referenced is None:
                continue
            if key(referenced) == target_key:
                return False
            if referenced.kind in FUNCTIONS and code.in_main_file(referenced):
                return False
            if referenced.kind in (CK.VAR_DECL, CK.PARM_DECL, CK.FIELD_DECL) and code.holds(
                referenced.type, STRING, via_pointer_only=not target_is_reference
            ):
                return False
        return True

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(dict.fromkeys(r.what for r in rewrites))
        return (
            f"append to {names} in place with += instead of copying with s = s + … "
            f"({len(rewrites)}×)"
        )


class MapToUnordered(Rule):
    """A `std::map` used only as a dictionary (never iterated, never asked for order)
    behaves the same as a `std::unordered_map`, which finds keys by hashing instead of
    walking a tree. Only integral or string keys (standard hashes), only maps declared
    here as plain variables, and only when every mention of the name in the file is one
    of the order-free uses: [], at, count, find compared with end(), insert/emplace whose
    result is unused, erase(key), size, empty, clear."""

    name = "map-to-unordered"
    summary = "use std::unordered_map for maps that are never iterated in key order"
    ORDER_FREE = frozenset({"count", "size", "empty", "clear", "at"})
    TYPE = re.compile(rb"((?:static\s+)?(?:std\s*::\s*)?)map\s*<")
    INCLUDE = re.compile(
        rb"^[ \t]*#[ \t]*include[ \t]*[<\"](bits/stdc\+\+\.h|unordered_map)[>\"]", re.MULTILINE
    )

    def find(self, code: Code) -> list[Rewrite]:
        rewrites = []
        for variable, _ in code.nodes:
            if variable.kind != CK.VAR_DECL or not self._dictionary_type(variable):
                continue
            after = code.next_token(variable.extent.end.offset)
            if after is None or after[1] != ";":
                continue  # `map<int, int> a, b;`: the declarators share the type text
            parent = variable.semantic_parent
            if parent is None or not (
                parent.kind in FUNCTIONS or parent.kind in (CK.TRANSLATION_UNIT, CK.NAMESPACE)
            ):
                continue
            name_at = variable.location.offset
            start = variable.extent.start.offset
            match = self.TYPE.match(code.source[start:name_at])
            if not code.is_written(variable, variable.spelling) or match is None:
                continue
            if not self._order_free(code, variable):
                continue
            at = start + len(match.group(1))
            rewrites.append(Rewrite((Edit(at, at + 3, "unordered_map"),), variable.spelling))
        if rewrites and not self.INCLUDE.search(code.source):
            include = self._include_point(code.source)
            if include is None:
                return []
            line = f"#include <unordered_map>{code.newline}"
            rewrites.insert(0, Rewrite((Edit(include, include, line),), "#include"))
        return rewrites

    @staticmethod
    def _dictionary_type(variable: Cursor) -> bool:
        type_ = variable.type.get_canonical()
        spelling = canonical(type_)
        if type_.kind != TK.RECORD or not spelling.startswith("std::map<"):
            return False
        arguments, depth, current = [], 0, ""
        for char in spelling[len("std::map<") : -1]:
            depth += char in "<("
            depth -= char in ">)"
            if char == "," and depth == 0:
                arguments.append(current.strip())
                current = ""
            else:
                current += char
        arguments.append(current.strip())
        return len(arguments) == 2 and (arguments[0] in INTEGRAL_KEYS or arguments[0] == STRING)

    def _order_free(self, code: Code, variable: Cursor) -> bool:
        variable_key = key(variable)
        uses = code.uses.get(variable_key, [])
        return code.only_mentions(variable, uses) and all(
            self._use_ok(code, cursor, parents, variable_key) for cursor, parents in uses
        )

    def _use_ok(
        self, code: Code, cursor: Cursor, parents: Sequence[Cursor], variable_key: Key
    ) -> bool:
        parent, child, index = code.enclosing(cursor, parents)
        if parent is None or not code.is_written(cursor, cursor.spelling):
            return False
        if parent.kind == CK.CALL_EXPR and parent.spelling == "operator[]":
            arguments = list(parent.get_arguments())
            return bool(arguments) and same(arguments[0], child)
        if parent.kind != CK.MEMBER_REF_EXPR or index < 1:
            return False
        call = parents[index - 1]
        if call.kind != CK.CALL_EXPR:
            return False
        method = parent.spelling
        if method in self.ORDER_FREE:
            return True
        if method == "erase":  # by key (returns a count), not by iterator
            return canonical(call.type) == "unsigned long"
        if method in ("insert", "emplace"):
            return code.value_unused(call, parents[: index - 1])
        if method in ("find", "end"):
            outer, _, _ = code.enclosing(call, parents[: index - 1])
            if outer is not None and outer.kind == CK.VAR_DECL and method == "find":
                return self._iterator_ok(code, outer, variable_key)
            return outer is not None and self._compared_with_end(code, outer, variable_key)
        return False

    @staticmethod
    def _method_of(call: Cursor, variable_key: Key) -> str | None:
        """ "find" for `m.find(k)` (any method name) when `m` is this map, else None."""
        member = children(call)[0] if call.kind == CK.CALL_EXPR and children(call) else None
        if member is None or member.kind != CK.MEMBER_REF_EXPR or not children(member):
            return None
        object_ = strip(children(member)[0])
        if (
            object_.kind != CK.DECL_REF_EXPR
            or object_.referenced is None
            or key(object_.referenced) != variable_key
        ):
            return None
        return str(member.spelling)

    def _declares_iterator(self, code: Code, variable: Cursor, variable_key: Key) -> bool:
        """`auto it = m.find(k);` (auto, so the type follows the map's)."""
        if variable is None or variable.kind != CK.VAR_DECL or not children(variable):
            return False
        type_text = code.source[variable.extent.start.offset : variable.location.offset]
        return re.fullmatch(rb"\s*(const\s+)?auto\s*", type_text) is not None and (
            self._method_of(strip(children(variable)[-1]), variable_key) == "find"
        )

    def _iterator_ok(self, code: Code, variable: Cursor, variable_key: Key) -> bool:
        """An iterator from find() used only to compare with end() and to read its entry."""
        uses = code.uses.get(key(variable), [])
        if not self._declares_iterator(code, variable, variable_key) or not code.only_mentions(
            variable, uses
        ):
            return False
        for cursor, parents in uses:
            parent, _, _ = code.enclosing(cursor, parents)
            if parent is None or not (
                (parent.kind == CK.CALL_EXPR and parent.spelling in ("operator->", "operator*"))
                or self._compared_with_end(code, parent, variable_key)
            ):
                return False
        return True

    def _compared_with_end(self, code: Code, comparison: Cursor, variable_key: Key) -> bool:
        """`m.find(k) != m.end()`, `it == m.end()`..., either way round."""
        if comparison.kind != CK.CALL_EXPR or comparison.spelling not in (
            "operator==",
            "operator!=",
        ):
            return False
        methods = []
        for argument in comparison.get_arguments():
            operand = strip(argument)
            method = self._method_of(operand, variable_key)
            if (
                method is None
                and operand.kind == CK.DECL_REF_EXPR
                and self._declares_iterator(code, operand.referenced, variable_key)
            ):
                method = "find"
            methods.append(method)
        return sorted(m or "" for m in methods) == ["end", "find"]

    @staticmethod
    def _include_point(source: bytes) -> int | None:
        """The start of the line after the first #include outside any #if block."""
        depth, offset = 0, 0
        for line in source.splitlines(keepends=True):
            directive = re.match(rb"\s*#\s*(\w+)", line)
            word = directive.group(1) if directive else b""
            if word in (b"if", b"ifdef", b"ifndef"):
                depth += 1
            elif word == b"endif":
                depth -= 1
            elif word == b"include" and depth == 0:
                return offset + len(line) if line.endswith(b"\n") else None
            offset += len(line)
        return None

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites if r.what != "#include")
        return f"use std::unordered_map for {names} (never iterated in key order)"


class ZeroMemset(Rule):
    """`memset(a, 0, sizeof a)` of a global array at the start of main: a global without
    an initializer is already all zero bytes (static storage is zero-initialised), so the
    call only writes every page of the array once more (for a 1 MiB array, thousands of
    cache misses and page faults in a program that may touch a few lines of it). Removed
    only when nothing can have written the array before: the statements before it in main
    do not name it or call a function that may, no global initializer reaches it, it is not
    aliased outside a function, and its elements are plain numbers, chars, enums or
    pointers, whose zero value is all zero bytes."""

    name = "zero-memset"
    summary = "drop memset(a, 0, sizeof a) of a global array that is still all zero"
    CALL = re.compile(r"(::\s*)?(std\s*::\s*)?memset\s*\(.*\)", re.DOTALL)
    ZERO = re.compile(r"0[uUlL]*|'\\0'|false")
    SIZEOF = re.compile(r"sizeof\s*\(?\s*(\w+)\s*\)?")

    def find(self, code: Code) -> list[Rewrite]:
        body = code.main_body()
        if body is None:
            return []
        statements = children(body)
        rewrites = []
        for index, statement in enumerate(statements):
            array = self._zeroed_array(code, statement)
            if array is None or not self._untouched_before(code, array, statements[:index]):
                continue
            edit = self._removal(code, statement)
            if edit is not None:
                rewrites.append(Rewrite((edit,), array.spelling))
        return rewrites

    def _zeroed_array(self, code: Code, call: Cursor) -> Cursor | None:
        """The global array `call` zeroes whole, if it is such a memset statement."""
        arguments = code.library_call(call, "memset", 3, self.CALL)
        if arguments is None or not self.ZERO.fullmatch(code.text(strip(arguments[1])).strip()):
            return None
        target = strip(arguments[0])
        array = target.referenced if target.kind == CK.DECL_REF_EXPR else None
        size = self.SIZEOF.fullmatch(code.text(arguments[2]).strip())
        if (
            array is None
            or size is None
            or size.group(1) != array.spelling
            or code.text(target).strip() != array.spelling
            or not self._global_zero_array(code, array)
        ):
            return None
        return array

    @staticmethod
    def _global_zero_array(code: Code, var: Cursor) -> bool:
        if (
            var.kind != CK.VAR_DECL
            or not code.in_main_file(var)
            or not var.is_definition()
            or var.storage_class not in (ci.StorageClass.NONE, ci.StorageClass.STATIC)
            or var.semantic_parent is None
            or var.semantic_parent.kind not in (CK.TRANSLATION_UNIT, CK.NAMESPACE)
            or any(mark in code.text(var) for mark in ("=", "{", "("))  # an initializer
        ):
            return False
        element = var.type.get_canonical()
        if element.kind != TK.CONSTANTARRAY:
            return False
        while element.kind == TK.CONSTANTARRAY:
            element = element.element_type.get_canonical()
        plain = element.kind in ARITHMETIC or element.kind in (TK.POINTER, TK.ENUM)
        return bool(plain and not element.is_volatile_qualified())

    @staticmethod
    def _untouched_before(code: Code, var: Cursor, before: Sequence[Cursor]) -> bool:
        """Nothing can have written `var` before main's statements `before` are done."""
        var_key = key(var)
        uses = code.uses.get(var_key, [])
        if any(not any(p.kind in FUNCTIONS for p in parents) for _, parents in uses):
            return False  # named by a global initializer: a pointer to it may exist
        if not code.only_mentions(var, uses):
            return False  # named where libclang sees no use (a macro body, a template)
        for statement in before:
            if var_key in code.reachable_statics([statement]):
                return False
        globals_with_code = [
            c
            for c, parents in code.nodes
            if c.kind == CK.VAR_DECL
            and code.in_main_file(c)
            and all(p.kind in (CK.NAMESPACE, CK.LINKAGE_SPEC) for p in parents)
        ]
        return var_key not in code.reachable_statics(globals_with_code)

    @staticmethod
    def _removal(code: Code, call: Cursor) -> Edit | None:
        """The edit deleting the statement (and its line, when nothing else is on it)."""
        start, end = call.extent.start.offset, call.extent.end.offset
        semicolon = code.next_token(end)
        if semicolon is None or semicolon[1] != ";":
            return None
        end = semicolon[0] + 1
        line_start = code.source.rfind(b"\n", 0, start) + 1
        line_end = code.source.find(b"\n", end)
        line_end = len(code.source) if line_end < 0 else line_end
        if not code.source[line_start:start].strip() and not code.source[end:line_end].strip():
            return Edit(line_start, min(line_end + 1, len(code.source)), "")
        return Edit(start, end, "")

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"drop the memset of {names}: global arrays start as zero"


ALL_RULES: tuple[Rule, ...] = (
    SyncStdio(),
    Endl(),
    ConstRefParams(),
    IntPow(),
    HoistLoopBound(),
    StringAppend(),
    MapToUnordered(),
    ZeroMemset(),
)
RULE_NAMES = tuple(rule.name for rule in ALL_RULES)


# --------------------------------------------------------------------------- the backend


@frozen
class _Found:
    """The rewrites one rule found."""

    rule: Rule
    rewrites: tuple[Rewrite, ...]


class RulesBackend(ModelBackend):
    """Deterministic rewrites (see the rules above); works offline with no model."""

    name = "rules"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        options = settings.model.rules
        for setting, names in (("enabled", options.enabled), ("disabled", options.disabled)):
            unknown = sorted(set(names) - set(RULE_NAMES))
            if unknown:
                raise SettingsError(
                    f"pie.model.rules.{setting}: unknown rule(s) {', '.join(unknown)}",
                    hint=f"known rules: {', '.join(RULE_NAMES)}",
                )
        self.rules = [
            rule
            for rule in ALL_RULES
            if (not options.enabled or rule.name in options.enabled)
            and rule.name not in options.disabled
        ]

    def config_digest(self) -> str:
        options = self.settings.model.rules
        described = {
            "version": RULES_VERSION,
            "rules": [rule.name for rule in self.rules],
            "enabled": sorted(options.enabled),
            "disabled": sorted(options.disabled),
        }
        return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()

    async def generate(self, program: Program, samples: int, progress: Progress) -> Generation:
        """Every applicable rule's rewrite of `program`, alone and combined.

        Rules are deterministic, so `samples` is ignored: the same program always gives
        the same candidates. The libclang work runs in a thread to keep the event loop
        (the language server) responsive."""
        loop = asyncio.get_running_loop()

        def report(message: str) -> None:  # progress belongs to the event loop's thread
            loop.call_soon_threadsafe(progress, message)

        return await asyncio.to_thread(self._generate, program, report)

    def _generate(self, program: Program, progress: Progress) -> Generation:
        progress(f"rules: parsing {program.path.name}")
        parsed = Parsed(program, self.settings.build.compiler)
        if parsed.errors:
            return Generation(
                notes=[
                    f"rules: libclang cannot parse the program ({parsed.errors[0]}), so no rule "
                    "was tried"
                ]
            )
        code = Code(parsed)
        found: list[_Found] = []
        failures: list[str] = []
        for rule in self.rules:
            try:
                rewrites = rule.find(code)
            except Exception as exc:  # a bug in one rule must not cost the others
                failures.append(
                    f"rules: {rule.name} failed on this program "
                    f"({type(exc).__name__}: {exc}); please report it"
                )
                continue
            if rewrites:
                found.append(_Found(rule, tuple(rewrites)))
        del code  # its cursors die with the first reparse below
        if not found:
            checked = "; ".join(f"{rule.name} ({rule.summary})" for rule in self.rules)
            return Generation(
                notes=[f"no rule applies: checked {checked or 'no rules'}", *failures]
            )
        progress(f"rules: checking {len(found) + (len(found) > 1)} rewrites with libclang")
        generation = _Checker(parsed).run(found)
        generation.notes += failures
        return generation


class _Checker:
    """Checks rules' rewrites with libclang and assembles the candidates."""

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.source = parsed.source
        # Errors the original has too (libclang may dislike a gcc header): not the rewrite's.
        self.baseline = set(parsed.errors_anywhere())

    def check(self, texts: list[str]) -> list[list[str]]:
        """The new errors of each text, wherever reported (a rewrite can break a template
        it instantiates inside a system header)."""
        return [
            [e for e in errors if e not in self.baseline]
            for errors in self.parsed.check_many_anywhere(texts)
        ]

    def text(self, rewrites: Iterable[Rewrite]) -> str:
        return apply_edits(self.source, merge(rewrites))

    def combined(self, found: Sequence[_Found]) -> str:
        return self.text(r for f in found for r in f.rewrites)

    def run(self, found: list[_Found]) -> Generation:
        """One candidate per rule whose rewrite compiles, and `rules:all` combining them.

        Every variant is checked in one reparse batch; a failing compile-checked rule is
        refined, and a failing combination is rebuilt greedily."""
        generation = Generation()
        combination = [self.combined(found)] if len(found) > 1 else []
        results = self.check([self.text(f.rewrites) for f in found] + combination)
        passed: list[_Found] = []
        for first_try, first_errors in zip(found, results, strict=False):
            item, errors = first_try, first_errors
            if errors and item.rule.compile_checked:
                item = self._refine(item, errors)
                errors = self.check([self.text(item.rewrites)])[0] if item.rewrites else errors
            if errors:
                generation.rejected.append(
                    Rejection(f"rules:{item.rule.name}", f"rewrite would not compile: {errors[0]}")
                )
                continue
            passed.append(item)
            generation.candidates.append(
                Candidate(
                    f"rules:{item.rule.name}",
                    self.text(item.rewrites),
                    item.rule.describe(item.rewrites),
                )
            )
        if len(passed) > 1:
            combined_ok = (passed == found and not results[-1]) or not self.check(
                [self.combined(passed)]
            )[0]
            kept = passed if combined_ok else self._greedy(passed)
            if len(kept) > 1:
                generation.candidates.append(
                    Candidate(
                        "rules:all",
                        self.combined(kept),
                        "; ".join(f.rule.describe(f.rewrites) for f in kept),
                    )
                )
            if not combined_ok:
                left_out = [f.rule.name for f in passed if f not in kept]
                generation.notes.append(
                    "rules: the rules' rewrites do not compile together; rules:all leaves "
                    f"out {', '.join(left_out)}"
                )
        generation.candidates = _unique(generation.candidates)
        return generation

    def _refine(self, item: _Found, errors: list[str]) -> _Found:
        """Keep the rewrites that compile: blame the ones whose lines hold an error, try
        each of those alone on top of the others, and drop those that fail."""
        lines = {int(e.split(":", 1)[0]) for e in errors if e.split(":", 1)[0].isdigit()}
        suspects = [
            r
            for r in item.rewrites
            if any(first <= line <= last for first, last in r.lines for line in lines)
        ]
        if not suspects:
            suspects = list(item.rewrites)
        rest = [r for r in item.rewrites if r not in suspects]
        variants = ([rest] if rest else []) + [[*rest, suspect] for suspect in suspects]
        results = self.check([self.text(v) for v in variants])
        if rest and results.pop(0):
            return _Found(item.rule, ())
        kept = rest + [s for s, errs in zip(suspects, results, strict=True) if not errs]
        return _Found(item.rule, tuple(r for r in item.rewrites if r in kept))

    def _greedy(self, passed: list[_Found]) -> list[_Found]:
        """Add rules one at a time, keeping each whose addition still compiles."""
        kept = [passed[0]]
        for item in passed[1:]:
            if not self.check([self.combined([*kept, item])])[0]:
                kept.append(item)
        return kept


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    """The first candidate of each distinct text."""
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        if candidate.source not in seen:
            seen.add(candidate.source)
            unique.append(candidate)
    return unique
