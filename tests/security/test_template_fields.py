"""Finding: format strings in script texts. `{{{caller:x>100000000}}}` passed the `{field}`
check and `str.format_map` applied the width (100 MB of TwiML per call); `{caller.__class__}`
and `{said[0]}` reached attributes and items. Texts now know `{name}` and nothing else:
anything else is refused when the script is checked, and filling cannot grow a text
beyond its words and its values."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from receptionist import text_fields
from receptionist.call_flows import announce
from receptionist.call_flows.loader import ScriptError, parse_script
from receptionist.call_flows.schema import ANNOUNCE_FIELDS, SayStep, TransferStep
from receptionist.call_flows.steps import say
from receptionist.demo import demo_script_text
from receptionist.tenants.service import get_tenant
from tests.admin.helpers import csrf_of, login
from tests.call_flows.flow_helpers import demo_ctx, said
from tests.conftest import FixedClock
from tests.security.conftest import OPERATOR

WIDE = "{{{caller:x>100000000}}}"
ATTACKS = [WIDE, "{caller.__class__}", "{said[0]}", "{caller!r}", "{number:>50000}",
           "{reason.__init__.__globals__}", "{caller_name:{caller}}"]
DEMO = demo_script_text("demo.yaml")
TRANSFER_LINE = "    screen: true\n"


def _announcing(template: str) -> str:
    quoted = template.replace("\\", "\\\\").replace('"', '\\"')
    return DEMO.replace(TRANSFER_LINE, TRANSFER_LINE + f'    announce: "{quoted}"\n')


def _greeting(template: str) -> str:
    quoted = template.replace("\\", "\\\\").replace('"', '\\"')
    return DEMO.replace("text: Thank you for calling Demo Dental Clinic.",
                        f'text: "Hello {quoted}"')


@pytest.mark.parametrize("template", ATTACKS)
def test_the_loader_refuses_formats_attributes_and_indexes(template: str) -> None:
    for text, path in ((_announcing(template), "steps.transfer.announce"),
                       (_greeting(template), "steps.greeting.text")):
        with pytest.raises(ScriptError) as refused:
            parse_script(text)
        problem = refused.value.problems[0]
        assert problem.path == path and problem.line is not None
        assert "malformed field" in problem.reason


@pytest.mark.usefixtures("accounts")
def test_an_operator_cannot_publish_a_wide_announcement(client: TestClient,
                                                       session: Session) -> None:
    assert login(client, OPERATOR)[0] == 200
    page = client.get("/admin/t/demo/script")
    response = client.post("/admin/t/demo/script", data={
        "yaml_text": _announcing(WIDE), "action": "publish", "csrf": csrf_of(page.text)})
    assert response.status_code == 422
    assert "steps.transfer.announce: malformed field {caller:x&gt;100000000}" in response.text
    assert "no format, conversion, attribute or index" in html.unescape(response.text)
    session.expire_all()
    assert get_tenant(session, slug="demo").active_version == 1


def test_a_stored_wide_template_cannot_blow_up_at_runtime(session: Session,
                                                          clock: FixedClock) -> None:
    # A version stored before the check: filling keeps the malformed field as written.
    ctx = demo_ctx(session, clock)
    step = ctx.script.steps["transfer"]
    assert isinstance(step, TransferStep)
    for attack in ATTACKS:
        spoken = announce.announcement(ctx, step.model_copy(update={"announce": attack}))
        assert len(spoken) < 300 and "class" not in spoken.replace(attack, "")
    greeting = ctx.script.steps["greeting"]
    assert isinstance(greeting, SayStep)
    say.render(ctx, "greeting", greeting.model_copy(update={"text": WIDE}))
    assert said(ctx.actions) == ["{{caller:x>100000000}}"]


VALUES = st.dictionaries(st.sampled_from(sorted(ANNOUNCE_FIELDS)), st.text(max_size=30))


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.text(alphabet=st.sampled_from("{}:>.![]0x_ caller_nmesaid"), max_size=60),
       values=VALUES)
def test_filling_never_grows_beyond_the_text_and_its_values(text: str,
                                                            values: dict[str, str]) -> None:
    filled = text_fields.fill(text, values)  # never raises, whatever the text
    used = sum(1 for p in text_fields.pieces(text) if isinstance(p, text_fields.Field))
    longest = max((len(v) for v in values.values()), default=0)
    assert len(filled) <= len(text) + used * longest
