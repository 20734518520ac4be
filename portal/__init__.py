"""The election officers' portal (FastAPI, server-rendered Jinja2, works without JavaScript).

- :func:`portal.app.create_app`: the ASGI application (``uvicorn portal.app:create_app --factory``).
- :func:`portal.server.serve` / :func:`portal.server.uvicorn_config`: run it (``socelec portal``).
- Pure rules: :mod:`portal.election_day`, :mod:`portal.stop`, :mod:`portal.progress`,
  :mod:`portal.lockout`, :mod:`portal.passwords`; language and words: :mod:`portal.i18n`.
"""
