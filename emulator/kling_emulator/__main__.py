"""``kling-emulator``: serve the local Kling image API emulator.

    kling-emulator --port 8765
    kling-emulator --host 127.0.0.1 --port 8765 --processing-after 1 --succeed-after 3 --slots 20

Credentials: the key pair ``--access-key``/``--secret-key``, else ``$KLING_ACCESS_KEY``/``$KLING_SECRET_KEY``;
the API key ``--api-key``, else ``$KLING_API_KEY``. With neither, the public demo pair and demo API key, which
are printed (a secret or API key you provide is never printed).

Signed callbacks: ``--webhook-secret whsec_...``, else ``$KLING_WEBHOOK_SECRET``; without one, callbacks go
unsigned. Passing secrets on the command line shows them to other users of the machine (``ps``): prefer the
environment variables.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kling_auth import ACCESS_KEY_ENV, API_KEY_ENV, DEMO_ACCESS_KEY, DEMO_API_KEY, DEMO_SECRET_KEY, SECRET_KEY_ENV

from ._app import create_app
from ._config import check_seconds, default_webhook_secret
from ._constants import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_HEAD_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_TASKS,
    DEFAULT_PROCESSING_AFTER,
    DEFAULT_SLOTS,
    DEFAULT_SUCCEED_AFTER,
    DEFAULT_TASK_TTL,
    FAULT_HEADER,
    MAX_FAULT_LATENCY,
    WEBHOOK_SECRET_ENV,
)
from ._faults import FaultConfig
from ._server import serve

DEFAULT_PORT = 8765
#: The name usage and error lines show: the console script's, or ``kling emulator`` when the kling CLI runs it.
DEFAULT_PROG = "kling-emulator"


def _parser(prog: str = DEFAULT_PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="A local emulator of the Kling AI image-generation API.",
        epilog=f"Per-request faults: send the {FAULT_HEADER} header (see kling_emulator._faults).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s)")
    parser.add_argument("--access-key", help=f"access key to accept (default: ${ACCESS_KEY_ENV}, else the demo key)")
    parser.add_argument("--secret-key", help=f"its secret key (default: ${SECRET_KEY_ENV}, else the demo secret)")
    parser.add_argument(
        "--api-key", help=f"API key to accept as 'Bearer <API key>' (default: ${API_KEY_ENV}, else the demo API key)"
    )
    parser.add_argument(
        "--webhook-secret",
        metavar="WHSEC",
        help=f"sign callbacks with this whsec_ secret (default: ${WEBHOOK_SECRET_ENV}, else unsigned)",
    )
    timeline = parser.add_argument_group("task timeline and quota")
    timeline.add_argument(
        "--processing-after",
        type=float,
        default=DEFAULT_PROCESSING_AFTER,
        metavar="SECONDS",
        help="a task turns processing this long after creation (default: %(default)s)",
    )
    timeline.add_argument(
        "--succeed-after",
        type=float,
        default=DEFAULT_SUCCEED_AFTER,
        metavar="SECONDS",
        help="and ends this long after creation (default: %(default)s)",
    )
    timeline.add_argument("--slots", type=int, default=DEFAULT_SLOTS, help="concurrency slots (default: %(default)s)")
    timeline.add_argument(
        "--task-ttl",
        type=float,
        default=DEFAULT_TASK_TTL,
        metavar="SECONDS",
        help="finished tasks and their images are forgotten after this (default: %(default)s)",
    )
    timeline.add_argument(
        "--max-tasks", type=int, help=f"tasks kept at most (default: {DEFAULT_MAX_TASKS}, or --slots if larger)"
    )
    slow = parser.add_argument_group("slow clients (connections closed past these limits)")
    slow.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help="no byte of a request this long after the connection opened or an answer ended (default: %(default)s)",
    )
    slow.add_argument(
        "--head-timeout",
        type=float,
        default=DEFAULT_HEAD_TIMEOUT,
        metavar="SECONDS",
        help="a request head not complete this long after its first byte: 408 (default: %(default)s)",
    )
    slow.add_argument(
        "--body-timeout",
        type=float,
        default=DEFAULT_BODY_TIMEOUT,
        metavar="SECONDS",
        help="a body not all there this long after the emulator began reading it: 408 (default: %(default)s)",
    )
    timeline.add_argument(
        "--no-qps-limits",
        dest="qps_limits",
        action="store_false",
        help="answer every request however fast (default: GET /account/costs takes 1 a second, 429/1302 beyond)",
    )
    faults = parser.add_argument_group("app-wide faults (probabilities in [0, 1], seeded)")
    faults.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help=f"added to every API request, 0 to {MAX_FAULT_LATENCY:g} (default: %(default)s)",
    )
    faults.add_argument("--error-rate", type=float, default=0.0, metavar="P", help="answer 5000/5001/5002")
    faults.add_argument("--rate-limit-rate", type=float, default=0.0, metavar="P", help="answer 429/1302")
    faults.add_argument("--drop-rate", type=float, default=0.0, metavar="P", help="drop the connection")
    faults.add_argument(
        "--moderation-rate", type=float, default=0.0, metavar="P", help="tasks end failed (risk control)"
    )
    faults.add_argument(
        "--fault-seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of the draws: the same seed, the same faults run after run (default: %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="server log level; info logs one line per request (default: %(default)s)",
    )
    return parser


def _credentials(
    access_key: str | None, secret_key: str | None, api_key: str | None
) -> tuple[dict[str, str], frozenset[str], str]:
    """The key pairs and API keys to accept, and how to say where they come from (never a secret)."""
    if access_key is not None and secret_key is not None:
        keys, key_source = {access_key: secret_key}, "the key pair given on the command line"
    elif os.environ.get(ACCESS_KEY_ENV) and os.environ.get(SECRET_KEY_ENV):
        keys = {os.environ[ACCESS_KEY_ENV]: os.environ[SECRET_KEY_ENV]}
        key_source = f"the key pair from ${ACCESS_KEY_ENV} / ${SECRET_KEY_ENV}"
    else:
        keys, key_source = {}, None
    if api_key is not None:
        api_keys, api_source = frozenset({api_key}), "the API key given on the command line"
    elif os.environ.get(API_KEY_ENV):
        api_keys, api_source = frozenset({os.environ[API_KEY_ENV]}), f"the API key from ${API_KEY_ENV}"
    else:
        api_keys, api_source = frozenset(), None
    if not keys and not api_keys:
        # Nothing configured: the demo credentials, as create_app's defaults. Public constants: printing them
        # is what makes the demo usable.
        return (
            {DEMO_ACCESS_KEY: DEMO_SECRET_KEY},
            frozenset({DEMO_API_KEY}),
            f"the public demo keys:\n  access key: {DEMO_ACCESS_KEY}\n  secret key: {DEMO_SECRET_KEY}"
            f"\n  API key:    {DEMO_API_KEY}",
        )
    return keys, api_keys, " and ".join(source for source in (key_source, api_source) if source is not None)


def main(argv: Sequence[str] | None = None, *, prog: str = DEFAULT_PROG) -> int:
    """Serve until interrupted. ``prog`` is the command name usage and error lines show."""
    parser = _parser(prog)
    args = parser.parse_args(argv)
    if (args.access_key is None) != (args.secret_key is None):
        parser.error("--access-key and --secret-key go together")
    keys, api_keys, source = _credentials(args.access_key, args.secret_key, args.api_key)
    webhook_secret = args.webhook_secret if args.webhook_secret is not None else default_webhook_secret()
    if webhook_secret is not None:
        source += "; callbacks signed with the webhook secret " + (
            "given on the command line" if args.webhook_secret is not None else f"from ${WEBHOOK_SECRET_ENV}"
        )
    try:
        app = create_app(
            keys=keys,
            api_keys=api_keys,
            webhook_secret=webhook_secret,
            processing_after=args.processing_after,
            succeed_after=args.succeed_after,
            slots=args.slots,
            task_ttl=args.task_ttl,
            max_tasks=args.max_tasks,
            body_timeout=args.body_timeout,
            qps_limits=args.qps_limits,
            faults=FaultConfig(
                latency=args.latency,
                error_rate=args.error_rate,
                rate_limit_rate=args.rate_limit_rate,
                drop_rate=args.drop_rate,
                moderation_rate=args.moderation_rate,
                seed=args.fault_seed,
            ),
        )
        check_seconds("--idle-timeout", args.idle_timeout)
        check_seconds("--head-timeout", args.head_timeout)
    except ValueError as error:
        parser.error(str(error))
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Kling emulator on http://{host}:{args.port}, accepting {source}", flush=True)
    serve(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        idle_timeout=args.idle_timeout,
        head_timeout=args.head_timeout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
