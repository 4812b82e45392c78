"""Scrubbing: secrets out of every event before it is encoded, so none ever reaches the disk.

A :class:`Scrubber` replaces, by the rules of a dialect (:mod:`simulator.cassette.rules`):

- the values of secret headers (``X-BAPI-API-KEY``, ``X-BAPI-SIGN``, ``Authorization``, cookies);
- secret query, form and JSON fields at any depth (``sign``, ``signature``, ``apiKey``,
  ``listenKey``, ``passphrase`` ...), in requests, responses and WebSocket frames;
- every element of the ``args`` of a WebSocket auth request (key, expiry, signature);
- optionally account ids (``uid``, ``userID`` ...), by a stable pseudonym;

- secrets in URL paths where the dialect names them (a listen key as a path segment);
- the same in binary WebSocket payloads: UTF-8 ones as text, gzip/zlib/deflate-compressed
  ones decompressed, scrubbed and compressed again;

and then, belt and braces, every occurrence anywhere in the event of a secret value it was given
or has seen in one of the places above (an API key echoed in a URL or a body is caught too).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import unquote_plus

import orjson

from simulator.cassette.format import Event, get_bytes, put_bytes
from simulator.cassette.rules import SCRUBBED, DialectRules, mask_path

__all__ = ["MIN_SECRET_LENGTH", "Scrubber"]

#: Values shorter than this are not erased as literals (a 3-letter "key" would erase real data).
MIN_SECRET_LENGTH: Final = 6


class Scrubber:
    """Removes secrets from cassette events (call it with an event; it returns a scrubbed copy).

    Parameters:
        rules: the dialect's rules.
        account_ids: also replace account ids by ``acct-<hash>`` pseudonyms (stable per value).
        secrets: values known to be secret (an API key and secret), erased wherever they occur.
    """

    def __init__(
        self, rules: DialectRules, *, account_ids: bool = False, secrets: Iterable[str] = ()
    ) -> None:
        self.rules = rules
        self.account_ids = account_ids
        self._secrets: set[str] = set()
        for secret in secrets:
            self.learn(secret)
        self._names = rules.secret_params | (
            frozenset(name.lower() for name in rules.account_fields) if account_ids else frozenset()
        )

    def learn(self, value: object) -> None:
        """Treat ``value`` as secret from now on (ignored unless a string of 6 characters or more)."""
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH and value != SCRUBBED:
            self._secrets.add(value)

    @property
    def secrets(self) -> frozenset[str]:
        """The literal secrets known so far."""
        return frozenset(self._secrets)

    def __call__(self, event: Event) -> Event:
        """A scrubbed copy of ``event`` (the original is not changed)."""
        event = dict(event)
        kind = event.get("type")
        if isinstance(event.get("path"), str):
            event["path"], found = mask_path(event["path"], self.rules)
            for secret in found:
                self.learn(secret)
        for name in ("headers", "response_headers"):
            if name in event:
                event[name] = self._headers(event[name])
        if "query" in event:
            event["query"] = self._query(event["query"])
        if kind == "http":
            for name in ("body", "response_body"):
                if name in event or name + "_b64" in event:
                    raw = get_bytes(event, name)
                    event.pop(name, None)
                    event.pop(name + "_b64", None)
                    put_bytes(event, name, self._body(raw))
        elif kind == "ws_frame" and "data" in event:
            event["data"] = self._ws_text(event["data"], inbound=event.get("dir") == "in")
        elif kind == "ws_frame" and "data_b64" in event:
            event["data_b64"] = self._compressed(event["data_b64"], inbound=event.get("dir") == "in")
        return self._literals(event) if self._secrets else event

    # -- parts -------------------------------------------------------------------------------------

    def _headers(self, headers: list[list[str]]) -> list[list[str]]:
        out = []
        for name, value in headers:
            secret = name.lower() in self.rules.secret_headers
            if secret:
                self.learn(value)
            out.append([name, SCRUBBED if secret else value])
        return out

    def _query(self, query: str) -> str:
        if not query:
            return query
        parts = []
        for token in query.split("&"):
            key, sep, value = token.partition("=")
            if sep and unquote_plus(key).lower() in self._names:
                self.learn(unquote_plus(value))
                parts.append(f"{key}={SCRUBBED}")
            else:
                parts.append(token)
        return "&".join(parts)

    def _body(self, raw: bytes) -> bytes:
        if not raw:
            return raw
        stripped = raw.lstrip()
        if stripped[:1] in (b"{", b"["):
            try:
                document = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return raw
            return orjson.dumps(self._json(document))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw
        if "=" in text and " " not in text:  # a form body: name=value&...
            return self._query(text).encode("utf-8")
        return raw

    def _ws_text(self, text: str, *, inbound: bool) -> str:
        lowered = text.lower()
        if not inbound and not any(name in lowered for name in self._names):
            return text  # the common case on a stream: nothing to look at, no parse
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            return text
        if inbound and isinstance(document, dict):
            op = document.get("op")
            if isinstance(op, str) and op.lower() in self.rules.ws_auth_ops and "args" in document:
                args = document["args"]
                if isinstance(args, list):
                    for arg in args:
                        self.learn(arg if isinstance(arg, str) else None)
                    document["args"] = [SCRUBBED for _ in args]
                else:
                    document["args"] = SCRUBBED
        return orjson.dumps(self._json(document)).decode("utf-8")

    def _compressed(self, encoded: str, *, inbound: bool) -> str:
        """A binary payload that is not UTF-8: when it is gzip or zlib/deflate-compressed UTF-8
        text (as some venues send every frame), scrub the text and compress it the same way."""
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            return encoded
        for decompress, compress in _CODECS:
            try:
                text = decompress(raw).decode("utf-8")
            except (OSError, EOFError, zlib.error, UnicodeDecodeError):
                continue
            scrubbed = self._ws_text(text, inbound=inbound)
            if self._secrets:
                scrubbed = self._literals(scrubbed)
            if scrubbed == text:
                return encoded
            return base64.b64encode(compress(scrubbed.encode("utf-8"))).decode("ascii")
        return encoded

    def _json(self, value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                lowered = key.lower() if isinstance(key, str) else key
                if lowered in self.rules.secret_params:
                    self.learn(item)
                    out[key] = SCRUBBED if item not in (None, "") else item
                elif self.account_ids and key in self.rules.account_fields and item not in (None, ""):
                    out[key] = _pseudonym(item)
                else:
                    out[key] = self._json(item)
            return out
        if isinstance(value, list):
            return [self._json(item) for item in value]
        return value

    def _literals(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret in self._secrets:
                if secret in value:
                    value = value.replace(secret, SCRUBBED)
            return value
        if isinstance(value, dict):
            return {key: self._literals(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._literals(item) for item in value]
        return value


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


#: (decompress, compress) pairs tried on a binary payload: gzip, zlib, raw deflate.
_CODECS: Final = (
    (gzip.decompress, gzip.compress),
    (zlib.decompress, zlib.compress),
    (lambda data: zlib.decompress(data, wbits=-zlib.MAX_WBITS), _raw_deflate),
)


def _pseudonym(value: object) -> str:
    digest = hashlib.sha256(str(value).encode("utf-8")).hexdigest()[:10]
    return f"acct-{digest}"
