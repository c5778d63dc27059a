"""The offline backend: deterministic answers, a real stance heuristic, labelled placeholders."""

from debater.backends.mock.backend import MockBackend

__all__ = ["MockBackend"]
