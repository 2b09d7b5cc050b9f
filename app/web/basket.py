"""The basket across shops, the checkout (a slot per shop), the payment and the thanks."""
import re
import uuid
from flask import (abort, current_app, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_babel import get_locale, gettext as _

from app import clock, geocoder, payments_provider
from app.catalog.models import Product, order_limit
from app.errors import DomainError, NotFound
from app.extensions import db
from app.orders import services as orders
from app.numbers import small_int
from app.orders.holds import PendingLimits
from app.orders.models import CHECKOUT_EXPIRED, CHECKOUT_PLACED
from app.orders.requests import parse_checkout
from app.payments import services as payment_services
from app.payments.services import payment_details
from app.pickup.services import common_window, next_bookable_slots, next_pickup_hint
from app.security import allow_stripe
from app.i18n import N_
from app.timeutil import iso, local, local_today
from app.vouchers.routes import codes_in_checkout, lookup_limit
from app.vouchers.services import checkout_vouchers, record_checkout_lookups
from app.web import cart, delivery
from app.web.forms import (AddToCartForm, CartLineForm, PaymentForm, RemoveLineForm,
                           checkout_form, slot_field_name)
from app.web.routes import _safe_next, bp

SLOT_DAYS = 3  # days of slots on the checkout page: enough choice, a light page
ORDER_FIELD = re.compile(r"^orders\[(\d+)\]\.(shop|slot|lines\[(\d+)\]\.\w+)$")


def wants_json() -> bool:
    """The shop page's script adds in the background and asks for JSON; a form sent
    without JavaScript gets the page back (redirect to the product's anchor)."""
    return request.accept_mimetypes.best == "application/json"


@bp.post("/panier/ajouter")
def add_to_cart():
    form = AddToCartForm()
    back = _safe_next(form.next.data, url_for(".cart"))
    ok, message = False, None
    if not form.validate():
        message = next(iter(form.errors.values()))[0]
    else:
        product = db.session.get(Product, int(form.product_id.data))
        if product is None or not product.active or not product.shop.active:
            message = _("Ce produit n'est plus en vente.")
        elif not product.available:
            message = _("« %(name)s » est épuisé pour le moment.", name=product.name)
        else:
            ok, message = _add_within_limit(product, form.quantity.data)
    if wants_json():
        return jsonify(ok=ok, message=str(message), count=cart.item_count()), \
            200 if ok else 422
    flash(message, "success" if ok else "error")
    return redirect(back)


def _add_within_limit(product: Product, quantity: int) -> tuple[bool, str]:
    """Add at most what one order may take of it (the stepper's max): the product's
    max_per_order and what is left, counting what the basket already holds."""
    limit = order_limit(product)
    room = limit - cart.quantities().get(product.id, 0)
    if room <= 0:
        return False, _("Votre panier a déjà le maximum de « %(name)s » (%(n)s).",
                        name=product.name, n=limit)
    if not cart.add(product.id, min(quantity, room)):
        return False, _("Votre panier est plein : commandez d'abord ce qu'il contient.")
    if quantity > room:
        return True, _("%(n)s × « %(name)s » ajouté(s) au panier : le maximum.",
                       n=room, name=product.name)
    return True, _("« %(name)s » ajouté au panier.", name=product.name)


@bp.get("/panier", endpoint="cart")
def show_cart():
    return render_template("web/cart.html", view=cart.load(clock()))


@bp.post("/panier/modifier")
def update_cart_line():
    form = CartLineForm()
    if form.validate():
        cart.set_quantity(int(form.product_id.data), form.quantity.data)
    else:
        flash(next(iter(form.errors.values()))[0], "error")
    return redirect(url_for(".cart"))


@bp.post("/panier/retirer")
def remove_cart_line():
    form = RemoveLineForm()
    if form.validate():
        cart.remove([int(form.product_id.data)])
        flash(_("Article retiré du panier."), "success")
    return redirect(url_for(".cart"))


# --- checkout ---------------------------------------------------------------------------

def _new_idempotency_key() -> str:
    return f"web-{uuid.uuid4().hex}"


def _checkout_payload(form, view: cart.CartView, delivery=None) -> dict:
    """The body of the API's POST /checkouts, so that both go through the same rules.
    `delivery` (app.web.delivery.ChosenDelivery): the whole basket delivered, no slots."""
    # The SMS follow the language of the pages: French unless the shopper reads English.
    customer = {"name": form.name.data, "phone": form.phone.data,
                "language": "en" if get_locale().language == "en" else "fr",
                "sms_promotions": bool(form.sms_promotions.data)}
    if (form.email.data or "").strip():
        customer["email"] = form.email.data
    voucher = (form.voucher.data or "").strip()
    return {"customer": customer, **({"vouchers": [voucher]} if voucher else {}),
            **({"delivery": delivery.request_part()} if delivery else {}),
            "orders": [{"shop": group.shop.slug,
                        **({} if delivery else
                           {"slot": form[slot_field_name(group.shop.id)].data}),
                        "lines": [{"product_id": line.product_id, "quantity": line.quantity}
                                  for line in group.lines]}
                       for group in view.groups]}


class PageErrors:
    """Where each service error goes on the checkout page."""

    def __init__(self):
        self.top: list[str] = []
        self.shops: dict[int, list[str]] = {}   # shop id -> errors
        self.lines: dict[int, list[str]] = {}   # product id -> errors

    def place(self, error: DomainError, form, view) -> None:
        customer_fields = {"customer.name": form.name, "customer.phone": form.phone,
                           "customer.email": form.email, "vouchers[0].code": form.voucher,
                           "vouchers": form.voucher}
        target = customer_fields.get(error.field or "")
        match = ORDER_FIELD.match(error.field or "")
        if target is None and match and int(match[1]) < len(view.groups):
            group = view.groups[int(match[1])]
            if match[2] == "slot":
                target = form[slot_field_name(group.shop.id)]
            elif match[3] is not None and int(match[3]) < len(group.lines):
                self.lines.setdefault(group.lines[int(match[3])].product_id, []) \
                    .append(error.message)
                return
            else:
                self.shops.setdefault(group.shop.id, []).append(error.message)
                return
        if target is not None:
            target.errors = [*target.errors, error.message]
        else:
            self.top.append(error.message)


NOON = 12  # slots starting from then on are the afternoon's


def picker_days(days):
    """A shop's bookable days as the slot picker shows them: each day's slots in two
    groups, the morning's and the afternoon's (town time), an empty group left out."""
    return [(day, [(period, group) for period, group in (
        (N_("Matin"), [slot for slot in day_slots if local(slot.start).hour < NOON]),
        (N_("Après-midi"), [slot for slot in day_slots if local(slot.start).hour >= NOON]))
        if group]) for day, day_slots in days]


def error_links(form, errors: PageErrors, view) -> list[tuple[str, str | None]]:
    """The refused checkout's summary, in the page's order: each error with the id of what
    it is about (a field, a shop's slot choice, a basket line), None when it has no place."""
    def said(label, error):
        return _("%(field)s : %(error)s", field=label, error=error)

    links = [(error, None) for error in errors.top]
    for group in view.groups:
        shop = group.shop
        links += [(said(shop.name, error), f"shop-{shop.id}")
                  for error in errors.shops.get(shop.id, [])]
        for line in group.lines:
            problems = [line.problem] if line.problem else errors.lines.get(line.product_id, [])
            links += [(said(line.name, problem), f"line-{line.product_id}")
                      for problem in problems]
        slot = getattr(form, slot_field_name(shop.id), None)  # none: the basket is delivered
        links += [(said(_("Créneau de retrait chez %(shop)s", shop=shop.name), error),
                   slot.name) for error in (slot.errors[:1] if slot else [])]
    for field in (form.name, form.phone, form.email, form.voucher):
        links += [(said(field.label.text, error), field.id) for error in field.errors[:1]]
    return links


def _edit_line(data) -> bool:
    """"Retirer cet article" or "N'en prendre que N" on a line that sold out or ran short
    meanwhile (buttons of the checkout form, CSRF checked by then): the same page follows
    with what was typed, to validate again. False when neither was pressed."""
    if small_int(data.get("remove_line")) is not None:
        cart.remove([small_int(data["remove_line"])])
        flash(_("Article retiré du panier."), "success")
        return True
    if small_int(data.get("reduce_line")) is not None:
        product = db.session.get(Product, small_int(data["reduce_line"]))
        if product is not None and product.stock > 0:
            cart.set_quantity(product.id, product.stock)  # what is left now, read again
            flash(_("Quantité ramenée à %(n)s.", n=product.stock), "success")
        return True
    return False


@bp.route("/commande", methods=["GET", "POST"])
@lookup_limit("POST", codes_tried=codes_in_checkout)  # a voucher code tried is a lookup
def checkout():
    editing = request.method == "POST" and _edit_line(request.form)
    view = cart.load(clock())
    if view.empty:
        flash(_("Votre panier est vide."), "error")
        return redirect(url_for(".cart"))
    if view.orphans:
        flash(_("Retirez d'abord les articles qui ne sont plus en vente."), "error")
        return redirect(url_for(".cart"))
    if request.args.get("mode") == "retrait":  # "Retrait en boutique" chosen over delivery
        delivery.forget()
        return redirect(url_for(".checkout"))
    chosen_delivery = delivery.chosen()  # then no slot to choose: the delivery's window
    delivery_summary = delivery.summary(chosen_delivery, view.total_cents) \
        if chosen_delivery else None
    if delivery_summary is None:  # none chosen, or its window is gone: pickup
        chosen_delivery = None
    form = checkout_form([] if chosen_delivery else [group.shop.id for group in view.groups])
    errors, status, headers = PageErrors(), 200, {}
    now = clock()
    slots = {} if chosen_delivery else {
        group.shop.id: next_bookable_slots(group.shop, now, days=SLOT_DAYS)
        for group in view.groups}
    window = common_window(slots)
    if request.method == "GET":
        form.idempotency_key.data = _new_idempotency_key()
        # The earliest slot of each shop is what most shoppers take: already chosen.
        for shop_id, days in slots.items():
            if days:
                form[slot_field_name(shop_id)].data = iso(days[0][1][0].start)
    elif editing:
        pass  # nothing to validate: the page again, with that line changed
    elif "use_window" in request.form:
        # "Tout récupérer entre…" pressed: the same page, every shop's slot set to the
        # window's (what the shopper typed is kept), nothing reserved yet.
        if window is not None:
            for shop_id, start in window.slots.items():
                form[slot_field_name(shop_id)].data = iso(start)
    elif not form.validate():
        status = 422
        if form.idempotency_key.errors:  # missing or tampered with: start a fresh attempt
            form.idempotency_key.data = _new_idempotency_key()
            errors.top.append(_("Le formulaire a expiré : vérifiez-le et validez à nouveau."))
    else:
        payload = _checkout_payload(form, view, chosen_delivery)
        try:
            wanted = parse_checkout(payload)
            record_checkout_lookups(wanted.vouchers, ip=request.remote_addr or "?", now=now)
            result = orders.create_checkout(wanted, now=now,
                                            provider=payments_provider(), payload=payload,
                                            idempotency_key=form.idempotency_key.data,
                                            client_ip=request.remote_addr,
                                            limits=PendingLimits.of(current_app.config),
                                            geocoder=geocoder())
        except DomainError as error:
            errors.place(error, form, view)
            status = error.status
            if getattr(error, "retry_after", None):  # too many unpaid baskets: when to retry
                headers["Retry-After"] = str(error.retry_after)
            if error.code == "idempotency_key_reused":
                form.idempotency_key.data = _new_idempotency_key()
        else:
            cart.remember_checkout(result.checkout_id)
            delivery.forget()  # held now; the next basket chooses afresh
            try:  # Stripe's PaymentIntent, opened once the hold is committed
                payment_services.open_payment(payments_provider(), result.checkout_id)
            except DomainError:
                pass  # the payment page says so and offers to try again
            return redirect(url_for(".payment", checkout_id=result.checkout_id))
    today = local_today(now)
    hold_minutes = min(group.shop.hold_minutes for group in view.groups)
    hints = {shop_id: next_pickup_hint(days[0][1][0].start, now)
             for shop_id, days in slots.items() if days}
    window_choice = {slot_field_name(shop_id): iso(start)
                     for shop_id, start in window.slots.items()} if window else {}
    # "Choisir ces créneaux" is offered only when it would change the slots chosen.
    window_chosen = all(form[name].data == value for name, value in window_choice.items())
    return render_template("web/checkout.html", view=view, form=form,
                           days={shop_id: picker_days(days) for shop_id, days in slots.items()},
                           window=window, window_choice=window_choice,
                           window_chosen=window_chosen, hold_minutes=hold_minutes, hints=hints,
                           errors=errors, error_links=error_links(form, errors, view),
                           today=today, iso=iso,
                           slot_field_name=slot_field_name,
                           delivery=delivery_summary), status, headers


# --- payment ----------------------------------------------------------------------------

def _own_checkout(checkout_id: int):
    """A checkout made in this browser; anyone else's does not exist here."""
    if not cart.owns_checkout(checkout_id):
        abort(404)
    try:
        return orders.get_checkout(checkout_id)
    except NotFound:
        abort(404)


@bp.route("/commande/<int:checkout_id>/paiement", methods=["GET", "POST"])
def payment(checkout_id):
    checkout = _own_checkout(checkout_id)
    if checkout.status == CHECKOUT_PLACED:
        return redirect(url_for(".thanks", checkout_id=checkout.id))
    provider = payments_provider()
    card_cents = payment_services.card_due_cents(checkout)
    if provider.opens_intent and card_cents:
        return _stripe_payment(checkout, provider)
    form = PaymentForm()
    top_errors, status = [], 200
    if request.method == "POST":
        if form.validate():
            try:
                orders.pay_checkout(checkout.id, form.payment_method.data, now=clock(),
                                    provider=provider)
            except DomainError as error:
                status = error.status
                if error.code == "hold_expired":
                    pass  # the page says so in its own words, below
                elif error.field == "payment_method":
                    form.payment_method.errors = [*form.payment_method.errors, error.message]
                else:
                    top_errors.append(error.message)
            else:
                cart.remove({line.product_id for order in checkout.orders
                                    for line in order.lines})
                return redirect(url_for(".thanks", checkout_id=checkout.id))
        else:
            status = 422
        db.session.refresh(checkout)
    now = clock()
    seconds_left = max(0, int((checkout.hold_expires_at - now).total_seconds()))
    expired = checkout.status == CHECKOUT_EXPIRED or seconds_left == 0
    return render_template("web/payment.html", checkout=checkout, form=form,
                           top_errors=top_errors, expired=expired, seconds_left=seconds_left,
                           offline=bool(provider.methods), card_cents=card_cents,
                           vouchers_cents=checkout_vouchers(checkout.id).held_cents), status


def _stripe_payment(checkout, provider):
    """Stripe.js collects the card and the webhook places the checkout. Stripe sends the
    shopper back here (return_url): the page waits for the webhook, then the thanks. The
    PaymentIntent is opened when the checkout is made; if Stripe did not answer then, the
    page offers to try again (a POST: looking at the page never writes at Stripe)."""
    allow_stripe()  # this page alone may load Stripe.js and its frames (app/security.py)
    now = clock()
    seconds_left = max(0, int((checkout.hold_expires_at - now).total_seconds()))
    expired = checkout.status == CHECKOUT_EXPIRED or seconds_left == 0
    back = request.args.get("redirect_status")  # added by Stripe to the return_url
    payment, unavailable = None, None
    if not expired:
        if request.method == "POST":
            try:
                payment_services.open_payment(provider, checkout.id)
            except DomainError as error:
                unavailable = error.message
        payment = payment_details(provider, checkout)
        if payment.get("client_secret") is None and unavailable is None:
            unavailable = _("Le paiement par carte est momentanément indisponible ; vos "
                            "articles restent réservés, réessayez dans un instant.")
    if back in ("succeeded", "processing"):
        cart.remove({line.product_id for order in checkout.orders for line in order.lines})
    return render_template("web/payment_stripe.html", checkout=checkout, payment=payment,
                           unavailable=unavailable, expired=expired, seconds_left=seconds_left,
                           waiting=back in ("succeeded", "processing"), failed=back == "failed",
                           return_url=url_for(".payment", checkout_id=checkout.id,
                                              _external=True)), 503 if unavailable else 200


@bp.get("/commande/<int:checkout_id>/merci")
def thanks(checkout_id):
    checkout = _own_checkout(checkout_id)
    if checkout.status != CHECKOUT_PLACED:
        return redirect(url_for(".payment", checkout_id=checkout.id))
    return render_template("web/thanks.html", checkout=checkout)
