"""Passerelle: carries settlement-sector research into plain-language, bilingual briefs.

The pipeline, one stage per module, frozen records between them (``records``):
``load`` (files -> Document, Literature) -> ``validate`` (-> Diagnostic) -> ``enrich`` (-> Enrichment)
-> ``context`` (everything collected once) -> ``pages`` and ``exports`` (-> Page, Asset)
-> ``sitegen`` (the site generator layer, MkDocs) -> site/. ``build`` runs them in that order.
"""

__version__ = "0.1.0"
