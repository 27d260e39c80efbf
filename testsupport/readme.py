"""The README's Python examples, as the suites that check them read them.

A self-contained example is every ```python block of README.md; a block that continues an earlier one (it uses
names defined there) starts with a ``# continued`` comment line and is joined to the block before it. The same
rule as ``sdk/kling_tests/test_readme.py`` (mypy against the checkout); ``contract_tests/test_packaging.py`` checks
the same examples against the installed wheel.
"""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def readme_examples(readme: Path = README) -> list[str]:
    examples: list[str] = []
    for match in BLOCK.finditer(readme.read_text(encoding="utf-8")):
        code = match.group(1)
        if code.startswith("# continued") and examples:
            examples[-1] += "\n" + code
        else:
            examples.append(code)
    return examples
