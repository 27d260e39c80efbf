"""``python -m kling.cli``: the ``kling`` command, where no console script is on the PATH (subprocesses, tests)."""

from __future__ import annotations

from . import main

if __name__ == "__main__":
    main()
