"""Every rule the backend knows, in the order their candidates are listed (and combined).

To add a rule: write its module beside this one (a `Rule` subclass), add an instance here,
and add fixtures under tests/models/rules/<rule-name>/.
"""

from __future__ import annotations

from pie_lsp.models.rules.base import Rule
from pie_lsp.models.rules.const_ref_params import ConstRefParams
from pie_lsp.models.rules.divisor_pairs import DivisorPairs
from pie_lsp.models.rules.endl import Endl
from pie_lsp.models.rules.equal_pairs import EqualPairs
from pie_lsp.models.rules.hoist_invariant_call import HoistInvariantCall
from pie_lsp.models.rules.hoist_loop_bound import HoistLoopBound
from pie_lsp.models.rules.int_pow import IntPow
from pie_lsp.models.rules.inverse_factorials import InverseFactorials
from pie_lsp.models.rules.iostream_to_stdio import IostreamToStdio
from pie_lsp.models.rules.lazy_container_array import LazyContainerArray
from pie_lsp.models.rules.linear_search import LinearSearch
from pie_lsp.models.rules.local_copy import LocalCopy
from pie_lsp.models.rules.loop_power import LoopPower
from pie_lsp.models.rules.map_to_unordered import MapToUnordered
from pie_lsp.models.rules.memoize_recursion import MemoizeRecursion
from pie_lsp.models.rules.pair_counting import PairCounting
from pie_lsp.models.rules.prefix_sums import PrefixSums
from pie_lsp.models.rules.prime_sieve import PrimeSieve
from pie_lsp.models.rules.range_for_copy import RangeForCopy
from pie_lsp.models.rules.reserve_vector import ReserveVector
from pie_lsp.models.rules.residue_search import ResidueSearch
from pie_lsp.models.rules.rotation_search import RotationSearch
from pie_lsp.models.rules.set_to_unordered import SetToUnordered
from pie_lsp.models.rules.static_zero_array import StaticZeroArray
from pie_lsp.models.rules.string_append import StringAppend
from pie_lsp.models.rules.substr_compare import SubstrCompare
from pie_lsp.models.rules.sync_stdio import SyncStdio
from pie_lsp.models.rules.to_string_digits import ToStringDigits
from pie_lsp.models.rules.zero_memset import ZeroMemset

ALL_RULES: tuple[Rule, ...] = (
    SyncStdio(),
    Endl(),
    IostreamToStdio(),
    ConstRefParams(),
    IntPow(),
    HoistLoopBound(),
    HoistInvariantCall(),
    StringAppend(),
    MapToUnordered(),
    SetToUnordered(),
    RangeForCopy(),
    LocalCopy(),
    SubstrCompare(),
    ToStringDigits(),
    EqualPairs(),
    PrefixSums(),
    ReserveVector(),
    ResidueSearch(),
    ZeroMemset(),
    StaticZeroArray(),
    LazyContainerArray(),
    RotationSearch(),
    MemoizeRecursion(),
    LoopPower(),
    InverseFactorials(),
    PrimeSieve(),
    PairCounting(),
    LinearSearch(),
    DivisorPairs(),
)
RULE_NAMES = tuple(rule.name for rule in ALL_RULES)
BY_NAME = {rule.name: rule for rule in ALL_RULES}
