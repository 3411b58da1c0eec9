"""Vektis claims files (AW319, ZH308) to and from passend's claims table.

One fixed-width engine (:mod:`.fixedwidth`) driven by the standards' own field lists
(``layouts/``); per standard its record rules (:mod:`.aw319`, :mod:`.zh308`) and its mapping to
claims (:mod:`.aw319_claims`, :mod:`.zh308_claims`); what the mappings share is in
:mod:`.mapping`.
"""

from __future__ import annotations

from passend.claims.vektis.aw319_claims import export_aw319, read_aw319_claims
from passend.claims.vektis.mapping import synthetic_bsn, vektis_titles

__all__ = ["export_aw319", "read_aw319_claims", "synthetic_bsn", "vektis_titles"]
