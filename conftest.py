"""Session-wide checks for the whole suite (see contract_tests/secret_guard.py)."""

pytest_plugins = ["contract_tests.secret_guard"]
