"""The ``venuekit`` command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import venuekit
from venuekit import cli
from venuekit.cli import EXIT_USAGE, PLANNED_COMMANDS


def run_venuekit(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m venuekit ARGS`` with the interpreter running the tests."""
    return subprocess.run(
        [sys.executable, "-m", "venuekit", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_version_prints_the_installed_version() -> None:
    result = run_venuekit("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"venuekit {venuekit.__version__}"


def test_version_comes_from_the_distribution_metadata() -> None:
    assert venuekit.__version__ == "0.1.0"


def test_help_lists_the_available_and_planned_commands() -> None:
    result = run_venuekit("--help")
    assert result.returncode == 0, result.stderr
    assert "usage: venuekit" in result.stdout
    assert "demo" in result.stdout
    assert "--version" in result.stdout
    for planned in PLANNED_COMMANDS:
        assert planned in result.stdout


def test_no_command_explains_what_to_do_and_exits_2() -> None:
    result = run_venuekit()
    assert result.returncode == EXIT_USAGE
    assert "choose a command" in result.stderr


def test_planned_command_says_it_is_not_available_yet_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every planned command has shipped (mutants was the last): plant one to keep the path tested.
    monkeypatch.setattr(cli, "PLANNED_COMMANDS", ("teleport",))
    assert cli.main(["teleport", "--adapter", "bybit"]) == EXIT_USAGE
    stderr = capsys.readouterr().err
    assert "'teleport' is planned but not available" in stderr
    assert "venuekit --help" in stderr


def test_unknown_command_exits_2() -> None:
    result = run_venuekit("frobnicate")
    assert result.returncode == EXIT_USAGE
    assert "invalid choice" in result.stderr


def test_unrecognized_option_says_where_to_look_and_exits_2() -> None:
    result = run_venuekit("--bogus")
    assert result.returncode == EXIT_USAGE
    assert "unrecognized arguments: --bogus" in result.stderr
    assert "venuekit --help" in result.stderr


def test_demo_hands_every_argument_to_simulator_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        received.append(argv)
        return 3

    monkeypatch.setitem(sys.modules, "simulator.demo", types.SimpleNamespace(main=fake_main))
    assert cli.main(["demo", "--help", "--seed", "7", "extra"]) == 3
    assert received == [["--help", "--seed", "7", "extra"]]


def test_demo_missing_explains_what_to_do_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # None in sys.modules makes the import fail exactly as if the module were not installed.
    monkeypatch.setitem(sys.modules, "simulator.demo", None)
    assert cli.main(["demo"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "simulator.demo is missing" in err
    assert "pip install -e ." in err
