"""The `lazy-container-array` rule: a big global array of standard containers (the
adjacency list `vector<int> g[MAXN]`, `set<int> s[MAXN]`) constructs only the elements the
program touches, instead of all of them at startup and destroying all of them at exit.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    ARITHMETIC,
    CONTAINER,
    TYPE_ONLY_TEMPLATES,
    VALUE_TEMPLATES,
    Cursor,
    Key,
    canonical,
    children,
    key,
    operator,
)
from pie_lsp.models.rules.edits import Edit, Rewrite

# Below this many elements constructing them all costs too little to matter.
MIN_ELEMENTS = 1024
HELPER = "pie_lazy_array"
# Keywords a declaration may not carry (static is kept as it is).
REFUSED_SPECIFIERS = frozenset(
    {"extern", "thread_local", "__thread", "const", "constexpr", "volatile", "inline", "register"}
)
TEMPLATE = """#include <cstddef>
#include <new>
// T[N] whose elements are constructed on first use: a T[N] builds all N at startup.
template <class T, std::size_t N>
struct pie_lazy_array {
    alignas(T) unsigned char raw[N][sizeof(T)];
    bool made[N];
    T& operator[](std::size_t i) {
        if (!made[i]) {
            ::new (static_cast<void*>(raw[i])) T();
            made[i] = true;
        }
        return *std::launder(reinterpret_cast<T*>(raw[i]));
    }
    ~pie_lazy_array() {
        for (std::size_t i = N; i-- > 0;)
            if (made[i]) std::launder(reinterpret_cast<T*>(raw[i]))->~T();
    }
};
"""


class LazyContainerArray(Rule):
    """`std::vector<int> g[200005];` or `std::set<long long> s[MAXN];` at namespace scope
    is built element by element before main (each element's constructor writes its
    header: megabytes of memory for a program whose input touches a few entries) and
    destroyed element by element at exit. The array becomes `pie_lazy_array<T, N>`:
    zero-initialized storage (costs nothing until touched) with a flag per element;
    `g[i]` constructs element i the first time it is used, and exit destroys only those.

    Exact when every use is `g[i]` itself: each element is default-constructed before its
    first use either way, and neither constructing nor destroying a standard container
    prints anything. Proved: the variable is declared at file scope in this file, not
    extern/const/thread_local, without an initializer, as a one-dimensional array of at
    least 1024 elements of a standard container whose element, comparator and hash types
    are numbers, pointers, standard types of those, or structs of this file without
    their own constructor or destructor (so construction and destruction have no
    effects); every mention of its name is the array of an `g[i]` subscript (never
    decayed to a pointer, passed, `sizeof`'d or iterated as a whole), and no `&g[i]`
    takes an element's address (pointer arithmetic could reach an element not yet
    built). Every other token spelling the name is a different declaration or a reference
    to one."""

    name = "lazy-container-array"
    summary = "construct a big global array of containers only where the program uses it"
    version = 2
    triggers = re.compile(
        r"\b(vector|set|map|multiset|multimap|unordered_\w+|deque|list|string|queue|stack"
        r"|priority_queue|basic_string)\b"
    )

    def find(self, code: Code) -> list[Rewrite]:
        if HELPER in code.text_str:
            return []
        groups: dict[int, list[Cursor]] = defaultdict(list)
        for cursor, parents in code.nodes:
            if cursor.kind == CK.VAR_DECL and not parents:
                groups[cursor.extent.start.offset].append(cursor)
        located = self._located(code)
        edits: list[Edit] = []
        names: list[str] = []
        lines: list[int] = []
        for start, declared in sorted(groups.items()):
            edit = self._rewrite(code, start, declared, located)
            if edit is not None:
                edits.append(edit)
                names.extend(v.spelling for v in declared)
                lines.append(code.line_of(start))
        if not edits:
            return []
        # One rewrite: the helper goes once, on the line before the first declaration.
        line_start = code.source.rfind(b"\n", 0, edits[0].start) + 1
        helper = Edit(line_start, line_start, TEMPLATE.replace("\n", code.newline))
        return [
            Rewrite(
                (helper, *edits),
                f"{', '.join(names)} (line{'s' if len(lines) > 1 else ''} "
                f"{', '.join(map(str, lines))})",
                tuple((line, line) for line in lines),
            )
        ]

    @staticmethod
    def _located(code: Code) -> dict[int, list[Cursor]]:
        """Cursors of the main file by the offset of their location (what names them)."""
        found: dict[int, list[Cursor]] = defaultdict(list)
        for cursor, _ in code.nodes:
            location = cursor.location
            if location.file is not None and location.file.name == code.parsed.filename:
                found[location.offset].append(cursor)
        return found

    def _rewrite(
        self, code: Code, start: int, declared: list[Cursor], located: dict[int, list[Cursor]]
    ) -> Edit | None:
        """The edit turning one declaration (all its declarators) into lazy arrays."""
        first = declared[0]
        if not all(code.is_written(v, v.spelling) for v in declared):
            return None
        # The declaration must start its line (the helper goes on the lines before it).
        line_start = code.source.rfind(b"\n", 0, start) + 1
        if code.source[line_start:start].strip():
            return None
        prefix = code.source[start : first.location.offset].decode("utf-8", "replace")
        words = re.findall(r"[A-Za-z_]\w*", prefix)
        if REFUSED_SPECIFIERS & set(words):
            return None
        storage = "static " if "static" in words else ""
        element = re.sub(r"^\s*static\b", "", prefix).strip()
        if not element or "static" in re.findall(r"[A-Za-z_]\w*", element):
            return None
        parts = []
        for variable in declared:
            size = self._size(code, variable)
            if size is None or not self._only_subscripted(code, variable, located):
                return None
            parts.append(f"{storage}{HELPER}<{element}, ({size})> {variable.spelling}")
        end = max(v.extent.end.offset for v in declared)
        if code.next_token(end) != (end, ";"):
            return None  # `set<int> a[N], x;` ends with a declarator we did not check
        return Edit(start, end, "; ".join(parts))

    def _size(self, code: Code, variable: Cursor) -> str | None:
        """The text of N in `T name[N]` when the variable qualifies (type, size, no
        initializer)."""
        type_ = variable.type.get_canonical()
        if type_.kind != TK.CONSTANTARRAY or type_.element_count < MIN_ELEMENTS:
            return None
        element = type_.element_type.get_canonical()
        if element.kind != TK.RECORD or not CONTAINER.match(canonical(element)):
            return None
        if not self._harmless(code, element, frozenset()):
            return None
        declarator = code.source[variable.location.offset : variable.extent.end.offset]
        match = re.fullmatch(rb"\w+\s*\[([^\[\]=({]+)\]", declarator)
        return match.group(1).decode().strip() if match else None

    def _harmless(self, code: Code, type_: Any, seen: frozenset[str]) -> bool:
        """Whether constructing and destroying a value of this type has no effect but
        memory: numbers, pointers, enums, standard templates of such types, structs of
        this file without constructors or destructors of their own."""
        type_ = type_.get_canonical()
        spelling = canonical(type_)
        if type_.kind in ARITHMETIC or type_.kind in (
            TK.POINTER,
            TK.ENUM,
            TK.LONGDOUBLE,
            TK.VOID,  # std::greater<> is std::greater<void>
        ):
            return True
        if type_.kind == TK.CONSTANTARRAY:
            return self._harmless(code, type_.element_type, seen)
        if type_.kind != TK.RECORD or spelling in seen:
            return spelling in seen
        seen = seen | {spelling}
        if TYPE_ONLY_TEMPLATES.match(spelling) or VALUE_TEMPLATES.match(spelling):
            arguments = range(max(type_.get_num_template_arguments(), 0))
            return all(
                self._harmless(code, type_.get_template_argument_type(i), seen)
                for i in arguments
                if type_.get_template_argument_type(i).kind != TK.INVALID
            )
        declaration = type_.get_declaration()
        if not code.in_main_file(declaration) or type_.get_num_template_arguments() > 0:
            return False
        for member in children(declaration):
            if member.kind in (CK.CONSTRUCTOR, CK.DESTRUCTOR):
                return False
            if member.kind == CK.FIELD_DECL and (
                any(c.kind.is_expression() for c in children(member))  # a default value
                or not self._harmless(code, member.type, seen)
            ):
                return False
            if member.kind == CK.CXX_BASE_SPECIFIER and not self._harmless(code, member.type, seen):
                return False
        return True

    @staticmethod
    def _only_subscripted(code: Code, variable: Cursor, located: dict[int, list[Cursor]]) -> bool:
        """Every use is the array of `variable[i]` whose address is not taken, and every
        other token spelling the name belongs to another declaration."""
        variable_key: Key = key(variable)
        uses = code.uses.get(variable_key, [])
        for use, parents in uses:
            if len(parents) < 2 or parents[-1].kind != CK.UNEXPOSED_EXPR:
                return False
            subscript = parents[-2]
            found = code.subscript(subscript)
            base = children(subscript)[0] if subscript.kind == CK.ARRAY_SUBSCRIPT_EXPR else None
            if (
                found is None
                or key(found[0]) != variable_key
                or base is None
                or base.extent.start.offset != use.extent.start.offset
            ):
                return False
            parent, _, _ = code.enclosing(subscript, parents[:-2])
            if (
                parent is not None
                and parent.kind == CK.UNARY_OPERATOR
                and operator(parent)
                in (
                    "&",
                    None,
                )
            ):
                return False
        explained = {variable.location.offset} | {u.location.offset for u, _ in uses}
        for offset, token in code.token_at.items():
            if token != variable.spelling or offset in explained:
                continue
            # What the compiler made of this token: another declaration, or a reference
            # to one (a token with neither, such as one in a macro body, is refused).
            targets = [
                c if c.kind.is_declaration() else c.referenced
                for c in located.get(offset, [])
                if c.spelling == token
                and (c.kind.is_declaration() or c.kind in (CK.DECL_REF_EXPR, CK.MEMBER_REF_EXPR))
            ]
            if not targets or any(t is None or key(t) == variable_key for t in targets):
                return False
        return True

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(r.what for r in rewrites)
        return f"construct the elements of {names} only when first used"
