"""The Federation preferences search: which enterprises have an e-Box, and whether it was ever
opened (docs/ebox.md#preferences-search)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from ebox_sandbox.api import PREFERENCE_SCOPE, PREFERENCES_PATH, local_time
from ebox_sandbox.deps import get_store, granted
from ebox_sandbox.oauth import Grant
from ebox_sandbox.store import Store
from ebox_sandbox.validation import invalid

router = APIRouter()
PREFERENCES_MAX = 1000


@router.post(PREFERENCES_PATH)
async def preferences(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    _grant: Annotated[Grant, Depends(granted(PREFERENCE_SCOPE))],
):
    try:
        body = await request.json()
    except ValueError:
        raise invalid("Invalid Schema: body is not JSON") from None
    numbers = body.get("eboxIdValueList") if isinstance(body, dict) else None
    if (
        body.get("eboxType") != "ENTERPRISE"
        or body.get("eboxIdType") != "EnterpriseNumber"
        or not isinstance(numbers, list)
        or not all(isinstance(n, str) for n in numbers)
    ):
        raise invalid(
            "Invalid Schema: expected eboxType ENTERPRISE, eboxIdType "
            "EnterpriseNumber and eboxIdValueList"
        )
    if len(numbers) > PREFERENCES_MAX:
        raise invalid(f"eboxIdValueList: at most {PREFERENCES_MAX} values")
    answer = []
    for box in store.preferences(numbers):
        item = {
            "eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": box["enterprise_number"]},
            "exclusivelyEbox": box["exclusively_ebox"],
            "totalNumberOfMessages": box["total"],
            "totalNumberOfUnreadMessages": box["unread"],
        }
        if box["last_connection_at"]:
            item["lastConnectionDate"] = local_time(box["last_connection_at"])
        answer.append(item)
    return answer
