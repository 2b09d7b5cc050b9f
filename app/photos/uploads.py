"""Larger bodies for the few endpoints that take a photo or a ZIP of them.

Every other request keeps MAX_CONTENT_LENGTH (2 MB). The limit must be known before the
body is read, and CSRF protection reads the form before any view runs: so the request
itself answers its limit from the endpoint it was routed to."""
import flask
from flask import current_app

# endpoint -> the config key of its limit
UPLOAD_LIMITS: dict[str, str] = {}


def takes_upload(endpoint: str, config_key: str = "PHOTO_UPLOAD_MAX_BYTES") -> None:
    UPLOAD_LIMITS[endpoint] = config_key


class Request(flask.Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.url_rule is not None:
            key = UPLOAD_LIMITS.get(self.url_rule.endpoint)
            if key:
                return current_app.config[key]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
