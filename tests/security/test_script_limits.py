"""Finding 3: a small script tied up the server (alias bombs, deep nesting, a 3,000-step
chain that overflowed the loop check). Each is now refused at once with a line-level
reason, through the loader, the CLI's validation and the admin editor alike."""

from __future__ import annotations

import sys

import pytest
from fastapi.testclient import TestClient
from ruamel.yaml import YAML

from receptionist.call_flows.loader import MAX_SCRIPT_CHARS, ScriptError, parse_script
from receptionist.call_flows.schema import MAX_STEPS
from receptionist.demo import demo_script_text
from tests.admin.helpers import csrf_of, login
from tests.security.conftest import OPERATOR

# Six levels of ten aliases: 10**6 strings once expanded, from about 300 bytes.
ALIAS_BOMB = "\n".join(
    ['business: "x"', 'timezone: Europe/Paris', 'language: fr-FR', 'start: a', 'l0: &l0 "lol"']
    + [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 7)]
    + ["steps: {a: {kind: hangup, text: *l6}}"])


def _chain(count: int) -> str:
    steps = "\n".join(f"  s{i}: {{kind: say, text: x, next: s{i + 1}}}" for i in range(count))
    return ("business: Chain\ntimezone: Europe/Paris\nlanguage: fr-FR\nstart: s0\nsteps:\n"
            + steps + f"\n  s{count}: {{kind: hangup}}\n")


def _refused(text: str, *, before_composing: bool = False) -> str:
    with pytest.MonkeyPatch.context() as patch:
        if before_composing:  # refused from the event stream: no tree, no expansion
            patch.setattr(YAML, "load", lambda *a: pytest.fail("the script was composed"))
        with pytest.raises(ScriptError) as refused:
            parse_script(text)
    return str(refused.value)


def test_alias_bomb_is_refused_before_expansion() -> None:
    assert len(ALIAS_BOMB) < 500
    reason = _refused(ALIAS_BOMB, before_composing=True)
    assert "anchors and aliases" in reason and "line 5" in reason


def test_a_single_alias_is_refused_too() -> None:
    text = demo_script_text("demo.yaml").replace("business:", "x: &name Acme\nbusiness:", 1)
    assert "anchors and aliases" in _refused(text)


def test_deep_nesting_is_refused() -> None:
    assert "nested more than" in _refused("business: " + "[" * 5000 + "]" * 5000,
                                          before_composing=True)
    assert "nested more than" in _refused("a:\n" + "".join(
        " " * i + f"k{i}:\n" for i in range(1, 60)), before_composing=True)


def test_too_many_steps_are_refused_with_the_line() -> None:
    reason = _refused(_chain(MAX_STEPS + 100))
    assert f"at most {MAX_STEPS} items" in reason and "line 5" in reason
    assert "characters long" in _refused(_chain(3000))  # the reproduction: refused by size


def test_long_chains_are_checked_without_recursion() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(150)  # far below the chain's length: a recursive walk would fail
    try:
        parse_script(_chain(MAX_STEPS - 1))  # the largest allowed chain loads
        cycle = _loop(MAX_STEPS - 2)
        assert "loop without ever waiting" in _refused(cycle)
    finally:
        sys.setrecursionlimit(limit)


def _loop(length: int) -> str:
    return _chain(length).replace(f"s{length}: {{kind: hangup}}",
                                  f"s{length}: {{kind: say, text: x, next: s0}}")


def test_oversized_script_is_refused() -> None:
    reason = _refused("business: x\n" + "# padding\n" * (MAX_SCRIPT_CHARS // 10))
    assert "characters long" in reason


@pytest.mark.usefixtures("accounts")
def test_admin_check_of_an_alias_bomb_is_refused(client: TestClient) -> None:
    assert login(client, OPERATOR)[0] == 200
    page = client.get("/admin/t/demo/script")
    response = client.post("/admin/t/demo/script", data={
        "yaml_text": ALIAS_BOMB, "action": "check", "csrf": csrf_of(page.text)})
    assert response.status_code == 422
    assert "anchors and aliases" in response.text
