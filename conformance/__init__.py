"""venuekit conformance: a pytest plugin and suite that certifies an exchange adapter against the simulator.

Adapters are found by name (entry point group ``venuekit.adapters``) or by ``module:factory``;
this package never imports a specific adapter.
"""
