"""A script's own spoken texts, known before any call: rendered by the local voice when
the script is published (voice.prompts.PromptCache.prepare_script), so no caller waits.
Texts with `{fields}` (a caller's name…) and the catalog's dynamic sentences (offers,
times) are rendered on demand."""

from __future__ import annotations

from receptionist.call_flows.schema import Script

PROMPT_FIELDS = ("text", "prompt", "reprompt", "thanks")


def step_prompts(script: Script) -> list[str]:
    """(The admin's previews.) Each step's prompts, in script order."""
    texts = []
    for step in script.steps.values():
        for name in PROMPT_FIELDS:
            text = getattr(step, name, None)
            if isinstance(text, str) and text:
                texts.append(text)
    return texts


def static_prompts(script: Script) -> list[str]:
    """Every text the script says as written: its steps' prompts, its FAQ answers, its
    recording notice; once each."""
    texts = [*step_prompts(script), *(entry.answer for entry in script.faq)]
    if script.recording_notice:
        texts.append(script.recording_notice)
    return list(dict.fromkeys(text for text in texts if "{" not in text))
