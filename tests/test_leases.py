"""Jobs that must run once run on one worker: the one holding the scheduler lease."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from receptionist.db import Database, make_engine
from receptionist.leases import Leader, take
from receptionist.runtime import Runtime
from receptionist.worker import _on_leader

T0 = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_one_holder_until_it_expires(engine: Engine) -> None:
    database = Database(engine)
    assert take(database, name="x", holder="a", now=T0, ttl=MINUTE)
    assert not take(database, name="x", holder="b", now=T0 + MINUTE / 2, ttl=MINUTE)
    assert take(database, name="x", holder="a", now=T0 + MINUTE / 2, ttl=MINUTE)  # renewed
    assert not take(database, name="x", holder="b", now=T0 + MINUTE, ttl=MINUTE)
    # a stops renewing (it died): b takes over once the lease has run out
    assert take(database, name="x", holder="b", now=T0 + 2 * MINUTE, ttl=MINUTE)
    assert not take(database, name="x", holder="a", now=T0 + 2 * MINUTE, ttl=MINUTE)
    assert take(database, name="other", holder="a", now=T0, ttl=MINUTE)  # leases are by name


def test_racing_workers_one_wins(engine: Engine) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def contend(holder: str) -> None:
        database = Database(engine)  # a worker process of its own: no lock shared in-process
        barrier.wait()
        results.append(take(database, name="race", holder=holder, now=T0, ttl=MINUTE))

    threads = [threading.Thread(target=contend, args=(f"w{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_sweeps_run_on_the_leader_only_and_move_when_it_leaves(runtime: Runtime) -> None:
    # Held until 20 s after renewing: frozen clocks, so however slow the jobs run.
    first = Leader(runtime.database, ttl=timedelta(seconds=30), monotonic=Seconds())
    second = Leader(runtime.database, ttl=timedelta(seconds=30), monotonic=Seconds())
    assert first.renew() and not second.renew()
    runs: list[str] = []

    def job_of(leader: Leader) -> Callable[[Runtime], None]:
        return _on_leader(leader, lambda rt: runs.append(leader.holder))

    jobs = {leader.holder: job_of(leader) for leader in (first, second)}
    for _ in range(3):
        for job in jobs.values():
            job(runtime)
    assert runs == [first.holder] * 3
    first.release()  # clean shutdown: no need to wait for the lease to run out
    assert not first.held() and second.renew()
    runs.clear()
    for job in jobs.values():
        job(runtime)
    assert runs == [second.holder]


class Seconds:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_leader_that_cannot_renew_stops_before_its_lease_runs_out(runtime: Runtime) -> None:
    clock = Seconds()
    leader = Leader(runtime.database, ttl=timedelta(seconds=30), monotonic=clock)
    assert leader.renew() and leader.held()
    clock.now += 19.9
    assert leader.held()
    clock.now += 0.1  # 2/3 of the TTL: past the safety margin, not yet expired
    assert not leader.held()
    assert leader.renew() and leader.held()  # renewed: counted from the renewal
    leader.database = Database(make_engine("sqlite:////nonexistent/dir/x.db"))  # gone
    assert not leader.renew() and not leader.held()


def test_queues_back_off_by_doubling_up_to_a_ceiling() -> None:
    from receptionist.leases import retry_after

    first, longest = timedelta(seconds=30), timedelta(minutes=3)
    assert [retry_after(n, first=first, longest=longest) for n in (0, 1, 2, 3, 4, 9)] == [
        timedelta(seconds=30), timedelta(seconds=30), timedelta(minutes=1),
        timedelta(minutes=2), timedelta(minutes=3), timedelta(minutes=3)]
