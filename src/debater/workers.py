"""The threads that run a batch's calls, and how a run stops: Ctrl-C, SIGTERM, a stop flag.

Calls in flight are abandoned on Ctrl-C (daemon threads never hold up the exit; the rerun asks
them again, finished ones are cached), and no new call leaves once the run is stopping.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from types import FrameType
from typing import Any, ParamSpec, TypeVar

from debater.backends.base import Backend, Request, Response, WrapperBackend
from debater.errors import RunStoppingError

T = TypeVar("T")
P = ParamSpec("P")
Queued = tuple[Future[Any], Callable[[], Any]]  # a call waiting for a worker thread


class DaemonPool(Executor):
    """A fixed set of daemon worker threads: calls in flight never hold up the exit.

    ThreadPoolExecutor's threads are joined at interpreter exit, so after Ctrl-C the process
    would wait for every call in flight (a minute or more with a real model). Abandoned calls
    are simply asked again by the rerun; finished ones are already cached.
    """

    def __init__(self, workers: int) -> None:
        self._jobs: queue.SimpleQueue[Queued | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"debater-{i}", daemon=True)
            for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((future, functools.partial(fn, *args, **kwargs)))
        return future

    def _work(self) -> None:
        while (item := self._jobs.get()) is not None:
            future, call = item
            if not future.set_running_or_notify_cancel():
                continue  # cancelled while queued
            try:
                future.set_result(call())
            except BaseException as e:
                future.set_exception(e)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Let the workers end after the queued calls (or cancel those first)."""
        if cancel_futures:
            with contextlib.suppress(queue.Empty):
                while (item := self._jobs.get_nowait()) is not None:
                    item[0].cancel()
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


class Stopping(RunStoppingError):
    """The run is stopping: this call was not sent."""


class StopGate(WrapperBackend):
    """Lets calls through until `stopped` is set; then none leaves (whatever the note, a
    Ctrl-C stops the sending at once, even inside a long note's chain of chunks)."""

    def __init__(self, inner: Backend, stopped: threading.Event) -> None:
        super().__init__(inner)
        self.stopped = stopped

    def complete(self, request: Request) -> Response:
        if self.stopped.is_set():
            raise Stopping("interrupted")
        return self.inner.complete(request)

    def stream(self, request: Request) -> Iterator[str]:
        if self.stopped.is_set():
            raise Stopping("interrupted")
        return self.inner.stream(request)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Handle a signal as Ctrl-C: through asyncio's SIGINT handler if one is installed."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:  # SIGINT ignored (a background job) or not Python's
        raise KeyboardInterrupt


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops a run the way Ctrl-C does: promptly, with a summary, nothing half-written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
