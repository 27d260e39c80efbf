"""The spec's and kling_spec's tests: the loaded spec, its mock, and no developer's keys in the environment."""

from testsupport.fixtures import _no_real_credentials, mock_api, spec

__all__ = ["_no_real_credentials", "mock_api", "spec"]
