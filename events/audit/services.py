"""Writing the audit trail, always inside the transaction of the change it records."""

from __future__ import annotations

from collections.abc import Mapping

from events import clock
from events.accounts.models import User
from events.audit.models import AuditEntry


async def record(
    user: User | None,
    organisation_id: int,
    action: str,
    obj_type: str,
    obj_id: object,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    *,
    event_id: int | None = None,
) -> AuditEntry:
    changed_before, changed_after = _changes(before, after)
    if event_id is None and obj_type == "event" and isinstance(obj_id, int):
        event_id = obj_id
    return await AuditEntry.create(
        organisation_id=organisation_id,
        user_id=user.id if user else None,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        before=changed_before,
        after=changed_after,
        created_at=clock.now(),
        event_id=event_id,
    )


def _changes(
    before: Mapping[str, object] | None, after: Mapping[str, object] | None
) -> tuple[dict[str, object] | None, dict[str, object] | None]:
    """Keep only the fields that changed, so the trail reads as a diff."""
    if before is None or after is None:
        return (dict(before) if before is not None else None), (dict(after) if after is not None else None)
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
