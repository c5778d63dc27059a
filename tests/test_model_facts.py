"""The model table: families, cautious defaults, budgets with room for thinking, prices."""

from __future__ import annotations

from pathlib import Path

import pytest

from debater.errors import UsageError
from debater.llm.model_facts import THINKING_ROOM, facts_for, load_prices, price_for


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("claude-sonnet-5-5", "claude-sonnet-5-5"),
        ("claude-sonnet-5-5-20260928", "claude-sonnet-5-5"),
        ("anthropic/claude-opus-5-5", "claude-opus-5-5"),
        ("openai/gpt-5.5", "gpt-5.5"),
        ("gpt-5.4-mini", "gpt-5.4-mini"),
        ("gpt-5.9", "gpt-5"),
        ("o3-mini", "o3"),
        ("gpt-4o-mini", "gpt-4o"),
    ],
)
def test_a_model_id_finds_its_family(model: str, family: str) -> None:
    assert facts_for(model).family == family


def test_a_prefix_matches_only_at_a_word_boundary() -> None:
    assert facts_for("gpt-50").family == "defaults.local"
    assert facts_for("o3x").family == "defaults.local"


def test_the_newest_claude_models_cannot_be_forced_to_a_tool_or_given_a_temperature() -> None:
    for model in ("claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-1"):
        facts = facts_for(model)
        assert not facts.forced_tool_choice and not facts.temperature
        assert facts.thinking == "adaptive" and facts.cache_min_tokens == 512
    assert facts_for("claude-haiku-4-5").forced_tool_choice
    assert facts_for("claude-haiku-4-5").cache_min_tokens == 4096


def test_an_unknown_claude_gets_the_strictest_rules() -> None:
    facts = facts_for("claude-future-9", "anthropic")
    assert not facts.forced_tool_choice and not facts.temperature and facts.thinks
    assert facts.effort_levels == ()  # never send an effort it might reject


def test_reasoning_models_take_max_completion_tokens_and_no_temperature() -> None:
    for model in ("gpt-5.5", "o3", "gpt-5.4-mini"):
        facts = facts_for(model)
        assert facts.token_param == "max_completion_tokens" and not facts.temperature
    assert facts_for("gpt-4o").token_param == "max_tokens"
    assert facts_for("qwen2.5:7b").token_param == "max_tokens"


def test_the_budget_leaves_room_for_thinking() -> None:
    sonnet = facts_for("claude-sonnet-5-5")
    assert sonnet.output_budget(1536, "low") == 1536 + THINKING_ROOM["low"]
    # Without an effort the model thinks at its own default (high for Sonnet 5.5).
    assert sonnet.output_budget(1536, None) == 1536 + THINKING_ROOM["high"]
    assert facts_for("qwen2.5").output_budget(1536, "high") == 1536
    assert facts_for("gpt-4o").output_budget(100_000, None) == 16384  # capped at its limit


def test_effort_is_sent_only_where_the_api_takes_it() -> None:
    assert facts_for("claude-sonnet-5-5").effort_param("low") == "low"
    assert facts_for("claude-sonnet-4-5").effort_param("low") is None
    assert facts_for("qwen2.5").effort_param("high") is None


def test_prices_and_an_override(tmp_path: Path) -> None:
    prices, label = load_prices()
    assert "built-in" in label
    sonnet = price_for("claude-sonnet-5-5-20260928", prices)
    assert sonnet is not None and sonnet.cache_read == pytest.approx(sonnet.input / 10)
    override = tmp_path / "p.toml"
    override.write_text('date = "2027-01-01"\n[models."qwen2.5"]\ninput = 0.1\noutput = 0.2\n')
    prices, label = load_prices(override)
    assert "2027-01-01" in label and price_for("qwen2.5:7b", prices) is not None
    override.write_text('[models."x"]\ninput = "free"\n')
    with pytest.raises(UsageError, match="cannot read price table"):
        load_prices(override)
