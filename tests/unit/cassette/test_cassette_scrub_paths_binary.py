"""Scrubbing secrets the client never sent anywhere else first: listen keys in URL paths, and
secrets inside binary WebSocket payloads (UTF-8 JSON, or gzip/zlib/deflate-compressed JSON)."""

from __future__ import annotations

import base64
import gzip
import zlib

import orjson
import pytest

from simulator.cassette import SCRUBBED, RestIndex, Scrubber, get_bytes, mask_path, put_bytes, rules_for

BYBIT = rules_for("bybit")
LISTEN_KEY = "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"
KEY = "MYAPIKEY00001"


def frame(direction: str, data: bytes) -> dict[str, object]:
    event: dict[str, object] = {"type": "ws_frame", "ts": 1, "conn": "c1", "dir": direction, "kind": "binary"}
    put_bytes(event, "data", data)
    return event


def test_a_listen_key_in_a_ws_path_is_scrubbed_before_it_is_seen_anywhere_else() -> None:
    scrub = Scrubber(BYBIT)
    opened = scrub({"type": "ws_open", "ts": 1, "conn": "c1", "path": f"/ws/{LISTEN_KEY}", "query": ""})
    assert opened["path"] == f"/ws/{SCRUBBED}"
    # Learned from the path: erased where it is echoed later, under a field no rule names.
    echoed = scrub({"type": "ws_frame", "ts": 2, "conn": "c1", "dir": "out", "kind": "text",
                    "data": orjson.dumps({"e": "expired", "stream": LISTEN_KEY}).decode()})  # fmt: skip
    assert LISTEN_KEY not in orjson.dumps(echoed).decode()


@pytest.mark.parametrize(
    "path",
    ["/ws/btcusdt@trade", "/ws/public", "/v5/public/linear", "/ws/" + "a" * 31, f"/ws/{SCRUBBED}"],
)
def test_public_paths_are_left_alone(path: str) -> None:
    assert mask_path(path, BYBIT) == (path, [])


def test_a_listen_key_in_a_rest_path_is_scrubbed_and_a_live_one_still_matches() -> None:
    scrub = Scrubber(BYBIT)
    recorded = scrub({
        "type": "http", "ts": 1, "method": "PUT", "path": f"/api/v3/userDataStream/{LISTEN_KEY}",
        "query": "", "headers": [], "body": "", "status": 200, "response_headers": [],
        "response_body": "{}",
    })  # fmt: skip
    assert recorded["path"] == f"/api/v3/userDataStream/{SCRUBBED}"
    index = RestIndex([recorded], BYBIT)
    assert index.find("PUT", "/api/v3/userDataStream/another-listen-key-of-today") is recorded


def test_binary_utf8_json_frames_are_scrubbed_as_text_and_stay_binary() -> None:
    scrub = Scrubber(BYBIT)
    auth = scrub(frame("in", orjson.dumps({"op": "auth", "args": [KEY, 1700000005000, "9f3c1a0b6d5e4f"]})))
    assert auth["kind"] == "binary"
    assert orjson.loads(get_bytes(auth, "data"))["args"] == [SCRUBBED] * 3
    later = scrub(frame("out", orjson.dumps({"topic": "order", "note": f"key {KEY}"})))
    assert KEY.encode() not in get_bytes(later, "data")


@pytest.mark.parametrize(
    ("compress", "decompress"),
    [
        (gzip.compress, gzip.decompress),
        (zlib.compress, zlib.decompress),
        (
            lambda data: (c := zlib.compressobj(wbits=-15)).compress(data) + c.flush(),
            lambda data: zlib.decompress(data, wbits=-15),
        ),
    ],
    ids=["gzip", "zlib", "deflate"],
)
def test_compressed_binary_frames_are_scrubbed_and_compressed_again(compress, decompress) -> None:  # type: ignore[no-untyped-def]
    scrub = Scrubber(BYBIT, secrets=[KEY])
    payload = orjson.dumps({"op": "login", "args": [{"apiKey": KEY, "sign": "c2lnbmF0dXJlMTIz"}]})
    event = scrub(frame("in", compress(payload)))
    raw = base64.b64decode(event["data_b64"])
    assert KEY.encode() not in raw
    assert orjson.loads(decompress(raw)) == {"op": "login", "args": [SCRUBBED]}
    pushed = scrub(frame("out", compress(orjson.dumps({"data": [{"px": "1", "by": KEY}]}))))
    assert orjson.loads(decompress(base64.b64decode(pushed["data_b64"]))) == {
        "data": [{"px": "1", "by": SCRUBBED}]
    }


def test_binary_frames_with_nothing_to_scrub_are_kept_byte_for_byte() -> None:
    compressed = gzip.compress(b'{"topic":"trades","p":"1"}', mtime=0)
    event = Scrubber(BYBIT, secrets=[KEY])(frame("out", compressed))
    assert get_bytes(event, "data") == compressed
    opaque = bytes(range(256))
    assert get_bytes(Scrubber(BYBIT)(frame("out", opaque)), "data") == opaque
