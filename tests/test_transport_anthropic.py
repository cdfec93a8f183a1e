"""The Anthropic transport through the real SDK against a local Messages API server."""

from __future__ import annotations

import pytest

from fake_anthropic import (
    FakeAnthropic, Slow, StreamError, error, message, text_reply, tool_call, usage,
)
from spell_lsp.harness.transports import make_transport
from spell_lsp.harness.transports.anthropic import (
    LEAF_SYSTEM, PREFILL_USER, RETRY_NOTE, SUFFIX_TOOL, AnthropicTransport,
)
from spell_lsp.harness.transports.base import TransportError
from spell_lsp.harness.transports.cleanup import clean_response

MODEL = "claude-sonnet-4-6"
KEY = "sk-ant-test-0123456789abcdef"
CACHED = {"type": "ephemeral"}
PREFIX = '(quine completion (eval (do (quine prompt "Add 1 and 2.") \'(!extend) '


@pytest.fixture
def api():
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def make(api):
    def build(model: str = MODEL, **options) -> AnthropicTransport:
        options.setdefault("retry_delays", (0, 0))
        return AnthropicTransport(model, api_key=KEY, base_url=api.url, **options)
    return build


def user_blocks(request) -> list[dict]:
    return request.body["messages"][0]["content"]


def test_tool_call_reply_gives_the_suffix_usage_and_cost(api, make):
    api.reply(tool_call("(+ 1 2))))", text="Let me add.",
                        usage_=usage(input_tokens=1000, output_tokens=200, cache_read=3000,
                                     cache_write=400)))
    response = make().complete("main", 1, PREFIX, "SYSTEM TEXT")
    assert response.text == "(+ 1 2))))"          # text outside the tool call is dropped
    u = response.usage
    assert (u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens,
            u.retries) == (1000, 200, 3000, 400, 0)
    # Sonnet 4.6: $3 in, $15 out, $0.30 cache read, cache write 1.25 x input
    expected = (1000 * 3 + 200 * 15 + 3000 * 0.30 + 400 * 3 * 1.25) / 1e6
    assert u.cost_usd == pytest.approx(expected)
    assert u.duration_ms > 0


def test_request_shape_of_a_tool_call(api, make):
    api.reply(tool_call("1)))"))
    make().complete("main", 1, PREFIX, "SYSTEM TEXT")
    body = api.requests[0].body
    assert api.requests[0].path == "/v1/messages"
    assert body["model"] == MODEL and body["max_tokens"] == 8192
    assert body["stream"] is True
    assert body["system"] == [{"type": "text", "text": "SYSTEM TEXT", "cache_control": CACHED}]
    assert body["tools"] == [SUFFIX_TOOL]
    assert body["tool_choice"] == {"type": "any"}
    assert body["messages"] == [{"role": "user", "content": [
        {"type": "text", "text": PREFIX, "cache_control": CACHED}]}]
    assert "thinking" not in body


def test_streamed_tool_input_is_reassembled(api, make):
    suffix = '(think "Über \\"quoted\\" text; λ") \'(!call-now x (io/ls ".")))))\n' * 5
    api.reply(tool_call(suffix))
    assert make().complete("main", 1, PREFIX, "S").text == suffix


def test_an_extended_prefix_is_sent_as_two_cached_blocks(api, make):
    api.reply(tool_call("a"), tool_call("b"), tool_call("c"), tool_call("d"))
    transport = make()
    second = PREFIX + "(def x 1) '(!extend) "
    transport.complete("main", 1, PREFIX, "S")
    transport.complete("main", 2, second, "S")
    transport.complete("worker", 1, second, "S")            # another handle: no history
    transport.complete("main", 3, PREFIX + "(def y 2) ", "S")  # edited, not extended
    assert user_blocks(api.requests[0]) == [
        {"type": "text", "text": PREFIX, "cache_control": CACHED}]
    assert user_blocks(api.requests[1]) == [
        {"type": "text", "text": PREFIX, "cache_control": CACHED},
        {"type": "text", "text": "(def x 1) '(!extend) ", "cache_control": CACHED}]
    assert user_blocks(api.requests[2]) == [
        {"type": "text", "text": second, "cache_control": CACHED}]
    assert user_blocks(api.requests[3]) == [
        {"type": "text", "text": PREFIX + "(def y 2) ", "cache_control": CACHED}]


def test_an_unchanged_prefix_is_one_block(api, make):
    api.reply(tool_call("a"), tool_call("b"))
    transport = make()
    transport.complete("main", 1, PREFIX, "S")
    transport.complete("main", 2, PREFIX, "S")
    assert user_blocks(api.requests[1]) == [
        {"type": "text", "text": PREFIX, "cache_control": CACHED}]


@pytest.mark.parametrize("bad_reply, note", [
    (text_reply("I would add the numbers."), RETRY_NOTE),
    (tool_call("1)))", name="other_tool"), RETRY_NOTE),
    (tool_call("(+ 1", stop_reason="max_tokens"), RETRY_NOTE + ", max output tokens 8192"),
], ids=["no-tool-call", "wrong-tool", "cut-off"])
def test_an_unusable_reply_is_retried_with_the_harness_note(api, make, bad_reply, note):
    api.reply(bad_reply, tool_call("(+ 1 2))))"))
    response = make().complete("main", 1, PREFIX, "S")
    assert response.text == "(+ 1 2))))"
    assert response.usage.retries == 1
    assert response.usage.input_tokens == 20          # both attempts are billed
    first, second = api.requests
    assert user_blocks(first) == [{"type": "text", "text": PREFIX, "cache_control": CACHED}]
    assert user_blocks(second) == [
        {"type": "text", "text": PREFIX, "cache_control": CACHED},
        {"type": "text", "text": "\n" + note}]
    assert note.startswith(";; harness: your previous reply had no complete spell_suffix "
                           "call; reply again with one spell_suffix call")


def test_three_replies_without_a_tool_call_are_fatal(api, make):
    api.reply(*[text_reply("prose")] * 3)
    with pytest.raises(TransportError) as info:
        make().complete("main", 1, PREFIX, "S")
    assert str(info.value) == ("transport error: the reply had no complete spell_suffix "
                               "call (after 3 attempts)")
    assert len(api.requests) == 3


@pytest.mark.parametrize("failure", [
    error(429, "rate_limit_error", "Number of requests has exceeded your rate limit",
          retry_after="0"),
    error(529, "overloaded_error", "Overloaded"),
    error(503, "api_error", "Service unavailable"),
    StreamError("overloaded_error", "Overloaded"),
], ids=["429", "529-overloaded", "503", "overloaded-mid-stream"])
def test_a_transient_failure_then_success(api, make, failure):
    api.reply(failure, tool_call("2)))"))
    response = make().complete("main", 1, PREFIX, "S")
    assert response.text == "2)))"
    assert response.usage.retries == 1
    assert len(api.requests) == 2


def test_three_server_errors_are_fatal(api, make):
    api.reply(*[error(500, "api_error", "Internal server error")] * 3)
    with pytest.raises(TransportError) as info:
        make().complete("main", 1, PREFIX, "S")
    assert str(info.value) == ("transport error: HTTP 500 api_error: Internal server error "
                               "(after 3 attempts)")
    assert len(api.requests) == 3


def test_retries_are_configurable(api, make):
    api.reply(error(500, "api_error", "boom"), tool_call("x"))
    with pytest.raises(TransportError, match=r"after 1 attempt\)"):
        make(retries=0).complete("main", 1, PREFIX, "S")
    assert len(api.requests) == 1


def test_a_timeout_is_retried_then_fatal(api, make):
    api.reply(Slow(2.0, tool_call("late")), Slow(2.0, tool_call("late")))
    with pytest.raises(TransportError) as info:
        make(timeout=0.2, retries=1).complete("main", 1, PREFIX, "S")
    assert str(info.value).startswith("transport error: APITimeoutError: Request timed out")
    assert str(info.value).endswith("(after 2 attempts)")
    assert len(api.requests) == 2


def test_missing_credentials_are_reported_when_the_transport_is_built(tmp_path, monkeypatch):
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE",
                 "ANTHROPIC_IDENTITY_TOKEN", "ANTHROPIC_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path))
    with pytest.raises(TransportError) as info:
        AnthropicTransport(MODEL)
    assert str(info.value).startswith("transport error: no Anthropic credentials: set "
                                      "ANTHROPIC_API_KEY (or pass api_key)")


def test_a_client_error_is_fatal_at_once(api, make):
    api.reply(error(400, "invalid_request_error", "max_tokens: too large"), tool_call("x"))
    with pytest.raises(TransportError) as info:
        make().complete("main", 1, PREFIX, "S")
    assert str(info.value) == ("transport error: HTTP 400 invalid_request_error: "
                               "max_tokens: too large")
    assert len(api.requests) == 1


def test_a_refused_forced_tool_choice_falls_back_to_auto(api, make):
    api.reply(error(400, "invalid_request_error",
                    "tool_choice: forced tool use is not supported for this model"),
              tool_call("x"), tool_call("y"))
    transport = make("claude-opus-4-8")
    assert transport.complete("main", 1, PREFIX, "S").text == "x"
    transport.complete("main", 2, PREFIX, "S")
    assert [r.body["tool_choice"] for r in api.requests] == [
        {"type": "any"}, {"type": "auto"}, {"type": "auto"}]


@pytest.mark.parametrize("model, options, choice", [
    (MODEL, {}, "any"),
    (MODEL, {"thinking": 2048}, "auto"),
    ("claude-opus-5-5", {}, "auto"),
])
def test_tool_choice_is_auto_when_thinking_is_on(api, make, model, options, choice):
    api.reply(tool_call("x"))
    make(model, **options).complete("main", 1, PREFIX, "S")
    body = api.requests[0].body
    assert body["tool_choice"] == {"type": choice}
    if "thinking" in options:
        assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}


def test_prefill_request_shape_and_reply(api, make):
    api.reply(text_reply("(def x 1) x)))"))
    transport = make(mode="prefill")
    assert transport.prefill and transport.name == "anthropic-prefill"
    response = transport.complete("main", 1, PREFIX + " \n\t", "SYSTEM TEXT")
    assert response.text == "(def x 1) x)))"
    body = api.requests[0].body
    assert body["system"] == [{"type": "text", "text": "SYSTEM TEXT", "cache_control": CACHED}]
    assert "tools" not in body and "tool_choice" not in body
    assert body["messages"] == [
        {"role": "user", "content": PREFILL_USER},
        {"role": "assistant", "content": [
            {"type": "text", "text": PREFIX.rstrip(), "cache_control": CACHED}]}]


def test_leaf_call(api, make):
    api.reply(text_reply("yes"))
    response = make().complete_leaf("Is 91 prime? yes/no")
    assert response.text == "yes"
    assert response.usage.output_tokens == 5
    body = api.requests[0].body
    assert body["system"] == LEAF_SYSTEM == "You are a helpful assistant. Answer concisely."
    assert body["messages"] == [{"role": "user", "content": "Is 91 prime? yes/no"}]
    assert "tools" not in body


@pytest.mark.parametrize("replies", [
    [error(401, "authentication_error", "invalid x-api-key: {api_key}")],
    [error(500, "api_error", "backend saw {api_key}")] * 3,
], ids=["fatal", "after-retries"])
def test_the_api_key_never_appears_in_an_error(api, make, replies):
    api.reply(*replies)
    with pytest.raises(TransportError) as info:
        make().complete("main", 1, PREFIX, "S")
    assert KEY not in str(info.value) and "[redacted]" in str(info.value)
    assert KEY not in repr(make())


def test_environment_key_and_base_url_are_honoured(api, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-env")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    api.reply(tool_call("x"))
    transport = AnthropicTransport(MODEL, api_key=None, base_url=None)
    assert transport.complete("main", 1, PREFIX, "S").text == "x"
    headers = api.requests[0].headers
    assert "sk-from-env" in (headers.get("x-api-key", "") + headers.get("authorization", ""))


def test_make_transport_builds_both_modes(api, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    tool = make_transport("anthropic:claude-haiku-4-5", max_tokens=100)
    prefill = make_transport("anthropic-prefill:claude-haiku-4-5")
    assert (tool.name, tool.model, tool.prefill, tool.max_tokens) == (
        "anthropic", "claude-haiku-4-5", False, 100)
    assert (prefill.name, prefill.prefill) == ("anthropic-prefill", True)


def test_an_unpriced_model_costs_nothing_and_says_so(api, make):
    api.reply(tool_call("x"))
    transport = make("claude-future-9")
    assert transport.complete("main", 1, PREFIX, "S").usage.cost_usd == 0
    assert transport.notes == ["no price is known for model claude-future-9; "
                               "its calls are counted as $0"]


def test_reasoning_tokens_are_reported(api, make):
    reply = message([{"type": "tool_use", "id": "t", "name": "spell_suffix",
                      "input": {"suffix": "x"}}], "tool_use", usage())
    reply["usage"]["output_tokens_details"] = {"thinking_tokens": 3}
    api.reply(reply)
    response = make(thinking="adaptive").complete("main", 1, PREFIX, "S")
    assert response.usage.reasoning_tokens == 3
    assert api.requests[0].body["thinking"] == {"type": "adaptive"}


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown anthropic transport mode 'chat'"):
        AnthropicTransport(MODEL, mode="chat", api_key=KEY)


@pytest.mark.parametrize("raw, prefill, cleaned", [
    ("```clojure\n(+ 1 2))))\n```", False, "(+ 1 2))))"),
    (PREFIX + "(+ 1 2))))", False, "(+ 1 2))))"),
    (PREFIX.rstrip() + "(+ 1 2))))", False, "(+ 1 2))))"),
    (PREFIX + "(+ 1 2))))", True, PREFIX + "(+ 1 2))))"),   # prefill: no echo possible
    ("```\n(+ 1 2)\n```", True, "(+ 1 2)"),
    ("(+ 1 2))))", False, "(+ 1 2))))"),
])
def test_clean_response(raw, prefill, cleaned):
    assert clean_response(raw, PREFIX, prefill) == cleaned
