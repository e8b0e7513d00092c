"""request_target gives the path, query and query parameters Starlette's request gives."""

from __future__ import annotations

import pytest
from starlette.datastructures import URL, QueryParams
from starlette.types import Scope

from receptionist.twilio.request_target import path_and_query, query_dict

PATHS = ["/twilio/menu", "/twilio/voice", "/a b", "/t\tw", "/q?x", "/back\\slash#h",
         "//double", "/", "/x\r\ny", "/é/ü", "relative", " /space"]
QUERIES = [b"", b"step=main_menu&attempt=0&seq=1", b"x=1#frag&y=2", b"a=\t1&b=%0A",
           b"a=%E2%82%AC&b=\xc3\xa9", b"a=1&a=2&c", b"=&&a=b=c", b"\r\n", b"a=?b&?=c",
           b"lang=fr%2Cen&x=%00"]
HOSTS: list[list[tuple[bytes, bytes]]] = [[(b"host", b"example.com")], [],
                                          [(b"host", b"rx.example.com:8443")],
                                          [(b"host", b"[bad")]]


def _scope(path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> Scope:
    return {"type": "http", "path": path, "query_string": query, "headers": headers,
            "scheme": "https", "server": ("127.0.0.1", 8000)}


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("path", PATHS)
def test_same_path_query_and_parameters_as_starlette(path: str, query: bytes) -> None:
    for headers in HOSTS:  # the Host header, or none, changes nothing
        scope = _scope(path, query, headers)
        url = URL(scope=scope)
        assert path_and_query(scope) == (url.path, url.query), headers
        assert query_dict(scope) == dict(QueryParams(query))


def test_a_query_that_is_not_utf8_fails_as_starlette_does() -> None:
    scope = _scope("/twilio/menu", b"a=\xff", [(b"host", b"example.com")])
    with pytest.raises(UnicodeDecodeError):
        URL(scope=scope)
    with pytest.raises(UnicodeDecodeError):
        path_and_query(scope)
