"""The manager's SMS figures: per month (town time) and per shop, what was sent, what it
cost in segments, and how much did not reach the phone.

A message counts in the month it left (sent_at), or was given up (created_at, for one that
never reached Twilio). Months are cut in SQL at the UTC instants where each month begins
in the town, so a message sent at 23:30 UTC on 30 November counts in December in Paris;
no date function of either database is needed."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

import sqlalchemy as sa

from app.extensions import db
from app.notify.models import DELIVERED, FAILED, NOT_TOLD, SENT, UNDELIVERED, SmsMessage
from app.shops.models import Shop
from app.timeutil import local, town_tz

ATTEMPTED = (SENT, DELIVERED, UNDELIVERED, FAILED)  # not queued, sending nor withdrawn
ASSOCIATION = "Association"  # shop_id None: the association's own messages (promotions)


@dataclass
class FigureRow:
    shop_id: int | None
    name: str
    sent: int = 0
    segments: int = 0
    not_told: int = 0   # failed or undelivered
    delivered: int = 0  # confirmed by the operator

    @property
    def failure_rate(self) -> float | None:
        """Percent of the messages sent that did not reach the phone."""
        return round(100 * self.not_told / self.sent, 1) if self.sent else None

    def add(self, other: "FigureRow") -> None:
        self.sent += other.sent
        self.segments += other.segments
        self.not_told += other.not_told
        self.delivered += other.delivered


@dataclass
class MonthFigures:
    month: date  # its first day
    rows: list[FigureRow]
    total: FigureRow = field(default_factory=lambda: FigureRow(None, "Total"))


def month_starts(now: datetime, months: int) -> list[date]:
    """The first days of the `months` town months up to now's, then of the next one."""
    here = local(now)
    index = here.year * 12 + here.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 2)]


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=town_tz()).astimezone(timezone.utc)


def sms_figures(now: datetime, *, months: int = 12) -> list[MonthFigures]:
    """The last `months` months, newest first; in each, one row per shop that sent
    something (the association last), and the month's total. One GROUP BY query."""
    starts = month_starts(now, months)
    bounds = [_utc(day) for day in starts]
    at = sa.func.coalesce(SmsMessage.sent_at, SmsMessage.created_at)
    # The first bound the message is before is the one after its month began.
    month = sa.case(*[(at < bound, i) for i, bound in enumerate(bounds[1:])])
    attempted = (sa.select(month.label("month"), SmsMessage.shop_id, SmsMessage.segments,
                           SmsMessage.status)
                 .where(SmsMessage.status.in_(ATTEMPTED), at >= bounds[0], at < bounds[-1],
                        SmsMessage.channel.is_(None))  # a Web Push costs nothing
                 .subquery())
    rows = db.session.execute(
        sa.select(attempted.c.month, attempted.c.shop_id, Shop.name,
                  sa.func.count().label("sent"),
                  sa.func.sum(attempted.c.segments).label("segments"),
                  sa.func.sum(sa.case((attempted.c.status.in_(NOT_TOLD), 1), else_=0))
                  .label("not_told"),
                  sa.func.sum(sa.case((attempted.c.status == DELIVERED, 1), else_=0))
                  .label("delivered"))
        .outerjoin(Shop, Shop.id == attempted.c.shop_id)
        .group_by(attempted.c.month, attempted.c.shop_id, Shop.name))
    by_month = {i: MonthFigures(day, []) for i, day in enumerate(starts[:-1])}
    for row in rows:
        by_month[row.month].rows.append(FigureRow(
            row.shop_id, row.name or ASSOCIATION, sent=row.sent, segments=int(row.segments),
            not_told=int(row.not_told), delivered=int(row.delivered)))
    for figures in by_month.values():
        figures.rows.sort(key=lambda r: (r.shop_id is None, r.name.lower()))
        for row in figures.rows:
            figures.total.add(row)
    return [by_month[i] for i in sorted(by_month, reverse=True)]
