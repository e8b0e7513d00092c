"""The script drawn as a graph: every step a box, every way out an arrow, problems and the
last test call's path marked; well-formed SVG whatever operators typed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from receptionist.admin.flow_diagram import diagram
from receptionist.call_flows.checks import graph_problems
from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.registry import kind_of
from receptionist.demo import demo_script_text
from tests.admin.helpers import csrf_of

SVG = "{http://www.w3.org/2000/svg}"


def nodes(svg: str) -> dict[str, str]:
    """{step: its classes}."""
    root = ET.fromstring(svg)
    return {g.attrib["data-step"]: g.attrib["class"] for g in root.iter(f"{SVG}g")
            if "data-step" in g.attrib}


def test_every_step_and_way_out_is_drawn() -> None:
    script = parse_script(demo_script_text("demo.yaml"))
    svg = diagram(script, path=["greeting", "main_menu", "message"])
    drawn = nodes(svg)
    assert set(script.steps) <= set(drawn) and "end of call" in drawn
    ways = sum(len(kind_of(step).exits(step)) for step in script.steps.values())
    root = ET.fromstring(svg)
    edges = [g for g in root.iter(f"{SVG}g") if g.attrib["class"].startswith("edge")]
    assert len(edges) == ways
    assert "on-path" in drawn["main_menu"] and "on-path" not in drawn["book"]
    assert "start" in drawn["greeting"]
    taken = [g for g in edges if "on-path" in g.attrib["class"]]
    # greeting → main_menu → message (by its key 2 and by no_match)
    assert len(taken) == 3
    labels = [t.text for g in edges for t in g.iter(f"{SVG}text")]
    assert "1 / book" in labels and "fallback" in labels


def test_a_missing_step_is_drawn_red_and_its_step_marked() -> None:
    text = demo_script_text("demo.yaml").replace("    fallback: booking_request",
                                                 "    fallback: nowhere")
    script = parse_script(text, check_graph=False)
    drawn = nodes(diagram(script, problems=graph_problems(script)))
    assert drawn["nowhere"] == "node missing" and "error" in drawn["book"]
    assert "error" not in drawn["main_menu"]


def test_the_script_page_draws_the_flow(operator: TestClient) -> None:
    page = operator.get("/admin/t/demo/script")
    assert '<svg class="flow-diagram"' in page.text
    draft = demo_script_text("demo.yaml").replace("    fallback: booking_request",
                                                  "    fallback: nowhere")
    checked = operator.post("/admin/t/demo/script", data={
        "yaml_text": draft, "action": "check", "csrf": csrf_of(page.text)})
    assert checked.status_code == 422
    assert 'class="node missing" data-step="nowhere"' in checked.text
    tested = operator.post("/admin/t/demo/script/test", data={
        "yaml_text": demo_script_text("demo.yaml"), "inputs": "2\nmessage 6",
        "csrf": csrf_of(page.text)})
    assert 'class="node on-path" data-step="message"' in tested.text
