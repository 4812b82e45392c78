"""The conformance cases, one module per catalogue group (``test_<group>.py``).

pytest collects them with the plugin loaded: ``pytest conformance --adapter=NAME``.
"""
