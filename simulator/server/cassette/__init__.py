"""simulator.server.cassette: recording and replaying venue sessions on real sockets.

- ``server``: :class:`CassetteServer`, the replay server with VCR modes (``venuekit replay``),
  which in mode ``all`` is the recording proxy (``venuekit record``);
- ``upstream``: forwarding one REST exchange or one WebSocket connection to the venue, recording it;
- ``player``: replaying one recorded WebSocket session to a live client;
- ``events``: :class:`Recording`, cassette events written (scrubbed) as traffic passes;
- ``tap``: the simulator's journal as a cassette (``Simulator(record=PATH)``);
- ``plugin``: the ``venue_cassette`` pytest fixture;
- ``run``: the foreground commands ``venuekit record`` and ``venuekit replay``.

The cassette format, scrubbing and matching are pure and live in :mod:`simulator.cassette`.
"""

from __future__ import annotations

from simulator.server.cassette.events import Recording
from simulator.server.cassette.server import MODES, CassetteServer, Mode

__all__ = ["MODES", "CassetteServer", "Mode", "Recording"]
