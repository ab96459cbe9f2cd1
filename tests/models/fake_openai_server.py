"""TEST DOUBLE: a scripted OpenAI-compatible server on loopback.

No real LLM can run in the test suite, so this stands in for vLLM / TGI / llama.cpp /
Ollama: a real HTTP/1.1 server (stdlib `ThreadingHTTPServer` on 127.0.0.1, real sockets)
that answers `/v1/completions`, `/v1/chat/completions` and `/v1/models` with scripted
replies chosen by the request's model name (`by_content`: by what the request asks, as a
model shown execution feedback would answer). It records every request, and notices when a
client hangs up while a reply is being delayed (how the cancellation tests see that the
connection was closed).
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from attrs import define, field


@define
class Reply:
    """What the server answers to one request."""

    status: int = 200
    body: Any = None  # JSON-serialisable, sent as JSON
    raw: bytes | None = None  # sent as-is instead of `body` (malformed answers)
    headers: dict[str, str] = field(factory=dict)
    delay: float = 0.0  # seconds to wait before answering


@define
class Request:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


# A script gets how many requests this model had before this one, and the request body.
Script = Callable[[int, dict[str, Any]], Reply]


def completion(
    texts: Sequence[str], finish: Sequence[str | None] | None = None, *, chat: bool = False
) -> dict[str, Any]:
    """An OpenAI completion (or chat completion) answer with one choice per text."""
    reasons = list(finish) if finish is not None else ["stop"] * len(texts)
    choices: list[dict[str, Any]] = []
    for index, (text, reason) in enumerate(zip(texts, reasons, strict=True)):
        choice: dict[str, Any] = {"index": index, "finish_reason": reason}
        if chat:
            choice["message"] = {"role": "assistant", "content": text}
        else:
            choice["text"] = text
        choices.append(choice)
    return {
        "id": "cmpl-test",
        "object": "chat.completion" if chat else "text_completion",
        "created": 0,
        "model": "scripted",
        "choices": choices,
    }


def tokens(text: str) -> int:
    """The test double's tokenizer: 4 characters a token, rounded up."""
    return (len(text) + 3) // 4


def asked(body: dict[str, Any]) -> str:
    """What the model is asked now: the completion prompt, or the last user message."""
    if "messages" in body:
        users = [m for m in body["messages"] if m.get("role") == "user"]
        return str(users[-1]["content"]) if users else ""
    return str(body.get("prompt", ""))


def conversation(body: dict[str, Any]) -> str:
    """Every text of the request (a chat's turns joined), as the test double counts it."""
    if "messages" in body:
        return "".join(str(m.get("content", "")) for m in body["messages"])
    return str(body.get("prompt", ""))


def by_content(
    rules: Sequence[tuple[Sequence[str], str]],
    default: str,
    gate: Callable[[int, dict[str, Any]], None] | None = None,
) -> Script:
    """A model whose answer depends on what it is asked (the prompt, or a chat's last user
    turn): the text of the first rule whose strings all occur in it, else `default`; `n`
    copies for `n`. Like a real server it reports `usage` (4 characters a token) and cuts
    an answer longer than the request's `max_tokens` ("length"). `gate(seen, body)`, when
    given, runs first: a test holds a request there until it has seen what it waits for."""

    def script(seen: int, body: dict[str, Any]) -> Reply:
        if gate is not None:
            gate(seen, body)
        question = asked(body)
        text = next((t for needles, t in rules if all(n in question for n in needles)), default)
        limit = int(body.get("max_tokens", 1 << 30))
        finish = "stop"
        if tokens(text) > limit:
            text, finish = text[: 4 * limit], "length"
        n = int(body.get("n", 1))
        data = completion([text] * n, [finish] * n, chat="messages" in body)
        prompt_tokens = tokens(conversation(body))
        data["usage"] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": n * tokens(text),
            "total_tokens": prompt_tokens + n * tokens(text),
        }
        return Reply(body=data)

    return script


def answers(*texts: str, finish: Sequence[str | None] | None = None) -> Script:
    """A script returning `texts` as the choices of every request, whatever `n` is."""

    def script(_: int, body: dict[str, Any]) -> Reply:
        chat = "messages" in body
        return Reply(body=completion(texts, finish, chat=chat))

    return script


def cycle(*texts: str) -> Script:
    """A script honouring `n`: each request gets the next `n` texts, round-robin."""
    position = 0
    lock = threading.Lock()

    def script(_: int, body: dict[str, Any]) -> Reply:
        nonlocal position
        n = int(body.get("n", 1))
        with lock:
            chosen = [texts[(position + i) % len(texts)] for i in range(n)]
            position += n
        return Reply(body=completion(chosen, chat="messages" in body))

    return script


class FakeOpenAIServer:
    """TEST DOUBLE of an OpenAI-compatible model server (see the module docstring).

    `models` maps a model name to its script. `api_key`, when set, must arrive as
    `Authorization: Bearer <key>`. Models in `chat_only` answer 404 on /v1/completions.
    """

    def __init__(
        self,
        models: dict[str, Script],
        *,
        api_key: str | None = None,
        chat_only: Sequence[str] = (),
    ) -> None:
        self.models = models
        self.api_key = api_key
        self.chat_only = set(chat_only)
        self.requests: list[Request] = []
        self.counts: dict[str, int] = {}
        self.disconnected = threading.Event()  # a client hung up during a delayed reply
        self.delaying = threading.Event()  # a delayed reply is waiting now
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        # shutdown() waits for serve_forever(), so it would hang on a server never started
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(5)
        self._httpd.server_close()

    def posts(self, model: str | None = None) -> list[Request]:
        return [
            r
            for r in self.requests
            if r.method == "POST" and (model is None or r.body.get("model") == model)
        ]

    # -- request handling ----------------------------------------------------------------
    def _reply_for(self, method: str, path: str, headers: dict[str, str], body: Any) -> Reply:
        with self._lock:
            self.requests.append(Request(method, path, headers, body))
        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            return Reply(401, {"error": {"message": "Incorrect API key provided"}})
        if method == "GET" and path == "/v1/models":
            data = [{"id": name, "object": "model", "owned_by": "test"} for name in self.models]
            return Reply(body={"object": "list", "data": data})
        if method != "POST" or path not in ("/v1/completions", "/v1/chat/completions"):
            return Reply(404, {"detail": "Not Found"})
        if not isinstance(body, dict):
            return Reply(400, {"error": {"message": "body must be a JSON object"}})
        model = str(body.get("model"))
        if model not in self.models:
            return Reply(404, {"error": {"message": f"The model `{model}` does not exist."}})
        if path == "/v1/completions" and model in self.chat_only:
            return Reply(404, {"error": {"message": "completions are not supported"}})
        with self._lock:
            seen = self.counts.get(model, 0)
            self.counts[model] = seen + 1
        return self.models[model](seen, body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = server._reply_for(method, self.path, headers, body)
                if reply.delay and not self._wait(reply.delay):
                    return
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _wait(self, seconds: float) -> bool:
                """Wait, watching the socket: False if the client hung up meanwhile."""
                server.delaying.set()
                deadline = time.monotonic() + seconds
                try:
                    while time.monotonic() < deadline:
                        readable, _, _ = select.select([self.connection], [], [], 0.02)
                        if readable:
                            try:
                                peek = self.connection.recv(1, socket.MSG_PEEK)
                            except OSError:
                                peek = b""
                            if not peek:
                                server.disconnected.set()
                                self.close_connection = True
                                return False
                    return True
                finally:
                    server.delaying.clear()

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

        return Handler


@contextmanager
def serving(
    models: dict[str, Script], *, api_key: str | None = None, chat_only: Sequence[str] = ()
) -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer(models, api_key=api_key, chat_only=chat_only).start()
    try:
        yield server
    finally:
        server.stop()
