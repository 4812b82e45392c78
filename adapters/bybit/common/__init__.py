"""Pieces shared by the Bybit adapter's HTTP and WebSocket layers: constants, signing, wire enums, URLs."""
