"""The Content-Length codec of the debug adapter."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings, strategies as st

from spell_lsp.dap.protocol import ProtocolError, Writer, encode_message, read_message

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.text(), json_values, max_size=4), max_size=4))
def test_messages_round_trip_in_sequence(messages):
    stream = io.BytesIO(b"".join(encode_message(m) for m in messages))
    assert [read_message(stream) for _ in messages] == messages
    assert read_message(stream) is None


def test_length_counts_bytes_not_characters():
    encoded = encode_message({"text": "λ · turn 7"})
    header, body = encoded.split(b"\r\n\r\n")
    assert int(header.split(b":")[1]) == len(body) > len("λ · turn 7")


@pytest.mark.parametrize("data", [b"Content-Length: x\r\n\r\n{}",
                                  b"Content-Length: 2\r\n\r\n{]"])
def test_malformed_messages_raise_protocol_error(data):
    with pytest.raises(ProtocolError):
        read_message(io.BytesIO(data))


def test_truncated_body_is_end_of_stream():
    assert read_message(io.BytesIO(b"Content-Length: 10\r\n\r\n{}")) is None


def test_writer_numbers_messages_and_shapes_responses():
    out = io.BytesIO()
    writer = Writer(out)
    writer.response({"seq": 4, "command": "threads"}, {"threads": []})
    writer.error({"seq": 5, "command": "launch"}, "launch attribute 'model' is missing")
    writer.event("initialized")
    out.seek(0)
    first, second, third = (read_message(out) for _ in range(3))
    assert (first["seq"], first["request_seq"], first["success"]) == (1, 4, True)
    assert (second["success"], second["message"]) == (False, "launch attribute 'model' is missing")
    assert third == {"type": "event", "event": "initialized", "seq": 3}
