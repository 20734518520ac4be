"""socelec's tables, settings and database access (SQLModel)."""

from models.approval import ApprovalCoverage, MailingApproval
from models.audit import AuditEvent
from models.db import get_engine, get_session, make_engine, session_scope, upgrade_schema
from models.delivery import DELIVERY_STATES, FINAL_STATES, Delivery
from models.dossier import DOSSIER_STATUSES, Dossier
from models.edition import Edition, EditionSuspension
from models.evidence import ClosureDay, StatisticalForm, StepDocument
from models.portal import PortalSession, StepConfirmation
from models.previous_results import PreviousResult
from models.print_batch import PrintBatch
from models.registry import BODIES, LANGUAGES, Enterprise, Sector, TechnicalUnit
from models.settings import Settings, get_settings

__all__ = [
    "BODIES",
    "DELIVERY_STATES",
    "DOSSIER_STATUSES",
    "FINAL_STATES",
    "LANGUAGES",
    "ApprovalCoverage",
    "AuditEvent",
    "ClosureDay",
    "Delivery",
    "Dossier",
    "Edition",
    "EditionSuspension",
    "Enterprise",
    "MailingApproval",
    "PortalSession",
    "PreviousResult",
    "PrintBatch",
    "Sector",
    "Settings",
    "StatisticalForm",
    "StepConfirmation",
    "StepDocument",
    "TechnicalUnit",
    "get_engine",
    "get_session",
    "get_settings",
    "make_engine",
    "session_scope",
    "upgrade_schema",
]
