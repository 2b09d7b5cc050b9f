"""The manager's SMS figures: per town month and per shop, what was sent, its segments,
and what did not reach the phone. A month begins at midnight in the town, not in UTC."""
import uuid
from datetime import date, datetime, timezone

import pytest

from app.extensions import db
from app.notify.figures import sms_figures
from app.notify.models import SmsMessage
from tests.factories import make_shop

DECEMBER_15 = datetime(2026, 12, 15, 10, 0, tzinfo=timezone.utc)


def utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=timezone.utc)


def add_sms(status: str, at: str, *, shop=None, segments=1, sent=True) -> None:
    """A message in `status` that left (or, never sent, was written) at `at` UTC."""
    moment = utc(at)
    db.session.add(SmsMessage(
        to="+33612345678", body="x", kind="ready", shop_id=shop.id if shop else None,
        segments=segments, status=status, send_after=moment,
        created_at=moment, sent_at=moment if sent else None, status_at=moment,
        dedupe_key=uuid.uuid4().hex))
    db.session.commit()


@pytest.fixture
def messages(app):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    butcher = make_shop("boucherie", "Boucherie Roux")
    # December in Paris, though still 30 November in UTC.
    add_sms("delivered", "2026-11-30T23:30:00", shop=bakery)
    add_sms("sent", "2026-12-03T10:00:00", shop=butcher)
    add_sms("delivered", "2026-12-04T10:00:00", shop=butcher)
    add_sms("failed", "2026-12-05T10:00:00", shop=butcher, sent=False)
    add_sms("delivered", "2026-12-02T09:00:00", segments=2)  # the association's promotion
    # November in Paris: 23:59 on the 30th; midnight on the 1st (00:00 Paris = 23:00 UTC).
    add_sms("failed", "2026-11-30T22:59:00", shop=bakery, sent=False)
    add_sms("undelivered", "2026-10-31T23:00:00", shop=bakery, segments=2)
    # October: one second before November begins in Paris.
    add_sms("sent", "2026-10-31T22:59:59", shop=bakery)
    # Summer time (UTC+2): 21:59 UTC on 30 June is still June, 22:00 UTC is July.
    add_sms("sent", "2026-06-30T21:59:00", shop=bakery)
    add_sms("sent", "2026-06-30T22:00:00", shop=bakery)
    # Not sent (yet, or ever): not counted.
    add_sms("queued", "2026-12-10T10:00:00", shop=bakery)
    add_sms("sending", "2026-12-10T10:00:00", shop=bakery)
    add_sms("withdrawn", "2026-12-10T10:00:00", shop=bakery)
    # More than twelve months ago.
    add_sms("sent", "2025-12-01T10:00:00", shop=bakery)


def table(months) -> dict:
    return {(m.month, row.name): (row.sent, row.segments, row.delivered, row.not_told,
                                  row.failure_rate)
            for m in months for row in m.rows + [m.total]}


def test_figures_per_town_month_and_shop(messages):
    months = sms_figures(DECEMBER_15)

    assert [m.month for m in months] == [date(2026, m, 1) for m in range(12, 0, -1)]
    assert table(months) == {
        (date(2026, 12, 1), "Boucherie Roux"): (3, 3, 1, 1, 33.3),
        (date(2026, 12, 1), "Boulangerie Martin"): (1, 1, 1, 0, 0.0),
        (date(2026, 12, 1), "Association"): (1, 2, 1, 0, 0.0),
        (date(2026, 12, 1), "Total"): (5, 6, 3, 1, 20.0),
        (date(2026, 11, 1), "Boulangerie Martin"): (2, 3, 0, 2, 100.0),
        (date(2026, 11, 1), "Total"): (2, 3, 0, 2, 100.0),
        (date(2026, 10, 1), "Boulangerie Martin"): (1, 1, 0, 0, 0.0),
        (date(2026, 10, 1), "Total"): (1, 1, 0, 0, 0.0),
        (date(2026, 7, 1), "Boulangerie Martin"): (1, 1, 0, 0, 0.0),
        (date(2026, 7, 1), "Total"): (1, 1, 0, 0, 0.0),
        (date(2026, 6, 1), "Boulangerie Martin"): (1, 1, 0, 0, 0.0),
        (date(2026, 6, 1), "Total"): (1, 1, 0, 0, 0.0),
        **{(date(2026, m, 1), "Total"): (0, 0, 0, 0, None) for m in (1, 2, 3, 4, 5, 8, 9)},
    }
    # The shops by name, the association last.
    assert [row.name for row in months[0].rows] == ["Boucherie Roux", "Boulangerie Martin",
                                                    "Association"]


def test_the_current_month_is_the_towns(messages):
    """At 23:30 UTC on 30 November it is already December in Paris."""
    months = sms_figures(utc("2026-11-30T23:30:00"), months=2)

    assert [(m.month, m.total.sent) for m in months] == [(date(2026, 12, 1), 5),
                                                         (date(2026, 11, 1), 2)]
