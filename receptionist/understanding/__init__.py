"""Text in, meaning out: what a caller's words ask for (no database, no HTTP, no audio)."""
