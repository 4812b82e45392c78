"""simulator.server: the aiohttp app, control plane, journal, faults and recorder/replayer."""
