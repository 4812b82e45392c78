"""The ``venuekit`` command.

A thin argparse front end: each subcommand imports the part of the kit it drives only when it
runs, so ``venuekit --help`` stays fast and the top package stays above every other layer.

Subcommands available now: ``demo``, ``serve``, ``certify``, ``mutants``, ``record``, ``replay``,
``export``. Planned ones (none at the moment) answer with a sentence saying so.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from venuekit import __version__

__all__ = ["EXIT_USAGE", "PLANNED_COMMANDS", "UsageError", "build_parser", "main"]

#: Exit status for an error the user can fix (bad arguments, missing part of the kit).
EXIT_USAGE = 2

#: Subcommands the kit will grow (docs/ARCHITECTURE.md). Asking for one of them now gets a
#: sentence saying so instead of argparse's "invalid choice".
PLANNED_COMMANDS: tuple[str, ...] = ()


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


def _configure_serve(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run the simulator in the foreground: a fake venue on real sockets, speaking the dialect's "
        "wire protocol. Prints the REST URL, the WebSocket URLs and the demo API key and secret as "
        "key=value lines, then a live summary. Ctrl-C or SIGTERM stops it."
    )
    parser.add_argument("--dialect", default="bybit", help="the venue dialect to speak (default: bybit)")
    parser.add_argument(
        "--scenario",
        type=Path,
        metavar="PATH",
        help="scenario file (default: scenarios/<dialect>/default.yaml)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, loopback only)"
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, any free port)")
    parser.add_argument(
        "--clock", choices=("real", "virtual"), help="venue clock (default: the scenario's clock.mode)"
    )
    parser.add_argument(
        "--seed", type=int, help="seed for ids, generated books and flow (default: the scenario's)"
    )
    parser.add_argument("--api-key", metavar="KEY", help="the demo account's API key (with --api-secret)")
    parser.add_argument(
        "--api-secret", metavar="SECRET", help="the demo account's API secret (with --api-key)"
    )
    parser.add_argument(
        "--control-token",
        metavar="TOKEN",
        help="token every /__venuekit__/ control call must carry (X-Venuekit-Token); "
        "required when --host is not a loopback address",
    )
    parser.add_argument(
        "--stats-interval",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="seconds between summary lines when stdout is not a terminal (default: 10)",
    )


def _run_serve(args: argparse.Namespace, _rest: list[str]) -> int:
    if (args.api_key is None) != (args.api_secret is None):
        raise UsageError(
            "give --api-key and --api-secret together, or neither to use the scenario's demo key"
        )
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535, got {args.port}")
    if args.stats_interval <= 0:
        raise UsageError(f"--stats-interval must be a positive number of seconds, got {args.stats_interval}")
    serve = importlib.import_module("simulator.server.serve")
    options = serve.ServeOptions(
        dialect=args.dialect,
        scenario=args.scenario,
        host=args.host,
        port=args.port,
        clock=args.clock,
        seed=args.seed,
        api_key=args.api_key,
        api_secret=args.api_secret,
        control_token=args.control_token,
        stats_interval=args.stats_interval,
    )
    return int(serve.serve(options))


def _configure_certify(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Certify an adapter: run the conformance suite against the simulator, show progress and a "
        "table of verdicts, and write the artifacts (report.json, report.md, report.html, junit.xml, "
        "badge.svg, badge.json) with --cert-dir. Exit status 1 when any case fails."
    )
    parser.add_argument(
        "--adapter", required=True, metavar="SPEC", help="entry point name (e.g. bybit) or module:factory"
    )
    parser.add_argument("--cert-dir", type=Path, metavar="DIR", help="write the certification artifacts here")
    parser.add_argument("-k", dest="keyword", metavar="EXPR", help="only cases matching this -k expression")
    parser.add_argument(
        "--group", dest="groups", action="append", default=[], metavar="G", help="only group G (repeatable)"
    )
    parser.add_argument("--dialect", help="simulator dialect, when the adapter speaks several")
    parser.add_argument("--verbose", action="store_true", help="show pytest's own output too")


def _run_certify(args: argparse.Namespace, _rest: list[str]) -> int:
    certify = importlib.import_module("conformance.certify")
    options = certify.CertifyOptions(
        adapter=args.adapter,
        cert_dir=args.cert_dir,
        keyword=args.keyword,
        groups=tuple(args.groups),
        dialect=args.dialect,
        verbose=args.verbose,
    )
    return int(certify.certify(options))


def _configure_mutants(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Measure the suite's detection power: certify each deliberately faulty variant (mutant) of "
        "an adapter on the groups it targets, and check the suite fails it on its expected cases. "
        "Prints a table and, as the last line, one JSON object (mutants_total, mutants_caught, "
        "per-mutant results). Exit status 1 when any mutant survives."
    )
    parser.add_argument(
        "--adapter",
        default="bybit",
        metavar="NAME",
        help="whose mutants: entry point name of group venuekit.mutants, or module:attr (default: bybit)",
    )
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="NAME", help="run only these mutants (by name)"
    )
    parser.add_argument(
        "--scope",
        choices=("groups", "expected"),
        default="groups",
        help="certify each mutant's whole groups (default) or only its expected cases (quicker)",
    )
    parser.add_argument(
        "--reference",
        metavar="SPEC",
        help="the unmutated adapter for the baseline run (default: --adapter; '' for no baseline)",
    )


def _run_mutants(args: argparse.Namespace, _rest: list[str]) -> int:
    command = importlib.import_module("conformance.mutants.command")
    options = command.MutantsOptions(
        adapter=args.adapter, only=tuple(args.only), scope=args.scope, reference=args.reference
    )
    return int(command.mutants(options))


def _configure_record(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run a recording reverse proxy: point a client at it, and every REST request and WebSocket "
        "connection (every path, both directions, control frames) goes to the upstream venue and is "
        "written, secrets scrubbed, to the cassette. Ctrl-C or SIGTERM stops it."
    )
    parser.add_argument("--upstream-rest", metavar="URL", help="the venue's REST base URL")
    parser.add_argument("--upstream-ws", metavar="URL", help="the venue's WebSocket base URL")
    parser.add_argument(
        "--listen", default="127.0.0.1:0", metavar="HOST:PORT", help="where to listen (default: 127.0.0.1:0)"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="CASSETTE", help="the cassette to write")
    parser.add_argument("--scrub-account-ids", action="store_true", help="also replace account ids")


def _listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"--listen takes HOST:PORT with a port from 0 to 65535, got {value!r}")
    return host.strip("[]"), int(port)


def _cassette_run(options: object) -> int:
    run = importlib.import_module("simulator.server.cassette.run")
    errors = importlib.import_module("simulator.cassette.errors")
    try:
        return int(run.run(options))
    except errors.CassetteError as exc:
        raise UsageError(str(exc)) from None


def _run_record(args: argparse.Namespace, _rest: list[str]) -> int:
    if args.upstream_rest is None and args.upstream_ws is None:
        raise UsageError("give the venue to record: --upstream-rest URL and/or --upstream-ws URL")
    host, port = _listen(args.listen)
    run = importlib.import_module("simulator.server.cassette.run")
    options = run.RunOptions(
        args.out, "all", host, port, None, args.upstream_rest, args.upstream_ws, args.scrub_account_ids
    )
    return _cassette_run(options)


_SPEEDS = {"1": 1.0, "10": 10.0, "max": None}


def _configure_replay(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Serve the venue side of a cassette: REST answers matched on method, path and parameters, "
        "WebSocket sessions replayed in recorded order. Ctrl-C or SIGTERM stops it; the exit status "
        "is 1 when requests had no recording."
    )
    parser.add_argument("cassette", type=Path, metavar="CASSETTE")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, any free port)")
    parser.add_argument("--speed", choices=tuple(_SPEEDS), default="1", help="replay timing (default: 1)")
    parser.add_argument(
        "--mode",
        choices=("none", "once", "new_episodes", "all"),
        default="none",
        help="record mode (default: none)",
    )
    parser.add_argument("--upstream-rest", metavar="URL", help="the venue's REST base URL (recording modes)")
    parser.add_argument(
        "--upstream-ws", metavar="URL", help="the venue's WebSocket base URL (recording modes)"
    )


def _run_replay(args: argparse.Namespace, _rest: list[str]) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535, got {args.port}")
    if args.mode == "none" and not args.cassette.exists():
        raise UsageError(f"no cassette at {args.cassette}: record one with 'venuekit record ... --out FILE'")
    run = importlib.import_module("simulator.server.cassette.run")
    options = run.RunOptions(
        args.cassette,
        args.mode,
        args.host,
        args.port,
        _SPEEDS[args.speed],
        args.upstream_rest,
        args.upstream_ws,
    )
    return _cassette_run(options)


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write a cassette's REST envelopes and WebSocket messages as test fixtures "
        "(http_get_{endpoint}.json, ws_{message_type}.json), deduplicated and pretty-printed."
    )
    parser.add_argument("cassette", type=Path, metavar="CASSETTE")
    parser.add_argument("--to", type=Path, required=True, metavar="DIR", help="e.g. test_data/bybit/")
    parser.add_argument(
        "--max-examples",
        type=int,
        default=3,
        metavar="N",
        help="distinct payloads kept per name (default: 3)",
    )


def _run_export(args: argparse.Namespace, _rest: list[str]) -> int:
    if args.max_examples < 1:
        raise UsageError(f"--max-examples must be at least 1, got {args.max_examples}")
    if not args.cassette.exists():
        raise UsageError(f"no cassette at {args.cassette}: record one with 'venuekit record ... --out FILE'")
    cassette = importlib.import_module("simulator.cassette")
    try:
        report = cassette.export(cassette.load(args.cassette), args.to, max_examples=args.max_examples)
    except cassette.CassetteError as exc:
        raise UsageError(str(exc)) from None
    for line in report.lines():
        print(line)
    return 0


_COMMANDS: tuple[_Command, ...] = (
    _Command(
        name="demo",
        help="run a scripted simulator-core session and print it as a table",
        configure=_configure_demo,
        run=_run_demo,
        passthrough=True,
    ),
    _Command(
        name="serve",
        help="run the simulator (a fake venue on real sockets) in the foreground",
        configure=_configure_serve,
        run=_run_serve,
    ),
    _Command(
        name="certify",
        help="certify an adapter against the simulator with the conformance suite",
        configure=_configure_certify,
        run=_run_certify,
    ),
    _Command(
        name="mutants",
        help="check the suite catches every mutant (faulty variant) of an adapter",
        configure=_configure_mutants,
        run=_run_mutants,
    ),
    _Command(
        name="record",
        help="record a venue session (REST and WebSocket) through a proxy, secrets scrubbed",
        configure=_configure_record,
        run=_run_record,
    ),
    _Command(
        name="replay",
        help="serve the venue side of a recorded cassette",
        configure=_configure_replay,
        run=_run_replay,
    ),
    _Command(
        name="export",
        help="write a cassette's payloads as http_*.json / ws_*.json fixtures",
        configure=_configure_export,
        run=_run_export,
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
            ("Planned, not in this version yet: " + ", ".join(PLANNED_COMMANDS) + ". ")
            if PLANNED_COMMANDS
            else ""
        )
        + "Run 'venuekit COMMAND --help' for a command's options.",
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
