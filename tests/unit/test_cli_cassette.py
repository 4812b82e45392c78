"""``venuekit record``, ``replay`` and ``export``: argument errors, and a real round trip.

Argument errors run the command in-process (``cli.main``). The round trip runs ``record`` and
``replay`` as a user does, in subprocesses on port 0, in front of a simulator running in the
test's loop; each is waited on through the ``rest_url=`` line it prints, and stopped with SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import orjson
import pytest

from simulator.scenario import parse_scenario
from simulator.server import Simulator
from venuekit import cli
from venuekit.cli import EXIT_USAGE

SCENARIO = """
version: 1
dialect: bybit
name: cli-cassette
clock: {mode: real}
seed: 17
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5",
     last_price: "100000.10", mark_price: "100000.50", index_price: "100001.20", funding_rate: "0.0001"}
books:
  - {instrument: linear:BTCUSDT, generate: {levels: 3, qty: "0.05", qty_max: "1.5"}}
"""
DEADLINE_S = 20.0
TICKERS = "/v5/market/tickers?category=linear&symbol=BTCUSDT"


def fails_with(capsys: pytest.CaptureFixture[str], args: list[str], *needles: str) -> None:
    """``venuekit ARGS`` exits 2 and its stderr holds every needle."""
    try:
        status = cli.main(args)
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    assert status == EXIT_USAGE, err
    for needle in needles:
        assert needle in err


def test_record_needs_an_upstream_and_a_good_listen_address(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = str(tmp_path / "c.jsonl")
    fails_with(capsys, ["record", "--out", out], "--upstream-rest URL and/or --upstream-ws URL")
    fails_with(
        capsys,
        ["record", "--upstream-rest", "http://x", "--listen", "127.0.0.1", "--out", out],
        "--listen takes HOST:PORT",
    )
    fails_with(capsys, ["record", "--upstream-rest", "http://x"], "--out")  # argparse: required
    assert not (tmp_path / "c.jsonl").exists()


def test_replay_arguments(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.jsonl")
    fails_with(capsys, ["replay", missing], "no cassette at", "venuekit record")
    fails_with(capsys, ["replay", missing, "--speed", "5"], "--speed", "'max'")
    fails_with(capsys, ["replay", missing, "--mode", "sometimes"], "--mode")
    fails_with(capsys, ["replay", missing, "--port", "70000"], "--port must be from 0 to 65535")
    fails_with(
        capsys,
        ["replay", missing, "--mode", "all"],
        "mode 'all' records from the venue",
        "--upstream-rest URL --upstream-ws URL",
    )


def test_replay_and_export_name_the_bad_line_of_a_corrupt_cassette(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    header = {"type": "cassette", "version": 1, "source": "test", "dialect": "bybit"}
    bad.write_bytes(orjson.dumps(header) + b"\n" + b'{"type": "ws_open", "ts": 1, "conn":\n')
    fails_with(capsys, ["replay", str(bad)], f"{bad}:2:", "not valid JSON")
    fails_with(capsys, ["export", str(bad), "--to", str(tmp_path / "out")], f"{bad}:2:")
    future = tmp_path / "future.jsonl"
    future.write_bytes(orjson.dumps(dict(header, version=99)) + b"\n")
    fails_with(capsys, ["replay", str(future)], "version 99")


def test_export_arguments(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fails_with(capsys, ["export", str(tmp_path / "none.jsonl"), "--to", str(tmp_path)], "no cassette at")
    fails_with(capsys, ["export", str(tmp_path / "none.jsonl")], "--to")
    fails_with(
        capsys,
        ["export", str(tmp_path / "none.jsonl"), "--to", str(tmp_path), "--max-examples", "0"],
        "--max-examples must be at least 1",
    )


class Command:
    """A ``venuekit`` subprocess serving until stopped; ``url`` is read from its output."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    @classmethod
    @contextlib.asynccontextmanager
    async def run(cls, *args: str) -> AsyncIterator[Command]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "venuekit", *args,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        command = cls(process)
        try:
            yield command
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()

    async def value(self, name: str) -> str:
        """The value of the first ``name=...`` line it prints."""
        assert self.process.stdout is not None
        async with asyncio.timeout(DEADLINE_S):
            while True:
                line = (await self.process.stdout.readline()).decode()
                assert line, f"the command ended before printing {name}=: {self.lines}"
                self.lines.append(line.rstrip("\n"))
                if line.startswith(f"{name}="):
                    return line.split("=", 1)[1].strip()

    async def stop(self) -> tuple[int, str, str]:
        """SIGTERM, then the exit status, the rest of stdout and stderr."""
        self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(DEADLINE_S):
            out, err = await self.process.communicate()
        return self.process.returncode or 0, out.decode(), err.decode()


async def a_session(rest_url: str, ws_base: str) -> tuple[dict[str, object], list[object]]:
    """A ticker over REST; a subscribe and the book snapshot over WebSocket."""
    async with aiohttp.ClientSession() as http:
        async with http.get(rest_url + TICKERS) as answer:
            assert answer.status == 200
            tickers = await answer.json()
        async with http.ws_connect(ws_base.rstrip("/") + "/v5/public/linear") as ws:
            await ws.send_str('{"op":"subscribe","req_id":"cli","args":["orderbook.1.BTCUSDT"]}')
            frames = [orjson.loads(await ws.receive_str(timeout=DEADLINE_S)) for _ in range(2)]
    return tickers, frames


async def test_record_replay_export_round_trip(tmp_path: Path) -> None:
    cassette = tmp_path / "session.jsonl"
    async with Simulator(parse_scenario(SCENARIO, name="cli.yaml")) as sim:
        async with Command.run(
            "record", "--upstream-rest", sim.rest_url, "--upstream-ws", sim.ws_url("/"),
            "--listen", "127.0.0.1:0", "--out", str(cassette),
        ) as record:  # fmt: skip
            recorded = await a_session(await record.value("rest_url"), await record.value("ws_base"))
            status, out, err = await record.stop()
        assert status == 0, err
        assert "rest_forwarded=1" in out and "ws_forwarded=1" in out
        assert len(sim.journal.http()) == 1

    async with Command.run("replay", str(cassette), "--speed", "max") as replay:
        replayed = await a_session(await replay.value("rest_url"), await replay.value("ws_base"))
        status, out, err = await replay.stop()
    assert status == 0, err
    assert "rest_replayed=1" in out and "ws_replayed=1" in out
    assert replayed == recorded
    assert recorded[1][0]["op"] == "subscribe" and recorded[1][1]["type"] == "snapshot"

    # An unrecorded request: answered with the reason, and the exit status says so.
    async with Command.run("replay", str(cassette), "--speed", "max") as replay:
        async with aiohttp.ClientSession() as http:
            url = await replay.value("rest_url") + "/v5/market/tickers?category=spot&symbol=BTCUSDT"
            async with http.get(url) as answer:
                assert answer.status == 500
        status, _, err = await replay.stop()
    assert status == 1 and "category: got 'spot', recorded 'linear'" in err

    fixtures = tmp_path / "test_data" / "bybit"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "venuekit", "export", str(cassette), "--to", str(fixtures),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    async with asyncio.timeout(DEADLINE_S):
        out_bytes, err_bytes = await process.communicate()
    assert process.returncode == 0, err_bytes.decode()
    written = {path.name for path in fixtures.iterdir()}
    assert {
        "http_get_market_tickers_linear.json",
        "ws_subscribe_ack.json",
        "ws_orderbook_snapshot.json",
    } <= written
    assert json.loads((fixtures / "http_get_market_tickers_linear.json").read_text()) == recorded[0]
    assert "http_get_market_tickers_linear.json" in out_bytes.decode()
