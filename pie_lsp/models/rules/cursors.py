"""libclang helpers every rule uses: cursor kinds, types, stripping wrappers, operators.

The Python bindings are untyped: a cursor is a `clang.cindex.Cursor` (`Cursor` here).
"""

from __future__ import annotations

import ctypes
import functools
import re
from collections.abc import Callable
from typing import Any

from pie_lsp.errors import ToolMissing

try:
    import clang.cindex as ci
    from clang.cindex import CursorKind as CK
    from clang.cindex import TypeKind as TK
except ImportError as exc:  # a declared dependency, but say what to do
    raise ToolMissing(
        "the libclang Python package is missing", hint="pip install libclang"
    ) from exc

# The integer types (a counter, an index, a value taken modulo something).
INTEGERS = frozenset(
    {
        TK.BOOL,
        TK.CHAR_U,
        TK.UCHAR,
        TK.CHAR_S,
        TK.SCHAR,
        TK.SHORT,
        TK.USHORT,
        TK.INT,
        TK.UINT,
        TK.LONG,
        TK.ULONG,
        TK.LONGLONG,
        TK.ULONGLONG,
    }
)

# clang.cindex is untyped; a cursor is a clang.cindex.Cursor.
Cursor = Any
# A cursor of the main file with its ancestors, outermost first (as Parsed.walk yields them).
Node = tuple[Cursor, tuple[Cursor, ...]]
# Identifies a declaration across redeclarations: (file, offset of its name, name).
Key = tuple[str, int, str]


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
ARITHMETIC = INTEGERS | {TK.WCHAR, TK.CHAR16, TK.CHAR32, TK.FLOAT, TK.DOUBLE}
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


def declared_for(loop: Cursor) -> tuple[Cursor, Cursor, Cursor, Cursor, Cursor] | None:
    """(variable, its initial value, condition, step, body) of a for loop whose init
    declares exactly one variable with one initial value: `for (T v = init; c; s) body`."""
    parts = children(loop)
    if len(parts) != 4 or parts[0].kind != CK.DECL_STMT:
        return None
    declared = children(parts[0])
    if len(declared) != 1 or declared[0].kind != CK.VAR_DECL:
        return None
    variable = declared[0]
    values = [c for c in children(variable) if c.kind != CK.TYPE_REF]
    if len(values) != 1:
        return None
    return variable, values[0], parts[1], parts[2], parts[3]


def names(cursor: Cursor, variable: Cursor) -> bool:
    """Whether `cursor` is a plain reference to `variable`."""
    return bool(
        cursor.kind == CK.DECL_REF_EXPR
        and cursor.referenced is not None
        and key(cursor.referenced) == key(variable)
    )


def counting_for(
    loop: Cursor, starts: tuple[int, ...] | None = None
) -> tuple[Cursor, Cursor, str, Cursor, Cursor] | None:
    """(counter, its initial value, "<" or "<=", the bound, body) of a loop that counts up
    by one: `for (T i = start; i < | <= bound; ++i | i++) body`, T an integer type and the
    start, when `starts` is given, a constant among them."""
    parts = declared_for(loop)
    if parts is None:
        return None
    counter, value, condition, step, body = parts
    if counter.type.get_canonical().kind not in INTEGERS:
        return None
    if starts is not None and integer_value(value) not in starts:
        return None
    comparison = operator(condition)
    if condition.kind != CK.BINARY_OPERATOR or comparison not in ("<", "<="):
        return None
    left, bound = children(condition)
    if not names(strip(left), counter):
        return None
    if step.kind != CK.UNARY_OPERATOR or operator(step) != "++":
        return None
    if not names(strip(children(step)[0]), counter):
        return None
    return counter, value, comparison, bound, body


def divisibility(test: Cursor, operands: Callable[[Cursor, Cursor], bool]) -> bool:
    """Whether `test` is `a % b == 0` or `!(a % b)` with `operands(a, b)` (both stripped)."""

    def remainder(cursor: Cursor) -> bool:
        cursor = strip(cursor)
        if cursor.kind != CK.BINARY_OPERATOR or operator(cursor) != "%":
            return False
        a, b = (strip(c) for c in children(cursor))
        return operands(a, b)

    if test.kind == CK.BINARY_OPERATOR and operator(test) == "==":
        a, b = children(test)
        return remainder(a) and integer_value(b) == 0
    if test.kind == CK.UNARY_OPERATOR and operator(test) == "!":
        return remainder(children(test)[0])
    return False


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


@functools.cache
def _evaluate_functions() -> dict[str, Any] | None:
    """libclang's constant evaluator (clang_Cursor_Evaluate and friends), or None."""
    lib = ci.conf.lib
    try:
        functions = {
            "evaluate": lib.clang_Cursor_Evaluate,
            "kind": lib.clang_EvalResult_getKind,
            "unsigned": lib.clang_EvalResult_isUnsignedInt,
            "signed_value": lib.clang_EvalResult_getAsLongLong,
            "unsigned_value": lib.clang_EvalResult_getAsUnsigned,
            "dispose": lib.clang_EvalResult_dispose,
        }
    except AttributeError:
        return None
    functions["evaluate"].argtypes, functions["evaluate"].restype = [ci.Cursor], ctypes.c_void_p
    functions["kind"].argtypes, functions["kind"].restype = [ctypes.c_void_p], ctypes.c_int
    functions["unsigned"].argtypes, functions["unsigned"].restype = [ctypes.c_void_p], ctypes.c_uint
    functions["signed_value"].argtypes = [ctypes.c_void_p]
    functions["signed_value"].restype = ctypes.c_longlong
    functions["unsigned_value"].argtypes = [ctypes.c_void_p]
    functions["unsigned_value"].restype = ctypes.c_ulonglong
    functions["dispose"].argtypes, functions["dispose"].restype = [ctypes.c_void_p], None
    return functions


def integer_value(cursor: Cursor) -> int | None:
    """The value of an integer constant expression (a literal, `1e9 + 7` converted, a
    const variable's name), or None when it is not one."""
    functions = _evaluate_functions()
    if functions is None:
        return None
    result = functions["evaluate"](cursor)
    if not result:
        return None
    try:
        if functions["kind"](result) != 1:  # CXEval_Int
            return None
        if functions["unsigned"](result):
            return int(functions["unsigned_value"](result))
        return int(functions["signed_value"](result))
    finally:
        functions["dispose"](result)
