"""Shared fixtures for venuekit's own test suite.

This is a rootdir conftest: ``tests/`` has no ``__init__.py``, so test modules are imported by
pytest's rootdir-relative names, and the code under test is imported from the installed
(editable) distribution, exactly as a user would import it. Tests mirror the package layout:
``tests/unit/<package>/...`` for pure units, ``tests/integration/...`` for anything that opens
a socket (bind port 0, never sleep).
"""
