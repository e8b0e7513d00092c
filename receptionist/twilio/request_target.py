"""A webhook request's path and query as Starlette's `request.url` gives them
(`.path`, `.query`) and its query parameters as `request.query_params` does, read from the
ASGI scope.

`request.url` builds a URL object from the scope (the Host header parsed and checked, the
URL joined and split again) only for the webhook to take back its path and query: about
3 % of a webhook server's samples under load (py-spy, `bench.webhooks`). These give the
same strings (tested against Starlette's own on awkward paths and queries in
tests/twilio/test_request_target.py); the Host header plays no part in them, as it plays
none in the URL Twilio signed (`signature.public_url`)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import Scope

# What `urllib.parse.urlsplit` (behind `URL.path` and `URL.query`) drops from a URL.
_DROPPED = str.maketrans("", "", "\t\r\n")


def path_and_query(scope: Scope) -> tuple[str, str]:
    """`(request.url.path, request.url.query)` for a request to one of our routes."""
    path: str = scope["path"]
    if not path.startswith("/") or path.startswith("//"):
        from starlette.datastructures import URL  # a path no route of ours matches

        url = URL(scope=scope)
        return url.path, url.query
    path = path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C").translate(_DROPPED)
    query = scope.get("query_string", b"").decode().translate(_DROPPED).split("#", 1)[0]
    return path, query


def query_dict(scope: Scope) -> dict[str, str]:
    """`dict(request.query_params)`: the last value of a repeated name."""
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                          keep_blank_values=True))
