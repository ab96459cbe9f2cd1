"""The `memoize-recursion` rule: remember what a pure recursive function returned for each
argument list, so the exponential call tree of `f(n-1) + f(n-2)`-style recursion (counting
paths, knapsack by recursion, Fibonacci) collapses to one evaluation per distinct call.

The class docstring says when the rewrite is safe and how that is proved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clang.cindex import CursorKind as CK
from clang.cindex import TypeKind as TK

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.code import Code
from pie_lsp.models.rules.cursors import (
    ARITHMETIC,
    FUNCTIONS,
    INTEGERS,
    TRANSPARENT,
    Cursor,
    Key,
    children,
    is_static_storage,
    key,
    operator,
    same,
    strip,
)
from pie_lsp.models.rules.edits import Edit, Rewrite
from pie_lsp.models.rules.equal_pairs import includes
from pie_lsp.models.rules.hoist_invariant_call import LOOPS

# Library functions that only compute a value from their arguments.
PURE_CALLS = frozenset(
    {
        "max",
        "min",
        "abs",
        "labs",
        "llabs",
        "fabs",
        "sqrt",
        "cbrt",
        "pow",
        "floor",
        "ceil",
        "log",
        "log2",
        "log10",
        "exp",
        "__gcd",
        "gcd",
        "lcm",
        "__builtin_popcount",
        "__builtin_popcountll",
        "operator[]",
        "size",
        "length",
        "empty",
    }
)
# Calls through which a global may be written, by the library, before the memoized calls.
SCANF = frozenset({"scanf", "fscanf", "sscanf"})
UNSIGNED = {1: "unsigned char", 2: "unsigned short", 4: "unsigned int", 8: "unsigned long long"}
# Kinds a pure function's body must not contain: code we cannot see through.
OPAQUE = frozenset(
    {
        CK.LAMBDA_EXPR,
        CK.CXX_NEW_EXPR,
        CK.CXX_DELETE_EXPR,
        CK.ASM_STMT,
        CK.CXX_THROW_EXPR,
        CK.CXX_TRY_STMT,
    }
)


class MemoizeRecursion(Rule):
    """A function `R f(int a, int b)` that calls itself at two or more places (or in a loop)
    and is pure is wrapped: the original body is renamed, and `f` looks the arguments up in
    a static hash map (a std::map of tuples when they do not pack into 64 bits) before
    calling it. Each distinct call is then evaluated once; every caller gets the same value
    the original would have computed.

    Proved with libclang, or the rule declines: `f` is a top-level non-template definition
    (not `main`, not constexpr) returning an arithmetic type, whose parameters are named
    integers passed by value without default arguments. Its body contains no lambda, new,
    delete, throw, asm, address-of or static local; declares no pointer or reference;
    assigns and increments only its own locals and parameters; and calls only itself and
    value-only library functions (max, min, abs, sqrt, gcd, element reads...), so it has no
    side effect and its result depends on its arguments and the globals it reads. Every
    call of `f` from outside it is in `main`, and each non-const global it reads (no
    pointers in its type) is written only in `main` before the first of those calls, not
    in a loop around any of them (by assignment, increment, `cin >>`, `scanf` or another
    library call), and only read everywhere else; every token naming `f` or such a global
    is one of the uses libclang resolved (none hides in a macro). So the globals hold
    still while any result is remembered."""

    name = "memoize-recursion"
    summary = "memoize a pure recursive function (each distinct call evaluated once)"
    triggers = re.compile(r"\breturn\b")

    def find(self, code: Code) -> list[Rewrite]:
        rewrites: list[Rewrite] = []
        names: set[str] = set()
        ordered = False
        for cursor, parents in code.nodes:
            if parents or cursor.kind != CK.FUNCTION_DECL or not cursor.is_definition():
                continue
            plan = self._plan(code, cursor)
            if plan is None:
                continue
            body, parameters, result = plan
            rewrite, needs_map = self._rewrite(code, cursor, body, parameters, result, names)
            ordered |= needs_map
            rewrites.append(rewrite)
        if rewrites:
            include = includes(code, ("map", "tuple") if ordered else ("unordered_map",))
            if include is None:
                return []
            rewrites[:0] = include
        return rewrites

    # -- the proof -------------------------------------------------------------------------
    def _plan(self, code: Code, function: Cursor) -> tuple[Cursor, list[Cursor], str] | None:
        """(body, parameters, result type) when `function` may be memoized."""
        name = function.spelling
        if name == "main" or not code.is_written(function, name):
            return None
        result = function.result_type.get_canonical()
        if result.kind not in ARITHMETIC:
            return None
        bodies = [c for c in children(function) if c.kind == CK.COMPOUND_STMT]
        if len(bodies) != 1:
            return None
        body = bodies[0]
        head = code.source[function.extent.start.offset : body.extent.start.offset]
        if re.search(rb"\bconstexpr\b|\bconsteval\b", head):
            return None
        parameters = list(function.get_arguments())
        if not parameters or len(parameters) > 4:
            return None
        for parameter in parameters:
            type_ = parameter.type
            if (
                not parameter.spelling
                or type_.kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE)
                or type_.get_canonical().kind not in INTEGERS
                or any(c.kind.is_expression() for c in children(parameter))  # a default
            ):
                return None
        self_calls = self._pure(code, function, body)
        if self_calls is None or not self._recursion_pays(function, body, self_calls):
            return None
        if not self._callers_in_main(code, function):
            return None
        return body, parameters, result.spelling

    def _pure(self, code: Code, function: Cursor, body: Cursor) -> list[Cursor] | None:
        """The self-calls of a body without side effects whose globals hold still, or None."""
        own = key(function)
        start, end = function.extent.start.offset, function.extent.end.offset
        self_calls: list[Cursor] = []
        globals_read: dict[Key, Cursor] = {}

        def local(cursor: Cursor) -> bool:
            declared = cursor.referenced
            return bool(
                declared is not None
                and declared.kind in (CK.VAR_DECL, CK.PARM_DECL)
                and not is_static_storage(declared)
                and start <= declared.location.offset < end
            )

        for inner in body.walk_preorder():
            kind = inner.kind
            if kind in OPAQUE:
                return None
            if kind == CK.VAR_DECL:
                if is_static_storage(inner) or inner.type.get_canonical().kind in (
                    TK.POINTER,
                    TK.LVALUEREFERENCE,
                    TK.RVALUEREFERENCE,
                ):
                    return None
            elif kind == CK.DECL_REF_EXPR:
                declared = inner.referenced
                if declared is None:
                    return None
                if declared.kind == CK.VAR_DECL and is_static_storage(declared):
                    type_ = declared.type
                    if not type_.is_const_qualified() and not _const_array(type_):
                        globals_read[key(declared)] = declared
            elif kind == CK.CALL_EXPR:
                callee = inner.referenced
                if callee is None:
                    return None
                if key(callee) == own:
                    self_calls.append(inner)
                elif (
                    (callee.kind in FUNCTIONS and code.in_main_file(callee))
                    or callee.kind not in (CK.FUNCTION_DECL, CK.CXX_METHOD, CK.FUNCTION_TEMPLATE)
                    or inner.spelling not in PURE_CALLS
                ):
                    return None
            elif kind in (CK.BINARY_OPERATOR, CK.COMPOUND_ASSIGNMENT_OPERATOR, CK.UNARY_OPERATOR):
                op = operator(inner)
                if op is None or (op == "&" and kind == CK.UNARY_OPERATOR):
                    return None
                writes = kind == CK.COMPOUND_ASSIGNMENT_OPERATOR or op in ("=", "++", "--")
                if writes and not self._assigns_local(children(inner)[0], local):
                    return None
        for declared in globals_read.values():
            if not self._holds_still(code, declared, function):
                return None
        return self_calls

    @staticmethod
    def _assigns_local(target: Cursor, local: object) -> bool:
        """Whether an assignment's target is (an element of) a local array or variable."""
        target = strip(target)
        while target.kind == CK.ARRAY_SUBSCRIPT_EXPR:
            target = strip(children(target)[0])
        return target.kind == CK.DECL_REF_EXPR and bool(local(target))  # type: ignore[operator]

    @staticmethod
    def _recursion_pays(function: Cursor, body: Cursor, self_calls: list[Cursor]) -> bool:
        """Two or more self-calls, or one inside a loop: the call tree can branch."""
        if len(self_calls) >= 2:
            return True
        return any(
            loop.extent.start.offset <= call.extent.start.offset < loop.extent.end.offset
            for call in self_calls
            for loop in body.walk_preorder()
            if loop.kind in LOOPS
        )

    def _callers_in_main(self, code: Code, function: Cursor) -> bool:
        """Every mention of the function is a declaration or a direct call, and the calls
        from outside it are in `main` (at least one)."""
        start, end = function.extent.start.offset, function.extent.end.offset
        uses = code.uses[key(function)]
        outside = 0
        for use, parents in uses:
            parent = _parent(use, parents)
            if parent is None or parent.kind != CK.CALL_EXPR:
                return False  # its address is taken, or something we do not follow
            if start <= use.extent.start.offset < end:
                continue
            if _function_of(parents) != "main":
                return False
            outside += 1
        declarations = {d.location.offset for d in code.declarations[key(function)]}
        mentioned = {o for o, t in code.token_at.items() if t == function.spelling}
        return outside > 0 and mentioned == declarations | {u.location.offset for u, _ in uses}

    def _holds_still(self, code: Code, variable: Cursor, function: Cursor) -> bool:
        """Whether a global the function reads cannot change once it is first called."""
        if "*" in variable.type.get_canonical().spelling:
            return False
        start, end = function.extent.start.offset, function.extent.end.offset
        calls = [
            use
            for use, parents in code.uses[key(function)]
            if not start <= use.extent.start.offset < end
        ]
        first_call = min(c.extent.start.offset for c in calls)
        main = code.main_body()
        if main is None:
            return False
        loops_around_calls = [
            loop
            for loop in main.walk_preorder()
            if loop.kind in LOOPS and any(_within(call, loop) for call in calls)
        ]
        uses = code.uses[key(variable)]
        mentioned = {o for o, t in code.token_at.items() if t == variable.spelling}
        if mentioned != {variable.location.offset} | {u.location.offset for u, _ in uses}:
            return False
        for use, parents in uses:
            if start <= use.extent.start.offset < end:
                continue  # the function's own reads (its writes were refused already)
            access = _access(code, use, parents)
            if access == "read":
                continue
            if access != "write" or _function_of(parents) != "main":
                return False
            if use.extent.start.offset >= first_call:
                return False
            if any(_within(use, loop) for loop in loops_around_calls):
                return False
        return True

    # -- the rewrite -----------------------------------------------------------------------
    def _rewrite(
        self,
        code: Code,
        function: Cursor,
        body: Cursor,
        parameters: list[Cursor],
        result: str,
        names: set[str],
    ) -> tuple[Rewrite, bool]:
        """The edits: declare f, rename the definition, define the memoizing f after it."""
        name = function.spelling
        nl = code.newline
        start, end = function.extent.start.offset, function.extent.end.offset
        head = code.source[start : body.extent.start.offset].decode().rstrip()
        inner = code.fresh_name(f"pie_{name}_body", names)
        memo, slot, found, value = (
            code.fresh_name(stem, names)
            for stem in ("pie_memo", "pie_key", "pie_found", "pie_value")
        )
        arguments = ", ".join(p.spelling for p in parameters)
        sizes = [p.type.get_canonical().get_size() for p in parameters]
        packed = sum(sizes) <= 8 and all(size in UNSIGNED for size in sizes)
        if packed:
            key_type, map_type = "unsigned long long", "std::unordered_map"
            packing = ""
            for parameter, size in zip(parameters, sizes, strict=True):
                part = f"(unsigned long long)({UNSIGNED[size]})({parameter.spelling})"
                packing = part if not packing else f"(({packing}) << {size * 8}) | {part}"
        else:
            types = ", ".join(p.type.get_canonical().spelling for p in parameters)
            key_type, map_type = f"std::tuple<{types}>", "std::map"
            packing = f"{key_type}({arguments})"
        wrapper = (
            f"{nl}{nl}{head} {{{nl}"
            f"    static {map_type}<{key_type}, {result}> {memo};{nl}"
            f"    const {key_type} {slot} = {packing};{nl}"
            f"    auto {found} = {memo}.find({slot});{nl}"
            f"    if ({found} != {memo}.end()) return {found}->second;{nl}"
            f"    const {result} {value} = {inner}({arguments});{nl}"
            f"    {memo}.emplace({slot}, {value});{nl}"
            f"    return {value};{nl}"
            f"}}"
        )
        at = function.location.offset
        edits = (
            Edit(start, start, f"{head};{nl}"),
            Edit(at, at + len(name.encode()), inner),
            Edit(end, end, wrapper),
        )
        lines = ((code.line_of(start), code.line_of(end)),)
        return Rewrite(edits, name, lines), not packed

    def describe(self, rewrites: Sequence[Rewrite]) -> str:
        names = ", ".join(f"{r.what}()" for r in rewrites if r.what != "#include")
        return f"memoize the pure recursive function {names} (each distinct call computed once)"


def _const_array(type_: object) -> bool:
    """An array of const elements (`const int a[] = {...}`)."""
    canonical = type_.get_canonical()  # type: ignore[attr-defined]
    while canonical.kind in (TK.CONSTANTARRAY, TK.INCOMPLETEARRAY):
        canonical = canonical.element_type.get_canonical()
    return bool(canonical.is_const_qualified())


def _within(inner: Cursor, outer: Cursor) -> bool:
    return bool(outer.extent.start.offset <= inner.extent.start.offset < outer.extent.end.offset)


def _parent(cursor: Cursor, parents: Sequence[Cursor]) -> Cursor | None:
    """The nearest ancestor that is not an implicit conversion or parenthesis."""
    for parent in reversed(parents):
        if parent.kind not in TRANSPARENT:
            return parent
    return None


def _function_of(parents: Sequence[Cursor]) -> str | None:
    """The name of the function a cursor is in (None at namespace scope)."""
    for parent in reversed(parents):
        if parent.kind in FUNCTIONS:
            return str(parent.spelling)
    return None


def _access(code: Code, use: Cursor, parents: Sequence[Cursor]) -> str:
    """How a mention of a global variable uses it: "read", "write" (assigned, incremented,
    read into by the library) or "other" (its address or a reference escapes, a user
    function may change it)."""
    expression = use
    index = len(parents) - 1
    while index >= 0:
        parent = parents[index]
        if parent.kind in TRANSPARENT:
            expression = parent
        elif parent.kind == CK.ARRAY_SUBSCRIPT_EXPR:
            if not same(strip(children(parent)[0]), strip(expression)):
                return "read"  # the global is the index
            expression = parent
        elif parent.kind == CK.MEMBER_REF_EXPR:
            member = parent.referenced
            if member is None:
                return "other"
            if member.kind == CK.FIELD_DECL:
                expression = parent
            elif member.kind == CK.CXX_METHOD:
                if member.is_const_method():
                    return "read"
                return "write" if code.from_library(member) else "other"
            else:
                return "other"
        elif (
            parent.kind == CK.CALL_EXPR
            and parent.spelling == "operator[]"
            and parent.referenced is not None
            and code.from_library(parent.referenced)
            and list(parent.get_arguments())
            and same(strip(next(parent.get_arguments())), strip(expression))
        ):
            expression = parent
        else:
            break
        index -= 1
    if index < 0:
        return "read"
    if expression.type.get_canonical().kind == TK.POINTER:
        return _decayed(code, expression, parents, index)
    parent = parents[index]
    first = children(parent)[0] if children(parent) else None
    if parent.kind in (CK.BINARY_OPERATOR, CK.COMPOUND_ASSIGNMENT_OPERATOR):
        op = operator(parent)
        if op is None:
            return "other"
        assigned = parent.kind == CK.COMPOUND_ASSIGNMENT_OPERATOR or op == "="
        return "write" if assigned and first is not None and same(first, expression) else "read"
    if parent.kind == CK.UNARY_OPERATOR:
        op = operator(parent)
        if op in ("++", "--"):
            return "write"
        if op == "&":
            call = _parent(parent, parents[:index])
            if call is not None and call.kind == CK.CALL_EXPR and call.spelling in SCANF:
                return "write"
            return "other"
        return "read" if op is not None else "other"
    if parent.kind == CK.CALL_EXPR:
        if parent.referenced is None:
            return "other"
        if code.passes_read_only(parent, expression):
            return "read"
        return "write" if code.from_library(parent.referenced) else "other"
    if parent.kind == CK.VAR_DECL:
        kind = parent.type.get_canonical().kind
        return "other" if kind in (TK.POINTER, TK.LVALUEREFERENCE, TK.RVALUEREFERENCE) else "read"
    if parent.kind == CK.CXX_FOR_RANGE_STMT:
        variable = children(parent)[0]
        type_ = variable.type
        if type_.kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE):
            return "read" if type_.get_pointee().is_const_qualified() else "write"
        return "read"
    if parent.kind == CK.RETURN_STMT:
        function = next((p for p in reversed(parents[:index]) if p.kind in FUNCTIONS), None)
        returns = function.result_type.get_canonical().kind if function is not None else None
        return "other" if returns in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE) else "read"
    return "read"


def _decayed(code: Code, expression: Cursor, parents: Sequence[Cursor], index: int) -> str:
    """How an array that decayed to a pointer is used: handed to a library call (directly
    or offset, `sort(a, a + n)`) writes it; anything else may keep the pointer."""
    while index >= 0 and (
        parents[index].kind in TRANSPARENT
        or (parents[index].kind == CK.BINARY_OPERATOR and operator(parents[index]) in ("+", "-"))
    ):
        index -= 1
    if index < 0:
        return "other"
    call = parents[index]
    if call.kind == CK.CALL_EXPR and call.referenced is not None:
        return "write" if code.from_library(call.referenced) else "other"
    return "other"
