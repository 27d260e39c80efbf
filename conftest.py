"""Session-wide checks for the whole suite (see testsupport/secret_guard.py)."""

pytest_plugins = ["testsupport.secret_guard"]
