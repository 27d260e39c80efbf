"""Benchmarks of the kling SDK: ``make bench`` (``python -m bench``) writes bench/results.md.

Every figure is a ratio against a baseline measured in the same run, interleaved with it, so that a busy
machine changes the absolute times but not the verdicts.
"""
