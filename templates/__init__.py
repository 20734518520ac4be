"""The documents the FPS sends during the procedure: catalogue, templates, rendering.

- :mod:`templates.kinds`: the document kinds (which carry a credential, subjects, file names).
- :mod:`templates.context`: per-dossier snapshots and their dates (``load_contexts``).
- :mod:`templates.render`: ``render_batch(kind, contexts) -> list[RenderedDocument]``.
- :mod:`templates.batches`: a batch of dossiers from the database to the outbox.
- :mod:`templates.pdfsplit`: one tagged batch PDF cut into one PDF per dossier.

Only the catalogue is imported here, so callers that need ``kind.carries_credential`` (the
e-Box adapter, the flows) do not load WeasyPrint.
"""

from templates.kinds import ACCESS_CODE, BROCHURE, KINDS, DocumentKind, kind

__all__ = ["ACCESS_CODE", "BROCHURE", "KINDS", "DocumentKind", "kind"]
