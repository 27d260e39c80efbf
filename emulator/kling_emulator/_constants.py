"""Every tunable of the emulator, in one place."""

from __future__ import annotations

from typing import Final

from kling_spec import EMULATOR_MAX_KEPT_CHARS

# -- keys ---------------------------------------------------------------------------------

#: The public demo key pair (``DEMO_ACCESS_KEY``, ``DEMO_SECRET_KEY``) and demo API key (``DEMO_API_KEY``)
#: live in ``kling_auth``, so the CLI can offer them against a loopback emulator without importing the
#: emulator. They are accepted only when no credential is configured (arguments or environment).

#: The webhook secret callbacks are signed with (Standard Webhooks, ``whsec_`` + Base64), as the console
#: creates one; unset, callbacks go unsigned, as the service sends them to an account without a secret.
WEBHOOK_SECRET_ENV: Final = "KLING_WEBHOOK_SECRET"  # noqa: S105 - a variable's name
WEBHOOK_SECRET_PREFIX: Final = "whsec_"  # noqa: S105 - the documented prefix

# -- task timeline, quota, memory ---------------------------------------------------------

#: Seconds after creation when a task turns `processing`, and when it ends (`succeed`/`failed`).
#: The real service takes tens of seconds; an emulator is there to be fast.
DEFAULT_PROCESSING_AFTER: Final = 1.0
DEFAULT_SUCCEED_AFTER: Final = 3.0

#: Concurrency slots of the emulated account (a task holds `n` of them until it ends).
DEFAULT_SLOTS: Final = 20

#: Finished tasks (and their images) are forgotten this many seconds after they end.
DEFAULT_TASK_TTL: Final = 3600.0
#: At most this many tasks are kept; the oldest finished ones are evicted first.
DEFAULT_MAX_TASKS: Final = 1000
#: Rendered PNGs kept in memory (least recently used first out).
DEFAULT_IMAGE_CACHE_SIZE: Final = 32

#: What a task holds of the concurrency quota where the docs are silent (auth-and-general.md §4: "not stated"),
#: the emulator's own reading of "a task holds one slot per image it makes" [official: CONC]:
#: - an omni-image series with ``series_amount: "auto"`` makes (and holds) this many images: the docs say it
#:   holds "as many as images it produces" and leave the count to the model; 4 is the field's documented default;
AUTO_SERIES_AMOUNT: Final = 4
#: - an AI Multi-Shot task makes one result set of three views of the element (``url_1``..``url_3``, the
#:   documented example's one set) and holds a slot for each;
MULTI_SHOT_VIEWS: Final = 3
#: - an element task makes no image and holds one slot, as a video or try-on task does [official: CONC].
ELEMENT_TASK_SLOTS: Final = 1

#: Whether the operations with an ``x-kling-rate-limit`` (``GET /account/costs``: 1 request a second) answer
#: 429/1302 beyond it; ``create_app(qps_limits=False)`` and ``--no-qps-limits`` turn it off.
DEFAULT_QPS_LIMITS: Final = True

#: How often the background ticker advances tasks and sends callbacks (only where the ASGI
#: server runs the app's lifespan, e.g. uvicorn; without it, every request advances tasks).
DEFAULT_TICK_INTERVAL: Final = 0.1

# -- requests -----------------------------------------------------------------------------

#: A 10 MB image is 13.4 MB in Base64; the rest of the body is small.
MAX_BODY_BYTES: Final = 16 * 1024 * 1024

#: The emulator's own bound on the strings a task keeps (the spec sets no maxLength on either): a longer
#: ``external_task_id`` or ``callback_url`` answers 400/1201 naming the field and the limit. Stated, with its
#: reason and beside the SDK's own id limit, in ``kling_spec``; ``max_tasks`` bounds the store.
MAX_EXTERNAL_TASK_ID_CHARS: Final = EMULATOR_MAX_KEPT_CHARS
MAX_CALLBACK_URL_CHARS: Final = EMULATOR_MAX_KEPT_CHARS
#: A ``Host`` header longer than this (a DNS name is at most 253 characters, plus a port) or not shaped like
#: ``host[:port]`` is not used for the URLs in answers: the server's own address is. Each image URL repeats
#: it, and a list answer carries up to 500 tasks of 9 images each.
MAX_HOST_CHARS: Final = 261

#: Slow clients (kling_emulator._timeouts): each phase of a request has its own deadline, so that no client,
#: idle or sending a byte at a time, holds a connection open for long.
#: Idle: from the connection opening, or from the end of an answer, until the first byte of the next request
#: (the rest of a body the emulator answered without reading does not count); then the connection is closed
#: without a word, as uvicorn closes a kept-alive one. uvicorn's own default, and well past the gap between a
#: client's connect and its first byte, or between two calls of a client reusing its connection.
DEFAULT_IDLE_TIMEOUT: Final = 5.0
#: Head: from the first byte of a request until its request line and headers are complete; then a 408 and the
#: connection closed. A legitimate head is a few hundred bytes (16 KiB at most, h11's limit), sent at once.
DEFAULT_HEAD_TIMEOUT: Final = 10.0
#: Body: from the emulator's first read of the body until all of it has arrived; then a 408 and the connection
#: closed. MAX_BODY_BYTES in 30 s is about 0.5 MiB/s, hundreds of times slower than loopback; the injected
#: latency (MAX_FAULT_LATENCY) runs before the first read, so it does not count.
DEFAULT_BODY_TIMEOUT: Final = 30.0

#: The documented limits, defaults and capability map of the create request live in
#: ``kling_spec`` (read from the spec where it carries them), shared with the SDK and the mock.

# -- responses ----------------------------------------------------------------------------

#: Ids (and other values a client sent) quoted in an error message are cut to this many characters: "Task
#: not found by id/external id: <first 64 characters>…".
MAX_ECHOED_CHARS: Final = 64
#: No error message is longer than this (a last guard: what a message quotes is cut where it is built).
MAX_MESSAGE_CHARS: Final = 1024

#: As the spec's examples have them (checked by emulator/tests/test_spec_data.py).
SUCCESS_MESSAGE: Final = "SUCCEED"
MODERATION_MESSAGE: Final = "Failure to pass the risk control system"

#: The documented error codes (each one's HTTP status and message) are the spec's ``x-kling-errors``, read
#: through ``kling_spec._errors.documented_errors()``.

# -- images -------------------------------------------------------------------------------

#: Long side of a generated image per resolution; the short side follows the aspect ratio. One entry per
#: resolution of the spec's ``Resolution`` and ``OmniResolution`` enums (checked by emulator/tests/test_spec_data.py).
LONG_SIDE: Final = {"1k": 1024, "2k": 2048, "4k": 4096}
#: The size an outpainting's source is taken to have when it is a URL (never fetched): the result is this
#: canvas with the expansion ratios applied. A Base64 source gives its own size.
DEFAULT_EXPAND_SOURCE: Final = (1024, 1024)
#: No rendered image is longer than this on a side (a 3x outpainting of a large source is scaled down to it).
MAX_RENDER_SIDE: Final = 4096
#: Where the emulator serves the images it "generated".
IMAGE_ROUTE_PREFIX: Final = "/emulator/images"
WATERMARK_SUFFIX: Final = "-watermark"
#: zlib level 1: PNGs of flat gradients stay small and a 2k image encodes in ~0.1 s.
PNG_COMPRESS_LEVEL: Final = 1

# -- elements and the account -----------------------------------------------------------

#: ``owned_by`` of the elements the account creates: the creator id of the spec's element examples.
ELEMENT_OWNER_ID: Final = 100234
#: The preset (official) elements besides the spec's documented one (the listPresetElements example): 161, which
#: the spec's omni-image series example names beside 160, and one character. Each is the documented one with
#: these fields changed.
EXTRA_PRESET_ELEMENTS: Final = (
    {
        "task_id": "829836802793401001",
        "element_id": 161,
        "element_name": "Paper lantern",
        "element_description": "A red paper lantern, warm light",
        "image": "paper-lantern",
        "tag_id": "o_104",
    },
    {
        "task_id": "829836802793401002",
        "element_id": 162,
        "element_name": "Explorer",
        "element_description": "A young explorer with a map, cartoon style",
        "image": "explorer",
        "tag_id": "o_102",
    },
)

#: The account's image resource pack, charged the units of each task that succeeds (``GET /account/costs``, the
#: unit ledger), open from the emulator's start for a year.
PACK_NAME: Final = "Image Generation - emulator, 100,000 units"
PACK_ID: Final = "e3a1c5b7d9f24a6c8e0b2d4f6a8c1e3b"
PACK_UNITS: Final = 100_000
PACK_DAYS: Final = 365
#: The account's cash balance in USD, charged the list price of each task that succeeds (the balance ledger).
CASH_BALANCE: Final = 10_000
CURRENCY: Final = "USD"
#: The ledgers keep the last this many charges (oldest dropped first): memory stays bounded however long the
#: emulator runs, as ``max_tasks`` bounds the tasks. A charge outlives its task.
MAX_LEDGER_ENTRIES: Final = 1000

# -- faults and callbacks -----------------------------------------------------------------

FAULT_HEADER: Final = "X-Kling-Emulator-Fault"
#: Injected latency is capped so one bad header cannot park a worker for long.
MAX_FAULT_LATENCY: Final = 30.0

CALLBACK_TIMEOUT: Final = 5.0
#: Callbacks in flight at once, across tasks (one task's go out one at a time, in order): a slow
#: receiver holds one of these for at most CALLBACK_TIMEOUT, and delays only its own task's callbacks.
MAX_CONCURRENT_CALLBACKS: Final = 16
CALLBACK_USER_AGENT: Final = "kling-emulator"
#: The Standard Webhooks headers of a signed callback (auth-and-general.md §5.4 [official: CB]).
WEBHOOK_ID_HEADER: Final = "webhook-id"
WEBHOOK_TIMESTAMP_HEADER: Final = "webhook-timestamp"
WEBHOOK_SIGNATURE_HEADER: Final = "webhook-signature"

LOGGER_NAME: Final = "kling_emulator"
