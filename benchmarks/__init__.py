"""Benchmarks run from the repository root (``python benchmarks/<name>.py``) or imported by ``passerelle bench``."""
