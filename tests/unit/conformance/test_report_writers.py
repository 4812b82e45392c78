"""Each artifact writer: report.json (schema, digest), Markdown, HTML, JUnit, SVG badge, shields JSON."""

from __future__ import annotations

import copy
import datetime as dt
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conformance.harness.catalogue import Group, catalogue_hash
from conformance.harness.outcome import Verdict
from conformance.harness.session import CaseRecord
from conformance.report import (
    ARTIFACTS,
    Report,
    ReportError,
    report_schema,
    validate_report,
    verify_digest,
    write_artifacts,
)
from conformance.report.badge import render_badge_json, render_badge_svg
from conformance.report.html_page import render_html
from conformance.report.junit import render_junit
from conformance.report.markdown import render_markdown

START = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
EXCERPT = "journal excerpt: 2 entries\n+0.000ms #1 http GET /v5/market/time 200\n+1.000ms #2 <script>"


def _record(case_id: str, group: Group, verdict: Verdict, **extra: str) -> CaseRecord:
    return CaseRecord(case_id, f"name of {case_id}", group, verdict, duration_s=0.25, **extra)


def _report(*records: CaseRecord) -> Report:
    return Report(
        "toy", "1.2.3", "tests.toy:factory", "bybit", START, START + dt.timedelta(seconds=3), list(records)
    )


@pytest.fixture
def mixed() -> Report:
    return _report(
        _record("H-01", Group.HTTP, Verdict.PASS),
        _record(
            "H-07",
            Group.HTTP,
            Verdict.FAIL,
            reason="expected RateLimited; observed VenueError",
            expected="RateLimited with code 10006",
            observed="VenueError(10001)",
            excerpt=EXCERPT,
        ),
        _record(
            "W-03", Group.WS_LOGIN, Verdict.NOT_APPLICABLE, reason="the adapter does not claim ws_private"
        ),
    )


def test_report_json_is_schema_valid_and_its_digest_verifies(mixed: Report) -> None:
    document = mixed.to_document()
    validate_report(document)
    assert verify_digest(document)
    assert document["catalogue_hash"] == catalogue_hash()
    assert document["summary"] == {"total": 3, "pass": 1, "fail": 1, "not_applicable": 1, "result": "fail"}
    assert [c["verdict"] for c in document["cases"]] == ["pass", "fail", "not_applicable"]
    assert "reason" not in document["cases"][0]
    assert document["cases"][1]["excerpt"] == EXCERPT
    assert document["cases"][2]["reason"] == "the adapter does not claim ws_private"


def test_an_edited_report_fails_its_digest(mixed: Report) -> None:
    document = mixed.to_document()
    edited = copy.deepcopy(document)
    edited["cases"][1]["verdict"] = "pass"
    assert not verify_digest(edited)
    with pytest.raises(ReportError, match="digest"):
        validate_report(edited)


def test_schema_refuses_a_fail_without_reason_and_an_unknown_version(mixed: Report) -> None:
    document = mixed.to_document()
    del document["cases"][1]["reason"]
    with pytest.raises(ReportError, match="cases/1"):
        validate_report(document)
    document = mixed.to_document()
    document["format_version"] = 99
    with pytest.raises(ReportError, match="format_version 99"):
        validate_report(document)
    assert report_schema()["properties"]["format_version"] == {"const": 1}


def test_markdown_has_the_group_table_and_the_failure_excerpt(mixed: Report) -> None:
    text = render_markdown(mixed)
    assert "**FAIL**: 1 passed, 1 failed, 1 not applicable, of 3 cases." in text
    assert "| 1. HTTP client | 1 | 1 | 0 |" in text
    assert "| 2. WebSocket connection and login | 0 | 0 | 1 |" in text
    assert "### H-07 name of H-07" in text
    assert "+0.000ms #1 http GET /v5/market/time 200" in text


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_and_escapes_the_excerpt(mixed: Report) -> None:
    page = render_html(mixed)
    parser = _Collect()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags  # nothing fetched or run
    assert "http://" not in page.replace('xmlns="http://www.w3.org', "")
    assert "&lt;script&gt;" in page
    assert any("expected: RateLimited with code 10006" in t for t in parser.text)
    assert 'id="H-07"' in page


def test_junit_parses_and_maps_verdicts(mixed: Report) -> None:
    root = ET.fromstring(render_junit(mixed))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("3", "1", "1")
    cases = {tc.get("name"): tc for tc in root.iter("testcase")}
    failure = cases["H-07 name of H-07"].find("failure")
    assert failure is not None and failure.text is not None and "<script>" in failure.text
    assert cases["W-03 name of W-03"].find("skipped") is not None
    assert list(cases["H-01 name of H-01"]) == []


def test_badge_svg_is_well_formed_and_colored_by_result(mixed: Report) -> None:
    root = ET.fromstring(render_badge_svg(mixed))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["venuekit conformance", "toy 1/2"]
    fills = [r.get("fill") for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert "#e05d44" in fills
    passing = _report(_record("H-01", Group.HTTP, Verdict.PASS))
    assert "#4c1" in render_badge_svg(passing)


@pytest.mark.parametrize(
    ("verdicts", "message", "color"),
    [
        ((Verdict.PASS, Verdict.PASS), "toy 2/2", "brightgreen"),
        ((Verdict.PASS, Verdict.FAIL), "toy 1/2", "red"),
        ((Verdict.NOT_APPLICABLE,), "toy 0/0", "lightgrey"),
        ((Verdict.PASS, Verdict.NOT_APPLICABLE), "toy 1/1", "brightgreen"),
    ],
)
def test_badge_json_is_a_shields_endpoint(verdicts: tuple[Verdict, ...], message: str, color: str) -> None:
    records = [
        _record(f"H-{i + 1:02d}", Group.HTTP, v, reason=None if v is Verdict.PASS else "why")
        for i, v in enumerate(verdicts)
    ]
    assert render_badge_json(_report(*records)) == {
        "schemaVersion": 1,
        "label": "venuekit conformance",
        "message": message,
        "color": color,
    }


def test_write_artifacts_writes_every_file_from_one_report(mixed: Report, tmp_path: Path) -> None:
    paths = write_artifacts(mixed, tmp_path / "cert")
    assert sorted(paths) == sorted(ARTIFACTS)
    document = json.loads(paths["report.json"].read_text(encoding="utf-8"))
    validate_report(document)
    assert json.loads(paths["badge.json"].read_text(encoding="utf-8"))["message"] == "toy 1/2"
    ET.parse(paths["junit.xml"])
    ET.parse(paths["badge.svg"])
