"""The only place a delivery request's, a round's or a stop's status changes.

As app/orders/transitions.py does for orders: the table of allowed moves, a conditional
UPDATE (a concurrent change makes it fail instead of being overwritten) and the event row,
in the caller's unit of work. Nowhere else assigns those statuses."""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from app.delivery.models import (REQUEST_CANCELLED, REQUEST_DELIVERED, REQUEST_FAILED,
                                 REQUEST_HELD, REQUEST_PLANNED, ROUND_DONE, ROUND_PLANNED,
                                 ROUND_STARTED, STOP_DONE, STOP_TODO, DeliveryEvent,
                                 DeliveryRequest, Round, Stop)
from app.errors import Conflict
from app.extensions import db

SYSTEM = "system"  # the planner; a courier is "courier:<round id>", the shopper "shopper"

REQUEST_MOVES = {
    REQUEST_HELD: {REQUEST_PLANNED, REQUEST_CANCELLED},
    # Back to held when a replanning leaves it out of every round.
    REQUEST_PLANNED: {REQUEST_HELD, REQUEST_DELIVERED, REQUEST_FAILED, REQUEST_CANCELLED},
    REQUEST_FAILED: {REQUEST_HELD},  # the shopper chose another window
}
ROUND_MOVES = {ROUND_PLANNED: {ROUND_STARTED}, ROUND_STARTED: {ROUND_DONE}}
STOP_MOVES = {STOP_TODO: {STOP_DONE}}


def can_move_request(request: DeliveryRequest, to: str) -> bool:
    return to in REQUEST_MOVES.get(request.status, ())


def _move(model, obj, moves: dict, to: str, *, what: str, actor: str, now: datetime,
          request_id: int | None, round_id: int | None, stop_id: int | None,
          params: dict | None, values: dict) -> None:
    current = obj.status
    if to not in moves.get(current, ()):
        raise Conflict(_("Impossible : cette étape est déjà passée."), field="status",
                       code="invalid_state")
    moved = db.session.execute(
        sa.update(model).where(model.id == obj.id, model.status == current)
        .values(status=to, **values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(_("Cette livraison vient d'être modifiée ailleurs ; rechargez."),
                       field="status", code="invalid_state")
    for name, value in {"status": to, **values}.items():
        set_committed_value(obj, name, value)
    record(f"{what}:{to}", actor=actor, now=now, request_id=request_id, round_id=round_id,
           stop_id=stop_id, params={"from": current, **(params or {})})


def move_request(request: DeliveryRequest, to: str, *, actor: str, now: datetime,
                 round_id: int | None = None, stop_id: int | None = None,
                 params: dict | None = None, **values) -> None:
    """`values`: columns changed with the status (a new window when rescheduled)."""
    _move(DeliveryRequest, request, REQUEST_MOVES, to, what="request", actor=actor, now=now,
          request_id=request.id, round_id=round_id, stop_id=stop_id, params=params,
          values=values)


def move_round(round_: Round, to: str, *, actor: str, now: datetime) -> None:
    _move(Round, round_, ROUND_MOVES, to, what="round", actor=actor, now=now,
          request_id=None, round_id=round_.id, stop_id=None, params=None, values={})


def move_stop(stop: Stop, to: str, *, actor: str, now: datetime,
              params: dict | None = None) -> None:
    _move(Stop, stop, STOP_MOVES, to, what="stop", actor=actor, now=now,
          request_id=stop.request_id, round_id=stop.round_id, stop_id=stop.id,
          params=params, values={"done_at": now})


def record(code: str, *, actor: str, now: datetime, request_id: int | None = None,
           round_id: int | None = None, stop_id: int | None = None,
           params: dict | None = None) -> None:
    """An event that is not a status change (a wrong code tried, a link sent)."""
    db.session.add(DeliveryEvent(request_id=request_id, round_id=round_id, stop_id=stop_id,
                                 code=code, params=params, actor=actor[:80], at=now))
