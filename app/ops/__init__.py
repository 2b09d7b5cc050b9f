"""Running Comptoir as a service: the reverse proxy's headers, request ids and the
request log, Prometheus metrics, GET /healthz, /readyz and /metrics, `flask doctor`.
Bound to the app by init_app(app), from create_app."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    from app.extensions import csrf, limiter
    from app.ops import metrics
    from app.ops import models  # noqa: F401  the scheduler runs' table, known to Alembic
    from app.ops.cli import doctor
    from app.ops.logs import RequestLogMiddleware, configure_logging, remember_route
    from app.ops.routes import bp

    configure_logging(app.config.get("LOG_FORMAT", "text"))
    metrics.listen_to_payment_rows()
    metrics.listen_to_sms_tries()
    app.register_blueprint(bp)
    csrf.exempt(bp)
    limiter.exempt(bp)
    app.after_request(_count_delivery_reports)
    app.teardown_request(remember_route)
    app.cli.add_command(doctor)

    # Outermost first: the proxy's headers are read before anything logs or limits.
    app.wsgi_app = RequestLogMiddleware(app.wsgi_app, observe=metrics.observe_request)
    proxies = int(app.config.get("PROXIES") or 0)
    if proxies > 0:
        # Each trusted proxy appends one address to X-Forwarded-For: the shopper's is the
        # one `proxies` from the end. Trusting more than there are lets anyone choose theirs.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies)


def _count_delivery_reports(response):
    from app.ops.metrics import observe_delivery_report
    observe_delivery_report(response)
    return response
