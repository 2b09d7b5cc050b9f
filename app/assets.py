"""Static files: fingerprinted URLs cached for a year, pages never cached publicly, text
compressed for phones.

Every `url_for('static', filename=…)` gets `?v=<hash8>` of the file's content, hashed once
at start-up: a changed file gets a new URL, so browsers may keep the old one forever. Pages
carry a CSRF token and the cart: private, revalidated each time.
"""
import gzip
import hashlib
from pathlib import Path

from flask import Flask, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"
PAGE_CACHE = "private, no-cache"
COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript",
                "application/json", "image/svg+xml", "text/plain"}
MIN_COMPRESS_BYTES = 1024  # below that gzip's header eats most of the saving


def content_hashes(folder: str | Path) -> dict[str, str]:
    """{'css/app.css': '1a2b3c4d', …}: the first 8 hex digits of each file's SHA-256."""
    root = Path(folder)
    if not root.is_dir():
        return {}
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:8]
            for path in sorted(root.rglob("*")) if path.is_file()}


def init_app(app: Flask) -> None:
    hashes = content_hashes(app.static_folder or "")
    app.extensions["comptoir.static_hashes"] = hashes

    @app.url_defaults
    def fingerprint(endpoint, values):
        if endpoint == "static" and "v" not in values:
            version = hashes.get(values.get("filename", ""))
            if version:
                values["v"] = version

    def static_url(filename: str) -> str:
        return url_for("static", filename=filename)

    app.jinja_env.globals["static_url"] = static_url

    @app.after_request
    def cache_and_compress(response):
        if request.endpoint == "static":
            filename = (request.view_args or {}).get("filename", "")
            if response.status_code in (200, 304) and request.args.get("v") and \
                    request.args["v"] == hashes.get(filename):
                response.headers["Cache-Control"] = IMMUTABLE
        elif response.mimetype == "text/html" and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = PAGE_CACHE
        return _gzipped(response)


def _gzipped(response):
    """The body gzipped when the client accepts it and it is worth it."""
    if (response.status_code != 200 or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers
            or (response.is_streamed and not response.direct_passthrough)
            or "gzip" not in request.headers.get("Accept-Encoding", "").lower()):
        return response
    response.direct_passthrough = False  # static files come as a file wrapper: read it
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag and not weak:  # another representation of the same content: a weak ETag
        response.set_etag(etag, weak=True)
    return response
