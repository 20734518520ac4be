"""The sandbox's own admin API: health, OAuth clients, message types, the CBE and e-Boxes
(seeding), faults, and what was published. Behind the admin token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ebox_sandbox.deps import ADMIN_ONLY, get_faults, get_store
from ebox_sandbox.faults import FaultInjector
from ebox_sandbox.schemas import ClientRegistration, EnterpriseSeed, MessageTypeDefinition
from ebox_sandbox.settings import FaultPlan
from ebox_sandbox.store import Store

router = APIRouter()
admin_router = APIRouter(prefix="/sandbox/admin", dependencies=ADMIN_ONLY)
StoreDep = Annotated[Store, Depends(get_store)]
FaultsDep = Annotated[FaultInjector, Depends(get_faults)]


@router.get("/sandbox/health")
async def health(store: StoreDep):
    return {"status": "ok", "messages": store.stats()["messages"]}


@admin_router.put("/clients/{client_id}", status_code=204)
def register_client(client_id: str, body: ClientRegistration, store: StoreDep):
    store.register_client(client_id=client_id, **body.model_dump())


@admin_router.put("/message-types/{message_type_id}", status_code=204)
def define_message_type(message_type_id: str, body: MessageTypeDefinition, store: StoreDep):
    store.upsert_message_type({"message_type_id": message_type_id, **body.model_dump()})


@admin_router.put("/enterprises")
def seed(body: list[EnterpriseSeed], store: StoreDep):
    return {"seeded": store.seed_enterprises([e.model_dump() for e in body])}


@admin_router.get("/faults")
async def get_fault_plan(faults: FaultsDep):
    return {**faults.plan.model_dump(), "counts": faults.counts, "pressure": faults.pressure}


@admin_router.put("/faults")
async def set_fault_plan(plan: FaultPlan, faults: FaultsDep):
    faults.configure(plan)
    return plan.model_dump()


@admin_router.get("/stats")
def stats(store: StoreDep):
    return store.stats()


@admin_router.get("/messages")
def messages(
    store: StoreDep,
    recipient: str | None = None,
    idempotency_key: str | None = None,
    limit: int = Query(100, ge=1, le=10_000),
    offset: int = Query(0, ge=0),
):
    return store.messages(
        recipient=recipient, idempotency_key=idempotency_key, limit=limit, offset=offset
    )


@admin_router.delete("/messages")
def delete_messages(store: StoreDep):
    return {"deleted": store.reset_messages()}


router.include_router(admin_router)
