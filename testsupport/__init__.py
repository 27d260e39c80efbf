"""What the test suites share, and nothing that is a test itself.

- ``spec_mock``: a respx mock of the Kling API that replays the spec's examples and checks every request;
- ``helpers``: the generated client's sync/async twins, one call for both (``MODES``, ``call``, ``present``);
- ``fixtures``: ``spec``, ``mock_api``, ``client`` and the autouse ``_no_real_credentials``, imported by the
  ``conftest.py`` of the suites that use them;
- ``secret_guard``: the session-wide pytest plugin, loaded by the root ``conftest.py``, that fails the run when a
  secret key or a token reaches a log record or a file.
"""
