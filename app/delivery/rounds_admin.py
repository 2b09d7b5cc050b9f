"""The manager's side of a round: its link sent to the courier's phone."""
from datetime import datetime

from flask_babel import gettext as _

from app.database import unit_of_work
from app.delivery.messages import send_courier_link
from app.delivery.models import DeliveryWindow, Round
from app.delivery.services import window_bounds
from app.delivery.transitions import record
from app.errors import Invalid, NotFound
from app.extensions import db


def send_round_link(round_id: int, now: datetime, *, actor: str = "manager") -> bool:
    """Queued once per round and link (a second press sends nothing more): False then."""
    with unit_of_work():
        round_ = db.session.get(Round, round_id)
        if round_ is None:
            raise NotFound(_("Tournée inconnue."), field="round")
        if not round_.courier.phone:
            raise Invalid(_("Ce livreur n'a pas de numéro de téléphone."), field="round",
                          code="no_phone")
        start, end = window_bounds(db.session.get(DeliveryWindow, round_.window_id),
                                   round_.day)
        sent = send_courier_link(round_, start, end, now)
        if sent:
            record("round:link_sent", actor=actor, now=now, round_id=round_.id)
    return sent
