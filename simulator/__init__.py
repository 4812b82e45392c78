"""venuekit simulator: a scriptable fake exchange that speaks real venues' wire protocols.

Layers, top to bottom (arrows point down only): ``simulator.server`` (aiohttp app, control
plane, journal, faults), ``simulator.dialects.<venue>`` (wire format, auth, errors, limits),
``simulator.core`` (pure books, matching, accounts, clock: no I/O, no JSON).
"""
