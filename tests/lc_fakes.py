"""LangChain fake chat models, loaded by tests through the same `module:Class` spec users pass."""

from __future__ import annotations

from typing import Any

from langchain_core import exceptions as lc
from langchain_core.language_models import FakeMessagesListChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import Field

ERRORS: dict[str, type[lc.ModelError]] = {
    "auth": lc.ModelAuthenticationError,
    "not_found": lc.ModelNotFoundError,
    "rate_limit": lc.ModelRateLimitError,
    "context": lc.ContextOverflowError,
    "connection": lc.ModelConnectionError,
    "refusal": lc.ModelRefusalError,
}


class ToolFake(FakeMessagesListChatModel):
    """Canned AI messages, with the `bind_tools` that `with_structured_output` needs."""

    def bind_tools(self, tools: Any, *, tool_choice: Any = None, **kwargs: Any) -> Any:
        return self.bind(tools=tools, tool_choice=tool_choice, **kwargs)


class FailingFake(ToolFake):
    """Raises LangChain's provider-neutral `error` kind with `message` on every call."""

    error: str = "auth"
    message: str = "failed"
    responses: list[BaseMessage] = Field(default_factory=list)

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        raise ERRORS[self.error](self.message)


class NotAChatModel:
    """Something a user might name by mistake."""
