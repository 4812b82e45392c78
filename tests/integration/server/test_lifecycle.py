"""Starting and stopping the simulator: URLs, port 0, clean shutdown, lifecycle errors."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest
from aiohttp import ClientSession

from simulator.scenario import Scenario
from simulator.server import ServerState, Simulator, SimulatorStateError, SimulatorUsageError


def _port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


async def test_start_and_stop_leave_no_task_and_close_the_port(
    dialect: object, make_scenario: Callable[..., Scenario], client: ClientSession
) -> None:
    before = asyncio.all_tasks()
    sim = Simulator(make_scenario(funding="1", clock="real"), dialect=dialect)  # type: ignore[arg-type]
    async with sim:
        assert sim.state is ServerState.RUNNING
        assert sim.port > 0
        assert sim.rest_url == f"http://127.0.0.1:{sim.port}"
        async with client.get(f"{sim.rest_url}/fake/time") as response:
            assert response.status == 200
        assert len(asyncio.all_tasks()) > len(before)  # the timer driver runs
    assert sim.state is ServerState.STOPPED
    await client.close()  # the client's own connector must not count as the server's
    assert asyncio.all_tasks() == before
    assert _port_is_closed(sim.port)


async def test_port_zero_picks_distinct_ports(
    dialect: object, make_scenario: Callable[..., Scenario]
) -> None:
    async with (
        Simulator(make_scenario(), dialect=dialect) as one,  # type: ignore[arg-type]
        Simulator(make_scenario(), dialect=dialect) as two,  # type: ignore[arg-type]
    ):
        assert one.port != two.port


async def test_urls_name_the_dialect_endpoints(sim: Simulator) -> None:
    assert sim.ws_url("/v5/public/linear") == f"ws://127.0.0.1:{sim.port}/v5/public/linear"
    assert sim.ws_url("ws/echo") == f"ws://127.0.0.1:{sim.port}/ws/echo"
    assert sim.ws_urls == {"echo": f"ws://127.0.0.1:{sim.port}/ws/echo"}
    assert sim.control_url == f"http://127.0.0.1:{sim.port}/__venuekit__/"


async def test_the_dialect_ws_routes_hook_serves_websockets(sim: Simulator, client: ClientSession) -> None:
    async with client.ws_connect(sim.ws_url("/ws/echo")) as ws:
        await ws.send_str("hello")
        assert (await ws.receive_str()) == "hello"


async def test_properties_before_start_say_what_to_do(
    dialect: object, make_scenario: Callable[..., Scenario]
) -> None:
    sim = Simulator(make_scenario(), dialect=dialect)  # type: ignore[arg-type]
    for read in (lambda: sim.journal, lambda: sim.exchange, lambda: sim.faults, lambda: sim.port):
        with pytest.raises(SimulatorStateError, match="started"):
            read()
    await sim.stop()  # stopping a simulator that never started does nothing
    assert sim.state is ServerState.CREATED


async def test_a_stopped_simulator_cannot_restart_and_stops_idempotently(sim: Simulator) -> None:
    await sim.stop()
    await sim.stop()
    assert sim.state is ServerState.STOPPED
    with pytest.raises(SimulatorStateError, match="create a new one"):
        await sim.start()
    with pytest.raises(SimulatorStateError, match="running"):
        sim.advance(1)
    assert sim.journal.last_seq >= 0  # the journal stays readable after stop


async def test_starting_twice_is_refused(sim: Simulator) -> None:
    with pytest.raises(SimulatorStateError, match="already running"):
        await sim.start()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"host": "0.0.0.0"}, "control_token"),
        ({"api_key": "k"}, "together"),
        ({"clock": "sundial"}, "'real', 'virtual'"),
        ({"port": 70000}, "port"),
    ],
)
def test_bad_arguments_are_refused_with_a_sentence(
    dialect: object, make_scenario: Callable[..., Scenario], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(SimulatorUsageError, match=message):
        Simulator(make_scenario(), dialect=dialect, **kwargs)  # type: ignore[arg-type]


def test_a_scenario_for_another_dialect_is_refused(make_scenario: Callable[..., Scenario]) -> None:
    with pytest.raises(SimulatorUsageError, match="dialect 'fake'"):
        Simulator(make_scenario(), dialect="bybit")


def test_an_unknown_dialect_name_is_refused(make_scenario: Callable[..., Scenario]) -> None:
    with pytest.raises(SimulatorUsageError, match="no simulator dialect 'nope'"):
        Simulator(make_scenario(), dialect="nope")


async def test_a_failed_start_cleans_up(dialect: object, make_scenario: Callable[..., Scenario]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        before = asyncio.all_tasks()
        sim = Simulator(make_scenario(), dialect=dialect, port=port)  # type: ignore[arg-type]
        with pytest.raises(OSError):
            await sim.start()
        assert sim.state is ServerState.STOPPED
        assert asyncio.all_tasks() == before
