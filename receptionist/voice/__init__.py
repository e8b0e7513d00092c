"""The local voice: prompts spoken by libespeak-ng (`espeak_lib`), cached and served
under expiring names (`prompts`, `prompt_names`)."""
