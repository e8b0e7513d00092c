"""The baseline for bench/webhooks.py: a bare FastAPI endpoint returning constant TwiML."""

from __future__ import annotations

from fastapi import FastAPI, Response

TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="https://bench.example.com/'
         'twilio/menu?step=main_menu&amp;attempt=0&amp;seq=1" input="dtmf" numDigits="1">'
         '<Say>Press 1.</Say></Gather></Response>')

app = FastAPI()


@app.post("/twilio/{route}")
async def constant(route: str) -> Response:
    return Response(TWIML, media_type="application/xml")
