"""The `openai` backend: candidates from any OpenAI-compatible server over HTTP.

vLLM, TGI, llama.cpp's server, Ollama and hosted APIs all speak this protocol; this is how
PIE's fine-tuned CodeLlama checkpoints (`LearningOpt/pie-*`, plain completions) or a general
instruction model (chat) are used. One `generate` call asks for k samples: with `n` in one
request where the server honours it, topped up with parallel single requests where it
returns fewer (`sampling.sample_each`). 429 and 5xx answers are retried with exponential
backoff, honouring Retry-After. Every way the server can fail becomes a `ModelError`
naming the fix; turning completions into candidates and rejections is
`sampling.SamplingBackend`'s.

Each `generate` uses its own httpx client: cancelling the task closes its connections.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import os
import time
from typing import Any, Self

import httpx

from pie_lsp.errors import ModelError
from pie_lsp.models.base import Progress
from pie_lsp.models.budget import current_budget, estimate_tokens
from pie_lsp.models.prompts import Prompt, build_prompt, prompt_digest
from pie_lsp.models.sampling import Completion, Sampled, SamplingBackend, sample_each
from pie_lsp.program import Program
from pie_lsp.settings import ModelSettings, OpenAIApi, OpenAISettings, Settings

_RETRY_STATUS = frozenset({408, 409, 425, 429})
_FIRST_BACKOFF = 0.5  # seconds; doubles with each retry
_MAX_WAIT = 60.0  # a server asking for a longer wait is reported, not waited for
_MAX_PARALLEL = 8  # concurrent requests when the server does not honour `n`


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _server_message(response: httpx.Response) -> str:
    """The error text a server put in its body ({"error": {"message": ...}} and kin)."""
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if isinstance(data, dict):
        error = data.get("error", data.get("detail", data.get("message")))
        if isinstance(error, dict):
            error = error.get("message", error)
        if error:
            return str(error)[:300]
    return json.dumps(data)[:300]


class OpenAIBackend(SamplingBackend):
    """Samples rewrites from an OpenAI-compatible server."""

    name = "openai"
    limit_hint = ": raise pie.model.openai.max_tokens"

    def __init__(self, model: ModelSettings) -> None:
        """A backend with its own settings, `pie.model` (`openai` and `prompt` of it)."""
        self.model = model
        self.config: OpenAISettings = model.openai

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """The backend with its part of a whole settings tree."""
        return cls(settings.model)

    # -- configuration --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.config.url.rstrip("/")

    @property
    def endpoint(self) -> str:
        return "/chat/completions" if self.config.api == "chat" else "/completions"

    def config_digest(self) -> str:
        c = self.config
        # never the API key or headers: secrets do not belong in cache keys
        parts = [
            self.base_url,
            c.model,
            c.api,
            repr(c.temperature),
            str(c.max_tokens),
            prompt_digest(self.model.prompt, c.api, c.model),
        ]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        key = os.environ.get(self.config.api_key_env, "") if self.config.api_key_env else ""
        if key:
            headers["Authorization"] = f"Bearer {key}"
        headers.update(self.config.headers)
        return headers

    def client(self) -> httpx.AsyncClient:
        """A client for one job (closed when the job ends or is cancelled)."""
        timeout = httpx.Timeout(self.config.timeout, connect=min(10.0, self.config.timeout))
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers=self._headers(),
            timeout=timeout,
            limits=httpx.Limits(max_connections=_MAX_PARALLEL),
            trust_env=False,
        )

    def _require_model(self) -> None:
        if not self.config.model:
            raise ModelError(
                "no model name is set for the openai backend",
                hint="set pie.model.openai.model (or pass --model-name) to a model the "
                f"server at {self.base_url} serves",
            )

    # -- HTTP -------------------------------------------------------------------------------
    async def _request(
        self, client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None
    ) -> httpx.Response:
        """One request with retries on 429/5xx and dropped connections."""
        url = f"{self.base_url}{path}"
        attempts = max(0, self.config.retries) + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                async with asyncio.timeout(self.config.timeout):
                    response = await client.request(method, path, json=body)
            except httpx.ConnectError as exc:
                raise ModelError(
                    f"cannot connect to the model server at {self.base_url}: {exc or 'refused'}",
                    hint="start the server (see model/README.md) or fix pie.model.openai.url "
                    "/ --model-url",
                ) from exc
            except (TimeoutError, httpx.TimeoutException) as exc:
                raise ModelError(
                    f"the model server at {self.base_url} did not answer within "
                    f"{self.config.timeout:g} s",
                    hint="raise pie.model.openai.timeout, lower pie.model.openai.max_tokens or "
                    "pie.model.samples, or check the server's load",
                ) from exc
            except httpx.TransportError as exc:
                if last:
                    raise ModelError(
                        f"the connection to {url} failed: {exc!r}",
                        hint="check that the server is healthy and reachable",
                    ) from exc
                await asyncio.sleep(_FIRST_BACKOFF * 2**attempt)
                continue
            status = response.status_code
            if status in _RETRY_STATUS or status >= 500:
                asked = _retry_after(response.headers.get("retry-after"))
                if asked is not None and asked > _MAX_WAIT:
                    raise ModelError(
                        f"the model server at {self.base_url} is rate-limiting: it asks to "
                        f"wait {asked:.0f} s (HTTP {status})",
                        hint="try again later, or lower pie.model.samples",
                    )
                if not last:
                    await asyncio.sleep(asked if asked is not None else _FIRST_BACKOFF * 2**attempt)
                    continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post(self, client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
        """One completion request, within the optimization's model budget (see budget.py):
        its completions capped to the tokens left, the tokens it used charged."""
        budget = current_budget()
        prompt = body.get("prompt") or "".join(
            str(m.get("content", "")) for m in body.get("messages", [])
        )
        cap, reserved = budget.before_call(str(prompt), int(body["max_tokens"]), body.get("n", 1))
        body = {**body, "max_tokens": cap}
        try:
            data = await self._post_once(client, body)
        except BaseException:
            budget.refund(reserved)
            raise
        usage = data.get("usage")
        used = usage.get("total_tokens") if isinstance(usage, dict) else None
        texts = "".join(c.text for c in self._choices(data))
        budget.charge(
            reserved,
            used if isinstance(used, int) and used >= 0 else None,
            estimate_tokens(str(prompt)) + estimate_tokens(texts),
        )
        return data

    async def _post_once(self, client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
        response = await self._request(client, "POST", self.endpoint, body)
        await self._raise_for_status(client, response)
        try:
            data = response.json()
        except ValueError as exc:
            raise ModelError(
                f"the model server at {self.base_url} answered {self.endpoint} with malformed "
                f"JSON: {response.text[:120]!r}",
                hint="check that pie.model.openai.url points at an OpenAI-compatible server (…/v1)",
            ) from exc
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            message = _server_message(response)
            raise ModelError(
                f"the model server's answer has no choices: {message}",
                hint="check that the server is OpenAI-compatible and the request is valid",
            )
        return data

    async def _raise_for_status(self, client: httpx.AsyncClient, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        message = _server_message(response)
        where = f"the model server at {self.base_url}"
        if status in (401, 403):
            raise ModelError(
                f"{where} refused the request (HTTP {status}: {message})", hint=self._key_hint()
            )
        if status == 404:
            raise await self._explain_404(client, message)
        if status in _RETRY_STATUS or status >= 500:
            raise ModelError(
                f"{where} failed after {self.config.retries} retries (HTTP {status}: {message})",
                hint="check the server's log; raise pie.model.openai.retries for a flaky server",
            )
        raise ModelError(
            f"{where} rejected the request (HTTP {status}: {message})",
            hint="if the prompt is too long for the model's context, lower "
            "pie.model.openai.max_tokens or pie.model.prompt.few_shot",
        )

    async def list_models(self, client: httpx.AsyncClient) -> list[str]:
        """The model ids the server lists at /models."""
        response = await self._request(client, "GET", "/models", None)
        if response.status_code >= 400:
            raise self._models_error(response)
        try:
            data = response.json()
            return [str(item["id"]) for item in data["data"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"{self.base_url}/models is not an OpenAI model list: {response.text[:120]!r}",
                hint="point pie.model.openai.url at the server's OpenAI-compatible …/v1 URL",
            ) from exc

    def _key_hint(self) -> str:
        env = self.config.api_key_env
        if not env:
            return "set pie.model.openai.api_key_env to the name of a variable holding the key"
        if os.environ.get(env):
            return f"the API key in ${env} was not accepted: check it"
        return f"set the environment variable {env} to your API key"

    def _models_error(self, response: httpx.Response) -> ModelError:
        status = response.status_code
        message = _server_message(response)
        if status in (401, 403):
            return ModelError(
                f"the model server at {self.base_url} refused the request (HTTP {status}: "
                f"{message})",
                hint=self._key_hint(),
            )
        return ModelError(
            f"{self.base_url}/models answered HTTP {status}: {message}",
            hint="point pie.model.openai.url at the server's OpenAI-compatible …/v1 URL",
        )

    async def _explain_404(self, client: httpx.AsyncClient, message: str) -> ModelError:
        """A 404 means a wrong model name, a wrong URL or an API the server lacks: ask the
        server's model list which one."""
        try:
            models = await self.list_models(client)
        except ModelError:
            return ModelError(
                f"{self.base_url}{self.endpoint} does not exist (HTTP 404: {message})",
                hint="pie.model.openai.url must be the server's OpenAI-compatible base URL, "
                "ending in /v1 (e.g. http://127.0.0.1:8000/v1)",
            )
        model = self.config.model
        if model not in models:
            listed = ", ".join(models[:10]) or "none"
            return ModelError(
                f"the model server at {self.base_url} does not serve model {model!r} "
                f"(it serves: {listed})",
                hint="set pie.model.openai.model / --model-name to one of those",
            )
        other = "completions" if self.config.api == "chat" else "chat"
        return ModelError(
            f"the model server at {self.base_url} serves {model!r} but not "
            f"{self.endpoint} (HTTP 404: {message})",
            hint=f"set pie.model.openai.api = {other!r}",
        )

    # -- sampling ---------------------------------------------------------------------------
    def _body(self, prompt: Prompt, n: int) -> dict[str, Any]:
        c = self.config
        body: dict[str, Any] = {
            "model": c.model,
            "temperature": c.temperature,
            "max_tokens": c.max_tokens,
        }
        if n > 1:
            body["n"] = n
        if c.api == "chat":
            body["messages"] = prompt.messages()
        else:
            body["prompt"] = prompt.text
        if prompt.stop:
            body["stop"] = list(prompt.stop[:4])
        return body

    def _choices(self, data: dict[str, Any]) -> list[Completion]:
        choices = [c for c in data["choices"] if isinstance(c, dict)]
        choices.sort(key=lambda c: c.get("index", 0) if isinstance(c.get("index"), int) else 0)
        out: list[Completion] = []
        for choice in choices:
            if self.config.api == "chat":
                message = choice.get("message")
                text = message.get("content") if isinstance(message, dict) else None
            else:
                text = choice.get("text")
            reason = choice.get("finish_reason")
            out.append(
                Completion(
                    text if isinstance(text, str) else "",
                    reason if isinstance(reason, str) else None,
                )
            )
        return out

    @property
    def source(self) -> str:
        return self.config.model

    def prompt_api(self) -> OpenAIApi:
        return self.config.api

    def prompt_for(self, program: Program) -> Prompt:
        self._require_model()
        return build_prompt(program.text, self.model.prompt, self.config.api, self.config.model)

    async def sample(self, prompt: Prompt, samples: int, progress: Progress) -> Sampled:
        """`samples` completions (fewer only when some requests failed), and notes."""
        progress(f"Asking {self.config.model} for {samples} samples ({prompt.template} prompt)…")
        async with self.client() as client:
            return await self._sample(client, prompt, samples, progress)

    async def _sample(
        self, client: httpx.AsyncClient, prompt: Prompt, samples: int, progress: Progress
    ) -> Sampled:
        notes: list[str] = []
        got: list[Completion] = []
        if self.config.use_n and samples > 1:
            got = self._choices(await self._post(client, self._body(prompt, samples)))[:samples]
            if len(got) < samples:
                notes.append(
                    f"the server returned {len(got)} of {samples} samples for n={samples}; "
                    "the rest were asked for one by one (set pie.model.openai.use_n = false "
                    "for this server)"
                )
            progress(f"{len(got)}/{samples} samples from {self.config.model}")
        missing = samples - len(got)
        if missing <= 0:
            return Sampled(got, notes)
        done = len(got)

        async def one(_: int) -> list[Completion]:
            nonlocal done
            data = await self._post(client, self._body(prompt, 1))
            done += 1
            progress(f"{done}/{samples} samples from {self.config.model}")
            return self._choices(data)[:1]

        # servers that ignore `n` are topped up with single requests, a few at a time
        topped = await sample_each(one, missing, parallel=_MAX_PARALLEL, got=got)
        return Sampled(topped.completions, [*notes, *topped.notes])

    # -- doctor -----------------------------------------------------------------------------
    async def check(self) -> str:
        """What `pie-lsp doctor` reports: the server answers and lists the model.
        Raises ModelError otherwise."""
        self._require_model()
        async with self.client() as client:
            models = await self.list_models(client)
        if self.config.model not in models:
            listed = ", ".join(models[:10]) or "none"
            raise ModelError(
                f"{self.base_url} does not serve {self.config.model!r} (it serves: {listed})",
                hint="set pie.model.openai.model to one of those",
            )
        return f"{self.base_url} serves {self.config.model} ({self.config.api} API)"
