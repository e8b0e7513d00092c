"""Text prepared for a voice: what a reader says where the text has symbols (times,
prices, phone numbers, titles, ordinals, run-together names). `prepare.for_speech` runs
them in order; each concern is its own module, per language."""
