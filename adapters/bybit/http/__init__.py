"""Bybit REST: wire models, query builders, the signed HTTP client and the parse functions."""
