"""The pipeline: program -> candidates -> build -> verify -> measure -> rank.

`Pipeline.optimize(job)` is the one implementation of "make this program faster, with
proof"; the CLI, the language server and the benchmarks all call it, on a job made by
`Pipeline.job_for` (pie_lsp.job). Read the modules in this order:

- `core.py`: `Pipeline`, its components and the order of the steps (`optimize`, `_run`,
  `_evaluate`); the result is made once, at the end;
- `search.py`: the `Search` the steps add to, and the screening of candidates;
- `results.py`: what it answers (`Step`, `CandidateResult`, `OptimizeResult`,
  `SpeedupResult`, `unified_diff`);
- `oracle.py`: the original as the oracle (hard-coded answers, derived inputs);
- `ranking.py`: judging a measurement, ranking, and "the estimate ranks, gem5 confirms";
- `speedup.py`: one version measured against another (`check_speedup`).
"""

from pie_lsp.pipeline.core import Pipeline
from pie_lsp.pipeline.results import (
    CandidateResult,
    CandidateStatus,
    OptimizeResult,
    Reporter,
    ResultStatus,
    SpeedupResult,
    Step,
    unified_diff,
)
from pie_lsp.pipeline.search import Search

__all__ = [
    "CandidateResult",
    "CandidateStatus",
    "OptimizeResult",
    "Pipeline",
    "Reporter",
    "ResultStatus",
    "Search",
    "SpeedupResult",
    "Step",
    "unified_diff",
]
