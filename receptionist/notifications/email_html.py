"""The HTML part of owners' emails, from autoescaped templates.

Caller IDs, names and transcripts come from callers and may hold `<`: they are always text
in the HTML, never markup (a template environment with autoescape on, not f-strings)."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, select_autoescape

_TEMPLATES = {
    "summary.html": ("<html><body><p><strong>{{ first }}</strong></p>"
                     "<ul>{% for line in rest %}<li>{{ line }}</li>{% endfor %}</ul>"
                     "</body></html>"),
    "plain.html": "<html><body><pre>{{ text }}</pre></body></html>",
}
_env = Environment(loader=DictLoader(_TEMPLATES),
                   autoescape=select_autoescape(default=True, default_for_string=True))


def summary(lines: list[str]) -> str:
    """A headline and a list, one line each."""
    first, *rest = lines or [""]
    return _env.get_template("summary.html").render(first=first, rest=rest)


def plain(text: str) -> str:
    """Preformatted text (digests and other plain notifications)."""
    return _env.get_template("plain.html").render(text=text)
