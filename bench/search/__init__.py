"""Benchmarks of the directory search and map at national scale (see bench/README.md)."""
