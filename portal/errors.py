"""The one error the portal's rules raise: which form field broke which rule.

``rule`` is a catalogue key (``procedure.i18n``), so the page shows the message in
the officer's language next to the field; ``params`` fill its placeholders. The handlers catch
it before anything is written, so a refused request leaves the dossier as it was.
"""

from __future__ import annotations

from typing import Any


class RuleError(ValueError):
    def __init__(self, field: str, rule: str, **params: Any) -> None:
        self.field = field
        self.rule = rule
        self.params = params
        super().__init__(f"{field}: {rule}")
