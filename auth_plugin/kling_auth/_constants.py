"""Tunables of the auth plugin, in one place (timeouts, lifetimes, margins)."""

from typing import Final

#: The official domain for servers outside China.
DEFAULT_BASE_URL: Final = "https://api-singapore.klingai.com"

#: Environment variables read when keys are not passed explicitly.
ACCESS_KEY_ENV: Final = "KLING_ACCESS_KEY"
SECRET_KEY_ENV: Final = "KLING_SECRET_KEY"  # noqa: S105 (a variable name, not a secret)
BASE_URL_ENV: Final = "KLING_BASE_URL"
#: The static API key (the publisher's recommended mode since 06/17/2026), sent as it is.
API_KEY_ENV: Final = "KLING_API_KEY"

#: The public demo key pair the local emulator accepts when no keys are configured. They guard
#: nothing (the emulator holds no data worth protecting and listens on loopback); they live here
#: so the CLI can offer them against a loopback emulator without importing the emulator.
DEMO_ACCESS_KEY: Final = "emulator-access-key"
#: 32+ bytes, so PyJWT signs it without an InsecureKeyLengthWarning.
DEMO_SECRET_KEY: Final = "emulator-secret-key-0123456789abcdef"  # noqa: S105 - public on purpose

#: The public demo API key the local emulator accepts when no keys are configured (as public as the pair above).
DEMO_API_KEY: Final = "emulator-api-key-0123456789abcdef"

#: The documented JWT recipe: HS256, exp = now + 1800 s, nbf = now - 5 s.
JWT_ALGORITHM: Final = "HS256"
TOKEN_LIFETIME_SECONDS: Final = 1800
NOT_BEFORE_SKEW_SECONDS: Final = 5

#: exp and nbf are Unix times in seconds from 1970 up to the end of year 9999: a claim outside (NaN,
#: Infinity, 1e308) is refused when verifying and never signed (a token that would never expire).
MAX_UNIX_TIME: Final = 253_402_300_799

#: After a 1003 (not yet valid: the server's clock is behind ours by more than NOT_BEFORE_SKEW_SECONDS),
#: tokens are signed with nbf this far back instead. Harmless: nbf only says from when a token is valid,
#: and exp (its end) does not move; a server minutes behind is common enough (no NTP on a VM).
NOT_YET_VALID_BACKDATE_SECONDS: Final = 300

#: A cached token is re-signed once less than this is left of its life, so a token
#: never expires while a slow request is in flight.
REFRESH_MARGIN_SECONDS: Final = 300

#: 401 codes after which the plugin re-signs once and resends: 1003 (token not yet
#: valid, clock skew) and 1004 (token expired).
RESIGN_ON_CODES: Final = frozenset({1003, 1004})
NOT_YET_VALID_CODE: Final = 1003

#: The largest API answer read, in bytes, received and after decoding: far above the largest legitimate one (a
#: 500-task page is a few MB even with long ids), far below what would hurt a process.
MAX_ANSWER_BYTES: Final = 32 * 1024 * 1024
