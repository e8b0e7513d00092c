"""The one place settings are read (environment variables or `.env`)."""

from __future__ import annotations

import ipaddress
import math
import re
import string
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that mean "nobody configured this": accepted in dev mode only.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "dev-auth-token", "dev-secret-key", "placeholder"}
)
DEV_AUTH_TOKEN = "dev-auth-token"
DEV_SECRET_KEY = "dev-secret-key"
DEV_ACCOUNT_SID = "AC00000000000000000000000000000000"
TWILIO_API = "https://api.twilio.com"


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """`10.0.0.0/8, fd00::/8` -> networks; ValueError names the bad entry."""
    networks = []
    for part in text.replace(";", ",").split(","):
        if part.strip():
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise ValueError(f"not a network in CIDR form: {part.strip()!r}") from None
    return tuple(networks)


TWILIO_TOKEN = re.compile(r"^[0-9a-f]{32}$")
MIN_KEY_BITS = 128
# A Twilio auth token is 128 random bits, which key_bits measures at 90 or more (a
# conservative estimate); a pattern typed as a placeholder (0123…, 0f1e2d…) at 70 or less.
MIN_TOKEN_BITS = 80
PREDICTED_BITS = 1.0  # what a character costs when the pattern so far predicts it
GENERATE_KEY = "python -c 'import secrets; print(secrets.token_hex(32))'"


def _alphabet_bits(key: str) -> float:
    """The bits of one character drawn from the alphabet the key seems to use."""
    if key.isdigit():
        return math.log2(10)
    if all(c in string.hexdigits for c in key) and key in (key.lower(), key.upper()):
        return 4.0
    size = sum(size for chars, size in ((string.ascii_lowercase, 26),
                                        (string.ascii_uppercase, 26), (string.digits, 10))
               if any(c in chars for c in key))
    return math.log2(size + (33 if any(not c.isalnum() for c in key) else 0))


def _predicted(key: str, i: int) -> bool:
    """Whether key[i] is what came before announces: a run or a sequence (aaa, abc, 0123,
    aceg, 9876; also every other character: 0f1e2d), or a repeat of an earlier chunk."""
    here = ord(key[i])
    if i >= 1 and key[i] == key[i - 1]:
        return True
    for stride in (1, 2):
        if i >= 2 * stride:
            before, last = ord(key[i - 2 * stride]), ord(key[i - stride])
            if here - last == last - before and abs(here - last) <= 3:
                return True
    return i >= 2 and key[i - 2:i + 1] in key[:i]


def key_bits(key: str) -> float:
    """A conservative estimate of a key's strength in bits: the smaller of
    - the entropy of its characters' frequencies (len × H): few distinct characters, or
      some of them over-used, cap it whatever the length;
    - the sum over its characters of the bits of the alphabet they draw from, a character
      that a run, a sequence or a repeat predicts (see `_predicted`) counting 1 bit.
    Placeholders, repeated chunks and keys of fewer than 8 distinct characters are 0. A
    key of n random bits measures about 0.8-0.9 n (`secrets.token_hex(32)`: 200 or more),
    so 128 random bits are not enough: the margin is what makes a patterned key fail."""
    if key.lower() in PLACEHOLDER_SECRETS or len(set(key)) < 8:
        return 0.0
    for size in range(1, len(key) // 2 + 1):
        if len(key) % size == 0 and key == key[:size] * (len(key) // size):
            return 0.0  # one chunk over and over
    frequencies = -sum(n * math.log2(n / len(key)) for n in Counter(key).values())
    per_character = _alphabet_bits(key)
    spelled = sum(PREDICTED_BITS if _predicted(key, i) else per_character
                  for i in range(len(key)))
    return min(frequencies, spelled)


class InsecureSettingsError(RuntimeError):
    """Raised when the service would start in production with placeholder secrets."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    receptionist_env: Literal["dev", "production"] = Field(
        default="production",
        description="`dev` allows placeholder secrets; anything facing real callers is production.",
    )
    database_url: str = "sqlite:///./receptionist.db"
    db_pool_size: int = Field(default=10, ge=1, description="PostgreSQL connections kept open")
    db_max_overflow: int = Field(default=20, ge=0, description="extra connections under load")
    public_base_url: str = "http://localhost:8000"
    twilio_account_sid: str = DEV_ACCOUNT_SID
    twilio_auth_token: str = DEV_AUTH_TOKEN
    # Twilio's REST API. Unset: https://api.twilio.com, except in dev mode with no Twilio
    # account configured (the placeholder auth token): then the app itself
    # (PUBLIC_BASE_URL), which plays Twilio's REST API for `simulate` (the recordings it
    # makes, the SMS that would be sent: twilio/dev_twilio.py).
    twilio_api_base: str = ""
    secret_key: str = DEV_SECRET_KEY
    # auto: each language heard by the best installed engine (speech.engines.choice.ORDER)
    speech_engine: Literal["auto", "whisper", "vosk", "pocketsphinx"] = "auto"
    # Installed speech models: Vosk's per language (fr/), faster-whisper's (whisper-base/).
    vosk_model_dir: Path = Path("./data/models")
    speech_processes: int = Field(
        default=0, ge=0, description="live recognition processes; 0 = one per CPU core")
    # A recognition process this far behind a live call skips decoding and the caller is
    # asked for the keypad instead of waiting (speech.recognition_process.BEHIND_S).
    speech_max_behind_s: float = Field(
        default=1.0, ge=0, description="seconds a recognition process may be behind a call "
                                       "and still decode; 0 = decode however late")
    # Whisper encodes each utterance in a window of at least this many seconds (its own
    # length and a second, up to 30) instead of always 30 s padded with silence
    # (speech.engines.whisper_engine.window_for), and again in 30 s when it is unsure
    # (RECHECK_BELOW): 30 = always as whisper was trained.
    whisper_min_window_s: int = Field(
        default=10, ge=1, le=30, description="shortest window whisper encodes, seconds")
    vosk_models_url: str = ""  # where `models install LANG` downloads from; default official
    whisper_models_url: str = ""  # where `models install whisper-…` downloads from
    smtp_url: str = ""  # smtp://user:password@host:587 (STARTTLS) or smtps://...:465
    smtp_from: str = "receptionist@localhost"
    recordings_dir: Path = Path("./data/recordings")
    # Messages taken by the fallback flow while the database was unreachable, waiting to be
    # imported (each web instance drains its own; keep it on persistent storage).
    spool_dir: Path = Path("./data/spool")
    spool_drain_seconds: float = Field(default=15.0, gt=0)
    calls_per_minute: int = Field(
        default=60, ge=1, description="new calls admitted per business per minute "
                                      "(a business's own setting overrides it)")
    prompts_dir: Path = Path("./data/prompts")  # local-voice prompt cache
    # Proxies whose X-Forwarded-For is believed (comma-separated addresses or networks).
    # The client is the rightmost address the trusted proxies did not add; "*" would take
    # the leftmost, which any client writes itself: production refuses it.
    forwarded_allow_ips: str = "127.0.0.1"
    # Networks (CIDRs, comma-separated) that owners' webhook and CalDAV URLs may reach
    # although they are not public (receptionist.outbound); dev mode adds loopback.
    outbound_allow_networks: str = ""
    # Dev mode: `serve` places the demo's last few days of calls on its first start
    # (cli/demo_history.py); false starts the demo without a past.
    demo_history: bool = True
    # The interactive API docs (/docs, /redoc): on in dev mode, off unless asked in
    # production (the schema at /openapi.json stays, for API clients).
    api_docs: bool | None = None
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)  # every route, streamed or not
    recording_fetch_max_attempts: int = Field(default=8, ge=1)
    recording_fetch_timeout_s: float = Field(default=15.0, gt=0)
    worker_poll_seconds: float = Field(default=10.0, gt=0)
    # A worker that stops renewing the scheduler lease is replaced after this long.
    scheduler_lease_seconds: float = Field(default=30.0, ge=1)
    # One INFO line per call; the scheduler's and each request's lines only at DEBUG.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object per line

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_capitals(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("public_base_url", "twilio_api_base")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        if value == "":
            return value  # twilio_api_base unset: see _twilio_api_base
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _twilio_api_base(self) -> Settings:
        if not self.public_base_url:
            raise ValueError("PUBLIC_BASE_URL must start with http:// or https://")
        if not self.twilio_api_base:
            self.twilio_api_base = (self.public_base_url if self.plays_twilio
                                    else TWILIO_API)
        return self

    @property
    def plays_twilio(self) -> bool:
        """Dev mode with no Twilio account configured: nothing real to reach, so the app
        stands in for Twilio's REST API (unless TWILIO_API_BASE names another)."""
        return (self.dev_mode
                and self.twilio_auth_token.strip().lower() in PLACEHOLDER_SECRETS)

    @field_validator("outbound_allow_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @property
    def intent_model_dir(self) -> Path:
        """Where trained intent models are kept between processes (beside speech models)."""
        return self.vosk_model_dir / "intent-models"

    @property
    def voices_dir(self) -> Path:
        """Local voices installed by `receptionist voices install` (beside speech models)."""
        return self.vosk_model_dir / "voices"

    @property
    def dev_mode(self) -> bool:
        return self.receptionist_env == "dev"

    @property
    def docs_enabled(self) -> bool:
        return self.dev_mode if self.api_docs is None else self.api_docs

    def insecure_reasons(self) -> list[str]:
        """Why these settings must not face real callers (empty when they may)."""
        reasons = []
        token = self.twilio_auth_token.strip()
        if not TWILIO_TOKEN.match(token) or key_bits(token) < MIN_TOKEN_BITS:
            reasons.append("TWILIO_AUTH_TOKEN is unset, a placeholder or not a Twilio auth "
                           "token (32 hexadecimal characters, from the Twilio console)")
        if key_bits(self.secret_key.strip()) < MIN_KEY_BITS:
            reasons.append(f"SECRET_KEY is unset, a placeholder, a pattern (runs, sequences, "
                           f"repeats) or weaker than {MIN_KEY_BITS} bits by a conservative "
                           f"estimate (generate one with `{GENERATE_KEY}`)")
        if "*" in (part.strip() for part in self.forwarded_allow_ips.split(",")):
            reasons.append("FORWARDED_ALLOW_IPS=* believes the X-Forwarded-For any client "
                           "writes (anyone picks their address, and the login limits with "
                           "it): list your proxy's address or network instead")
        return reasons

    def check_secrets(self) -> None:
        """Refuse production with placeholder secrets; dev mode only warns (see cli)."""
        reasons = self.insecure_reasons()
        if reasons and not self.dev_mode:
            raise InsecureSettingsError(
                "refusing to start: "
                + "; ".join(reasons)
                + ". Set real values, or RECEPTIONIST_ENV=dev for a local trial."
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
