"""simulator.dialects: one package per venue, translating its wire format to and from core commands."""
