"""The town brings a shop in: created unpublished with its SIRET, commission and bank
details, its merchant invited (app/accounts/invitations.py), published when ready.

A shop's `active` flag is its publication: unpublished, shoppers do not see it (pages,
search, API) and a checkout for it is refused; its merchant works as usual."""
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from stdnum.exceptions import ValidationError
from stdnum.fr import siret as siret_number

from app.accounts.models import MERCHANT, User
from app.catalog.models import Product
from app.database import unit_of_work
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.ledger.services import check_bic, check_iban
from app.shops.models import OpeningHours, Shop
from app.shops.services import create_shop

MAX_NAME = 120
MAX_HOLDER = 70
# What a shop still lacks, in the order the manager helps with it; the pages and the API
# put these codes into words.
MISSING = ("merchant_not_joined", "no_hours", "no_products", "no_iban", "unpublished")
# What a shop must have before shoppers see it: someone to prepare the orders, hours to
# offer slots in, something to sell. The IBAN may come later (its sales wait in the
# ledger until then).
NEEDED_TO_PUBLISH = ("merchant_not_joined", "no_hours", "no_products")


def check_siret(value) -> str:
    """The 14 digits (spaces allowed when typed), or Invalid naming the field."""
    try:
        return siret_number.validate(value if isinstance(value, str) else "")
    except ValidationError:
        raise Invalid(_("SIRET invalide : 14 chiffres, dont le dernier est une clé de "
                        "contrôle ; vérifiez-le sur l'avis de situation INSEE."),
                      field="siret", code="invalid_siret") from None


def check_commission(rate_bps) -> int:
    if type(rate_bps) is not int or not 0 <= rate_bps <= 10000:
        raise Invalid(_("Commission en points de base, entre 0 et 10000 (500 = 5 %)."),
                      field="commission_bps")
    return rate_bps


def register_shop(*, slug: str, name: str, siret, commission_bps: int,
                  iban=None, bic=None, account_holder=None) -> Shop:
    """A new shop, unpublished, every value checked before anything is written. The bank
    details are optional here (the shop may bring them later) and checked as
    app.ledger.services.set_bank_details checks them."""
    siret_value = check_siret(siret)
    rate = check_commission(commission_bps)
    iban_value = bic_value = holder = None
    if (iban or "").strip():
        iban_value = check_iban(iban)
        bic_value = check_bic(bic) if (bic or "").strip() else None
        holder = (account_holder or "").strip() or (name or "").strip()
        if len(holder) > MAX_HOLDER:
            raise Invalid(_("70 caractères au plus."), field="account_holder")
    if len((name or "").strip()) > MAX_NAME:
        raise Invalid(_("120 caractères au plus."), field="name")
    with unit_of_work():
        return create_shop(slug=slug, name=name, active=False, siret=siret_value,
                           commission_bps=rate, iban=iban_value, bic=bic_value,
                           account_holder=holder)


def shop_by_slug(slug: str) -> Shop:
    """Any shop, published or not (the manager's side)."""
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == (slug or "")))
    if shop is None:
        raise NotFound(_("Boutique introuvable."), field="slug")
    return shop


def set_published(slug: str, published: bool, *, now: datetime) -> Shop:
    """Publish or withdraw a shop. Publishing a shop that lacks what NEEDED_TO_PUBLISH
    names is refused with those codes, so no shopper meets an empty shop or an order
    nobody will prepare; withdrawing is always allowed."""
    shop = shop_by_slug(slug)
    if published:
        lacking = [code for code in shop_state(shop, now).missing if code in NEEDED_TO_PUBLISH]
        if lacking:
            words = missing_labels()
            raise Conflict(_("Pas encore publiable : %(missing)s.",
                             missing=", ".join(words[code] for code in lacking)),
                           field="published", code="not_ready")
    with unit_of_work():
        db.session.execute(sa.update(Shop).where(Shop.id == shop.id)
                           .values(active=published))
    db.session.refresh(shop)
    return shop


@dataclass
class ShopState:
    shop: Shop
    products: int
    hours: int
    merchants: int
    invited_until: datetime | None  # a pending invitation's end
    missing: list[str] = field(default_factory=list)


def onboarding_states(now: datetime, shop_id: int | None = None) -> list[ShopState]:
    """Every shop (or the one shop_id) with what it still lacks, those lacking the most
    first."""
    from app.accounts.invitations import pending_invitation

    def per_shop(column, *where):
        query = sa.select(column, sa.func.count()).where(*where).group_by(column)
        if shop_id is not None:
            query = query.where(column == shop_id)
        return dict(db.session.execute(query).all())

    products = per_shop(Product.shop_id, Product.active.is_(True))
    hours = per_shop(OpeningHours.shop_id)
    merchants = per_shop(User.shop_id, User.role == MERCHANT)
    shops = sa.select(Shop).order_by(Shop.name)
    if shop_id is not None:
        shops = shops.where(Shop.id == shop_id)
    states = []
    for shop in db.session.scalars(shops):
        invitation = pending_invitation(shop.id, now)
        state = ShopState(shop, products.get(shop.id, 0), hours.get(shop.id, 0),
                          merchants.get(shop.id, 0),
                          invitation.expires_at if invitation else None)
        lacks = {"merchant_not_joined": not state.merchants, "no_hours": not state.hours,
                 "no_products": not state.products, "no_iban": not shop.iban,
                 "unpublished": not shop.active}
        state.missing = [code for code in MISSING if lacks[code]]
        states.append(state)
    states.sort(key=lambda s: -len(s.missing))
    return states


def shop_state(shop: Shop, now: datetime) -> ShopState:
    return onboarding_states(now, shop.id)[0]


def missing_labels() -> dict[str, str]:
    return {"merchant_not_joined": _("commerçant pas encore inscrit"),
            "no_hours": _("pas d'horaires"), "no_products": _("aucun produit"),
            "no_iban": _("pas d'IBAN"), "unpublished": _("non publiée")}
