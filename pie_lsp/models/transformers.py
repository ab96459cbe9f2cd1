"""The `transformers` backend: candidates sampled from a local checkpoint directory.

For running a PIE checkpoint (or any causal LM) without a server. The checkpoint is
loaded once per backend from a directory with `local_files_only=True`: nothing is ever
downloaded. torch and transformers are imported only when the backend is used, so the
base install stays light (`pip install torch==2.13.0 'pie-lsp[transformers]'` adds them).

Generation runs in a worker thread, one sample at a time; cancelling the task stops the
sample being generated at its next token (a stopping criterion watches a flag) and starts
no more. Turning samples into candidates and rejections is `sampling.SamplingBackend`'s.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from attrs import frozen

from pie_lsp.errors import ModelError
from pie_lsp.models.base import Progress
from pie_lsp.models.budget import current_budget, estimate_tokens
from pie_lsp.models.prompts import Prompt, build_prompt, prompt_digest
from pie_lsp.models.sampling import Completion, Sampled, SamplingBackend, sample_each
from pie_lsp.program import Program
from pie_lsp.settings import ModelSettings, Settings, TransformersSettings

INSTALL_HINT = "pip install torch==2.13.0 'pie-lsp[transformers]'"
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")


def import_libraries() -> tuple[Any, Any]:
    """(torch, transformers), or a ModelError that says how to install them."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ModelError(
            f"the transformers backend needs torch and transformers ({exc})",
            hint=f"install them: {INSTALL_HINT}",
        ) from exc
    # progress bars would write to the terminal (or an LSP client's stderr log)
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    return torch, transformers


def checkpoint_dir(config: TransformersSettings) -> Path:
    """The configured checkpoint directory, checked to look like one."""
    if not config.path:
        raise ModelError(
            "no checkpoint directory is set for the transformers backend",
            hint="set pie.model.transformers.path (or pass --model-path) to a local "
            "checkpoint directory with config.json, weights and tokenizer",
        )
    path = Path(config.path).expanduser()
    if not path.is_dir():
        raise ModelError(
            f"checkpoint directory {path} does not exist",
            hint="set pie.model.transformers.path to a local checkpoint directory "
            "(it is never downloaded; see model/README.md)",
        )
    config_file = path / "config.json"
    if not config_file.is_file():
        raise ModelError(
            f"{path} is not a checkpoint directory (no config.json)",
            hint="point pie.model.transformers.path at the folder holding config.json, "
            "the weights and the tokenizer files",
        )
    try:
        json.loads(config_file.read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"{config_file} is not valid JSON: {exc}", hint="re-copy the checkpoint"
        ) from exc
    if not any(p.suffix in _WEIGHT_SUFFIXES for p in path.iterdir()):
        raise ModelError(
            f"{path} has a config.json but no weights (*.safetensors or *.bin)",
            hint="copy the checkpoint's weight files into the directory",
        )
    return path


@frozen
class Sample:
    text: str
    finish_reason: str  # "stop" (end of text or a stop string) | "length" | "cancelled"
    new_tokens: int


class _Loaded:
    """A model and tokenizer in memory, and the device they run on."""

    def __init__(self, torch: Any, model: Any, tokenizer: Any, device: str) -> None:
        self.torch = torch
        self.model = model
        self.tokenizer = tokenizer
        self.device = device


class TransformersBackend(SamplingBackend):
    """Samples rewrites from a local causal language model."""

    name = "transformers"
    limit_hint = ": raise pie.model.transformers.max_new_tokens"

    def __init__(self, model: ModelSettings) -> None:
        """A backend with its own settings, `pie.model` (`transformers` and `prompt` of it)."""
        self.model = model
        self.config: TransformersSettings = model.transformers
        self._loaded: _Loaded | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """The backend with its part of a whole settings tree."""
        return cls(settings.model)

    def config_digest(self) -> str:
        c = self.config
        parts = [
            str(Path(c.path).expanduser().resolve()) if c.path else "",
            repr(c.temperature),
            str(c.max_new_tokens),
            prompt_digest(self.model.prompt, "completions", c.path),
        ]
        # a re-trained checkpoint in the same folder is a different model
        path = Path(c.path).expanduser() if c.path else None
        if path is not None and path.is_dir():
            for item in sorted(path.iterdir()):
                if item.is_file():
                    stat = item.stat()
                    parts.append(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}")
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    # -- loading ----------------------------------------------------------------------------
    def _device(self, torch: Any) -> str:
        wanted = self.config.device
        if wanted == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if wanted.startswith("cuda") and not torch.cuda.is_available():
            raise ModelError(
                f"pie.model.transformers.device is {wanted!r} but torch sees no CUDA GPU",
                hint="set pie.model.transformers.device = 'cpu' (or 'auto'), or install a "
                "CUDA build of torch",
            )
        return wanted

    def _load_sync(self) -> _Loaded:
        torch, transformers = import_libraries()
        path = checkpoint_dir(self.config)
        device = self._device(torch)
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = transformers.AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
        except Exception as exc:  # transformers raises many types for a bad checkpoint
            raise ModelError(
                f"cannot load the checkpoint in {path}: {type(exc).__name__}: {exc}",
                hint="check that the folder holds a complete causal-LM checkpoint "
                "(config.json, weights, tokenizer files) for this transformers version",
            ) from exc
        # half precision is poorly supported on CPUs
        if device == "cpu" and model.dtype == torch.float16:
            model = model.float()
        model.to(device)
        model.eval()
        return _Loaded(torch, model, tokenizer, device)

    async def load(self) -> _Loaded:
        """The model, loaded once (in a thread: it can take a while)."""
        async with self._lock:
            if self._loaded is None:
                self._loaded = await asyncio.to_thread(self._load_sync)
            return self._loaded

    # -- sampling ---------------------------------------------------------------------------
    def _sample_sync(
        self,
        loaded: _Loaded,
        prompt: str,
        stop: tuple[str, ...],
        cancel: threading.Event,
        max_new_tokens: int | None = None,
    ) -> Sample:
        torch, model, tokenizer = loaded.torch, loaded.model, loaded.tokenizer
        limit = max_new_tokens if max_new_tokens is not None else self.config.max_new_tokens
        encoded = tokenizer(prompt, return_tensors="pt").to(loaded.device)
        prompt_length = int(encoded["input_ids"].shape[1])
        stopped_by_string = False

        def should_stop(input_ids: Any, scores: Any, **_: Any) -> bool:
            nonlocal stopped_by_string
            if cancel.is_set():
                return True
            if stop:
                tail = tokenizer.decode(input_ids[0, prompt_length:][-24:])
                if any(marker in tail for marker in stop):
                    stopped_by_string = True
                    return True
            return False

        criteria = _criteria(should_stop)
        eos = tokenizer.eos_token_id
        with torch.inference_mode():
            output = model.generate(
                **encoded,
                do_sample=self.config.temperature > 0,
                temperature=self.config.temperature if self.config.temperature > 0 else None,
                max_new_tokens=limit,
                stopping_criteria=criteria,
                pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos,
            )
        new = output[0, prompt_length:]
        count = int(new.shape[0])
        text = tokenizer.decode(new, skip_special_tokens=True)
        if cancel.is_set():
            reason = "cancelled"
        elif stopped_by_string or (count and eos is not None and int(new[-1]) == eos):
            reason = "stop"
        else:
            reason = "length" if count >= limit else "stop"
        return Sample(text, reason, count)

    async def _sample(
        self,
        loaded: _Loaded,
        prompt: str,
        stop: tuple[str, ...],
        max_new_tokens: int | None = None,
    ) -> Sample:
        cancel = threading.Event()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(
            None, self._sample_sync, loaded, prompt, stop, cancel, max_new_tokens
        )
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            # stop the thread at its next token and let it finish before going on
            cancel.set()
            await asyncio.wait([future], timeout=30)
            raise

    @property
    def source(self) -> str:
        return Path(self.config.path).name

    def prompt_for(self, program: Program) -> Prompt:
        return build_prompt(program.text, self.model.prompt, "completions", self.config.path)

    async def sample(self, prompt: Prompt, samples: int, progress: Progress) -> Sampled:
        progress(f"Loading the checkpoint {self.config.path}…")
        loaded = await self.load()

        async def one(index: int) -> list[Completion]:
            progress(f"Sampling {index + 1}/{samples} on {loaded.device}…")
            # within the optimization's model budget (budget.py): one call per sample
            budget = current_budget()
            cap, reserved = budget.before_call(prompt.text, self.config.max_new_tokens)
            try:
                sample = await self._sample(loaded, prompt.text, prompt.stop, cap)
            except BaseException:
                budget.refund(reserved)
                raise
            budget.charge(reserved, None, estimate_tokens(prompt.text) + sample.new_tokens)
            return [Completion(sample.text, sample.finish_reason)]

        # one at a time: the model uses every core already
        return await sample_each(one, samples)

    async def aclose(self) -> None:
        self._loaded = None

    # -- doctor -----------------------------------------------------------------------------
    def check(self) -> str:
        """What `pie-lsp doctor` reports: the directory looks like a checkpoint and the
        libraries import. Raises ModelError otherwise (never loads the weights)."""
        path = checkpoint_dir(self.config)
        torch, transformers = import_libraries()
        device = self._device(torch)
        return (
            f"{path} (torch {torch.__version__}, transformers {transformers.__version__}, {device})"
        )


def _criteria(should_stop: Callable[..., bool]) -> Any:
    """A transformers StoppingCriteriaList calling `should_stop` after every token."""
    from transformers import StoppingCriteria, StoppingCriteriaList

    class _Stop(StoppingCriteria):  # type: ignore[misc]
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
            return should_stop(input_ids, scores, **kwargs)

    return StoppingCriteriaList([_Stop()])
