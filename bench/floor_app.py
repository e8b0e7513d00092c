"""A second baseline for bench/webhooks.py: the least a webhook that keeps its promises
must do, with nothing of ours around it.

Per request, like every webhook of ours: read the urlencoded form, check
X-Twilio-Signature, then in one SQLite transaction (WAL, synchronous=NORMAL, on the event
loop as ours) look the request up in the reply cache, read the call's row, write it, add
one timeline event, store the reply, commit; answer constant TwiML. Five prebuilt
SQLAlchemy Core statements and a commit: no ORM, no script, no flow. The distance from
the bare endpoint to this one is what durability costs in this stack; the distance from
this one to ours is what our call flow costs.

    uvicorn --factory bench.floor_app:create_app   (FLOOR_DATABASE: a SQLite file path)
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import parse_qsl

from fastapi import FastAPI, HTTPException, Request, Response
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from twilio.request_validator import RequestValidator

from bench.bare_app import TWIML
from receptionist.db import make_engine

PUBLIC_BASE = "https://bench.example.com"
metadata = MetaData()
calls = Table("calls", metadata, Column("id", Integer, primary_key=True),
              Column("call_sid", String(64), unique=True), Column("seq", Integer))
events = Table("events", metadata, Column("id", Integer, primary_key=True),
               Column("call_id", Integer, index=True), Column("kind", String(32)))
replies = Table("replies", metadata, Column("id", Integer, primary_key=True),
                Column("key", String(64), unique=True), Column("twiml", Text))

_REPLY = select(replies.c.twiml).where(replies.c.key == bindparam("key"))
_CALL = select(calls.c.id, calls.c.seq).where(calls.c.call_sid == bindparam("sid"))
_NEW_CALL = insert(calls)
_NEXT = update(calls).where(calls.c.id == bindparam("call_id")).values(
    seq=bindparam("next_seq"))
_EVENT = insert(events)
_SAVE_REPLY = insert(replies)


def create_app() -> FastAPI:
    engine = make_engine(f"sqlite:///{os.environ['FLOOR_DATABASE']}")
    metadata.create_all(engine)  # a benchmark's own throwaway tables
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    app = FastAPI()

    @app.post("/twilio/{route}")
    async def durable(route: str, request: Request) -> Response:
        body = (await request.body()).decode()
        form = parse_qsl(body, keep_blank_values=True, max_num_fields=200)
        url = PUBLIC_BASE + request.url.path + (
            f"?{request.url.query}" if request.url.query else "")
        if not validator.validate(url, dict(form),
                                  request.headers.get("x-twilio-signature", "")):
            raise HTTPException(403, "invalid signature")
        key = hashlib.sha256((url + body).encode()).hexdigest()
        sid = dict(form).get("CallSid", "")
        with engine.begin() as conn:
            cached = conn.execute(_REPLY, {"key": key}).scalar()
            if cached is not None:
                return Response(cached, media_type="application/xml")
            row = conn.execute(_CALL, {"sid": sid}).first()
            if row is None:
                inserted = conn.execute(_NEW_CALL, {"call_sid": sid, "seq": 1})
                call_id = inserted.lastrowid
            else:
                call_id = row[0]
                conn.execute(_NEXT, {"call_id": call_id, "next_seq": row[1] + 1})
            conn.execute(_EVENT, {"call_id": call_id, "kind": route[:32]})
            conn.execute(_SAVE_REPLY, {"key": key, "twiml": TWIML})
        return Response(TWIML, media_type="application/xml")

    return app
