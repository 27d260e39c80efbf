"""The emulator's peak RSS after COUNT finished tasks: ``python -m bench._emulator_memory COUNT``.

Each task is created and then queried once it has ended, through the app itself (in process, ASGI) on a
fake clock, so thousands of tasks take seconds. Prints one JSON line: tasks finished, tasks still held,
peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import httpx
from kling_auth import sign_token
from kling_emulator import create_app

from ._rss import peak_rss_kib
from ._setup import ACCESS_KEY, GENERATIONS, KEYS, SECRET_KEY

START = 1_750_000_000.0


async def drive(count: int) -> tuple[int, int]:
    now = [START]
    app = create_app(
        keys=KEYS, slots=5, processing_after=1.0, succeed_after=2.0, clock=lambda: now[0], tick_interval=None
    )
    finished = 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://emulator") as client:
        for index in range(count):
            # A fresh token now and then: the fake clock moves 3 s per task, a token lives 30 minutes.
            if index % 100 == 0:
                client.headers["Authorization"] = f"Bearer {sign_token(ACCESS_KEY, SECRET_KEY, now=now[0])}"
            created = await client.post(GENERATIONS, json={"prompt": f"memory benchmark task {index}"})
            created.raise_for_status()
            now[0] += 3.0
            task = await client.get(f"{GENERATIONS}/{created.json()['data']['task_id']}")
            task.raise_for_status()
            finished += task.json()["data"]["task_status"] == "succeed"
    return finished, len(app.state.emulator.tasks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    count = parser.parse_args().count
    finished, held = asyncio.run(drive(count))
    print(json.dumps({"finished": finished, "held": held, "peak_rss_kib": peak_rss_kib()}), flush=True)


if __name__ == "__main__":
    main()
