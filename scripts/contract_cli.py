"""The schemathesis CLI against a local emulator, as a user would run it (`make contract-cli`).

    make contract-cli                                   # every phase, schemathesis's default examples
    make contract-cli ARGS='--max-examples 200'         # anything else goes to `schemathesis run`

Starts the emulator on a free loopback port (a quota large enough that creates are rarely turned
away), signs a token with its public demo keys, and runs from the repository root, so that
schemathesis reads ./schemathesis.toml, where the documented divergences are stated:

    schemathesis run openapi/kling-images.yaml --url <emulator> --checks all \\
        --exclude-checks unsupported_method -H "Authorization: Bearer <token>"

The emulator serves every operation of the spec, so all of them run. Should schemathesis.toml ever turn one
off (`[[operations]]` with `enabled = false`), this script names it before the run; the in-process suite
(emulator/kling_emulator_tests/test_schemathesis.py) fails on an operation turned off without a reason.
The emulator keeps the publisher's 1 request a second on GET /account/costs: the run sees some 429s there,
which the checks accept.

Exits with schemathesis's own exit code. Against the real API, run the same command yourself with
your token and `--include-method GET` (creates spend credits).
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from kling_auth import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, sign_token
from kling_emulator import run_emulator

ROOT = Path(__file__).resolve().parents[1]
SPEC = "openapi/kling-images.yaml"
SETTINGS = ROOT / "schemathesis.toml"
# Far above what a run creates: a create refused for the quota (429) tests less than one accepted.
SLOTS = 100_000


def turned_off(settings: dict[str, Any]) -> list[str]:
    """The operationIds schemathesis.toml turns off (`[[operations]]` entries with `enabled = false`), in its order."""
    names: list[str] = []
    for entry in settings.get("operations", []):
        if entry.get("enabled", True) is False:
            value = entry.get("include-operation-id", [])
            names += [value] if isinstance(value, str) else list(value)
    return names


def command(base_url: str, token: str, extra: list[str]) -> list[str]:
    """The documented command line; the token goes in a header and is never printed."""
    schemathesis = Path(sys.executable).with_name("schemathesis")
    return [
        str(schemathesis),
        "run",
        SPEC,
        "--url",
        base_url,
        "--checks",
        "all",
        "--exclude-checks",
        "unsupported_method",
        "--header",
        f"Authorization: Bearer {token}",
        *extra,
    ]


def main(argv: list[str] | None = None) -> int:
    extra = list(sys.argv[1:] if argv is None else argv)
    # The emulator's own lines (callbacks to example.com skipped, malformed requests) would drown the report.
    for name in ("kling_emulator", "uvicorn.error"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with run_emulator(slots=SLOTS, max_tasks=SLOTS) as base_url:
        print(f"emulator at {base_url}; schemathesis run {SPEC} --url {base_url} --checks all ...", flush=True)
        with SETTINGS.open("rb") as settings:
            off = turned_off(tomllib.load(settings))
        if off:
            print(f"not run, the emulator does not serve them yet (schemathesis.toml): {', '.join(off)}", flush=True)
        token = sign_token(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
        return subprocess.run(command(base_url, token, extra), cwd=ROOT, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
