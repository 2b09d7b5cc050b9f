"""Payout statements: per shop and per month (town time), what was collected, refunded,
kept as commission, and what the association owes the shop, with the lines behind it.
Read from the ledger only, so every figure is a sum of recorded entries."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import Invalid
from app.extensions import db
from app.ledger.models import COMMISSION, REFUND_COMMISSION, REFUND_SHARE, SHARE, LedgerEntry
from app.ledger.services import bank_problem, fees_between
from app.shops.models import Shop
from app.spreadsheet import csv_text
from app.timeutil import town_tz

PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class Period:
    label: str  # "2026-11"
    first_day: date
    start: datetime  # UTC bounds of the town's month, [start, end)
    end: datetime


def parse_period(value: str | None) -> Period:
    match = PERIOD.match((value or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2099:
        raise Invalid(_("Période invalide : un mois au format AAAA-MM, comme 2026-11."),
                      field="period")
    year, month = int(match[1]), int(match[2])
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    tz = town_tz()
    return Period(label=f"{year:04d}-{month:02d}", first_day=first,
                  start=datetime.combine(first, time(), tzinfo=tz).astimezone(timezone.utc),
                  end=datetime.combine(following, time(), tzinfo=tz).astimezone(timezone.utc))


def period_of(now: datetime) -> str:
    return now.astimezone(town_tz()).strftime("%Y-%m")


@dataclass
class StatementLine:
    """One money movement of one order: a sale (capture) or a refund."""
    at: datetime
    order_id: int
    source: str
    is_refund: bool
    amount_cents: int = 0      # collected (sale) or given back (refund), always >= 0
    commission_cents: int = 0  # kept (sale) or given back (refund)
    share_cents: int = 0       # the shop's part (sale) or taken back from it (refund)


@dataclass
class ShopStatement:
    shop: Shop
    lines: list[StatementLine] = field(default_factory=list)
    gross_cents: int = 0       # collected sales
    vouchers_cents: int = 0    # of gross: paid with the town's gift vouchers
    refunds_cents: int = 0     # given back to shoppers
    commission_cents: int = 0  # the association's, net of refunds
    net_cents: int = 0         # owed to the shop: gross - refunds - commission

    @property
    def bank_problem(self) -> str | None:
        return bank_problem(self.shop)

    @property
    def payable(self) -> bool:
        return self.net_cents > 0 and self.bank_problem is None


@dataclass
class Statements:
    period: Period
    shops: list[ShopStatement]
    fees_cents: int = 0  # delivery fees: the association's own, in no shop's statement

    def total(self, name: str) -> int:
        return sum(getattr(statement, name) for statement in self.shops)

    @property
    def payable(self) -> list[ShopStatement]:
        return [s for s in self.shops if s.payable]

    @property
    def not_payable(self) -> list[ShopStatement]:
        """Owed something but without sound bank details: listed, never dropped."""
        return [s for s in self.shops if s.net_cents > 0 and not s.payable]


def build_statements(period: Period, *, shop_slug: str | None = None,
                     with_lines: bool = True) -> Statements:
    """Every shop with entries in the period (or the one asked for, even without)."""
    shops_query = sa.select(Shop).order_by(Shop.name, Shop.id)
    if shop_slug is not None:
        shops_query = shops_query.where(Shop.slug == shop_slug)
    shops = {shop.id: ShopStatement(shop) for shop in db.session.scalars(shops_query)}
    if shop_slug is not None and not shops:
        raise Invalid(_("Boutique inconnue."), field="shop")
    in_period = (LedgerEntry.at >= period.start, LedgerEntry.at < period.end,
                 LedgerEntry.shop_id.in_(shops))
    totals = db.session.execute(
        sa.select(LedgerEntry.shop_id, LedgerEntry.kind, sa.func.sum(LedgerEntry.amount_cents))
        .where(*in_period).group_by(LedgerEntry.shop_id, LedgerEntry.kind)).all()
    paid_by_vouchers = db.session.execute(
        sa.select(LedgerEntry.shop_id, sa.func.sum(LedgerEntry.amount_cents))
        .where(*in_period, LedgerEntry.kind.in_((SHARE, COMMISSION)),
               LedgerEntry.source.like("voucher:%"))
        .group_by(LedgerEntry.shop_id)).all()
    for shop_id, cents in paid_by_vouchers:
        shops[shop_id].vouchers_cents = cents
    seen = set()
    for shop_id, kind, cents in totals:
        statement = shops[shop_id]
        seen.add(shop_id)
        if kind == SHARE:
            statement.gross_cents += cents
            statement.net_cents += cents
        elif kind == COMMISSION:
            statement.gross_cents += cents
            statement.commission_cents += cents
        elif kind == REFUND_SHARE:
            statement.refunds_cents += cents
            statement.net_cents -= cents
        elif kind == REFUND_COMMISSION:
            statement.refunds_cents += cents
            statement.commission_cents -= cents
    if with_lines:
        _add_lines(shops, in_period)
    kept = [s for s in shops.values() if s.shop.id in seen or shop_slug is not None]
    return Statements(period=period, shops=kept,
                      fees_cents=fees_between(period.start, period.end))


def _add_lines(shops: dict[int, ShopStatement], in_period) -> None:
    rows = db.session.execute(
        sa.select(LedgerEntry.shop_id, LedgerEntry.source, LedgerEntry.order_id,
                  LedgerEntry.kind, LedgerEntry.amount_cents, LedgerEntry.at)
        .where(*in_period).order_by(LedgerEntry.at, LedgerEntry.id))
    current: dict[tuple[int, str], StatementLine] = {}
    for shop_id, source, order_id, kind, cents, at in rows:
        line = current.get((shop_id, source))
        if line is None:
            line = current[(shop_id, source)] = StatementLine(
                at=at, order_id=order_id, source=source,
                is_refund=kind in (REFUND_SHARE, REFUND_COMMISSION))
            shops[shop_id].lines.append(line)
        line.amount_cents += cents
        if kind in (COMMISSION, REFUND_COMMISSION):
            line.commission_cents += cents
        else:
            line.share_cents += cents


CSV_COLUMNS = ("period", "shop", "name", "gross_cents", "refunds_cents", "commission_cents",
               "net_cents", "iban", "payable", "problem", "vouchers_cents")


def statements_csv(statements: Statements) -> str:
    """One row per shop, amounts in integer cents (exact, as everywhere in Comptoir); text
    that a spreadsheet would run as a formula is kept as text (app/spreadsheet.py)."""
    rows = []
    for s in statements.shops:
        problem = s.bank_problem if s.net_cents > 0 else None
        rows.append((statements.period.label, s.shop.slug, s.shop.name, s.gross_cents,
                     s.refunds_cents, s.commission_cents, s.net_cents, s.shop.iban or "",
                     "yes" if s.payable else "no", problem or "", s.vouchers_cents))
    return csv_text(CSV_COLUMNS, rows)
