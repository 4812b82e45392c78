"""The ``venuekit`` command.

A thin argparse front end: each subcommand imports the part of the kit it drives only when it
runs, so ``venuekit --help`` stays fast and the top package stays above every other layer.

Subcommands available now: ``demo``. Planned (see docs/ARCHITECTURE.md): ``serve``,
``certify``, ``mutants``, ``record``, ``replay``, ``export``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from venuekit import __version__

__all__ = ["EXIT_USAGE", "PLANNED_COMMANDS", "UsageError", "build_parser", "main"]

#: Exit status for an error the user can fix (bad arguments, missing part of the kit).
EXIT_USAGE = 2

#: Subcommands the kit will grow (docs/ARCHITECTURE.md). Asking for one of them now gets a
#: sentence saying so instead of argparse's "invalid choice".
PLANNED_COMMANDS: tuple[str, ...] = ("serve", "certify", "mutants", "record", "replay", "export")


class UsageError(Exception):
    """An error the user can fix; its message is a sentence that says what to do next."""


@dataclass(frozen=True)
class _Command:
    """One subcommand: its name, one-line help, how to add its arguments, and what it runs."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, list[str]], int]
    #: True when the command hands its remaining arguments to another entry point untouched.
    passthrough: bool = False


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run a scripted session against the simulator core and print it as a table. "
        "Any arguments after 'demo' are handed to the demo itself (try 'venuekit demo --help')."
    )


def _run_demo(_args: argparse.Namespace, rest: list[str]) -> int:
    try:
        demo = importlib.import_module("simulator.demo")
    except ModuleNotFoundError as exc:
        if exc.name not in {"simulator.demo", "simulator"}:
            raise
        raise UsageError(
            "the demo is not part of this installation (simulator.demo is missing); "
            "reinstall venuekit from a complete checkout with `pip install -e .` and try again."
        ) from exc
    status = demo.main(rest)
    return int(status or 0)


_COMMANDS: tuple[_Command, ...] = (
    _Command(
        name="demo",
        help="run a scripted simulator-core session and print it as a table",
        configure=_configure_demo,
        run=_run_demo,
        passthrough=True,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    """Build the ``venuekit`` argument parser with one subparser per available command.

    Returns:
        The top-level parser; parsed namespaces carry the chosen ``_Command`` as ``command``.
    """
    parser = argparse.ArgumentParser(
        prog="venuekit",
        description=(
            "venuekit: a fake crypto exchange that speaks real venues' wire protocols, "
            "and a conformance suite that certifies exchange adapters against it."
        ),
        epilog=(
            "Planned, not in this version yet: "
            + ", ".join(PLANNED_COMMANDS)
            + ". Run 'venuekit COMMAND --help' for a command's options."
        ),
    )
    parser.add_argument("--version", action="version", version=f"venuekit {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command_name")
    for command in _COMMANDS:
        # A passthrough command leaves --help and everything else to the program it runs.
        sub = subparsers.add_parser(command.name, help=command.help, add_help=not command.passthrough)
        command.configure(sub)
        sub.set_defaults(command=command)
    return parser


def _planned_command_requested(argv: Sequence[str]) -> str | None:
    """Return the first positional argument if it names a planned (not yet available) command."""
    for arg in argv:
        if arg.startswith("-"):
            continue
        return arg if arg in PLANNED_COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``venuekit`` command.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` when None.

    Returns:
        The process exit status: 0 on success, 2 for an error the user can fix.
    """
    args_in = list(sys.argv[1:] if argv is None else argv)
    planned = _planned_command_requested(args_in)
    if planned is not None:
        print(
            f"venuekit: '{planned}' is planned but not available in venuekit {__version__} yet; "
            "run 'venuekit --help' to see the commands this version has.",
            file=sys.stderr,
        )
        return EXIT_USAGE

    parser = build_parser()
    args, rest = parser.parse_known_args(args_in)
    command: _Command | None = getattr(args, "command", None)
    if rest and (command is None or not command.passthrough):
        hint = f"venuekit {command.name} --help" if command is not None else "venuekit --help"
        parser.error(f"unrecognized arguments: {' '.join(rest)}; run '{hint}' to see what is accepted.")
    if command is None:
        parser.print_help(sys.stderr)
        print(
            "\nvenuekit: choose a command from the list above, for example 'venuekit demo'.",
            file=sys.stderr,
        )
        return EXIT_USAGE

    try:
        return command.run(args, rest)
    except UsageError as exc:
        print(f"venuekit: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
