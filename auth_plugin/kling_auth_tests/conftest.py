"""The auth plugin's tests: the spec (its mock is built per test), and no developer's keys in the environment."""

from testsupport.fixtures import _no_real_credentials, spec

__all__ = ["_no_real_credentials", "spec"]
