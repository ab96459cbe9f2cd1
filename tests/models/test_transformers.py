"""The `transformers` backend with a real (tiny) causal LM built offline in the test.

The checkpoint is made here: a byte-level BPE tokenizer trained with `tokenizers` on a few
C++ lines, and a 1-layer GPT-2 with random weights, saved with `save_pretrained`. Nothing
comes from a hub. Random weights write no program, so every sample must be rejected by the
completion parser with a reason, and the pipeline must report "not-optimized", never fail.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch  # scripts/setup.sh --dev installs torch==2.13.0 (CPU) and the transformers extra
import transformers

from pie_lsp.errors import ModelError
from pie_lsp.models import transformers as transformers_backend
from pie_lsp.models.budget import Budget, budget_scope
from pie_lsp.models.transformers import TransformersBackend
from pie_lsp.program import Program
from pie_lsp.settings import Settings

from ..conftest import DOUBLER

TRAINING_TEXT = [
    DOUBLER,
    "This is a slow program we want to optimize 10/10. ### Program:\n",
    "### Optimized Version with score 10/10:\n",
    "ios::sync_with_stdio(false); cin.tie(nullptr);\n",
]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete causal-LM checkpoint directory: config, safetensors weights, tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    folder = tmp_path_factory.mktemp("tiny-lm")
    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    raw.train_from_iterator(TRAINING_TEXT, trainer)
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=raw, eos_token="<|endoftext|>", pad_token="<|endoftext|>"
    )
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = transformers.GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=2048,
        n_embd=32,
        n_layer=1,
        n_head=2,
        # no end-of-text token: generation runs to max_new_tokens, so its length is known
        eos_token_id=None,
        bos_token_id=None,
    )
    transformers.GPT2LMHeadModel(config).save_pretrained(folder)
    assert (folder / "model.safetensors").is_file()
    return folder


def settings_for(path: Path | str, **transformers_settings: object) -> Settings:
    settings = Settings()
    settings.model.backend = "transformers"
    settings.model.transformers.path = str(path)
    settings.model.transformers.device = "cpu"
    settings.model.transformers.max_new_tokens = 48
    for key, value in transformers_settings.items():
        setattr(settings.model.transformers, key, value)
    return settings


def program() -> Program:
    return Program.from_text(Path("doubler.cpp"), DOUBLER)


async def test_samples_k_candidates_from_a_local_checkpoint(checkpoint: Path) -> None:
    backend = TransformersBackend.from_settings(settings_for(checkpoint))
    said: list[str] = []
    generation = await backend.generate(program(), 3, said.append)
    # random weights write no C++ program: every sample is rejected, each with its reason
    assert generation.candidates == []
    assert [r.origin for r in generation.rejected] == [f"transformers:sample-{i}" for i in range(3)]
    assert all(r.reason for r in generation.rejected)
    # 48 new tokens, no end of text: the parser is told the completion was cut off
    assert any("max_new_tokens" in r.reason for r in generation.rejected), generation.rejected
    assert said[0].startswith("Loading the checkpoint")
    assert said[1:] == [f"Sampling {i}/3 on cpu…" for i in (1, 2, 3)]
    await backend.aclose()


async def test_samples_count_against_the_model_budget(checkpoint: Path) -> None:
    backend = TransformersBackend.from_settings(settings_for(checkpoint))
    with budget_scope(Budget(max_calls=2)) as budget:
        generation = await backend.generate(program(), 3, lambda _: None)
    # two samples made, the third refused with the setting that allows more
    assert len(generation.rejected) == 2 and budget.calls == 2
    assert any("model budget" in n and "max_calls" in n for n in generation.notes)
    assert budget.tokens >= 2 * 48 and budget.estimated  # 48 new tokens each, and the prompt
    with budget_scope(Budget(max_tokens=10)), pytest.raises(ModelError, match="model budget"):
        await backend.generate(program(), 1, lambda _: None)
    await backend.aclose()


async def test_greedy_sampling_is_deterministic(checkpoint: Path) -> None:
    backend = TransformersBackend.from_settings(settings_for(checkpoint, temperature=0.0))
    loaded = await backend.load()
    first = await backend._sample(loaded, "int main() {", ())
    second = await backend._sample(loaded, "int main() {", ())
    assert first == second
    assert first.new_tokens > 0 and first.finish_reason in ("length", "stop")


async def test_cancelling_stops_the_sampling_thread(
    checkpoint: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = TransformersBackend.from_settings(settings_for(checkpoint, max_new_tokens=100))
    loaded = await backend.load()
    whole = await backend._sample(loaded, DOUBLER, ())
    assert whole.new_tokens == 100 and whole.finish_reason == "length"

    # a sample 20x as long, cancelled once it is under way: every token passes the
    # stopping criterion, which is watched here (events, not timing)
    loop = asyncio.get_running_loop()
    under_way = asyncio.Event()
    tokens = 0
    first_stop: int | None = None
    criteria = transformers_backend._criteria

    def watched(should_stop: Callable[..., bool]) -> Any:
        def check(input_ids: Any, scores: Any, **kwargs: Any) -> bool:
            nonlocal tokens, first_stop
            tokens += 1
            if tokens == 10:
                loop.call_soon_threadsafe(under_way.set)
            stop = should_stop(input_ids, scores, **kwargs)
            if stop and first_stop is None:
                first_stop = tokens
            return stop

        return criteria(check)

    monkeypatch.setattr(transformers_backend, "_criteria", watched)
    backend.config.max_new_tokens = 2000 - len(DOUBLER)  # within the 2048 positions
    task = asyncio.ensure_future(backend._sample(loaded, DOUBLER, ()))
    await under_way.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # the criterion saw the flag and generation ended at that very token, far from the limit
    assert first_stop is not None and tokens == first_stop
    assert tokens < backend.config.max_new_tokens // 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: root / "missing", "does not exist"),
        (lambda root: root, "no config.json"),
    ],
)
async def test_bad_checkpoint_directories_are_explained(
    tmp_path: Path, make: object, message: str
) -> None:
    target = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ModelError) as caught:
        await TransformersBackend.from_settings(settings_for(target)).generate(
            program(), 1, lambda _: None
        )
    assert message in caught.value.message
    assert "pie.model.transformers.path" in caught.value.hint


async def test_a_config_without_weights_is_explained(checkpoint: Path, tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text((checkpoint / "config.json").read_text())
    with pytest.raises(ModelError, match="no weights"):
        await TransformersBackend.from_settings(settings_for(tmp_path)).generate(
            program(), 1, lambda _: None
        )


def test_no_directory_set_names_the_setting() -> None:
    with pytest.raises(ModelError) as caught:
        asyncio.run(
            TransformersBackend.from_settings(settings_for("")).generate(
                program(), 1, lambda _: None
            )
        )
    assert "--model-path" in caught.value.hint


def test_config_digest_changes_with_the_checkpoint(checkpoint: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for item in checkpoint.iterdir():
        (copy / item.name).write_bytes(item.read_bytes())
    before = TransformersBackend.from_settings(settings_for(copy)).config_digest()
    assert TransformersBackend.from_settings(settings_for(copy)).config_digest() == before
    assert (
        TransformersBackend.from_settings(settings_for(copy, temperature=0.2)).config_digest()
        != before
    )
    (copy / "model.safetensors").write_bytes((copy / "model.safetensors").read_bytes() + b"\0")
    assert TransformersBackend.from_settings(settings_for(copy)).config_digest() != before


@pytest.mark.slow
def test_cli_optimize_with_a_local_checkpoint_rejects_every_sample(
    checkpoint: Path, doubler: Path, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pie_lsp", "optimize", str(doubler), "--model", "transformers",
         "--model-path", str(checkpoint), "--samples", "2", "--simulator", "estimate",
         "--set", "model.transformers.max_new_tokens=32", "--set", "model.transformers.device=cpu",
         "--set", f"cache.dir={tmp_path / 'cache'}", "--json"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "not-optimized", result
    assert result["model"] == "transformers"
    assert result["tests_passed"] == result["tests_total"] == 2  # the original was verified
    origins = {c["origin"]: c for c in result["candidates"]}
    assert set(origins) == {"transformers:sample-0", "transformers:sample-1"}
    assert all(c["status"] == "rejected" and c["reason"] for c in origins.values())
    assert doubler.read_text() == DOUBLER
