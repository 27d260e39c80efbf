"""The documented limits of the create request that its JSON schema cannot carry, in one place.

The spec states them in prose (the description of ``image``: what needs the image's bytes); the
defaults, the bounds and the cross-field rules live in the schema itself and are read from it.
"""

from __future__ import annotations

from typing import Final

# -- reference images (the `image` field) -------------------------------------------------

MAX_IMAGE_BYTES: Final = 10 * 1024 * 1024
MIN_IMAGE_SIDE: Final = 300
#: Width:height may range from 1:2.5 to 2.5:1.
MAX_IMAGE_RATIO: Final = 2.5
#: Pillow's format names (a .jpg/.jpeg file is "JPEG"; camera JPEGs may open as "MPO").
IMAGE_FORMATS: Final = frozenset({"JPEG", "PNG"})
JPEG_LIKE_FORMATS: Final = frozenset({"MPO"})
#: Base64 grows data by 4/3: a string longer than this cannot decode to MAX_IMAGE_BYTES or less.
MAX_IMAGE_BASE64_CHARS: Final = (MAX_IMAGE_BYTES + 2) // 3 * 4
#: Enough of a file's start to name a refused format in the error message.
IMAGE_SIGNATURES: Final = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
)
WEBP_SIGNATURE: Final = (b"RIFF", b"WEBP")

#: Error messages quote at most this much of an offending value.
MAX_QUOTED_CHARS: Final = 40

# -- bounds on any JSON a validator looks at ------------------------------------------------

#: Nesting deeper than this is refused with a message, never a RecursionError (no request of the spec
#: nests beyond 3).
MAX_JSON_DEPTH: Final = 32
#: Integers beyond 64 bits are refused before the schema sees them: no field of the API comes close, and
#: quoting one of more than 4300 digits in a message would raise ValueError (Python's int/str limit).
MAX_INTEGER_BITS: Final = 64
#: Query and path integers: ASCII digits only (``\d`` and ``str.isdigit`` also take full-width, Arabic-Indic
#: and superscript digits), at most this many: more than any value of the API needs. The CLI's number options
#: (kling.cli._params) take the same.
MAX_INTEGER_DIGITS: Final = 19

# -- lengths the API does not state: the project's own bounds, one for each side ------------------------------
# The spec sets no maxLength on a task id, an external_task_id or a callback_url: no source gives one, and a
# client must not refuse what the service may accept. The SDK and the emulator each bound them for a reason of
# their own, so the two numbers differ; the emulator's is the larger (a test checks it), so that whatever the
# SDK sends, the emulator takes.

#: The SDK: the longest task_id or external_task_id it sends. An id travels in a URL path (a query, and the
#: lookup by external_task_id after an ambiguous create, which is why a create's own external_task_id is held to
#: it too): far beyond any real id (the API's are 18 digits, the SDK's generated ones 38 characters), and short
#: enough that a query's URL stays one servers accept.
SDK_MAX_ID_CHARS: Final = 1024
#: The emulator: the longest external_task_id or callback_url a task keeps (longer answers 400/1201 naming the
#: field and the limit). A bound on memory, not on URLs: generous for any id or URL in real use, and without it
#: 24 creates with 4 MB ids kept ~100 MB, and a ``pageSize=500`` list echoed every id into one answer. With it a
#: task keeps at most ~45 KB of text (these two and a 2500-character prompt, at 4 bytes a character at worst).
EMULATOR_MAX_KEPT_CHARS: Final = 4096
