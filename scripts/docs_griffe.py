"""A griffe extension for the documentation site (mkdocs.yml loads it): docstrings written for IDEs, read as Markdown.

The docstrings use a few reStructuredText habits that Markdown would print as they are:

- roles, ``:class:`Kling``` (also ``:func:``, ``:meth:``, ``:mod:``, ``:attr:``, ...): a code span, `` `Kling` ``;
- a paragraph ending in ``::`` followed by an indented block: a colon and a fenced Python block;
- paragraphs that are Python, not prose (they parse, and import, assign or open a ``with`` block), written
  without the indentation a literal block needs: a fenced Python block.

Nothing else changes, and the code's docstrings stay as they are: this runs only when mkdocstrings reads them.
"""

from __future__ import annotations

import ast
import re
import textwrap
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|data|exc|obj|const):`~?([^`]+)`")


CODE_STATEMENTS = (ast.Import, ast.ImportFrom, ast.With, ast.AsyncWith, ast.Assign, ast.AnnAssign)


def _is_python(paragraph: str) -> bool:
    if paragraph.startswith(("```", " ", "\t")):
        return False
    try:
        tree = ast.parse(paragraph)
    except SyntaxError:
        return False
    return any(isinstance(node, CODE_STATEMENTS) for node in tree.body)


def _fence_bare_code(text: str) -> str:
    """Runs of paragraphs that are Python (see ``_is_python``), each run in one fenced block."""
    paragraphs = re.split(r"\n[ \t]*\n", text)
    out: list[str] = []
    run: list[str] = []
    for paragraph in [*paragraphs, ""]:
        if paragraph and _is_python(paragraph):
            run.append(paragraph)
            continue
        if run:
            out.append("```python\n" + "\n\n".join(run) + "\n```")
            run = []
        if paragraph:
            out.append(paragraph)
    return "\n\n".join(out)


def markdown_of(text: str) -> str:
    """The docstring ``text`` with its reStructuredText roles and literal blocks made Markdown."""
    text = ROLE.sub(lambda match: f"`{match.group(1)}`", text)
    text = _fence_bare_code(text)
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.rstrip().endswith("::") and index + 2 < len(lines) and not lines[index + 1].strip():
            block_start = index + 2
            end = block_start
            while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "\t"))):
                end += 1
            while end > block_start and not lines[end - 1].strip():
                end -= 1
            if end > block_start and lines[block_start].startswith((" ", "\t")):
                stripped = line.rstrip()[:-1]  # "fixtures::" -> "fixtures:"
                if stripped.endswith(" :"):  # "an example ::" -> "an example"
                    stripped = stripped[:-2]
                code = textwrap.dedent("\n".join(lines[block_start:end]))
                out += [stripped, "", "```python", *code.split("\n"), "```"]
                index = end
                continue
        out.append(line)
        index += 1
    return "\n".join(out)


class RestToMarkdown(griffe.Extension):
    """Rewrites every docstring of a package once it is loaded (modules, classes, functions, attributes)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        _rewrite(pkg, seen=set())


def _rewrite(obj: griffe.Object, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if obj.docstring is not None:
        obj.docstring.value = markdown_of(obj.docstring.value)
    for member in obj.members.values():
        if not member.is_alias:
            _rewrite(member, seen)  # type: ignore[arg-type]  # not an alias: an Object
