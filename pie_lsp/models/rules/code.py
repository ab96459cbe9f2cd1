"""The parsed program as rules see it: where things are written, structure, aliasing, purity."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pie_lsp.models.rules.iofacts import IoFacts

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.cursors import (
    ARITHMETIC,
    CASTS,
    FUNCTIONS,
    LITERALS,
    STATEMENT_PARENTS,
    TRANSPARENT,
    TYPE_ONLY_TEMPLATES,
    VALUE_TEMPLATES,
    Cursor,
    Key,
    Node,
    canonical,
    children,
    file_offset,
    is_static_storage,
    key,
    operator,
    same,
    strip,
)
from pie_lsp.program import Parsed

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

    def for_loops(self) -> list[Node]:
        """The `for` statements written in this file (not produced by a macro), with their
        parents: where the loop rules start looking."""
        return [
            (cursor, parents)
            for cursor, parents in self.nodes
            if cursor.kind == CK.FOR_STMT and self.is_written(cursor, "for")
        ]

    def text(self, cursor: Cursor) -> str:
        extent = cursor.extent
        return self.source[extent.start.offset : extent.end.offset].decode("utf-8", "replace")

    def in_main_file(self, cursor: Cursor) -> bool:
        return self.parsed.in_main_file(cursor)

    def from_library(self, decl: Cursor) -> bool:
        """Declared outside this file (the standard library), so not the user's own."""
        return not self.in_main_file(decl)

    def subscript(self, cursor: Cursor) -> tuple[Cursor, Cursor] | None:
        """(a, index) of `a[index]` for an array or vector variable a."""
        found = self.subscript_reference(cursor)
        return None if found is None else (found[0].referenced, found[1])

    def subscript_reference(self, cursor: Cursor) -> tuple[Cursor, Cursor] | None:
        """(the reference to a, index) of `a[index]` for an array or vector variable a."""
        cursor = strip(cursor)
        if cursor.kind == CK.ARRAY_SUBSCRIPT_EXPR:
            base, index = children(cursor)
        elif cursor.kind == CK.CALL_EXPR and cursor.spelling == "operator[]":
            arguments = list(cursor.get_arguments())
            if (
                len(arguments) != 2
                or cursor.referenced is None
                or not self.from_library(cursor.referenced)
            ):
                return None
            base, index = arguments
        else:
            return None
        base, index = strip(base), strip(index)
        if base.kind != CK.DECL_REF_EXPR or base.referenced is None:
            return None
        if base.referenced.kind not in (CK.VAR_DECL, CK.PARM_DECL):
            return None
        return base, index

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
        from pie_lsp.models.rules.iofacts import IoFacts  # it asks Code questions

        return IoFacts.of(self)
