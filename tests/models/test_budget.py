"""The model budget of one optimization: calls and tokens counted, limits held."""

from __future__ import annotations

import pytest

from pie_lsp.models.budget import (
    MIN_COMPLETION_TOKENS,
    Budget,
    BudgetSpent,
    budget_scope,
    current_budget,
    estimate_tokens,
)


def test_no_limits_counts_what_the_server_reports() -> None:
    budget = Budget()
    cap, reserved = budget.before_call("x" * 400, 2048, samples=4)
    assert (cap, reserved) == (2048, 0)  # nothing held back without a token limit
    budget.charge(reserved, 900, estimate=0)
    assert (budget.calls, budget.tokens, budget.estimated) == (1, 900, False)
    assert budget.describe() == "1 model call, 900 tokens"


def test_a_request_is_capped_to_the_tokens_left_and_settled_by_the_server_count() -> None:
    budget = Budget(max_tokens=1000)
    prompt = "p" * 400  # 100 tokens
    cap, reserved = budget.before_call(prompt, 2048, samples=3)
    assert cap == (1000 - 100) // 3 and reserved == 100 + 3 * cap
    assert budget.tokens == reserved  # parallel requests see the worst case at once
    budget.charge(reserved, 400, estimate=0)
    assert budget.tokens == 400 and budget.tokens_left() == 600


def test_calls_and_tokens_run_out_with_a_message_naming_the_settings() -> None:
    budget = Budget(max_calls=1)
    budget.before_call("p", 100)
    assert budget.spent()
    with pytest.raises(BudgetSpent, match="its 1 model calls are used") as raised:
        budget.before_call("p", 100)
    assert "pie.model.max_calls" in raised.value.hint
    tight = Budget(max_tokens=estimate_tokens("p" * 400) + MIN_COMPLETION_TOKENS - 1)
    with pytest.raises(BudgetSpent, match="tokens are used"):
        tight.before_call("p" * 400, 2048)
    assert tight.calls == 0 and tight.tokens == 0  # a refused call costs nothing


def test_a_failed_call_is_refunded_and_a_missing_usage_estimated() -> None:
    budget = Budget(max_tokens=5000)
    _, reserved = budget.before_call("p" * 40, 512)
    budget.refund(reserved)
    assert (budget.calls, budget.tokens) == (0, 0)
    _, reserved = budget.before_call("p" * 40, 512)
    budget.charge(reserved, None, estimate=estimate_tokens("p" * 40) + 30)
    assert budget.tokens == 40 and budget.estimated
    assert budget.describe() == "1 model call, about 40 tokens"


def test_the_scope_is_what_backends_charge() -> None:
    outside = current_budget()
    with budget_scope(Budget(max_calls=3)) as budget:
        assert current_budget() is budget
    assert current_budget() is not budget and current_budget().max_calls == 0
    assert outside.max_calls == 0
