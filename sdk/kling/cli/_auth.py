"""``kling auth token`` and ``kling auth verify``: the JWT recipe, offline.

The one place the CLI uses kling_auth directly: signing and checking a token is its whole job.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

import click
from kling_auth import InvalidTokenError, sign_token, verify_token

from ._app import cli, state_of
from ._config import resolve_verifying_keys
from ._errors import CliError
from ._exit_codes import INVALID_TOKEN, USAGE

#: The TOKEN argument that means "read it from stdin".
FROM_STDIN = "-"


@cli.group()
def auth() -> None:
    """Which auth mode is in use; sign an API token, or check one."""


@auth.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Say which auth mode the other commands use, and where its keys come from (never the keys' secrets)."""
    state = state_of(ctx)
    keys = state.keys(state.base_url)
    if state.output.json_mode:
        document = {"mode": keys.mode, "source": keys.source, "base_url": state.base_url}
        if keys.mode == "jwt":
            document["access_key"] = keys.access_key
        state.output.data(document)
    elif keys.mode == "api_key":
        state.output.line(f"mode: API key (Authorization: Bearer <API key>), from {keys.source}")
    else:
        state.output.line(f"mode: JWT signed with access key {keys.access_key}, from {keys.source}")


@auth.command()
@click.pass_context
def token(ctx: click.Context) -> None:
    """Print a token signed with your keys (valid 30 minutes); nothing else goes to stdout."""
    state = state_of(ctx)
    keys = state.keys(state.base_url)
    if keys.api_key is not None:
        raise CliError(
            f"the API key from {keys.source} is sent as it is: there is no token to sign "
            "(a token needs KLING_ACCESS_KEY and KLING_SECRET_KEY)",
            exit_code=USAGE,
        )
    signed = sign_token(keys.access_key, keys.secret_key)
    if state.output.json_mode:
        state.output.data({"token": signed})
    else:
        state.output.line(signed)


def _when(unix: float) -> str:
    return datetime.fromtimestamp(unix, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@auth.command()
@click.argument("token_text", metavar="TOKEN")
@click.pass_context
def verify(ctx: click.Context, token_text: str) -> None:
    """Check TOKEN as the API would, with the secret key from $KLING_SECRET_KEY.

    TOKEN "-" reads it from stdin (keeps it out of the shell history). Exit code 1 when invalid.
    """
    state = state_of(ctx)
    if token_text == FROM_STDIN:
        token_text = sys.stdin.readline()
    token_text = token_text.strip()
    if not token_text:
        raise CliError("no token given", exit_code=USAGE)
    keys = resolve_verifying_keys(state.base_url)
    if keys.demo:
        state.output.note("note: no KLING_SECRET_KEY set: checking against the emulator's public demo secret")
    try:
        claims = verify_token(token_text, keys.secret_key, access_key=keys.access_key or None)
    except InvalidTokenError as error:
        # The message names what is wrong, never the token or the key.
        if state.output.json_mode:
            state.output.data({"valid": False, "reason": str(error), "api_code": error.api_code})
        else:
            state.output.line(f"invalid: {error} (the API would answer 401, code {error.api_code})")
        ctx.exit(INVALID_TOKEN)
    expires_at, issuer = float(claims["exp"]), str(claims["iss"])
    if state.output.json_mode:
        state.output.data({"valid": True, "access_key": issuer, "expires_at": int(expires_at)})
    else:
        left = expires_at - time.time()
        state.output.line(f"valid: issued for access key {issuer}, expires {_when(expires_at)} (in {left:.0f} s)")
