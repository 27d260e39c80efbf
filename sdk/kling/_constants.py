"""Every tunable of the SDK, in one place."""

from __future__ import annotations

from typing import Final

import httpx
import kling_auth
from kling_spec import SDK_MAX_ID_CHARS

#: Where requests go when neither ``base_url`` nor $KLING_BASE_URL says otherwise.
DEFAULT_BASE_URL: Final = kling_auth.DEFAULT_BASE_URL
BASE_URL_ENV: Final = kling_auth.BASE_URL_ENV
ACCESS_KEY_ENV: Final = kling_auth.ACCESS_KEY_ENV
SECRET_KEY_ENV: Final = kling_auth.SECRET_KEY_ENV

#: Per request. Creating a task answers at once (the work runs in the background), so 30 s is generous.
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)

# --- Retries -------------------------------------------------------------------------------------------------
#: Retries after the first attempt (so up to 3 attempts by default).
DEFAULT_MAX_RETRIES: Final = 2
#: Exponential backoff with full jitter: attempt k sleeps uniform(0, min(cap, base * 2**k)) seconds,
#: but never less than RETRY_MIN_DELAY_SECONDS. The publisher recommends starting at 1 s or more.
RETRY_BASE_DELAY_SECONDS: Final = 1.0
RETRY_MAX_DELAY_SECONDS: Final = 8.0
RETRY_MIN_DELAY_SECONDS: Final = 0.25
#: A server's Retry-After (seconds) is honoured, up to this; a larger value is capped rather than obeyed.
RETRY_AFTER_MAX_SECONDS: Final = 60.0
#: Longest task id / external_task_id sent in a path (a create's own external_task_id included): stated, with
#: its reason and beside the emulator's own limit, in kling_spec.
MAX_TASK_ID_CHARS: Final = SDK_MAX_ID_CHARS
#: A generated external_task_id is this prefix + uuid4 hex, so every create can be looked up after a failure.
EXTERNAL_TASK_ID_PREFIX: Final = "kling-"

# --- Waiting for a task --------------------------------------------------------------------------------------
#: Overall deadline of wait() / generate() (their ``deadline=``): TaskTimeoutError after it.
DEFAULT_WAIT_DEADLINE: Final = 600.0
#: The same, under its former name (kept for callers that import it).
DEFAULT_WAIT_TIMEOUT: Final = DEFAULT_WAIT_DEADLINE
#: Queries cost no quota: poll soon, then every WAIT_POLL_FRACTION of the time already waited, between
#: WAIT_MIN_INTERVAL and WAIT_MAX_INTERVAL seconds, so completion is noticed within a few % of the run time.
WAIT_FIRST_POLL_SECONDS: Final = 1.0
WAIT_MIN_INTERVAL_SECONDS: Final = 1.0
WAIT_MAX_INTERVAL_SECONDS: Final = 5.0
WAIT_POLL_FRACTION: Final = 0.08
#: A poll is cut at the wait's deadline, but never given less than this (deadline=0 is one poll).
WAIT_MIN_POLL_SECONDS: Final = 1.0

# --- Downloads (H4's downloader) -----------------------------------------------------------------------------
DOWNLOAD_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
DOWNLOAD_MAX_REDIRECTS: Final = 5
#: A generated image is a few MB; anything far larger is refused mid-stream.
DOWNLOAD_MAX_BYTES: Final = 64 * 1024 * 1024
#: Each image must arrive within this long, redirects included, whatever the server trickles (download(timeout=)).
DOWNLOAD_DEADLINE_SECONDS: Final = 300.0

# --- Batches -------------------------------------------------------------------------------------------------
#: Concurrency slots generate_many() uses by default (a task holds ``n`` of them).
DEFAULT_BATCH_CONCURRENCY: Final = 4
#: A job's name (generate_many(job=...), kling images batch --job): letters, digits, '.', '_', '-', at most this long.
#: Each item's external_task_id is ``<job>-<item number>-<JOB_ID_DIGEST_CHARS hex digits of a SHA-256>``: at most
#: 64 + 19 + 16 + 2 = 101 characters, far within MAX_TASK_ID_CHARS.
JOB_NAME_MAX_CHARS: Final = 64
JOB_ID_DIGEST_CHARS: Final = 16

# --- Local images --------------------------------------------------------------------------------------------
#: A data: URI's header ends here; what follows is the bare Base64 the API wants.
DATA_URI_BASE64_MARKER: Final = ";base64,"

# --- Logging -------------------------------------------------------------------------------------------------
LOGGER_NAME: Final = "kling"
#: KLING_LOG=info|debug sets up a stderr handler on the ``kling`` logger when a client is built.
LOG_LEVEL_ENV: Final = "KLING_LOG"

# --- Downloads, batches, callbacks: details (H4) -------------------------------------------------------------
#: Bytes read per chunk while streaming an image to disk.
DOWNLOAD_CHUNK_SIZE: Final = 64 * 1024
#: A task id is cut to this many characters in a file name (ids are short; a hostile one must not be).
DOWNLOAD_MAX_NAME_LENGTH: Final = 100
#: A 1303 (account's quota full) while none of the batch's own tasks runs: back off from the first delay,
#: doubling to the cap, with jitter; while some of ours run, wait for one to end, but re-try at least this often.
BATCH_QUOTA_BACKOFF_FIRST_SECONDS: Final = 1.0
BATCH_QUOTA_BACKOFF_MAX_SECONDS: Final = 15.0
BATCH_QUOTA_RECHECK_SECONDS: Final = 15.0
#: A callback body is a task (a few KB); larger or deeper bodies are refused before parsing.
CALLBACK_MAX_BYTES: Final = 1024 * 1024
CALLBACK_MAX_DEPTH: Final = 32

# --- Signed callbacks (Standard Webhooks) -------------------------------------------------------------------
#: A webhook secret is this prefix + the Base64 HMAC key, as the console shows it.
WEBHOOK_SECRET_PREFIX: Final = "whsec_"  # noqa: S105 - the format's prefix, not a secret
#: The documented replay window: webhook-timestamp within this many seconds of this machine's clock, either way.
WEBHOOK_TOLERANCE_SECONDS: Final = 300
#: Each of webhook-id, webhook-timestamp and webhook-signature is refused past this length, before any work.
WEBHOOK_MAX_HEADER_CHARS: Final = 1024
#: Entries of webhook-signature checked at most (a rotation sends 2); a header listing more is refused.
WEBHOOK_MAX_SIGNATURES: Final = 10
