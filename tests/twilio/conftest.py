"""Fixtures of the Twilio end-to-end tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Speak
from tests.twilio_sim import FakeTwilioApi, TestMediaStreams, TestTwilioSim


@pytest.fixture
def media(client: TestClient, sim: TestTwilioSim, twilio_api: FakeTwilioApi,
          speak: Speak) -> TestMediaStreams:
    """Twilio's media streams for the simulated calls: what a caller says is synthesized
    and streamed as 8 kHz μ-law; the redirect is awaited up to 8 s (whisper on a busy CI
    machine)."""
    streams = TestMediaStreams(client, twilio_api, sim.sign, speak, wait_s=8.0)
    sim.media = streams
    return streams
