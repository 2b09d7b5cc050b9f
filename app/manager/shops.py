"""The manager brings shops in (/gestion/boutiques): creates one, invites its merchant by a
one-time link, publishes it when ready; the list says what each shop still lacks."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, StringField
from wtforms.validators import InputRequired, Length

from app import clock
from app.accounts.invitations import INVITATION_DAYS, invite_merchant, pending_invitation
from app.errors import DomainError, NotFound
from app.manager.routes import bp
from app.numbers import NumberRange
from app.shops.models import DEFAULT_COMMISSION_BPS
from app.shops.onboarding import (missing_labels, onboarding_states, register_shop,
                                  set_published, shop_by_slug, shop_state)


class ShopForm(FlaskForm):
    name = StringField(_l("Nom de la boutique"), validators=[
        InputRequired(message=_l("Le nom est obligatoire.")), Length(max=120)],
        render_kw={"maxlength": 120, "autocomplete": "organization"})
    slug = StringField(_l("Identifiant dans l'adresse"), validators=[
        InputRequired(message=_l("L'identifiant est obligatoire.")), Length(max=64)],
        render_kw={"maxlength": 64, "autocapitalize": "none", "spellcheck": "false"})
    siret = StringField(_l("SIRET"), validators=[
        InputRequired(message=_l("Le SIRET est obligatoire."))],
        render_kw={"inputmode": "numeric", "maxlength": 20})
    commission_bps = IntegerField(_l("Commission (points de base)"), default=DEFAULT_COMMISSION_BPS,
                                  validators=[InputRequired(message=_l("Un nombre entier.")),
                                              NumberRange(0, 10000)],
                                  render_kw={"inputmode": "numeric", "min": 0, "max": 10000})
    iban = StringField(_l("IBAN (facultatif)"), render_kw={"maxlength": 42,
                                                           "autocapitalize": "characters"})
    bic = StringField(_l("BIC (facultatif)"), render_kw={"maxlength": 11,
                                                         "autocapitalize": "characters"})
    account_holder = StringField(_l("Titulaire du compte"), render_kw={"maxlength": 70})


class InvitationForm(FlaskForm):
    email = EmailField(_l("E-mail du commerçant"), validators=[
        InputRequired(message=_l("L'adresse e-mail est obligatoire.")), Length(max=254)],
        render_kw={"maxlength": 254, "autocomplete": "off"})


@bp.get("/boutiques")
def shops():
    return render_template("manager/shops.html", states=onboarding_states(clock()),
                           labels=missing_labels())


@bp.route("/boutiques/nouvelle", methods=["GET", "POST"])
def new_shop():
    form = ShopForm()
    if form.validate_on_submit():
        try:
            shop = register_shop(slug=form.slug.data.strip(), name=form.name.data,
                                 siret=form.siret.data, commission_bps=form.commission_bps.data,
                                 iban=form.iban.data, bic=form.bic.data,
                                 account_holder=form.account_holder.data)
        except DomainError as error:
            target = form._fields.get(error.field or "", form.name)
            target.errors = [*target.errors, error.message]
        else:
            flash(_("Boutique créée, non publiée : invitez son commerçant."), "success")
            return redirect(url_for("manager.shop", slug=shop.slug))
    status = 422 if form.errors else 200
    return render_template("manager/shops_new.html", form=form), status


def _render_shop(slug: str, *, form=None, link=None, status=200):
    shop = shop_by_slug(slug)
    state = shop_state(shop, clock())
    return render_template("manager/shops_detail.html", shop=shop, state=state,
                           labels=missing_labels(), form=form or InvitationForm(formdata=None),
                           link=link, days=INVITATION_DAYS,
                           pending=pending_invitation(shop.id, clock())), status


@bp.get("/boutiques/<slug>")
def shop(slug):
    try:
        return _render_shop(slug)
    except DomainError:
        abort(404)


@bp.post("/boutiques/<slug>/invitation")
def invite(slug):
    """The link is shown on this answer only (not flashed: the session cookie is readable)."""
    form = InvitationForm()
    try:
        target = shop_by_slug(slug)
    except DomainError:
        abort(404)
    if not form.validate():
        return _render_shop(slug, form=form, status=422)
    try:
        _invitation, token = invite_merchant(target, form.email.data, now=clock())
    except DomainError as error:
        form.email.errors = [*form.email.errors, error.message]
        return _render_shop(slug, form=form, status=422)
    # The town's public address, as in SMS links: the manager sends it on.
    link = current_app.config["PUBLIC_URL"].rstrip("/") + url_for("invitation.accept",
                                                                   token=token)
    page, status = _render_shop(slug, link=link)
    return page, status, {"Cache-Control": "no-store"}  # the link is on this page only


@bp.post("/boutiques/<slug>/publier")
def publish(slug):
    return _publish(slug, True)


@bp.post("/boutiques/<slug>/depublier")
def unpublish(slug):
    return _publish(slug, False)


def _publish(slug: str, published: bool):
    try:
        shop = set_published(slug, published, now=clock())
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("manager.shop", slug=slug))
    flash(_("Boutique publiée : les clients la voient.") if published else
          _("Boutique retirée : les clients ne la voient plus."), "success")
    return redirect(request.form.get("back") == "list" and url_for("manager.shops")
                    or url_for("manager.shop", slug=shop.slug))
