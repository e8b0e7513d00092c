"""Turns: how long a caller waits between the end of what they say and our answer, with
1, 5 and 10 callers speaking at once (2 cores, whisper, one uvicorn process and its
recognition processes; `bench.speech`'s calls, espeak voices at the demo's menu).

The TwiML transport (today's): the media stream hears the caller; once the words are
decided the app redirects the live call through Twilio's REST API (the *decision*);
Twilio then fetches the prompt's callback and our TwiML answers (the *answer*, timed here
as Twilio would fetch it: signed, with the call's parameters). Both are measured from the
end of the caller's speech. Not measured, because not ours on loopback: Twilio's hop
from the REST update to the callback, and its text-to-speech before the first sound.

The two-way stream transport (`<Connect><Stream>`: the first audio byte of our answer on
the WebSocket) is not built yet; its goals are printed beside the TwiML numbers.

    python -m bench.turns [--levels 1,5,10] [--engine whisper]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench.speech import p50_p95, served

STREAM_GOALS = {1: "p95 < 800 ms", 5: "p95 < 1,200 ms"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1,5,10")
    parser.add_argument("--engine", default="whisper",
                        help="a speech engine, or whisper:N (WHISPER_MIN_WINDOW_S=N)")
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is needed (make deps)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as tmp, \
            served(args.engine, Path(tmp)) as server:
        for n in (int(level) for level in args.levels.split(",")):
            outcome = server.run(n, follow=True)
            decided, answered = p50_p95(outcome.latencies), p50_p95(outcome.answers)
            rows.append(f"| TwiML ({args.engine}) | {n} | {len(outcome.answers)} / "
                        f"{outcome.calls} | {outcome.keypad} | {decided[0]:.0f} / "
                        f"{decided[1]:.0f} | {answered[0]:.0f} / {answered[1]:.0f} "
                        f"| {STREAM_GOALS.get(n, '-')} (stream: not built) |")
    print(f"\nturns: end of the caller's speech -> our decision (the REST redirect) and our "
          f"answer (the callback's TwiML), {os.cpu_count()} cores\n")
    print("| transport | callers | turns answered | asked for keypad | decision p50 / p95 ms "
          "| answer p50 / p95 ms | stream goal |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
