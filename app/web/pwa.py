"""The installable web app: its manifest, its service worker (the offline page and the
static files, nothing else), the offline page; and the tracking page's opt-in to Web Push
("votre commande est prête" without an SMS)."""
import hashlib
import json

from flask import (Response, current_app, flash, jsonify, redirect, render_template,
                   request, url_for)
from flask_babel import get_locale, gettext as _

from app import clock
from app.errors import DomainError
from app.notify.push import subscribe
from app.notify.web_push import WebPushSender
from app.orders.models import ENDED_STATES
from app.templating import page_of_town
from app.web.tracking import tracked_or_404
from app.web.basket import wants_json
from app.web.routes import bp

THEME = "#0b5d4b"
ICONS = [("icons/icon-192.png", 192, "any"), ("icons/icon-512.png", 512, "any"),
         ("icons/maskable-192.png", 192, "maskable"), ("icons/maskable-512.png", 512, "maskable")]
# What the service worker keeps for when the network is gone: the offline page and the
# files every page uses. Never a page with a basket, a checkout or a shop's orders in it.
PRECACHED_STATIC = ("css/app.css", "favicon.svg", "icons/icon-192.png")
# The worker's own policy (a worker obeys the CSP of its script's response): it may fetch
# this site only.
WORKER_POLICY = "default-src 'self'; base-uri 'none'; frame-ancestors 'none'"


@bp.get("/manifest.webmanifest")
def manifest():
    town = current_app.config["TOWN_NAME"]
    body = {
        "name": f"Comptoir · {town}",
        "short_name": "Comptoir",
        "description": _("Les commerces %(of_town)s", of_town=page_of_town(town)),
        "lang": get_locale().language,
        "start_url": url_for(".home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [{"src": url_for("static", filename=path), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": purpose} for path, size, purpose in ICONS],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from the site's root so that its scope is the whole site; never cached, so a
    new version (new static files) replaces the old one at the next visit."""
    precached = [url_for(".offline")] + [url_for("static", filename=f) for f in PRECACHED_STATIC]
    version = hashlib.sha256("\n".join(precached).encode()).hexdigest()[:12]
    body = render_template("pwa/sw.js", precached=precached, version=version,
                           offline_url=url_for(".offline"), icon=url_for(
                               "static", filename="icons/icon-192.png"))
    return Response(body, mimetype="text/javascript", headers={
        "Cache-Control": "no-cache", "Content-Security-Policy": WORKER_POLICY})


@bp.get("/hors-ligne")
def offline():
    """What the service worker shows when a page cannot be reached: no session read, no
    basket, nothing personal (it is kept in the browser's cache)."""
    return render_template("pwa/offline.html")


# --- Web Push opt-in on the tracking page -----------------------------------------------

def push_sender() -> WebPushSender | None:
    return WebPushSender.from_config(current_app.config)


@bp.app_template_global()
def push_public_key() -> str | None:
    """For the tracking page's opt-in; None when this site sends no push."""
    sender = push_sender()
    return sender.public_key if sender else None


@bp.post("/suivi/<token>/notifications")
def push_optin(token):
    order = tracked_or_404(token)
    sender = push_sender()
    ok, message = False, _("Les notifications ne sont pas proposées ici.")
    if sender is not None and order.status not in ENDED_STATES:
        try:
            subscription = json.loads(request.form.get("subscription") or "null")
            subscribe(order.id, subscription, services=sender.services, now=clock())
        except ValueError:
            message = _("Abonnement aux notifications illisible.")
        except DomainError as error:
            message = error.message
        else:
            ok, message = True, _("C'est noté : vous serez prévenu ici, sans SMS.")
    if wants_json():
        return jsonify(ok=ok, message=message), 200 if ok else 422
    flash(message, "success" if ok else "error")
    return redirect(url_for(".tracking", token=token))

