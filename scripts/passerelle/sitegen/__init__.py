"""The site-generator layer: the only package that knows MkDocs, its docs folder (``docs_build/``),
its front matter and its configuration. Moving to another generator (e.g. Zensical) means rewriting
this package (and ``markup``, the Markdown dialect the pages are written in); the pipeline before it
stays. ``publish`` is its whole interface."""
from __future__ import annotations

from .mkdocs_site import BuildError, publish
from .offline import make_bundle
from .webapp import write_worker

__all__ = ["BuildError", "make_bundle", "publish", "write_worker"]
