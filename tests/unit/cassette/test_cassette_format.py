"""The cassette file: round trip, a recorder killed mid-line, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from simulator.cassette import (
    CassetteFormatError,
    CassetteVersionError,
    CassetteWarning,
    CassetteWriter,
    EventReader,
    get_bytes,
    load,
    make_header,
    put_bytes,
    validate_file,
)


def frame(n: int) -> dict[str, object]:
    return {"type": "ws_frame", "ts": n, "conn": "c1", "dir": "out", "kind": "text", "data": f'{{"n":{n}}}'}


def write(path: Path, count: int) -> None:
    with CassetteWriter(path, make_header("test")) as writer:
        writer.write({"type": "ws_open", "ts": 0, "conn": "c1", "path": "/ws", "query": ""})
        for n in range(1, count + 1):
            writer.write(frame(n))


def test_round_trip_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write(path, 3)
    cassette = load(path)
    assert cassette.header["version"] == 1 and not cassette.truncated
    assert [event["ts"] for event in cassette.events] == [0, 1, 2, 3]
    assert validate_file(path) == 5


def test_each_event_is_on_disk_once_written(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    writer = CassetteWriter(path, make_header("test"))
    writer.write(frame(1))
    assert len(load(path).events) == 1  # flushed, though the writer is still open
    writer.close()


def test_a_line_cut_short_warns_and_keeps_the_prefix(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write(path, 3)
    path.write_bytes(path.read_bytes() + orjson.dumps(frame(4))[:17])  # killed mid-write
    with pytest.warns(CassetteWarning, match=r"c\.jsonl:6: the last line is cut short.*4 complete events"):
        cassette = load(path)
    assert cassette.truncated and len(cassette.events) == 4


def test_appending_after_a_cut_line_removes_it_first(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write(path, 1)
    path.write_bytes(path.read_bytes() + b'{"type": "ws_fr')
    with CassetteWriter(path, make_header("other"), append=True) as writer:
        writer.write(frame(2))
    cassette = load(path)
    assert [event["ts"] for event in cassette.events] == [0, 1, 2]
    assert cassette.header["source"] == "test"


def test_an_unknown_version_is_a_typed_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "future.jsonl"
    path.write_bytes(b'{"type": "cassette", "version": 99, "source": "x"}\n')
    with pytest.raises(CassetteVersionError, match=r"future\.jsonl:1: cassette format version 99") as caught:
        load(path)
    assert caught.value.line == 1 and "upgrade venuekit" in str(caught.value)


def test_a_corrupt_line_names_its_number(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write(path, 3)
    lines = path.read_bytes().split(b"\n")
    lines[3] = b'{"type": "ws_frame", oops}'
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(CassetteFormatError, match=r"c\.jsonl:4: the line is not valid JSON") as caught:
        load(path)
    assert caught.value.line == 4 and "re-record" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b'{"hello": 1}\n', "the first line is not a cassette header"),
        (
            b'{"type": "cassette", "version": 1, "source": "x"}\n{"type": "telepathy", "ts": 1}\n',
            "unknown event type",
        ),
        (b'{"type": "cassette", "version": 1, "source": "x"}\n{"type": "http"}\n', "no integer 'ts'"),
    ],
)
def test_bad_input_is_a_format_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(CassetteFormatError, match=problem):
        load(path)


def test_bytes_that_are_not_text_are_kept_exactly() -> None:
    event: dict[str, object] = {}
    put_bytes(event, "data", b"\xff\x00binary")
    assert "data" not in event and get_bytes(event, "data") == b"\xff\x00binary"
    put_bytes(event, "text", "plain")
    assert event["text"] == "plain" and get_bytes(event, "text") == b"plain"


def test_the_event_reader_streams_lines_and_checks_each_as_it_comes(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write(path, 3)  # header, ws_open, three frames: lines 1-5
    with path.open("ab") as file:
        file.write(b'{"type": "ws_frame", "ts": 9, "conn": "c1", "dir": "out", "kind": "te')
    reader = EventReader(path)
    events = iter(reader)
    assert next(events)["type"] == "ws_open" and reader.count == 1 and not reader.truncated
    with pytest.warns(CassetteWarning, match=r"c\.jsonl:6: the last line is cut short"):
        rest = list(events)
    assert [event["ts"] for event in rest] == [1, 2, 3] and reader.truncated and reader.count == 4


def test_the_event_reader_names_a_bad_line_only_when_it_reaches_it(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write(path, 2)
    with path.open("ab") as file:
        file.write(b'{"type": "ws_frame", "ts": "late", "conn": "c1"}\n')
    reader = EventReader(path)
    taken = []
    with pytest.raises(CassetteFormatError, match=r"c\.jsonl:5: the ws_frame event has no integer 'ts'"):
        for event in reader:
            taken.append(event)
    assert len(taken) == 3  # everything before the bad line was handed out
