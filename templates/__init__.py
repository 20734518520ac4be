"""The documents the FPS sends during the procedure: templates and rendering.

- :mod:`templates.context`: per-dossier snapshots and their dates (``load_contexts``).
- :mod:`templates.render`: ``render_batch(kind, contexts) -> list[RenderedDocument]``.
- :mod:`templates.batches`: a batch of dossiers from the database to the outbox.
- :mod:`templates.pdfsplit`: one tagged batch PDF cut into one PDF per dossier.

Which document goes with which step is domain, not template: :mod:`procedure.documents`.
"""
