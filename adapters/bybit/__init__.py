"""Reference adapter for Bybit v5: spot, linear, inverse and option.

A real adapter: it never imports the simulator, and pointed at Bybit's own URLs it would work.
Layout (the adapter guide's, in Python):

- ``common/``: consts, credential (signing), wire enums and their model mappings, urls, parse
  helpers, the wire-struct decoder, test fixtures;
- ``http/``: models, query builders, the signed REST client (``http_*`` per endpoint), error
  translation, parse functions;
- ``websocket/``: message shapes and recognisers, push parsers, book sequencing, the stream client;
- ``config``, ``providers``, ``data`` (+ ``data_stream``, ``data_requests``), ``execution``
  (+ ``execution_orders``, ``execution_stream``, ``execution_reports``), ``capabilities``,
  ``factories``.

Entry point: ``venuekit.adapters`` → ``bybit`` = :class:`adapters.bybit.factories.BybitAdapterFactory`.
"""

from __future__ import annotations

__all__: list[str] = []
