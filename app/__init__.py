"""Comptoir: one marketplace per town, every shop with its own page, drive pickup."""
import logging
from datetime import datetime

from flask import Flask, current_app
from flask_login import current_user

from app import assets, i18n, security
from app.database import configure_sqlite, utcnow
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from config import Config, engine_options


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    security.init_app(app)  # no start without a real SECRET_KEY; headers, cookies
    _ensure_instance_dir(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    # Templates get Flask-Login's lazy proxy, not the user loaded for every render: loading
    # it marks an anonymous session "not fresh" and so rewrites its cookie, and a response
    # that needs no user (the service worker, the offline page) then raced the sign-in's
    # cookie and signed the merchant out again.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app, babel)
    assets.init_app(app)

    with app.app_context():
        configure_sqlite(db.engine)

    from app.notify.providers import sms_provider_from_config
    from app.payments.providers import payment_provider_from_config
    app.extensions["comptoir.payments"] = payment_provider_from_config(app.config)
    app.extensions["comptoir.sms"] = sms_provider_from_config(app.config)
    from app.delivery.geocoding import geocoder_from_config
    app.extensions["comptoir.geocoder"] = geocoder_from_config(app.config)
    app.extensions["comptoir.clock"] = utcnow  # tests put a controlled clock here

    from app import models  # noqa: F401  every table known to SQLAlchemy and Alembic
    from app import handlers  # noqa: F401  what each package does when an order changes
    from app.accounts import routes as accounts_routes
    from app.api import bp as api_bp
    from app.cli import register_cli
    from app.manager import routes as manager_routes
    from app.merchant import routes as merchant_routes
    from app.templating import register_templating
    from app.vouchers import routes as voucher_routes
    from app.web import routes as web_routes

    app.register_blueprint(web_routes.bp)
    app.register_blueprint(accounts_routes.bp)
    app.register_blueprint(merchant_routes.bp)
    from app.manager import shops as _manager_shops  # noqa: F401  onboarding pages on bp
    from app.delivery import routes as _delivery_routes  # noqa: F401  delivery pages on bp
    app.register_blueprint(manager_routes.bp)
    from app.accounts import invitation_page
    app.register_blueprint(invitation_page.bp)
    from app.ledger import routes as ledger_routes
    app.register_blueprint(ledger_routes.bp)
    app.register_blueprint(voucher_routes.bp)
    app.register_blueprint(voucher_routes.balance_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # bearer tokens and JSON, no cookies: CSRF does not apply
    from app.photos import routes as photo_routes
    photo_routes.init_app(app)
    from app.seo import routes as seo_routes  # sitemap, robots.txt, feeds, embed, head tags
    seo_routes.init_app(app)
    register_templating(app)
    register_cli(app)
    from app import ops  # health, readiness, metrics, request log, proxy headers, doctor
    ops.init_app(app)
    return app


def _ensure_instance_dir(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        from pathlib import Path
        Path(uri[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)


def payments_provider():
    return current_app.extensions["comptoir.payments"]


def sms_provider():
    return current_app.extensions["comptoir.sms"]


def geocoder():
    return current_app.extensions["comptoir.geocoder"]


def clock() -> datetime:
    """Now, for routes, jobs and commands. Services never read the clock: it is passed in."""
    return current_app.extensions["comptoir.clock"]()
