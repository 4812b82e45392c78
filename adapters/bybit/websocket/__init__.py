"""Bybit WebSocket: message shapes and recognisers, parse functions, and the stream client."""
