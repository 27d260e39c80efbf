"""The contract checks' fixtures (from testsupport.fixtures): the spec, its mock, the generated client over it."""

from testsupport.fixtures import _no_real_credentials, client, mock_api, spec

__all__ = ["_no_real_credentials", "client", "mock_api", "spec"]
