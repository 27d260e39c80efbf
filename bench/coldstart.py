"""Cold start: ``python -c "import kling"`` and ``kling --help`` against ``python -c pass`` and against
``python -c "import httpx"`` (the SDK's floor: every request goes through httpx), each a fresh process,
interleaved round by round; and the imports that cost most (``-X importtime``).

``python -m bench coldstart`` runs this part alone and prints its rows (bench/results.md is left as it is).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ._stats import Spread

KLING_CLI = str(Path(sys.executable).with_name("kling"))
BARE = "python -c pass"
HTTPX = 'python -c "import httpx"'
IMPORT = 'python -c "import kling"'
HELP = "kling --help"
#: What a first request has to load: the client class and everything it imports (reported, no goal).
CLIENT_CODE = "from kling import Kling"
CLIENT = f'python -c "{CLIENT_CODE}"'
COMMANDS = {
    BARE: [sys.executable, "-c", "pass"],
    HTTPX: [sys.executable, "-c", "import httpx"],
    IMPORT: [sys.executable, "-c", "import kling"],
    HELP: [KLING_CLI, "--help"],
    CLIENT: [sys.executable, "-c", CLIENT_CODE],
}
#: Goals from issue 13 section 4, as ratios to ``python -c "import httpx"`` in the same round.
GOALS = {IMPORT: 1.5, HELP: 1.5}


@dataclass(frozen=True)
class ColdStartResult:
    rounds: int
    #: command -> seconds per start
    seconds: dict[str, Spread]
    #: command -> ratio to ``python -c pass`` in the same round
    ratios: dict[str, Spread]
    #: command -> ratio to ``python -c "import httpx"`` in the same round (every command but the two baselines)
    httpx_ratios: dict[str, Spread]
    #: the heaviest imports under ``import kling``: (module, cumulative ms)
    heaviest_imports: list[tuple[str, float]]
    #: the same under ``from kling import Kling`` (what the first request loads)
    heaviest_client_imports: list[tuple[str, float]]

    def met(self, command: str) -> bool:
        return self.httpx_ratios[command].median <= GOALS[command]


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603 - fixed commands
    return time.perf_counter() - start


def _heaviest_imports(code: str, limit: int = 8) -> list[tuple[str, float]]:
    stderr = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-X", "importtime", "-c", code], check=True, capture_output=True, text=True
    ).stderr
    top_level: dict[str, float] = {}
    for line in stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        module = parts[2].strip()
        # A top-level package's line: its cumulative time includes what it imported first.
        if "." not in module and module != "kling":
            top_level[module] = max(top_level.get(module, 0.0), int(parts[1]) / 1000)
    return sorted(top_level.items(), key=lambda item: -item[1])[:limit]


def _ratios(times: dict[str, list[float]], baseline: str, skip: tuple[str, ...]) -> dict[str, Spread]:
    return {
        name: Spread.of([t / b for t, b in zip(values, times[baseline], strict=True)])
        for name, values in times.items()
        if name not in skip
    }


def run(*, rounds: int = 10) -> ColdStartResult:
    for command in COMMANDS.values():
        _time(command)  # warm the OS's file cache
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    names = list(COMMANDS)
    for round_number in range(rounds):
        order = names if round_number % 2 == 0 else names[::-1]
        for name in order:
            times[name].append(_time(COMMANDS[name]))
    return ColdStartResult(
        rounds=rounds,
        seconds={name: Spread.of(values) for name, values in times.items()},
        ratios=_ratios(times, BARE, skip=(BARE,)),
        httpx_ratios=_ratios(times, HTTPX, skip=(BARE, HTTPX)),
        heaviest_imports=_heaviest_imports("import kling"),
        heaviest_client_imports=_heaviest_imports(CLIENT_CODE),
    )
