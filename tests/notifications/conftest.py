"""A real SMTP server for the notification tests that ask for one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notifications.receivers import Mailbox


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox().start()
    yield box
    box.stop()
