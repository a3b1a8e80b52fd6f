"""Benchmarks that generate their own data and print one JSON line each (`python -m bench [name]`)."""
