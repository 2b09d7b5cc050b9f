"""Gift vouchers: issue, sell, check a balance, and spend them on a checkout.

issue_vouchers, record_sale and lookup_balance own their transaction. hold,
release_for_checkout and consume_for_checkout run inside the caller's (the checkout, the
sweep, the settlement), so that the voucher's balance moves with the order change that
made it move, or not at all.

Spending, seen from a checkout:
- hold(code, checkout_id, wanted) takes min(available, wanted) from the voucher, once per
  (voucher, checkout): a retried checkout gets the same hold back.
- release_for_checkout gives every hold of the checkout back (it expired, or every order
  was cancelled before anything was collected).
- consume_for_checkout spends holds on what was collected, soonest-expiring voucher first
  (the shopper keeps the balance that lasts longest), and gives back the rest.
Both settle a hold once: the second call finds the movements and changes nothing.
"""
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.database import for_update, insert_ignore, unit_of_work
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.money import euros
from app.timeutil import local, local_today
from app.vouchers import codes
from app.vouchers.models import (CONSUME, HOLD, ISSUE, RELEASE, SALE_METHODS, Voucher,
                                 VoucherLookup, VoucherMovement, VoucherSale)

log = logging.getLogger(__name__)

MAX_BATCH = 500
MAX_AMOUNT_CENTS = 100_000  # 1 000 €: above that, it is not a gift voucher any more
_vouchers = Voucher.__table__
_movements = VoucherMovement.__table__

# What a voucher is, for the manager's list and the shopper's balance check.
UNSOLD, ACTIVE, SPENT, EXPIRED = "unsold", "active", "spent", "expired"
STATE_LABELS = {UNSOLD: _l("pas encore vendu"), ACTIVE: _l("valable"), SPENT: _l("épuisé"),
                EXPIRED: _l("expiré")}


def voucher_state(voucher: Voucher, now: datetime) -> str:
    if local_today(now) > voucher.expires_on:
        return EXPIRED
    if voucher.sold_at is None:
        return UNSOLD
    return ACTIVE if voucher.available_cents > 0 else SPENT


# --- the association's side ---------------------------------------------------------------


def issue_vouchers(count: int, amount_cents: int, expires_on: date, *, actor: str,
                   now: datetime) -> list[Voucher]:
    """A batch of `count` vouchers of `amount_cents`, valid through `expires_on`."""
    if not isinstance(count, int) or not 1 <= count <= MAX_BATCH:
        raise Invalid(_("Entre 1 et %(max)s bons par lot.", max=MAX_BATCH), field="count")
    if not isinstance(amount_cents, int) or not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise Invalid(_("Un montant entre 0,01 € et %(max)s.", max=euros(MAX_AMOUNT_CENTS)),
                      field="amount_cents")
    if not isinstance(expires_on, date) or expires_on <= local_today(now):
        raise Invalid(_("La date de fin de validité doit être après aujourd'hui."),
                      field="expires_on")
    batch = f"{local(now):%Y%m%d}-{secrets.token_hex(3).upper()}"
    with unit_of_work():
        vouchers = [Voucher(code=code, batch=batch, amount_cents=amount_cents,
                            available_cents=amount_cents, expires_on=expires_on,
                            issued_by=actor, issued_at=now) for code in _fresh_codes(count)]
        db.session.add_all(vouchers)
        db.session.flush()
        db.session.add_all(VoucherMovement(voucher_id=v.id, checkout_id=None, kind=ISSUE,
                                           amount_cents=amount_cents, at=now) for v in vouchers)
    log.info("%s issued %s vouchers of %s cents (batch %s)", actor, count, amount_cents, batch)
    return vouchers


def _fresh_codes(count: int) -> list[str]:
    """Codes unused so far. A clash is a 2^-80 event; checking costs one SELECT."""
    fresh: set[str] = set()
    while len(fresh) < count:
        drawn = {codes.new_code() for _ in range(count - len(fresh))} - fresh
        taken = set(db.session.scalars(sa.select(Voucher.code).where(Voucher.code.in_(drawn))))
        fresh |= drawn - taken
    return sorted(fresh)


def record_sale(code: str, *, buyer_name: str, paid_cents: int, method: str, actor: str,
                now: datetime) -> VoucherSale:
    """The association sold the voucher: from now on it can be spent."""
    buyer_name = (buyer_name or "").strip()
    if not buyer_name or len(buyer_name) > 120:
        raise Invalid(_("Indiquez le nom de l'acheteur (120 caractères au plus)."),
                      field="buyer_name")
    if not isinstance(paid_cents, int) or paid_cents < 0:
        raise Invalid(_("Indiquez le montant payé."), field="paid_cents")
    if method not in SALE_METHODS:
        raise Invalid(_("Moyen de paiement inconnu."), field="method")
    with unit_of_work():
        voucher = find_voucher(code, field="code")
        if paid_cents > voucher.amount_cents:
            raise Invalid(_("Plus que la valeur du bon (%(amount)s).",
                            amount=euros(voucher.amount_cents)), field="paid_cents")
        if voucher_state(voucher, now) == EXPIRED:
            raise Invalid(_("Ce bon a expiré le %(day)s.",
                            day=voucher.expires_on.strftime("%d/%m/%Y")),
                          field="code", code="voucher_expired")
        # Two desks selling the same voucher at once: the first UPDATE wins.
        sold = db.session.execute(
            sa.update(_vouchers)
            .where(_vouchers.c.id == voucher.id, _vouchers.c.sold_at.is_(None))
            .values(sold_at=now))
        if sold.rowcount != 1:
            raise Conflict(_("Ce bon a déjà été vendu."), field="code", code="voucher_sold")
        sale = VoucherSale(voucher_id=voucher.id, buyer_name=buyer_name, paid_cents=paid_cents,
                           method=method, sold_by=actor, sold_at=now)
        db.session.add(sale)
    return sale


def find_voucher(code: str, *, field: str = "code") -> Voucher:
    normalised = codes.normalise(code)
    voucher = codes.well_formed(normalised) and db.session.scalar(
        sa.select(Voucher).where(Voucher.code == normalised))
    if not voucher:
        raise NotFound(_("Aucun bon ne porte ce code."), field=field, code="unknown_voucher")
    return voucher


def list_vouchers(*, batch: str | None = None, page: int = 1, per_page: int = 50):
    """Newest first; returns (vouchers, has_next)."""
    query = sa.select(Voucher).order_by(Voucher.id.desc())
    if batch:
        query = query.where(Voucher.batch == batch)
    rows = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def batch_vouchers(batch: str) -> list[Voucher]:
    vouchers = list(db.session.scalars(sa.select(Voucher).where(Voucher.batch == batch)
                                       .order_by(Voucher.id)))
    if not vouchers:
        raise NotFound(_("Lot inconnu."), field="batch")
    return vouchers


def balance_from_movements(voucher_id: int) -> int:
    """What the movements say can still be held; always equals available_cents."""
    signs = sa.case((_movements.c.kind == HOLD, -1), (_movements.c.kind == CONSUME, 0),
                    else_=1)
    return db.session.scalar(sa.select(sa.func.coalesce(
        sa.func.sum(_movements.c.amount_cents * signs), 0))
        .where(_movements.c.voucher_id == voucher_id))


# --- the shopper's balance check ----------------------------------------------------------


@dataclass(frozen=True)
class VoucherBalance:
    code: str  # as printed
    amount_cents: int
    available_cents: int
    expires_on: date
    state: str


def lookup_balance(raw_code: str, *, ip: str, now: datetime) -> VoucherBalance:
    """A shopper checks a voucher. Every lookup is recorded (who guesses codes shows up in
    voucher_lookups), failed ones are logged too; the row is committed before refusing."""
    normalised = codes.normalise(raw_code)
    with unit_of_work():
        voucher = codes.well_formed(normalised) and db.session.scalar(
            sa.select(Voucher).where(Voucher.code == normalised))
        db.session.add(VoucherLookup(ip=ip, at=now, success=bool(voucher)))
    if not voucher:
        log.warning("voucher lookup failed from %s", ip)
        if not codes.well_formed(normalised):
            raise Invalid(_("Un code de bon a 16 caractères, lettres et chiffres "
                            "(par exemple ABCD-EFGH-JKLM-NPQR)."), field="code",
                          code="malformed_code")
        raise NotFound(_("Aucun bon ne porte ce code."), field="code", code="unknown_voucher")
    return VoucherBalance(code=codes.display(voucher.code), amount_cents=voucher.amount_cents,
                          available_cents=voucher.available_cents,
                          expires_on=voucher.expires_on, state=voucher_state(voucher, now))


def record_checkout_lookups(raw_codes, *, ip: str, now: datetime) -> None:
    """The codes a checkout tries, recorded like balance checks (voucher_lookups), in their
    own transaction: the checkout's refusal of a wrong code must not roll them back."""
    if not raw_codes:
        return
    with unit_of_work():
        for raw_code in raw_codes:
            normalised = codes.normalise(raw_code)
            found = bool(codes.well_formed(normalised) and db.session.scalar(
                sa.select(Voucher.id).where(Voucher.code == normalised)))
            db.session.add(VoucherLookup(ip=ip, at=now, success=found))
            if not found:
                log.warning("voucher lookup failed from %s (checkout)", ip)


# --- spending on a checkout (inside the caller's transaction) ----------------------------


def hold(code: str, checkout_id: int, amount_cents: int, *, now: datetime,
         field: str | None = None) -> int:
    """Take up to `amount_cents` of the voucher for the checkout; returns what was taken.

    `field` is where the code sits in the caller's request ("vouchers[0]"): errors name
    "vouchers[0].code". The same (voucher, checkout) a second time returns the first hold."""
    where = f"{field}.code" if field else "code"
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise Invalid(_("Montant à payer par bon invalide."),
                      field=f"{field}.amount_cents" if field else "amount_cents")
    try:
        voucher = find_voucher(code, field=where)
    except NotFound as unknown:  # in a checkout, a wrong code is a wrong value (422)
        raise Invalid(unknown.message, field=where, code=unknown.code) from None
    state = voucher_state(voucher, now)
    if state == EXPIRED:
        raise Invalid(_("Ce bon a expiré le %(day)s.", day=voucher.expires_on.strftime("%d/%m/%Y")),
                      field=where, code="voucher_expired")
    if state == UNSOLD:
        raise Invalid(_("Ce bon n'a pas encore été vendu : il ne peut pas servir."),
                      field=where, code="voucher_not_sold")

    earlier = _movements_of(checkout_id, voucher.id)
    if HOLD in earlier:
        if RELEASE in earlier or CONSUME in earlier:
            raise Conflict(_("Ce bon a déjà servi pour cette commande."), field=where,
                           code="voucher_hold_ended")
        return earlier[HOLD]

    taken = _take(voucher.id, amount_cents, where)
    inserted = db.session.execute(insert_ignore(_movements).values(
        voucher_id=voucher.id, checkout_id=checkout_id, kind=HOLD, amount_cents=taken, at=now)
        .returning(_movements.c.id)).scalar_one_or_none()
    if inserted is None:
        # The same checkout held it at the same instant: the caller rolls back and retries.
        raise Conflict(_("Ce bon est déjà en cours d'utilisation ; réessayez."), field=where,
                       code="voucher_busy")
    return taken


def _take(voucher_id: int, wanted: int, where: str) -> int:
    """min(available, wanted), taken by a conditional UPDATE: of two phones reading the
    same balance, the second one's UPDATE finds it changed, reads again, takes what is left."""
    for _attempt in range(10):
        available = db.session.scalar(sa.select(_vouchers.c.available_cents)
                                      .where(_vouchers.c.id == voucher_id))
        if available <= 0:
            raise Conflict(_("Ce bon est épuisé."), field=where, code="voucher_empty")
        take = min(available, wanted)
        taken = db.session.execute(
            sa.update(_vouchers)
            .where(_vouchers.c.id == voucher_id, _vouchers.c.available_cents >= take)
            .values(available_cents=_vouchers.c.available_cents - take))
        if taken.rowcount == 1:
            return take
    raise Conflict(_("Ce bon est en cours d'utilisation ; réessayez."), field=where,
                   code="voucher_busy")


def _movements_of(checkout_id: int, voucher_id: int) -> dict[str, int]:
    rows = db.session.execute(sa.select(_movements.c.kind, _movements.c.amount_cents).where(
        _movements.c.checkout_id == checkout_id, _movements.c.voucher_id == voucher_id))
    return {kind: amount for kind, amount in rows}


@dataclass(frozen=True)
class VoucherUse:
    """One voucher's part in a checkout."""
    voucher_id: int
    code: str  # as printed
    held_cents: int
    consumed_cents: int  # spent on collected goods: what the association owes the shops
    released_cents: int  # back on the voucher
    settled: bool        # released or consumed: nothing more will move


@dataclass(frozen=True)
class VoucherSettlement:
    checkout_id: int
    uses: list[VoucherUse]

    @property
    def consumed_cents(self) -> int:
        return sum(use.consumed_cents for use in self.uses)

    @property
    def released_cents(self) -> int:
        return sum(use.released_cents for use in self.uses)

    @property
    def held_cents(self) -> int:
        """Still held, not settled yet (what the vouchers cover of an open checkout)."""
        return sum(use.held_cents for use in self.uses if not use.settled)


def checkout_vouchers(checkout_id: int) -> VoucherSettlement:
    """The vouchers of a checkout and where each stands, read only."""
    return VoucherSettlement(checkout_id, [_use(h, moves) for h, moves in
                                           _holds(checkout_id, lock=False)])


def release_for_checkout(checkout_id: int, *, now: datetime) -> VoucherSettlement:
    """Every hold of the checkout back on its voucher (the checkout expired, or all its
    orders ended uncollected). A hold already settled stays as it is."""
    return consume_for_checkout(checkout_id, 0, now=now)


def consume_for_checkout(checkout_id: int, collected_cents: int, *,
                         now: datetime) -> VoucherSettlement:
    """Spend the checkout's holds on `collected_cents` (the confirmed amount of what was
    collected), soonest-expiring voucher first, and release the rest. The settlement's
    consumed_cents is what the vouchers pay; the card pays collected_cents minus that.
    Idempotent: a settled hold is reported, not settled again."""
    if not isinstance(collected_cents, int) or collected_cents < 0:
        raise Invalid(_("Montant retiré invalide."), field="collected_cents")
    remaining, uses = collected_cents, []
    for held, moves in _holds(checkout_id, lock=True):
        if RELEASE in moves or CONSUME in moves:
            use = _use(held, moves)
        else:
            consumed = min(held.amount_cents, remaining)
            released = held.amount_cents - consumed
            _settle(held, consumed, released, now)
            use = VoucherUse(held.voucher_id, codes.display(held.code), held.amount_cents,
                             consumed, released, settled=True)
        remaining = max(0, remaining - use.consumed_cents)
        uses.append(use)
    return VoucherSettlement(checkout_id, uses)


def _holds(checkout_id: int, *, lock: bool):
    """The checkout's holds, soonest-expiring voucher first, each with its other movements.
    Locked: a release and a consume of the same checkout wait for each other."""
    query = (sa.select(_movements.c.id, _movements.c.voucher_id, _movements.c.checkout_id,
                       _movements.c.amount_cents, _vouchers.c.code)
             .join(_vouchers, _vouchers.c.id == _movements.c.voucher_id)
             .where(_movements.c.checkout_id == checkout_id, _movements.c.kind == HOLD)
             .order_by(_vouchers.c.expires_on, _vouchers.c.id))
    if lock:
        query = for_update(query, of=_movements)
    holds = db.session.execute(query).all()
    settled: dict[int, dict[str, int]] = {}
    for voucher_id, kind, amount in db.session.execute(
            sa.select(_movements.c.voucher_id, _movements.c.kind, _movements.c.amount_cents)
            .where(_movements.c.checkout_id == checkout_id, _movements.c.kind != HOLD)):
        settled.setdefault(voucher_id, {})[kind] = amount
    return [(h, settled.get(h.voucher_id, {})) for h in holds]


def _use(held, moves: dict[str, int]) -> VoucherUse:
    return VoucherUse(held.voucher_id, codes.display(held.code), held.amount_cents,
                      moves.get(CONSUME, 0), moves.get(RELEASE, 0),
                      settled=RELEASE in moves or CONSUME in moves)


def _settle(held, consumed: int, released: int, now: datetime) -> None:
    rows = [{"kind": kind, "amount_cents": amount}
            for kind, amount in ((CONSUME, consumed), (RELEASE, released)) if amount > 0]
    for row in rows:
        db.session.execute(sa.insert(_movements).values(
            voucher_id=held.voucher_id, checkout_id=held.checkout_id, at=now, **row))
    if released:
        # Conditional like every change of the balance: never above the face value.
        given_back = db.session.execute(
            sa.update(_vouchers)
            .where(_vouchers.c.id == held.voucher_id,
                   _vouchers.c.available_cents + released <= _vouchers.c.amount_cents)
            .values(available_cents=_vouchers.c.available_cents + released))
        if given_back.rowcount != 1:
            raise RuntimeError(f"voucher {held.voucher_id}: release above its face value")
