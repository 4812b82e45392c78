"""The journal's ErrorEntry (exceptions raised inside the simulator) and the missing_params verdict."""

from __future__ import annotations

from simulator.server.journal import AuthVerdict, EntryKind, ErrorEntry, Journal


def _raised() -> ValueError:
    try:
        raise ValueError("bad\nthing")
    except ValueError as exc:
        return exc


def test_an_error_entry_records_where_what_and_the_traceback() -> None:
    journal = Journal(lambda: 1_000)
    entry = journal.record_error("http", _raised())
    assert isinstance(entry, ErrorEntry) and entry.KIND is EntryKind.ERROR
    assert (entry.seq, entry.source, entry.error_type, entry.message) == (
        1,
        "http",
        "ValueError",
        "bad\nthing",
    )
    assert "Traceback" in entry.traceback and "_raised" in entry.traceback
    assert journal.errors() == [entry] and journal.entries(EntryKind.ERROR) == [entry]
    assert journal.last(ErrorEntry) is entry


def test_error_entries_are_json_and_one_line_text() -> None:
    journal = Journal(lambda: 1_000)
    journal.record_error("driver", _raised())
    (document,) = journal.to_json()["entries"]
    assert document["type"] == "error" and document["error_type"] == "ValueError"
    assert document["source"] == "driver"
    excerpt = journal.format_excerpt()
    assert "error in driver: ValueError: bad\\nthing" in excerpt
    assert len(excerpt.splitlines()) == 2  # header + one line per entry


def test_qualified_names_for_non_builtin_errors() -> None:
    class Oops(Exception):
        pass

    entry = Journal(lambda: 0).record_error("control", Oops("x"))
    assert entry.error_type.endswith("test_qualified_names_for_non_builtin_errors.<locals>.Oops")


def test_missing_params_is_a_verdict() -> None:
    assert AuthVerdict("missing_params") is AuthVerdict.MISSING_PARAMS
