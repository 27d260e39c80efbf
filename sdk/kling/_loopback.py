"""What counts as a local emulator: a loopback base URL, the one place the public demo keys are ever used.

Shared by the SDK (``Kling()`` with no keys and a loopback ``KLING_BASE_URL``) and the CLI (a loopback
``--base-url``); it imports httpx and the standard library only, so the CLI's configuration stays light.
"""

from __future__ import annotations

import ipaddress

import httpx


def is_loopback(base_url: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: a local emulator, never the real service."""
    try:
        host = httpx.URL(base_url).host
    except httpx.InvalidURL:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
