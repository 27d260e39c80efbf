"""Mutation testing of the auth plugin, the SDK's retries, errors and answer parsing (``make mutation``).

mutmut 3 copies the code into ``mutants/`` and names every mutant after its file path: the mutant of a
function in ``sdk/kling/_retry.py`` is called ``sdk.kling._retry.x_backoff_delay__mutmut_1``. At run time
the mutated module compares that name with its own ``__name__`` (``kling._retry``): in this repository,
which keeps each package one folder down (sdk/, auth_plugin/, generated/, openapi/, emulator/) rather than
in src/, the two never match and every mutant would "survive". And the editable install's ``.pth`` points
the venv at the original folders, so the tests would import the unmutated code anyway.

So this script builds a flat stage, ``mutants/stage/``, with the packages side by side as they sit in the
wheel (``kling/``, ``kling_auth/``, ``kling_api/``, ``kling_spec/`` with the spec inside, ``kling_emulator/``)
and the tests beside them (``kling_auth_tests/``, ``kling_tests/``, ``contract_tests/``, and ``testsupport/``, which
they import), copies ``pyproject.toml`` (its ``[tool.mutmut]`` section describes the stage),
and runs mutmut there with one worker. mutmut puts its copy, ``mutants/stage/mutants/``, first on sys.path;
``PYTHONPATH`` names it too, so it wins over the ``.pth`` entries in every process. mutmut's forced-fail
run then proves the tests import the mutated copy: if they did not, no test would fail and mutmut stops.

The summary gives the kill ratio per module. The target fails when a module is below the goal, or when a
mutant survives that is not in ``EXPLAINED`` below (an equivalent mutant, with its reason).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / "mutants" / "stage"
MUTMUT_DIR = STAGE / "mutants"
GOAL = 0.90

#: Stage folder -> where it comes from in the repository.
TREES: dict[str, Path] = {
    "kling": ROOT / "sdk" / "kling",
    "kling_auth": ROOT / "auth_plugin" / "kling_auth",
    "kling_api": ROOT / "generated" / "kling_api",
    "kling_spec": ROOT / "openapi" / "kling_spec",
    "kling_emulator": ROOT / "emulator" / "kling_emulator",
    "testsupport": ROOT / "testsupport",
    "contract_tests": ROOT / "contract_tests",
    "kling_auth_tests": ROOT / "auth_plugin" / "kling_auth_tests",
    "kling_tests": ROOT / "sdk" / "kling_tests",
}
#: The stage's copies of the tests and of the packages mutmut does not mutate (refreshed from TREES on every run).
UNMUTATED = (
    "testsupport",
    "contract_tests",
    "kling_auth_tests",
    "kling_tests",
    "kling_api",
    "kling_spec",
    "kling_emulator",
)
#: Single files: the spec goes inside kling_spec/, as in the wheel.
FILES: dict[str, Path] = {
    "kling_spec/kling-images.yaml": ROOT / "openapi" / "kling-images.yaml",
    "pyproject.toml": ROOT / "pyproject.toml",
    # The session-wide secret guard: a mutant that logs a secret or a token fails the run.
    "conftest.py": ROOT / "conftest.py",
}

#: Why a surviving mutant cannot be killed by any test a user would care about.
REASONS: dict[str, str] = {
    "header-case": "HTTP header names are case-insensitive (httpx too): 'authorization' is 'Authorization'",
    "falsy-prefix": "the generated client writes the token alone when the prefix is falsy: None gives what '' gives",
    "pyjwt-default": "PyJWT takes alg from the headers given, and adds typ JWT itself: the argument is redundant",
    "initial-cache": "the first token() call signs whatever the initial cache values, since _token is None",
    "same-refusal": "'Bearer a b' is refused either way (MalformedTokenError, API code 1002); only the wording differs",
    "class-default": "MalformedResponseError passes retryable=False, which its class (APIError's) already defaults to",
    "same-limit": "the excerpt's default length (kling_api.errors.EXCERPT_LENGTH, 200) is the SDK's _EXCERPT_CHARS",
    "str-of-str": "str() of a str is that str: inert's isinstance test only saves a call (server text is a plain str)",
}

#: Surviving mutants that are equivalent, by name -> reason key. Names carry mutmut's numbers, which hold
#: while the function's source is unchanged: after an edit, stale names are listed by the summary.
EXPLAINED: dict[str, str] = {
    "kling_auth._api_key.xǁAPIKeyAuthǁauth_flow__mutmut_3": "header-case",
    "kling_auth._api_key.xǁAPIKeyAuthǁauth_flow__mutmut_4": "header-case",
    "kling_auth._auth.xǁKlingAuthǁ__init____mutmut_16": "initial-cache",
    "kling_auth._auth.xǁKlingAuthǁ__init____mutmut_17": "initial-cache",
    "kling_auth._auth.xǁKlingAuthǁauth_flow__mutmut_3": "header-case",
    "kling_auth._auth.xǁKlingAuthǁauth_flow__mutmut_4": "header-case",
    "kling_auth._auth.xǁKlingAuthǁauth_flow__mutmut_17": "header-case",
    "kling_auth._auth.xǁKlingAuthǁauth_flow__mutmut_18": "header-case",
    "kling_auth._client.x_authenticated_client__mutmut_27": "falsy-prefix",
    "kling_auth._token.x_sign_token__mutmut_46": "pyjwt-default",
    "kling_auth._token.x_sign_token__mutmut_47": "pyjwt-default",
    "kling_auth._token.x_sign_token__mutmut_50": "pyjwt-default",
    "kling_auth._token.x_sign_token__mutmut_51": "pyjwt-default",
    "kling_auth._token.x_token_from_authorization__mutmut_10": "same-refusal",
    "kling._errors.xǁMalformedResponseErrorǁ__init____mutmut_8": "class-default",
    "kling._errors.xǁMalformedResponseErrorǁ__init____mutmut_13": "class-default",
    "kling._errors.x_inert__mutmut_2": "str-of-str",
    "kling._answers.x__error_from_status__mutmut_15": "same-limit",
    "kling._answers.x_unwrap__mutmut_21": "same-limit",
}

# mutmut's exit codes (mutmut.stats.status_by_exit_code); anything else is "suspicious".
_STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
_STATUS |= {36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", 37: "type check"}


@dataclass
class Module:
    name: str
    statuses: Counter[str] = field(default_factory=Counter)
    survivors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def killed(self) -> int:
        # A timeout is a kill: the mutant hangs where the original finishes.
        return self.statuses["killed"] + self.statuses["timeout"]

    @property
    def ratio(self) -> float:
        return self.killed / self.total if self.total else 1.0


def build_stage(*, fresh: bool) -> None:
    """Refresh the flat copy; mutmut's own results (mutants/stage/mutants/) are kept unless ``fresh``."""
    if fresh and STAGE.exists():
        shutil.rmtree(STAGE)
    STAGE.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name, source in TREES.items():
        target = STAGE / name
        if target.exists():
            shutil.rmtree(target)
        # copy2 keeps modification times: mutmut re-mutates only files newer than its copy.
        shutil.copytree(source, target, ignore=ignore)
    for name, source in FILES.items():
        shutil.copy2(source, STAGE / name)
    # Files deleted upstream must not linger in mutmut's copy of the tests and of the unmutated packages.
    for name in UNMUTATED:
        shutil.rmtree(MUTMUT_DIR / name, ignore_errors=True)
    # It must exist before mutmut starts: Python caches "no such folder" for a PYTHONPATH entry at startup
    # (sys.path_importer_cache) and would then import the original packages through the .pth file.
    MUTMUT_DIR.mkdir(exist_ok=True)


def run_mutmut(names: list[str]) -> int:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([str(MUTMUT_DIR), *filter(None, [environment.get("PYTHONPATH")])])
    mutmut = Path(sys.executable).parent / "mutmut"
    command = [str(mutmut), "run", "--max-children", "1", *names]
    return subprocess.run(command, cwd=STAGE, env=environment, check=False).returncode  # noqa: S603


def check_imports() -> str:
    """Where the tests' ``kling`` and ``kling_auth`` come from, with the same PYTHONPATH as the run."""
    environment = dict(os.environ, PYTHONPATH=str(MUTMUT_DIR))
    code = "import kling._retry, kling_auth; print(kling._retry.__file__); print(kling_auth.__file__)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=MUTMUT_DIR, env=environment, capture_output=True, text=True, check=True
    )
    for line in result.stdout.split():
        if not Path(line).resolve().is_relative_to(MUTMUT_DIR):
            raise SystemExit(f"the tests would import {line}, not the mutated copy under {MUTMUT_DIR}")
    return result.stdout.strip()


def module_of(mutant: str) -> str:
    return mutant.partition("__mutmut_")[0].rpartition(".")[0]


def collect() -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for meta in sorted(MUTMUT_DIR.rglob("*.py.meta")):
        exit_codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        for mutant, exit_code in exit_codes.items():
            module = modules.setdefault(module_of(mutant), Module(module_of(mutant)))
            status = "not checked" if exit_code is None else _STATUS.get(exit_code, "suspicious")
            module.statuses[status] += 1
            if status != "killed" and status != "timeout":
                module.survivors.append(mutant)
    return modules


def report(modules: dict[str, Module]) -> bool:
    """Print the table and the survivors; True when every module meets the goal and every survivor is explained."""
    ok = True
    print(f"\n{'module':<24} {'mutants':>7} {'killed':>7} {'explained':>9} {'other':>6} {'kill ratio':>10}")
    totals = Module("total")
    reasons: Counter[str] = Counter()
    unexplained: list[str] = []
    for module in sorted(modules.values(), key=lambda m: m.name):
        explained = [m for m in module.survivors if m in EXPLAINED]
        reasons.update(EXPLAINED[m] for m in explained)
        unexplained += [f"{m} ({status_of(module, m)})" for m in module.survivors if m not in EXPLAINED]
        other = len(module.survivors) - len(explained)
        print(
            f"{module.name:<24} {module.total:>7} {module.killed:>7} {len(explained):>9} {other:>6} "
            f"{module.ratio:>9.1%}"
        )
        totals.statuses.update(module.statuses)
        ok &= module.ratio >= GOAL
    print(
        f"{'total':<24} {totals.total:>7} {totals.killed:>7} {sum(reasons.values()):>9} {len(unexplained):>6} "
        f"{totals.ratio:>9.1%}"
    )
    if reasons:
        print("\nexplained survivors, by reason:")
        for reason, count in reasons.most_common():
            print(f"  {count:>3}  {reason}: {REASONS[reason]}")
    stale = sorted(set(EXPLAINED) - {m for module in modules.values() for m in module.survivors})
    if stale:
        print("\nexplanations for mutants that no longer survive (remove them):", *stale, sep="\n  ")
    if unexplained:
        print("\nunexplained survivors (kill them with a test, or explain them in scripts/mutation.py):")
        print("", *unexplained, sep="\n  ")
        ok = False
    if not ok:
        print(f"\nFAILED: goal {GOAL:.0%} per module, and every survivor killed or explained.")
    return ok


def status_of(module: Module, mutant: str) -> str:
    meta = MUTMUT_DIR / (mutant.partition("__mutmut_")[0].rpartition(".")[0].replace(".", "/") + ".py.meta")
    if meta.exists():
        code = json.loads(meta.read_text())["exit_code_by_key"].get(mutant)
        return "not checked" if code is None else _STATUS.get(code, "suspicious")
    return module.name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("mutants", nargs="*", help="only these mutants (mutmut names, globs allowed)")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results and test every mutant")
    parser.add_argument("--report-only", action="store_true", help="summarise the last run without running")
    arguments = parser.parse_args()
    if not arguments.report_only:
        build_stage(fresh=arguments.fresh)
        code = run_mutmut(arguments.mutants)
        if code != 0:
            print(f"mutmut exited with {code}", file=sys.stderr)
            return code
        print("tests import the mutated copy:", check_imports().replace("\n", ", "))
    return 0 if report(collect()) else 1


if __name__ == "__main__":
    sys.exit(main())
