"""Screenshots of the built documentation site in a real headless browser, to look at how its pages read.

    make docs && .venv/bin/python scripts/docs_screenshots.py [--out DIR] [PAGE ...]

Serves site/ on a free loopback port (``http.server``), runs ``chromium --headless --screenshot`` on each page
(default: the home page, getting started, a guide and the API reference) at 1280x1600, and prints the PNGs' paths.
Not part of ``make test``: it needs Chromium (``apt-get install chromium``), which CI machines do not have; without
it the script says so and exits 2.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
PAGES = ["", "getting-started/", "guides/errors/", "reference/kling/"]
BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _name(page: str) -> str:
    return page.strip("/").replace("/", "-") or "home"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "kling-docs-screenshots")
    parser.add_argument("--size", default="1280,1600", help="window size, WIDTH,HEIGHT")
    parser.add_argument("pages", nargs="*", default=PAGES, help="paths under the site, e.g. guides/errors/")
    args = parser.parse_args(argv)

    browser = _browser()
    if browser is None:
        print("no Chromium found (apt-get install chromium): no screenshots taken", file=sys.stderr)
        return 2
    if not (SITE / "index.html").is_file():
        print(f"{SITE} has no index.html: run `make docs` first", file=sys.stderr)
        return 2

    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    try:
        for page in args.pages:
            url = f"http://127.0.0.1:{server.server_address[1]}/{page.lstrip('/')}"
            target = args.out / f"{_name(page)}.png"
            with tempfile.TemporaryDirectory() as profile:
                result = subprocess.run(  # noqa: S603 - a browser found on PATH, our own arguments
                    [
                        browser,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--hide-scrollbars",
                        f"--user-data-dir={profile}",
                        f"--window-size={args.size}",
                        f"--screenshot={target}",
                        url,
                    ],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=False,
                )
            if result.returncode != 0 or not target.is_file():
                failures += 1
                print(f"{url}: no screenshot ({result.returncode}): {result.stderr.strip()[-500:]}", file=sys.stderr)
            else:
                print(target)
    finally:
        server.shutdown()
        server.server_close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
