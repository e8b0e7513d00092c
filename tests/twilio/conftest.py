"""Fixtures of the Twilio end-to-end tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Speak
from tests.twilio_sim import (
    AudioHeard,
    FakeTwilioApi,
    TestConversations,
    TestMediaStreams,
    TestTwilioSim,
)


@pytest.fixture
def heard_audio(monkeypatch: pytest.MonkeyPatch) -> AudioHeard:
    """How much of each call's streamed audio the app has finished with."""
    return AudioHeard().install(monkeypatch)


@pytest.fixture
def media(client: TestClient, sim: TestTwilioSim, twilio_api: FakeTwilioApi,
          speak: Speak, heard_audio: AudioHeard) -> TestMediaStreams:
    """Twilio's media streams for the simulated calls: what a caller says is synthesized
    and streamed as 8 kHz μ-law; once the app has heard all of it, its redirect (if any)
    is the caller's answer (however long a busy machine takes to recognise it)."""
    streams = TestMediaStreams(client, twilio_api, sim.sign, speak, heard=heard_audio)
    sim.media = streams
    return streams


@pytest.fixture
def conversations(client: TestClient, sim: TestTwilioSim, twilio_api: FakeTwilioApi,
                  speak: Speak) -> TestConversations:
    """The two-way streams of the simulated calls (`transport: stream`)."""
    player = TestConversations(client, twilio_api, sim.sign, speak)
    sim.conversations = player
    return player
