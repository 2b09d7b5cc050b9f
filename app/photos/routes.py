"""The photos' files, and how pages and the API point to them.

GET /photos/<key>-<width>.webp answers a stored file, cached for a year (its name is its
content's hash, so it never changes). With an S3 store and its public URL set, pages and
the API point to the bucket instead; without, the app serves the bucket's files here too."""
import re

from flask import Blueprint, Flask, abort, current_app, send_file, url_for

from app.photos.models import Photo
from app.photos.uploads import Request
from app.photos.storage import CACHE_CONTROL, CONTENT_TYPE, LocalStorage, storage_from_config

bp = Blueprint("photos", __name__)
FILE_NAME = re.compile(r"[0-9a-f]{32}-[0-9]{1,4}\.webp")


def photo_storage():
    return current_app.extensions["comptoir.photos"]


@bp.get("/photos/<name>")
def file(name: str):
    if not FILE_NAME.fullmatch(name):
        abort(404)
    storage = photo_storage()
    if isinstance(storage, LocalStorage):
        path = storage.path(name)
        if not path.is_file():
            abort(404)
        response = send_file(path, mimetype=CONTENT_TYPE, conditional=True, etag=False,
                             max_age=None)
    else:
        data = storage.get(name)
        if data is None:
            abort(404)
        response = current_app.response_class(data, mimetype=CONTENT_TYPE)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def photo_url(photo: Photo, width: int, *, external: bool = False) -> str:
    name = photo.file_name(width)
    return photo_storage().public_url(name) or url_for("photos.file", name=name,
                                                       _external=external)


def photo_srcset(photo: Photo) -> str:
    return ", ".join(f"{photo_url(photo, w)} {w}w" for w in photo.width_list)


def photo_src(photo: Photo, shown_px: int) -> str:
    """The fallback `src`: the smallest width that fills `shown_px` on a 2x screen."""
    widths = photo.width_list
    return photo_url(photo, next((w for w in widths if w >= 2 * shown_px), widths[-1]))


def photo_json(photo: Photo | None) -> dict | None:
    """The API's `photo` and `logo`: null, or the size of the largest file and the
    absolute URL of each width kept."""
    if photo is None:
        return None
    return {"width": photo.width, "height": photo.height,
            "urls": {str(w): photo_url(photo, w, external=True) for w in photo.width_list}}


def init_app(app: Flask) -> None:
    app.request_class = Request  # larger bodies for the endpoints that take photos
    app.extensions["comptoir.photos"] = storage_from_config(app.config, app.instance_path)
    app.register_blueprint(bp)
    app.add_template_global(photo_srcset, "photo_srcset")
    app.add_template_global(photo_src, "photo_src")
