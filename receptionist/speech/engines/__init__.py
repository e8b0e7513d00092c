"""The speech engines (faster-whisper, Vosk, pocketsphinx), which one hears a language
(`choice`), and installing their models (`vosk_models`, `whisper_models`, archives
checked by `safe_archive`). Nothing is imported here: each caller loads only the
engine it uses."""
