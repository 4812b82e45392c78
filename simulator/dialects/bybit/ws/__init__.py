"""Bybit v5 WebSocket dialect: the public, private and trade streams of §7, without sockets."""
