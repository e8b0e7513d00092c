"""The owner's choice of local voice (settings page): each installed voice that speaks
the business's language, a sample of it as a caller would hear it (8 kHz μ-law, played
back as 16-bit WAV, which every browser plays), and a form that publishes the script
again with its `voice:` set to the chosen one (only that field changes, proven as the
script form's edits are: admin.script_proof)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from fastapi import HTTPException
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from sqlmodel import Session

from receptionist.admin.script_form import FormError, UnprovenEdit
from receptionist.admin.script_proof import Edits, unproven
from receptionist.admin.scripts import render_prompts
from receptionist.call_flows import publishing
from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.meaning import script_model
from receptionist.i18n import N_, gettext
from receptionist.runtime import Runtime
from receptionist.speech.audio import PHONE_RATE, to_wav, ulaw_decode
from receptionist.tenants import service as tenants
from receptionist.tenants.models import Tenant
from receptionist.voice import catalog

MAX_SPEC = 100


@dataclass(frozen=True)
class VoiceChoice:
    spec: str  # what `voice:` says: local:pico:fr-FR
    label: str  # "pico fr-FR"
    licence: str
    chosen: bool
    best: bool  # what `voice: local` picks


def choices(tenant: Tenant, current: str | None) -> list[VoiceChoice]:
    """The installed voices speaking the business's language, best first."""
    voices = catalog.for_language(tenant.language, catalog.installed())
    if not voices:
        return []
    best = voices[0]
    chosen = None
    if catalog.is_local(current):
        assert current is not None
        try:
            chosen = catalog.choose(current, tenant.language)
        except catalog.VoiceProblem:
            chosen = None
    return [VoiceChoice(v.spec, f"{v.engine} {v.name}", v.licence, v == chosen, v == best)
            for v in voices]


def current_voice(db: Session, tenant: Tenant) -> str | None:
    if tenant.active_version is None:
        return None
    return publishing.active_script(db, tenant=tenant)[1].voice


def offered(tenant: Tenant, spec: str) -> catalog.Voice:
    """The installed voice `spec` names, if it speaks the business's language (else 404:
    nothing else is offered on the page)."""
    for voice in catalog.for_language(tenant.language, catalog.installed()):
        if voice.spec == spec:
            return voice
    raise HTTPException(404, "no such voice")


def sample_text(tenant: Tenant) -> str:
    return gettext(tenant.language, "admin.voice_sample", business=tenant.name)


def sample_wav(rt: Runtime, tenant: Tenant, voice: catalog.Voice) -> bytes:
    """The sample sentence in `voice`, as the phone line carries it (rendered once into
    the prompt cache), as a 16-bit PCM WAV."""
    text = sample_text(tenant)
    key = rt.prompts.key(text, voice.spec, tenant.language)
    path = rt.prompts.path(key)
    if not path.is_file():
        path = rt.prompts.render(text, voice.spec, tenant.language)
    data = path.read_bytes()
    start = data.index(b"data") + 8
    size = int.from_bytes(data[start - 4:start], "little")
    return to_wav(ulaw_decode(data[start:start + size]), PHONE_RATE)


def with_voice(yaml_text: str, voice: str) -> str:
    """The script's YAML with `voice:` set (added after `language:` when absent), every
    other byte kept; UnprovenEdit if the result would read as anything else."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    tree = yaml.load(yaml_text)
    if not isinstance(tree, CommentedMap):
        raise FormError(N_("refusal.form.not_a_mapping"))
    edits = Edits(tree)
    if "voice" in tree:
        edits.set(("voice",), voice)
    else:
        keys = list(tree.keys())
        at = keys.index("language") + 1 if "language" in keys else 0
        edits.insert(("voice",), at, voice)
    out = io.StringIO()
    yaml.dump(tree, out)
    written = out.getvalue()
    differ = unproven(yaml_text, written, edits.done)
    if differ:
        raise UnprovenEdit(differ)
    return written


def publish_voice(rt: Runtime, db: Session, tenant: Tenant, voice: catalog.Voice,
                  author: str) -> int:
    """A new version of the active script speaking with `voice`; its version number.
    FormError or ScriptError when the script cannot be written so."""
    assert tenant.id is not None and tenant.active_version is not None
    active = tenants.script_version(db, tenant_id=tenant.id, version=tenant.active_version)
    yaml_text = with_voice(active.yaml_text, voice.spec)
    script_model(parse_script(yaml_text))
    with rt.database.write_transaction(db):
        row = publishing.publish_script(db, tenant=tenant, yaml_text=yaml_text,
                                        author=author, comment=f"voice {voice.spec}")
    render_prompts(rt, yaml_text)
    return row.version
