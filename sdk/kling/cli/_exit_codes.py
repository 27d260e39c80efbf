"""The `kling` command's exit codes, one constant each (also listed in ``kling --help``).

Scripts branch on them: a usage mistake is fixed by editing the command, an API error may pass on a
retry, a failed task needs another prompt, a timed-out wait can be resumed.
"""

from __future__ import annotations

from typing import Final

#: Everything worked.
OK: Final = 0
#: ``kling auth verify``: the token is not valid (the reason is printed).
INVALID_TOKEN: Final = 1
#: A usage mistake, a value refused locally before any request, or missing configuration (keys).
#: click's own usage errors use 2 as well.
USAGE: Final = 2
#: The API answered an error, could not be reached, answered something broken, or a download failed.
API_ERROR: Final = 3
#: The task ended ``failed`` (content moderation, for instance).
TASK_FAILED: Final = 4
#: The wait's deadline passed; the task goes on server-side (resume with ``kling images wait ID``, or the ``wait``
#: of the command's own group: ``kling omni wait ID``).
TIMEOUT: Final = 5
#: ``kling images batch``: --max-units stopped new tasks before every item had one (run it again with a larger
#: budget to go on).
BUDGET: Final = 6
#: Interrupted with Ctrl-C (128 + SIGINT, as shells do).
INTERRUPTED: Final = 130

#: For the ``--help`` epilog: (code, meaning), in order.
DESCRIPTIONS: Final = (
    (OK, "success"),
    (INVALID_TOKEN, "kling auth verify: the token is invalid"),
    (USAGE, "usage error, value refused locally, or missing keys"),
    (API_ERROR, "API or connection error, broken answer, failed download"),
    (TASK_FAILED, "the task failed (e.g. content moderation)"),
    (TIMEOUT, "timed out waiting; resume with the `kling ... wait ID` it prints"),
    (BUDGET, "images batch: --max-units reached before every item was created"),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
)
