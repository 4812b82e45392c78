"""Reference adapter for Bybit v5 (not written yet).

A real adapter: it never imports the simulator, and pointed at Bybit's own URLs it would work.
"""
