"""report.html: a self-contained page (inline CSS, no scripts, no network) of one run."""

from __future__ import annotations

from html import escape

from conformance.harness.outcome import Verdict
from conformance.report.markdown import verdict_label
from conformance.report.model import Report

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:72rem}
table{border-collapse:collapse;margin:1rem 0}
td,th{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
th{background:#f6f8fa}.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:bold}.not_applicable{color:#6e7781}
pre{background:#f6f8fa;padding:.8rem;overflow-x:auto;font-size:.85rem}
.result-pass{color:#1a7f37}.result-fail{color:#cf222e}
"""


def render_html(report: Report) -> str:
    """The HTML page of ``report``: summary by group, every case, failures with excerpts."""
    counts = report.counts
    result = "pass" if report.passed else "fail"
    title = f"Conformance report: {report.adapter_name} {report.adapter_version}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="result-{result}"><strong>{result.upper()}</strong>: {counts[Verdict.PASS]} passed, '
        f"{counts[Verdict.FAIL]} failed, {counts[Verdict.NOT_APPLICABLE]} not applicable, "
        f"of {len(report.cases)} cases.</p>",
        "<table>",
    ]
    facts = [
        ("adapter", f"{report.adapter_spec} ({report.adapter_name} {report.adapter_version})"),
        ("dialect", report.dialect),
        ("venuekit", report.kit_version),
        ("catalogue", report.catalogue_hash),
        ("Python", report.python_version),
        ("run", f"{report.started_at.isoformat(timespec='seconds')} ({report.duration_s:.1f} s)"),
    ]
    parts += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts]
    parts += ["</table>", "<h2>Summary by group</h2>", "<table>"]
    parts.append("<tr><th>group</th><th>pass</th><th>fail</th><th>n/a</th></tr>")
    for group, records in report.by_group().items():
        n = {v: sum(1 for r in records if r.verdict is v) for v in Verdict}
        parts.append(
            f"<tr><td>{group.section}. {escape(group.title)}</td><td>{n[Verdict.PASS]}</td>"
            f"<td>{n[Verdict.FAIL]}</td><td>{n[Verdict.NOT_APPLICABLE]}</td></tr>"
        )
    parts += ["</table>", "<h2>Cases</h2>", "<table>"]
    parts.append("<tr><th>id</th><th>name</th><th>verdict</th><th>time (s)</th><th>reason</th></tr>")
    for record in report.cases:
        reason = record.reason if record.verdict is not Verdict.PASS and record.reason else ""
        anchor = f'<a href="#{record.id}">{record.id}</a>' if record.verdict is Verdict.FAIL else record.id
        parts.append(
            f"<tr><td>{anchor}</td><td>{escape(record.name)}</td>"
            f'<td class="{record.verdict.value}">{verdict_label(record.verdict)}</td>'
            f"<td>{record.duration_s:.2f}</td><td>{escape(reason)}</td></tr>"
        )
    parts.append("</table>")
    failures = report.failures()
    if failures:
        parts.append("<h2>Failures</h2>")
        for record in failures:
            parts.append(f'<h3 id="{record.id}">{record.id} {escape(record.name)}</h3>')
            parts.append(f"<p>expected: {escape(record.expected or '-')}</p>")
            parts.append(f"<p>observed: {escape(record.observed or record.reason or '-')}</p>")
            if record.excerpt:
                parts.append(f"<pre>{escape(record.excerpt)}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
