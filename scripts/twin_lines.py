"""Count the hand-maintained twin lines of the SDK: async bodies that repeat their sync twin once renamed.

A twin pair is an ``async def`` and a ``def`` of the same name once the async words are dropped (``AsyncImages.get``
and ``Images.get``, ``run_async`` and ``run``, ``_async_raw`` and ``_raw``). Each line of the async body (docstring
aside) that, with ``await``/``async`` removed and the async names renamed, also appears in the sync body counts
once. The rule-holding flows are written once (generators, see ``_effects``), so they have no twins at all.

    python scripts/twin_lines.py [PACKAGE_DIR]      # default sdk/kling; prints each pair and the total
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Async names and their sync twins, longest first.
_RENAMES = (
    ("get_async_httpx_client", "get_httpx_client"),
    ("asyncio_detailed", "sync_detailed"),
    ("AsyncImagesWithRawResponse", "ImagesWithRawResponse"),
    ("AsyncImages", "Images"),
    ("AsyncKling", "Kling"),
    ("AsyncClient", "Client"),
    ("_AsyncStream", "_SyncStream"),
    ("_perform_async", "_perform"),
    ("_async_raw", "_raw"),
    ("run_async", "run"),
    ("async_sleep", "sleep"),
    ("async_client", "sync_client"),
    ("aiter_bytes", "iter_bytes"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("aclose", "close"),
    ("anext", "next"),
)


@dataclass(frozen=True)
class Function:
    module: str
    qualname: str
    is_async: bool
    body: tuple[str, ...]


def _twin_name(qualname: str) -> str:
    parts = qualname.split(".")
    parts = [re.sub(r"^Async", "", part) for part in parts]
    name = parts[-1]
    for pattern, replacement in ((r"_async$", ""), (r"^_async_", "_"), (r"^async_", ""), (r"^a(run_|download)", r"\1")):
        name = re.sub(pattern, replacement, name)
    return ".".join([*parts[:-1], name])


def _normalised(line: str) -> str:
    text = line.strip().replace("await ", "").replace("async ", "")
    for old, new in _RENAMES:
        text = text.replace(old, new)
    return text


def _functions(path: Path, root: Path) -> list[Function]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    found: list[Function] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                body = child.body
                if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                    body = body[1:]  # the docstring
                start = body[0].lineno if body else child.end_lineno or child.lineno
                text = tuple(line for line in lines[start - 1 : child.end_lineno] if line.strip())
                found.append(
                    Function(
                        str(path.relative_to(root)), prefix + child.name, isinstance(child, ast.AsyncFunctionDef), text
                    )
                )
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return found


def twin_lines(package: Path) -> list[tuple[str, str, int]]:
    """(async function, sync twin, repeated lines) for every twin pair under ``package``."""
    functions = [f for path in sorted(package.rglob("*.py")) for f in _functions(path, package.parent)]
    sync = {(f.module, f.qualname): f for f in functions if not f.is_async}
    sync_by_name: dict[str, list[Function]] = {}
    for function in sync.values():
        sync_by_name.setdefault(function.qualname, []).append(function)
    pairs: list[tuple[str, str, int]] = []
    for function in functions:
        if not function.is_async:
            continue
        twin_name = _twin_name(function.qualname)
        twin = sync.get((function.module, twin_name)) or next(iter(sync_by_name.get(twin_name, [])), None)
        if twin is None:
            continue
        available = Counter(_normalised(line) for line in twin.body)
        repeated = 0
        for line in function.body:
            text = _normalised(line)
            if available[text] > 0:
                available[text] -= 1
                repeated += 1
        pairs.append((f"{function.module}:{function.qualname}", f"{twin.module}:{twin.qualname}", repeated))
    return pairs


def main(argv: list[str]) -> int:
    package = Path(argv[0]) if argv else ROOT / "sdk" / "kling"
    pairs = twin_lines(package.resolve())
    for async_name, sync_name, count in sorted(pairs, key=lambda pair: -pair[2]):
        print(f"{count:4d}  {async_name}  ~  {sync_name}")
    print(f"{sum(count for _, _, count in pairs)} twin lines in {len(pairs)} pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
