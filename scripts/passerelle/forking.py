"""Forked processes that go on sharing their parent's memory. A forked child starts with its parent's pages
shared, but its first full garbage collection walks every object it inherited and writes to each one's
header, which copies nearly every page into the child: the enrichment and exports processes each ended up
holding a private copy of the build's loaded project and context. Freezing the parent's objects for the
fork (``gc.freeze``, as Python's ``gc`` documentation advises) keeps the child's collector, and that of
the processes it forks in turn (spaCy's workers), off them."""
from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from multiprocessing.process import BaseProcess


def start(target: Callable[..., object], args: tuple, name: str, *, daemon: bool = False) -> BaseProcess:
    """``target(*args)`` in a started forked process that leaves its parent's objects to its parent."""
    gc.freeze()
    try:
        process = multiprocessing.get_context("fork").Process(target=target, args=args, name=name, daemon=daemon)
        process.start()
    finally:
        gc.unfreeze()
    return process
