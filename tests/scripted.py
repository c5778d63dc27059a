"""A backend that answers from a script and remembers what it was asked."""

from __future__ import annotations

import threading

from debater.backends.base import Backend, BackendOptions, Request, Response


class ScriptedBackend(Backend):
    name = "scripted"
    default_model = "scripted-1"

    def __init__(
        self, options: BackendOptions | None = None, answers: list[Response] | None = None
    ):
        self.model = (options.model if options else None) or self.default_model
        self.answers = list(answers or [])
        self.history: list[Request] = []
        self._lock = threading.Lock()

    def enqueue(self, *answers: Response) -> None:
        self.answers.extend(answers)

    def complete(self, request: Request) -> Response:
        with self._lock:
            self.history.append(request)
            return self.answers.pop(0)
