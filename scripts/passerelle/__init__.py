"""Passerelle: carries settlement-sector research into plain-language, bilingual briefs.

Pipeline, one module per stage, typed records between them (see ``records``):
``load`` (files -> SourceFile, Document, Literature) -> ``validate`` (-> Diagnostic)
-> ``enrich`` (-> Enrichment) -> ``render`` (-> docs tree) -> ``build`` (site generator layer).
"""

__version__ = "0.1.0"
