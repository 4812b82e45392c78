"""Write every artifact of one run into a directory, all from the same :class:`Report`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

from conformance.report.badge import render_badge_json, render_badge_svg
from conformance.report.html_page import render_html
from conformance.report.junit import render_junit
from conformance.report.markdown import render_markdown
from conformance.report.model import Report

__all__ = ["ARTIFACTS", "write_artifacts"]

#: The files a run writes, in the order they are written (report.json first: the source of truth).
ARTIFACTS: Final = ("report.json", "report.md", "report.html", "junit.xml", "badge.svg", "badge.json")


def write_artifacts(report: Report, cert_dir: str | Path) -> dict[str, Path]:
    """Write report.json, report.md, report.html, junit.xml, badge.svg and badge.json.

    Parameters:
        report: the run.
        cert_dir: the directory (created with its parents when missing).

    Returns:
        Each artifact's path by file name.

    Raises:
        OSError: the directory cannot be created or written.
    """
    directory = Path(cert_dir)
    directory.mkdir(parents=True, exist_ok=True)
    texts = {
        "report.json": json.dumps(report.to_document(), indent=2, ensure_ascii=False) + "\n",
        "report.md": render_markdown(report),
        "report.html": render_html(report),
        "junit.xml": render_junit(report),
        "badge.svg": render_badge_svg(report),
        "badge.json": json.dumps(render_badge_json(report), indent=2) + "\n",
    }
    paths: dict[str, Path] = {}
    for name in ARTIFACTS:
        path = directory / name
        path.write_text(texts[name], encoding="utf-8")
        paths[name] = path
    return paths
