"""The shop's catalogue page: price, stock, sale and promotion of each product, from a phone.

Registers on the merchant blueprint (and its access guard) when imported; the edits go
through the same service as the JSON API (catalog.services.update_product)."""
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.catalog.models import Product
from app.catalog.promotions import shown_price
from app.catalog.services import StockChanged, shop_catalogue_page, update_product
from app.errors import DomainError
from app.extensions import db
from app.merchant.forms import ProductForm
from app.merchant.routes import bp
from app.numbers import small_int
from app.timeutil import iso, local, town_tz

MAX_PAGE = 1000
MAX_FILTER = 100
# Where the service's field names land on the page's form.
FORM_FIELDS = {"price_cents": "price", "on_hand": "on_hand", "active": "active",
               "max_per_order": "max_per_order",
               "promo_price_cents": "promo_price", "promo_starts_at": "promo_starts",
               "promo_ends_at": "promo_ends"}


def shown_price_now(product: Product):
    """For the product card on the shopper's pages: the price of this moment."""
    return shown_price(product, clock())


# The shopper's product card (templates/web/_product.html) calls it; the card is imported
# without context, so a template global, not a context variable, reaches it.
bp.add_app_template_global(shown_price_now, "shown_price_now")


def _form_for(product: Product, now: datetime, **kwargs) -> ProductForm:
    """The product as its form shows it; a promotion that is over shows as none, so that
    saving the form clears it rather than refusing its past end."""
    def town_time(moment: datetime | None):
        return local(moment).replace(tzinfo=None, second=0, microsecond=0) if moment else None

    over = product.promo_ends_at is not None and product.promo_ends_at <= now
    promo = {} if over else {
        "promo_price": product.promo_price_cents,
        "promo_starts": town_time(product.promo_starts_at),
        "promo_ends": town_time(product.promo_ends_at)}
    return ProductForm(prefix=f"p{product.id}", price=product.price_cents,
                       on_hand=product.on_hand, expected_on_hand=product.on_hand,
                       active=product.active, max_per_order=product.max_per_order,
                       **promo, **kwargs)


def _query() -> tuple[str, int]:
    q = request.args.get("q", "").strip()[:MAX_FILTER]
    page = small_int(request.args.get("page", "1"))
    return q, min(page, MAX_PAGE) if page and page >= 1 else 1


def own_product(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or product.shop_id != current_user.shop_id:
        abort(404)
    return product


def _render(failed: tuple[int, ProductForm] | None = None, status: int = 200, *,
            photo_failed: tuple[int, object] | None = None):
    from app.merchant.photos import photo_form
    q, page = _query()
    products = shop_catalogue_page(current_user.shop_id, q=q, page=page)
    now = clock()
    forms = {p.id: _form_for(p, now, formdata=None) for p in products.items}
    photo_forms = {p.id: photo_form(p.id, formdata=None) for p in products.items}
    if failed:
        forms[failed[0]] = failed[1]
    if photo_failed:
        photo_forms[photo_failed[0]] = photo_failed[1]
    failed_id = failed[0] if failed else photo_failed[0] if photo_failed else None
    return render_template(
        "merchant/catalogue.html", shop=current_user.shop, products=products, forms=forms,
        photo_forms=photo_forms, photo_failed_id=photo_failed[0] if photo_failed else None,
        shown={p.id: shown_price(p, now) for p in products.items}, q=q, page=page,
        failed_id=failed_id, now=now), status


@bp.get("/produits")
def catalogue():
    return _render()


def _changes(form: ProductForm) -> dict:
    """The form as the API's body: the promotion's local times as instants with offset."""
    def instant(value: datetime | None):
        return iso(value.replace(tzinfo=town_tz())) if value else None

    changes = {"price_cents": form.price.data, "active": form.active.data}
    if form.max_per_order.data is not None:
        changes["max_per_order"] = form.max_per_order.data
    # The count only when the shop changed the figure the page showed, and only if that
    # figure still holds: a price saved while checkouts hold units leaves them held.
    if form.on_hand.data != form.expected_on_hand.data:
        changes.update(on_hand=form.on_hand.data, expected_on_hand=form.expected_on_hand.data)
    promo_fields = (form.promo_price, form.promo_starts, form.promo_ends)
    # An untouched promotion is not sent again: its end may have passed meanwhile, and
    # the form shows it to the minute only.
    if any(f.data != f.object_data for f in promo_fields):
        promo = form.promo_price.data
        changes.update(promo_price_cents=promo,
                       promo_starts_at=instant(form.promo_starts.data) if promo is not None
                       else None,
                       promo_ends_at=instant(form.promo_ends.data) if promo is not None
                       else None)
    return changes


@bp.post("/produits/<int:product_id>")
def edit_product(product_id: int):
    product = own_product(product_id)
    form = _form_for(product, clock())
    if not form.validate():
        return _render((product.id, form), 422)
    changes = _changes(form)
    if product.promo_ends_at is not None and product.promo_ends_at <= clock():
        changes.setdefault("promo_price_cents", None)  # shown as none: forget it
    try:
        update_product(current_user.shop_id, product.id, changes, now=clock())
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, StockChanged):  # nothing saved; the count shows the new figure
            _show_count(form, error.on_hand)
        field = FORM_FIELDS.get(error.field or "")
        if field is None:
            flash(error.message, "error")
            return redirect(_back())
        form[field].errors = [*form[field].errors, error.message]
        return _render((product.id, form), error.status)
    flash(_("« %(name)s » enregistré.", name=product.name), "success")
    return redirect(_back(f"p{product.id}"))


def _show_count(form: ProductForm, on_hand: int) -> None:
    """The count field and the figure it is checked against, as they are now: saving again
    as is changes nothing of the count."""
    for field in (form.on_hand, form.expected_on_hand):
        field.data, field.raw_data = on_hand, None


def _back(anchor: str | None = None) -> str:
    """The list as it was: same filter, same page."""
    q, page = _query()
    return url_for("merchant.catalogue", q=q or None, page=page if page > 1 else None,
                   _anchor=anchor)


from app.merchant import imports  # noqa: E402,F401  the import, add and archive pages
from app.merchant import photos  # noqa: E402,F401  a product's photo, the shop's logo
