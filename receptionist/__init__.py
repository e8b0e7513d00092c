"""receptionist: a self-hosted virtual receptionist answering Twilio calls."""

__version__ = "0.1.0"
