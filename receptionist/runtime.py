"""What a running app holds: settings, database engine, clock, Twilio validator."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from twilio.request_validator import RequestValidator

from receptionist.clock import Clock, utcnow
from receptionist.config import Settings
from receptionist.db import make_engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock = utcnow
    validator: RequestValidator = field(init=False)

    def __post_init__(self) -> None:
        self.validator = RequestValidator(self.settings.twilio_auth_token)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = utcnow) -> Runtime:
        return cls(settings=settings, engine=make_engine(settings.database_url), clock=clock)
