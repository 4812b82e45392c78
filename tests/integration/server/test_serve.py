"""``venuekit serve`` as a user runs it: a subprocess, its key=value lines, a request, SIGTERM."""

from __future__ import annotations

import asyncio
import io
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import ClientSession

from simulator.server.serve import EXIT_OK, EXIT_SETUP, ServeOptions, run

ROOT = Path(__file__).resolve().parents[3]
MINIMAL = ROOT / "scenarios" / "examples" / "minimal.yaml"


async def _start(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "venuekit.cli",
        "serve",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _lines_until(
    process: asyncio.subprocess.Process, prefix: str, deadline: float = 30
) -> dict[str, str]:
    """Read stdout lines (a pipe: no sleeping) until one starts with ``prefix``; key=value lines."""
    assert process.stdout is not None
    found: dict[str, str] = {}
    async with asyncio.timeout(deadline):
        while True:
            line = (await process.stdout.readline()).decode()
            if not line:
                raise AssertionError(f"serve exited before printing {prefix!r}: {found}")
            key, sep, value = line.strip().partition("=")
            if sep and " " not in key:
                found[key] = value
            if line.startswith(prefix):
                return found


async def test_serve_prints_its_urls_answers_and_stops_cleanly_on_sigterm(client: ClientSession) -> None:
    process = await _start("--scenario", str(MINIMAL), "--port", "0", "--stats-interval", "0.2")
    try:
        lines = await _lines_until(process, "venuekit serve: running")
        assert lines["api_key"] == "alice-key" and lines["api_secret"] == "alice-secret"
        assert lines["account"] == "alice"
        assert lines["ws_url.public_linear"].endswith("/v5/public/linear")
        async with client.get(f"{lines['rest_url']}/v5/market/time") as response:
            assert (await response.json())["retCode"] == 0
        await _lines_until(process, "stats ")  # the plain summary (stdout is a pipe)
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            stdout, stderr = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == EXIT_OK, stderr.decode()
    assert "stopped; 1 requests served" in stdout.decode()


async def test_serve_refuses_a_public_address_without_a_token() -> None:
    process = await _start("--host", "0.0.0.0", "--port", "0")
    async with asyncio.timeout(30):
        _, stderr = await process.communicate()
    assert process.returncode == EXIT_SETUP
    assert "--control-token" in stderr.decode()


async def test_serve_reports_a_bad_scenario(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ndialect: bybit\ninstruments: 3\n")
    out, err = io.StringIO(), io.StringIO()
    assert await run(ServeOptions(scenario=bad), out=out, err=err) == EXIT_SETUP
    assert "bad.yaml:3" in err.getvalue() and out.getvalue() == ""


class Output(io.StringIO):
    """A text stream that wakes waiters on every write (waiting for output without polling)."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = asyncio.Event()

    def write(self, text: str) -> int:
        self._changed.set()
        return super().write(text)

    async def wait_for(self, text: str, *, deadline: float = 30) -> None:
        await self.wait_until(lambda value: text in value, deadline=deadline)

    async def wait_until(self, test: Callable[[str], bool], *, deadline: float = 30) -> None:
        async with asyncio.timeout(deadline):
            while not test(self.getvalue()):
                self._changed.clear()
                await self._changed.wait()


def _requests_cell(output: str) -> str | None:
    """The requests column of the live table's last drawn row."""
    rows = re.findall(r"│([^\n]*)│\n└", output)
    return rows[-1].split("│")[1].strip() if rows else None


async def test_serve_reports_an_address_in_use() -> None:
    out, err = Output(), io.StringIO()
    stop = asyncio.Event()
    first = asyncio.create_task(run(ServeOptions(scenario=MINIMAL), out=out, err=err, stop=stop))
    try:
        await out.wait_for("rest_url=")  # the first serve prints once it listens
        port = int(out.getvalue().split("rest_url=http://127.0.0.1:")[1].split()[0])
        err2 = io.StringIO()
        status = await run(ServeOptions(scenario=MINIMAL, port=port), out=io.StringIO(), err=err2)
        assert status == EXIT_SETUP and f"cannot listen on 127.0.0.1:{port}" in err2.getvalue()
    finally:
        stop.set()
        assert await first == EXIT_OK


@pytest.mark.parametrize("live", [True, False])
async def test_the_summary_as_a_live_table_or_plain_lines(live: bool, client: ClientSession) -> None:
    out = Output()
    stop = asyncio.Event()
    options = ServeOptions(scenario=MINIMAL, stats_interval=0.05)
    task = asyncio.create_task(run(options, out=out, err=io.StringIO(), live_display=live, stop=stop))
    await out.wait_for("venuekit serve: running")
    url = out.getvalue().split("rest_url=")[1].split()[0]
    async with client.get(f"{url}/v5/market/time") as response:
        await response.read()
    if live:
        await out.wait_until(lambda value: _requests_cell(value) == "1")
    else:
        await out.wait_for("requests=1 ")
    stop.set()
    assert await task == EXIT_OK
    assert ("stats uptime" in out.getvalue()) is not live


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--api-key", "k"], "together"),
        (["--port", "70000"], "--port"),
        (["--stats-interval", "0"], "--stats-interval"),
        (["--dialect", "okx"], "no simulator dialect 'okx'"),
    ],
)
def test_serve_arguments_a_user_can_fix(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from venuekit.cli import EXIT_USAGE, main

    assert main(["serve", *args]) == EXIT_USAGE
    assert words in capsys.readouterr().err
