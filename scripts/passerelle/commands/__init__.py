"""The `passerelle` commands, one module each (``NAME``, ``HELP``, ``configure(parser)``, ``run(args)``).
A new command is one module and one line below; ``cli`` builds the parser from this list."""
from __future__ import annotations

from . import author_report, bench, build, check, enrich, form, import_report, links, new, serve
from . import translated

COMMANDS = (
    check,
    build,
    serve,
    new,
    enrich,
    bench,
    links,
    import_report,
    author_report,
    form,
    translated,
)
