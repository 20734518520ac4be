"""The notices and PVs an officer uploads: the steps that take one with what was sent, each
step's upload form, the upload and the download of every version.

The rules a file passes are in :mod:`portal.evidence`, the keeping (database or
``SOCELEC_EVIDENCE_DIR``, the digest checked on every read) in :mod:`models.evidence_store`.
An upload is read as it streams in and never beyond :data:`BODY_LIMIT`; its CSRF token is
checked before anything is kept, and a refused file leaves every table as it was.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from babel.units import format_unit
from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from models.dossier import Dossier
from models.evidence import DocumentVariant, StepDocument
from models.evidence_store import EvidenceError, add_version, find_version, read_content, versions
from models.settings import get_settings
from portal import audit
from portal.csrf import check_csrf
from portal.deps import SESSION_TOKEN_KEY, ClientAddress, DbSession, Now, OfficerDossier
from portal.errors import RuleError
from portal.evidence import (
    DOCUMENT_FIELD,
    DOCUMENTS,
    MAX_BYTES,
    MAX_PAGES,
    MAX_REASON,
    VARIANT_FIELD,
    X_NOTICE_STEP,
    check_pdf,
    check_version,
    content_disposition,
    document_names,
    safe_file_name,
    too_large,
)
from portal.sessions import token_digest
from portal.web import flash, form_errors, render, translator
from procedure.i18n import LOCALES, document_name

log = logging.getLogger(__name__)

router = APIRouter(tags=["evidence"])

#: The largest request body read: the file and, around it, the form's other fields and the
#: multipart framing (boundaries, part headers), which take far less than this.
BODY_LIMIT = MAX_BYTES + 64 * 1024
#: A text field's largest part: the reason, at most 4 bytes a character in UTF-8.
FIELD_LIMIT = 4 * MAX_REASON
#: Two uploads of a step at once ask for the same version; the later one tries again.
TRIES = 3

UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["csrf_token", DOCUMENT_FIELD],
                "properties": {
                    "csrf_token": {"type": "string", "maxLength": 100},
                    "variant": {
                        "type": "string",
                        "enum": list(DocumentVariant),
                        "default": DocumentVariant.original,
                        "description": "The X notice's text: original or modified after a "
                        "complaint or a court ruling",
                    },
                    "reason": {
                        "type": "string",
                        "maxLength": MAX_REASON,
                        "description": "Why a version after the first is sent",
                    },
                    DOCUMENT_FIELD: {
                        "type": "string",
                        "format": "binary",
                        "description": f"A PDF of at most {MAX_BYTES // 2**20} MB and "
                        f"{MAX_PAGES} pages, not encrypted, without active content",
                    },
                },
            }
        }
    },
}


def evidence_step(
    code: Annotated[
        str,
        # The enum lets a generated request (tests/portal/test_openapi_fuzz.py) reach the form.
        Path(
            max_length=10,
            description="A step that takes a document",
            json_schema_extra={"enum": list(DOCUMENTS)},
        ),
    ],
) -> str:
    """A step that takes an uploaded document, else 404."""
    if code not in DOCUMENTS:
        raise HTTPException(status_code=404)
    return code


EvidenceStep = Annotated[str, Depends(evidence_step)]


@dataclass(frozen=True)
class Upload:
    """What the upload form sent; ``too_large`` when its body went over :data:`BODY_LIMIT`,
    and then nothing else was read."""

    csrf_token: str = ""
    variant: str = DocumentVariant.original
    reason: str = ""
    file_name: str = ""
    data: bytes = b""
    too_large: bool = False


class _TooLarge(Exception):
    pass


async def _capped(request: Request) -> AsyncIterator[bytes]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > BODY_LIMIT:
            raise _TooLarge
        yield chunk


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def read_upload(request: Request) -> Upload:
    """The upload form, parsed as it streams in: a body that announces more than
    :data:`BODY_LIMIT` (Content-Length) is not read at all, one that sends more (chunked) is
    read no further. One file, three text fields of at most :data:`FIELD_LIMIT` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > BODY_LIMIT:
        return Upload(too_large=True)
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "multipart/form-data":
        raise HTTPException(400, "evidence.error.not_multipart")
    parser = MultiPartParser(
        request.headers, _capped(request), max_files=1, max_fields=3, max_part_size=FIELD_LIMIT
    )
    try:
        form = await parser.parse()
    except _TooLarge:
        return Upload(too_large=True)
    except MultiPartException:
        raise HTTPException(400, "evidence.error.form") from None
    try:
        file = form.get(DOCUMENT_FIELD)
        return Upload(
            csrf_token=_text(form, "csrf_token"),
            variant=_text(form, "variant") or DocumentVariant.original,
            reason=_text(form, "reason"),
            file_name=(file.filename or "") if isinstance(file, UploadFile) else "",
            data=await file.read() if isinstance(file, UploadFile) else b"",
        )
    finally:
        await form.close()


def evidence_url(dossier: Dossier, code: str | None = None) -> str:
    base = f"/dossiers/{dossier.dossier_number}/evidence"
    return f"{base}/{code}" if code else base


def _page(
    request: Request,
    template: str,
    dossier: Dossier,
    documents: list[StepDocument],
    *,
    status_code: int = 200,
    **context,
) -> HTMLResponse:
    t = translator(request)

    def names(code: str, variant: str = DocumentVariant.original) -> str:
        named = [document_name(name, t.lang) for name in document_names(code, variant)]
        return (
            named[0] if len(named) == 1 else t("evidence.either", first=named[0], second=named[1])
        )

    def file_size(size: int) -> str:
        unit, value = ("digital-kilobyte", size / 1024)
        if size >= 2**20:
            unit, value = ("digital-megabyte", size / 2**20)
        return format_unit(value, unit, "short", format="#,##0.#", locale=LOCALES[t.lang])

    by_step: dict[str, list[StepDocument]] = {code: [] for code in DOCUMENTS}
    for document in documents:
        by_step[document.step_code].append(document)
    return render(
        request,
        template,
        status_code=status_code,
        dossier=dossier,
        by_step=by_step,
        names=names,
        file_size=file_size,
        step_url=lambda code: evidence_url(dossier, code),
        list_url=evidence_url(dossier),
        download_url=lambda d: f"{evidence_url(dossier, d.step_code)}/{d.version}",
        max_mb=MAX_BYTES // 2**20,
        max_pages=MAX_PAGES,
        max_reason=MAX_REASON,
        **context,
    )


def _step_page(
    request: Request,
    db: DbSession,
    dossier: Dossier,
    code: str,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    upload: Upload | None = None,
) -> HTMLResponse:
    documents = versions(db, dossier.id, code)
    errors = errors or {}
    # The X notice's modified texts are later versions of it: offered once there is one (or
    # when the choice was refused, so the error stands beside its field).
    offered = code == X_NOTICE_STEP and (documents or VARIANT_FIELD in errors)
    variants = list(DocumentVariant) if offered else []
    return _page(
        request,
        "evidence_step.html",
        dossier,
        documents,
        status_code=status_code,
        errors=errors,
        code=code,
        variants=variants,
        chosen_variant=upload.variant if upload else DocumentVariant.original,
        reason=upload.reason if upload else "",
    )


@router.get(
    "/dossiers/{number}/evidence",
    response_class=HTMLResponse,
    summary="The steps that take a notice or PV, with every version sent",
)
def evidence_list(request: Request, dossier: OfficerDossier, db: DbSession) -> HTMLResponse:
    return _page(request, "evidence.html", dossier, versions(db, dossier.id), errors={})


@router.get(
    "/dossiers/{number}/evidence/{code}",
    response_class=HTMLResponse,
    summary="A step's upload form and the versions sent",
)
def evidence_form(
    request: Request, dossier: OfficerDossier, code: EvidenceStep, db: DbSession
) -> HTMLResponse:
    return _step_page(request, db, dossier, code)


@router.post(
    "/dossiers/{number}/evidence/{code}",
    response_class=HTMLResponse,
    summary="Upload a PDF as the step's next version",
    openapi_extra={"requestBody": UPLOAD_BODY},
)
def upload_document(
    request: Request,
    dossier: OfficerDossier,
    code: EvidenceStep,
    upload: Annotated[Upload, Depends(read_upload)],
    db: DbSession,
    now: Now,
    ip: ClientAddress,
) -> Response:
    if upload.too_large:
        # Not read, so no token to check: the form again, which changes nothing.
        return _step_page(
            request, db, dossier, code, status_code=413, errors=form_errors(request, too_large())
        )
    check_csrf(request, upload.csrf_token)
    try:
        earlier = len(versions(db, dossier.id, code))
        variant, reason = check_version(code, upload.variant, upload.reason, earlier)
        if not upload.data:
            raise RuleError(DOCUMENT_FIELD, "evidence.error.no_file")
        pages = check_pdf(upload.data)
    except RuleError as error:
        log.info("portal: %s %s refused: %s %s", dossier.dossier_number, code, error, error.params)
        return _step_page(
            request,
            db,
            dossier,
            code,
            status_code=422,
            errors=form_errors(request, error),
            upload=upload,
        )
    fields = {
        "dossier_id": dossier.id,
        "step_code": code,
        "variant": variant,
        "reason": reason,
        "file_name": safe_file_name(upload.file_name),
        "pages": pages,
        "uploaded_at": now,
        "uploaded_by": token_digest(request.session[SESSION_TOKEN_KEY]),
    }
    for attempt in range(1, TRIES + 1):
        try:
            document = add_version(db, upload.data, get_settings().evidence_dir, **fields)
            audit.record(
                db,
                "evidence.uploaded",
                dossier_number=dossier.dossier_number,
                ip=ip,
                step=code,
                version=document.version,
                variant=variant,
                file_name=document.file_name,
                size=document.size,
                pages=pages,
                sha256=document.sha256,
                session=document.uploaded_by,
            )
            db.commit()
            break
        except IntegrityError:
            db.rollback()
            if attempt == TRIES:
                raise
    flash(request, "evidence.flash_uploaded")
    return RedirectResponse(f"{evidence_url(dossier, code)}#versions", status_code=303)


@router.get(
    "/dossiers/{number}/evidence/{code}/{version}",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    summary="Download one version of a step's document",
)
def download_document(
    dossier: OfficerDossier,
    code: EvidenceStep,
    version: Annotated[int, Path(ge=1, le=100_000, description="The version, from 1")],
    db: DbSession,
    ip: ClientAddress,
) -> Response:
    document = find_version(db, dossier.id, code, version)
    if document is None:
        raise HTTPException(status_code=404)
    detail = {"step": code, "version": version, "sha256": document.sha256}
    try:
        data = read_content(document, get_settings().evidence_dir)
    except EvidenceError as error:
        log.error("portal: evidence not served: %s", error)
        audit.record(
            db,
            "evidence.refused",
            dossier_number=dossier.dossier_number,
            ip=ip,
            error=str(error),
            **detail,
        )
        db.commit()
        raise HTTPException(500, "evidence.error.corrupt") from None
    audit.record(db, "evidence.downloaded", dossier_number=dossier.dossier_number, ip=ip, **detail)
    db.commit()
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(document.file_name),
            # The app's middleware says it too; a download must not outlive it in any cache.
            "Cache-Control": "no-store",
        },
    )
