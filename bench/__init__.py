"""Benchmarks that print figures (`make bench`), never pass/fail tests."""
