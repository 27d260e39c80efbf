"""Session-wide checks for the whole suite (see testsupport/secret_guard.py), and the fault-injection table at the
end of a run (contract_tests/fault_table.py: a plugin here, so that the controlling process of xdist has it too)."""

pytest_plugins = ["testsupport.secret_guard", "contract_tests.fault_table"]
