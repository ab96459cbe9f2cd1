"""Where the time goes: estimated Skylake cycles per source line and per function.

A profile is the estimate's own run (measure/estimate.py) made readable. The original is
built a second time with `-g` and the same flags; the two binaries must hold the same code
(every loaded section but the build-id note is compared), so the counts are the ones the
estimate prices. callgrind runs the `-g` binary exactly as the estimate does and writes a
cost line per executed instruction; each instruction is then:

- **on a line of the user's file**: `addr2line -i` walks the inline chain of its address and
  the innermost frame in the user's file names the line and function (an `upper_bound`
  inlined into `count_at_most` inlined into `main` is charged to the line in
  `count_at_most` that calls it);
- **in library code** (glibc, libstdc++, libm, and template code from headers that was not
  inlined): its cost is passed up the call graph to its callers in proportion to the
  inclusive cost of each call (callgrind's `calls=` records, event by event), until it
  reaches a call from a line of the user's file, which it is charged to. What no line of
  the user's file called (start-up, static constructors, exit-time flushing) stays with
  the library function that ran it, named with its library.

Every instruction is priced with the estimate's costs (`features`, the machine file's
`estimate.costs`), so lines, library rows and the per-run constant add up to the estimate
of the program; glibc's start-up difference (`startup_instructions`) is taken off the
library rows, where it runs; integer divisions are priced per gem5 micro-op as the estimate
prices them (per address, from its division profile when it took one). Raw counts per line
are cached (keyed by the estimate's counts digest, the binary, the source and the input)
and priced when read, like the estimate's.

Built on it: `compare` (which lines got cheaper or dearer between two versions: `pie-lsp
check --lines`, Check speedup in the editor), `hotspots_text` (a prompt's `{hotspots}`),
`aimed` (which hot lines a rewrite touches), and `pie-lsp profile` (`run_command`).

The modules: `counts` (the tools' output read, the same-code check), `attribution`
(instructions to lines), `pricing` (the `Profile`), `profiler` (running it, cached),
`aimed`, `render` (texts, tables, the command) and `compare`.
"""

from __future__ import annotations

from pie_lsp.profile.aimed import AimedRewrite, aimed, hotspots_text, rules_rewrites, touched_lines
from pie_lsp.profile.attribution import Destination, attribute, library_of
from pie_lsp.profile.compare import (
    LineChange,
    changes_json,
    changes_phrase,
    compare,
    compare_versions,
    render_changes,
)
from pie_lsp.profile.counts import (
    KEYS,
    SOURCE_NAME,
    CallgrindRun,
    Vector,
    parse_addr2line,
    parse_callgrind,
    same_code,
)
from pie_lsp.profile.pricing import (
    Cost,
    FunctionCost,
    LibraryCost,
    LineCost,
    Profile,
    definition_line,
    price,
)
from pie_lsp.profile.profiler import PROFILE_VERSION, Profiler, debug_flags
from pie_lsp.profile.render import (
    breakdown,
    cycles_text,
    hint_text,
    render,
    render_rewrites,
    run_command,
)

__all__ = [
    "KEYS",
    "PROFILE_VERSION",
    "SOURCE_NAME",
    "AimedRewrite",
    "CallgrindRun",
    "Cost",
    "Destination",
    "FunctionCost",
    "LibraryCost",
    "LineChange",
    "LineCost",
    "Profile",
    "Profiler",
    "Vector",
    "aimed",
    "attribute",
    "breakdown",
    "changes_json",
    "changes_phrase",
    "compare",
    "compare_versions",
    "cycles_text",
    "debug_flags",
    "definition_line",
    "hint_text",
    "hotspots_text",
    "library_of",
    "parse_addr2line",
    "parse_callgrind",
    "price",
    "render",
    "render_changes",
    "render_rewrites",
    "rules_rewrites",
    "run_command",
    "same_code",
    "touched_lines",
]
