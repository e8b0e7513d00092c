"""One way to write: every unit of work is `Database.write_transaction` (ARCHITECTURE.md,
"Writes"). Services take a session and never commit; their callers own the transaction.
A commit anywhere else would bypass the write lock (the call path's priority on SQLite),
the fresh snapshot and the `WriteConflict` translation."""

from __future__ import annotations

import ast
from pathlib import Path

import receptionist
from receptionist.db import Database

PACKAGE = Path(receptionist.__file__).parent
OWNER = PACKAGE / "db.py"


def _uses(attribute: str, package: Path = PACKAGE) -> list[str]:
    """`file:line` of every `.attribute` in `package` outside its db.py (a call, or the
    bound method passed on)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        if path == package / OWNER.name:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Attribute) and node.attr == attribute:
                found.append(f"{path.relative_to(package)}:{node.lineno}")
    return found


def test_nothing_commits_outside_the_unit_of_work() -> None:
    assert _uses("commit") == []


def test_the_write_lock_is_taken_by_the_unit_of_work_alone() -> None:
    assert _uses("writing") == []
    assert _uses("_locked") == []
    assert not hasattr(Database, "writing")


def test_the_scan_finds_commits_in_code_not_in_words(tmp_path: Path) -> None:
    (tmp_path / "db.py").write_text("def write(session):\n    session.commit()\n")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "job.py").write_text(
        '"""Never session.commit() here."""\n'
        "def run(session):\n"
        "    # session.commit()\n"
        "    later = session.commit\n"
        "    session.commit()\n")
    assert _uses("commit", tmp_path) == ["jobs/job.py:4", "jobs/job.py:5"]
