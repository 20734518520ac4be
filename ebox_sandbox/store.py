"""The sandbox's own SQLite database: OAuth clients, the CBE and its e-Boxes, messages.

Its own SQLAlchemy ``MetaData`` (not SQLModel's), so socelec's Alembic never sees these tables;
a stand-in has no data to migrate, so ``create_all`` is enough. WAL and synchronous=NORMAL keep
a publication to a few hundred microseconds of SQLite work, and every write is one transaction.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from models import db as models_db

metadata = MetaData()

meta = Table("meta", metadata, Column("key", String, primary_key=True), Column("value", String))
client = Table(
    "client",
    metadata,
    Column("client_id", String, primary_key=True),
    Column("public_key_pem", String, nullable=False),
    Column("enterprise_number", String(10), nullable=False),  # the OU of the real certificate
    Column("scopes", String, nullable=False),  # space-separated, as in OAuth
    Column("applications", String, nullable=False),  # space-separated application ids
)
message_type = Table(
    "message_type",
    metadata,
    Column("message_type_id", String, primary_key=True),
    Column("application_id", String, nullable=False),
    Column("name", String, nullable=False),
    # docs/ebox.md#security-levels: level 1 = every e-Box user, 2 = users with the service.
    Column("security_level", Integer, nullable=False),
    Column("online_service", String),
    Column("validity_days", Integer, nullable=False),
)
enterprise = Table(
    "enterprise",
    metadata,
    Column("enterprise_number", String(10), primary_key=True),
    Column("name", String, nullable=False),
    Column("status", String, nullable=False),  # digital | never_logged_in | not_in_cbe
    Column("exclusively_ebox", Boolean, nullable=False, default=False),
    Column("last_connection_at", DateTime(timezone=True)),
)
ebox_user = Table(
    "ebox_user",
    metadata,
    Column(
        "enterprise_number",
        ForeignKey("enterprise.enterprise_number", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("ssin", String(11)),
    Column("role", String, nullable=False),  # access_manager | user
    Column("services", String, nullable=False, default=""),  # space-separated online services
)
message = Table(
    "message",
    metadata,
    Column("message_id", String, primary_key=True),
    Column("sender_application_id", String, nullable=False),
    Column("idempotency_key", String),
    Column("client_id", String, nullable=False),
    Column("sender_enterprise", String(10), nullable=False),
    Column("recipient_enterprise", String(10), nullable=False, index=True),
    Column("message_type_id", String, nullable=False),
    Column("language", String(2), nullable=False),
    Column("subject", String, nullable=False),
    Column("attention_ssin", String(11)),
    Column("attention_label", String),
    Column("no_digital_user", Boolean, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("expiration_date", DateTime(timezone=True), nullable=False),
    Column("read_at", DateTime(timezone=True)),
    # docs/ebox.md#idempotency: a key is unique per sender application.
    UniqueConstraint("sender_application_id", "idempotency_key", name="uq_message_key"),
)
attachment = Table(
    "attachment",
    metadata,
    Column("message_id", ForeignKey("message.message_id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("part_name", String, nullable=False),
    Column("file_name", String, nullable=False),
    Column("media_type", String, nullable=False),
    Column("is_main", Boolean, nullable=False),
    Column("size", Integer, nullable=False),
    Column("digest", String, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

STATUSES = ("digital", "never_logged_in", "not_in_cbe")
ROLES = ("access_manager", "user")
SOCIAL_ELECTIONS_SERVICE = "social-elections"
# The FPS's application and message type (docs/ebox.md#the-fpss-application-and-message-type).
# The level-1 type and the validity periods are the sandbox's own choice (to be agreed at
# onboarding: docs/ebox.md#onboarding).
DEFAULT_MESSAGE_TYPES = (
    {
        "message_type_id": "SpfFodSocialElections",
        "application_id": "db2b.SPFETCS-FODWASO.fgov.be",
        "name": "Élections sociales / Sociale verkiezingen (accès sécurisé)",
        "security_level": 2,
        "online_service": SOCIAL_ELECTIONS_SERVICE,
        # Two years: a letter of the year before the election stays readable until the
        # procedure's end (about five months after the window).
        "validity_days": 730,
    },
    {
        "message_type_id": "SpfFodSocialElectionsInfo",
        "application_id": "db2b.SPFETCS-FODWASO.fgov.be",
        "name": "Élections sociales / Sociale verkiezingen (information)",
        "security_level": 1,
        "online_service": None,
        "validity_days": 730,
    },
)


class DuplicateKey(Exception):
    """The (sender application, idempotency key) pair was used before."""


def can_read(
    role: str, services: Iterable[str], security_level: int, online_service: str | None
) -> bool:
    """What user U of enterprise E may open (docs/ebox.md#security-levels, the access levels).

    The access manager sees every document; another user sees a level-1 document, and a
    level-2 document only when granted that document's online service. ``forTheAttentionOf``
    restricts nothing (docs/ebox.md#security-levels: no source says it does).
    """
    if role == "access_manager" or security_level == 1:
        return True
    return online_service is not None and online_service in set(services)


@dataclass(frozen=True)
class Attachment:
    part_name: str
    file_name: str
    media_type: str
    is_main: bool
    digest: str
    content: bytes


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back naive; they were written in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def make_engine(path: Path) -> Engine:
    """socelec's SQLite engine (WAL, foreign keys, busy timeout), without fsync per commit.

    synchronous=NORMAL in WAL mode loses at most the last commits on a power cut, never
    consistency: acceptable for a stand-in, and it makes a publication a fraction of a ms.
    """
    engine = models_db.make_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast_commits(dbapi_conn, _record):  # pragma: no cover - trivial
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")

    return engine


class Store:
    def __init__(self, path: Path):
        self.engine = make_engine(path)
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            for row in DEFAULT_MESSAGE_TYPES:
                if (
                    conn.execute(
                        select(message_type.c.message_type_id).where(
                            message_type.c.message_type_id == row["message_type_id"]
                        )
                    ).first()
                    is None
                ):
                    conn.execute(insert(message_type).values(**row))
            signing = select(meta.c.value).where(meta.c.key == "signing_key")
            if conn.execute(signing).first() is None:
                conn.execute(insert(meta).values(key="signing_key", value=secrets.token_hex(32)))
        # Looked up on every request and changed only by the admin API: cached.
        self._clients: dict[str, dict] = {}
        self._types: dict[str, dict] = {}
        self.reload_configuration()

    def close(self) -> None:
        self.engine.dispose()

    # ----- configuration: clients and message types ------------------------------------------

    def reload_configuration(self) -> None:
        with self.engine.connect() as conn:
            self._clients = {r.client_id: dict(r._mapping) for r in conn.execute(select(client))}
            self._types = {
                r.message_type_id: dict(r._mapping) for r in conn.execute(select(message_type))
            }

    def signing_key(self) -> str:
        with self.engine.connect() as conn:
            signing = select(meta.c.value).where(meta.c.key == "signing_key")
            return conn.execute(signing).scalar_one()

    def client(self, client_id: str) -> dict | None:
        return self._clients.get(client_id)

    def message_type(self, message_type_id: str) -> dict | None:
        return self._types.get(message_type_id)

    def register_client(
        self,
        *,
        client_id: str,
        public_key_pem: str,
        enterprise_number: str,
        scopes: list[str],
        applications: list[str],
    ) -> None:
        row = {
            "client_id": client_id,
            "public_key_pem": public_key_pem,
            "enterprise_number": enterprise_number,
            "scopes": " ".join(scopes),
            "applications": " ".join(applications),
        }
        with self.engine.begin() as conn:
            conn.execute(delete(client).where(client.c.client_id == client_id))
            conn.execute(insert(client).values(**row))
        self.reload_configuration()

    def upsert_message_type(self, row: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(message_type).where(message_type.c.message_type_id == row["message_type_id"])
            )
            conn.execute(insert(message_type).values(**row))
        self.reload_configuration()

    # ----- the CBE and its e-Boxes ------------------------------------------------------------

    def seed_enterprises(self, enterprises: list[dict]) -> int:
        """Insert or replace enterprises with their users; one transaction for the batch."""
        numbers = [e["enterprise_number"] for e in enterprises]
        with self.engine.begin() as conn:
            for start in range(0, len(numbers), 500):  # SQLite's bound-parameter limit
                chunk = numbers[start : start + 500]
                conn.execute(delete(ebox_user).where(ebox_user.c.enterprise_number.in_(chunk)))
                conn.execute(delete(enterprise).where(enterprise.c.enterprise_number.in_(chunk)))
            if enterprises:
                conn.execute(
                    insert(enterprise),
                    [
                        {
                            k: e.get(k)
                            for k in (
                                "enterprise_number",
                                "name",
                                "status",
                                "exclusively_ebox",
                                "last_connection_at",
                            )
                        }
                        for e in enterprises
                    ],
                )
            users = [
                {
                    "enterprise_number": e["enterprise_number"],
                    "user_id": u["user_id"],
                    "name": u["name"],
                    "ssin": u.get("ssin"),
                    "role": u["role"],
                    "services": " ".join(u.get("services", ())),
                }
                for e in enterprises
                for u in e.get("users", ())
            ]
            if users:
                conn.execute(insert(ebox_user), users)
        return len(enterprises)

    def enterprise(self, number: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(enterprise).where(enterprise.c.enterprise_number == number)
            ).first()
        return dict(row._mapping) if row else None

    def enterprises(self, *, query: str = "", limit: int = 100, offset: int = 0) -> list[dict]:
        stmt = select(enterprise).order_by(enterprise.c.enterprise_number)
        if query:
            stmt = stmt.where(
                enterprise.c.enterprise_number.contains(query) | enterprise.c.name.icontains(query)
            )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt.limit(limit).offset(offset))]

    def users(self, number: str) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ebox_user)
                .where(ebox_user.c.enterprise_number == number)
                .order_by(ebox_user.c.role, ebox_user.c.user_id)
            )
            return [_user(r) for r in rows]

    def user(self, number: str, user_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(ebox_user).where(
                    (ebox_user.c.enterprise_number == number) & (ebox_user.c.user_id == user_id)
                )
            ).first()
        return _user(row) if row else None

    def preferences(self, numbers: list[str]) -> list[dict]:
        """The e-Boxes that exist among ``numbers`` (not those absent from the CBE)."""
        with self.engine.connect() as conn:
            boxes = conn.execute(
                select(enterprise).where(
                    enterprise.c.enterprise_number.in_(numbers)
                    & (enterprise.c.status != "not_in_cbe")
                )
            ).all()
            counts = dict(
                conn.execute(
                    select(message.c.recipient_enterprise, func.count())
                    .where(message.c.recipient_enterprise.in_(numbers))
                    .group_by(message.c.recipient_enterprise)
                ).all()
            )
            unread = dict(
                conn.execute(
                    select(message.c.recipient_enterprise, func.count())
                    .where(
                        message.c.recipient_enterprise.in_(numbers) & message.c.read_at.is_(None)
                    )
                    .group_by(message.c.recipient_enterprise)
                ).all()
            )
        return [
            {
                "enterprise_number": b.enterprise_number,
                "exclusively_ebox": b.exclusively_ebox,
                "last_connection_at": aware(b.last_connection_at),
                "total": counts.get(b.enterprise_number, 0),
                "unread": unread.get(b.enterprise_number, 0),
            }
            for b in boxes
        ]

    def record_connection(self, number: str) -> None:
        """A user opened the e-Box: from now on the company is digital (no NO_DIGITAL_USER)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(enterprise)
                .where(enterprise.c.enterprise_number == number)
                .values(last_connection_at=utcnow(), status="digital")
            )

    # ----- messages ---------------------------------------------------------------------------

    def key_used(self, application_id: str, key: str) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(message.c.message_id).where(
                        (message.c.sender_application_id == application_id)
                        & (message.c.idempotency_key == key)
                    )
                ).first()
                is not None
            )

    def publish(
        self,
        *,
        client_id: str,
        sender_enterprise: str,
        application_id: str,
        message_type_id: str,
        recipient: dict,
        idempotency_key: str | None,
        language: str,
        subject: str,
        attention_ssin: str | None,
        attention_label: str | None,
        attachments: list[Attachment],
    ) -> dict:
        """Store one message; raise DuplicateKey when the key was used by this application."""
        published = utcnow()
        kind = self._types[message_type_id]
        row = {
            "message_id": str(uuid.uuid4()),
            "sender_application_id": application_id,
            "idempotency_key": idempotency_key,
            "client_id": client_id,
            "sender_enterprise": sender_enterprise,
            "recipient_enterprise": recipient["enterprise_number"],
            "message_type_id": message_type_id,
            "language": language,
            "subject": subject,
            "attention_ssin": attention_ssin,
            "attention_label": attention_label,
            "no_digital_user": recipient["status"] == "never_logged_in",
            "published_at": published,
            "expiration_date": published + timedelta(days=kind["validity_days"]),
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(message).values(**row))
                conn.execute(
                    insert(attachment),
                    [
                        {
                            "message_id": row["message_id"],
                            "position": position,
                            "part_name": a.part_name,
                            "file_name": a.file_name,
                            "media_type": a.media_type,
                            "is_main": a.is_main,
                            "size": len(a.content),
                            "digest": a.digest,
                            "content": a.content,
                        }
                        for position, a in enumerate(attachments, start=1)
                    ],
                )
        except IntegrityError:
            raise DuplicateKey(idempotency_key) from None
        return row

    def visible_messages(self, number: str, user: dict) -> list[dict]:
        """Messages of enterprise ``number`` that ``user`` may read, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(message)
                .where(message.c.recipient_enterprise == number)
                .order_by(message.c.published_at.desc())
            ).all()
            files = conn.execute(
                select(
                    attachment.c.message_id,
                    attachment.c.position,
                    attachment.c.file_name,
                    attachment.c.media_type,
                    attachment.c.is_main,
                    attachment.c.size,
                )
                .join(message, message.c.message_id == attachment.c.message_id)
                .where(message.c.recipient_enterprise == number)
                .order_by(attachment.c.position)
            ).all()
        by_message: dict[str, list[dict]] = {}
        for f in files:
            by_message.setdefault(f.message_id, []).append(dict(f._mapping))
        visible = []
        for r in rows:
            kind = self._types.get(r.message_type_id)
            if kind and can_read(
                user["role"], user["services"], kind["security_level"], kind["online_service"]
            ):
                item = dict(r._mapping)
                for name in ("published_at", "expiration_date", "read_at"):
                    item[name] = aware(item[name])
                item["attachments"] = by_message.get(r.message_id, [])
                item["security_level"] = kind["security_level"]
                visible.append(item)
        return visible

    def open_attachment(
        self, number: str, user: dict, message_id: str, position: int
    ) -> dict | None:
        """The file, if ``user`` may read it; opening the main content marks the message read."""
        with self.engine.begin() as conn:
            found = conn.execute(
                select(attachment, message.c.message_type_id, message.c.read_at)
                .join(message, message.c.message_id == attachment.c.message_id)
                .where(
                    (message.c.recipient_enterprise == number)
                    & (attachment.c.message_id == message_id)
                    & (attachment.c.position == position)
                )
            ).first()
            if found is None:
                return None
            kind = self._types.get(found.message_type_id)
            if not kind or not can_read(
                user["role"], user["services"], kind["security_level"], kind["online_service"]
            ):
                return None
            if found.is_main and found.read_at is None:
                # docs/ebox.md#restrictions: read once its main content is opened.
                conn.execute(
                    update(message)
                    .where(message.c.message_id == message_id)
                    .values(read_at=utcnow())
                )
            return dict(found._mapping)

    def messages(
        self,
        *,
        recipient: str | None = None,
        idempotency_key: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict]:
        stmt = select(*[c for c in message.c]).order_by(message.c.published_at)
        if recipient:
            stmt = stmt.where(message.c.recipient_enterprise == recipient)
        if idempotency_key:
            stmt = stmt.where(message.c.idempotency_key == idempotency_key)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt.limit(limit).offset(offset))]

    def stats(self) -> dict:
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(message)).scalar_one()
            keyed = conn.execute(
                select(func.count())
                .select_from(message)
                .where(message.c.idempotency_key.is_not(None))
            ).scalar_one()
            keys = conn.execute(
                select(
                    func.count(
                        func.distinct(
                            message.c.sender_application_id + " " + message.c.idempotency_key
                        )
                    )
                )
            ).scalar_one()
            boxes = dict(
                conn.execute(
                    select(enterprise.c.status, func.count()).group_by(enterprise.c.status)
                ).all()
            )
        return {
            "messages": total,
            "messages_with_key": keyed,
            "distinct_keys": keys,
            "enterprises": boxes,
        }

    def reset_messages(self) -> int:
        with self.engine.begin() as conn:
            conn.execute(delete(attachment))
            return conn.execute(delete(message)).rowcount


def _user(row) -> dict:
    item = dict(row._mapping)
    item["services"] = [s for s in item["services"].split(" ") if s]
    return item
