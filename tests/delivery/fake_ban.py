"""A local stand-in for the national address base's search API (api-adresse.data.gouv.fr),
which BanGeocoder calls over HTTP: GET /search/?q=…&limit=…, answered with a GeoJSON
FeatureCollection. It can be told to answer 500, a garbled body, or too late."""
import time
from urllib.parse import parse_qs

import pytest

from tests.conftest import app_on
from tests.fake_server import JsonHandler, LocalHttpFake

TIMEOUT_SECONDS = 2.0  # the app's GEOCODER_TIMEOUT_SECONDS in these tests: room for a loaded CI

ADDRESSES = [  # (label, postcode, city, lat, lon)
    ("12 Rue des Tables 43000 Le Puy-en-Velay", "43000", "Le Puy-en-Velay", 45.04502, 3.88237),
    ("12 Rue des Tables 43750 Vals-près-le-Puy", "43750", "Vals-près-le-Puy", 45.0311, 3.878),
]


class FakeBan(LocalHttpFake):
    def __init__(self):
        self.queries: list[dict] = []
        self.fault: str | None = None  # "500", "garbled", "slow": the next answers do that
        self._serve_with(self._handler())

    def _handler(self):
        fake = self

        class Handler(JsonHandler):
            sdk = "requests"

            def serve(self, method, url, body):
                if url.path != "/search/":
                    return self._send(404, {"message": "not found"})
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.queries.append(query)
                if fake.fault == "500":
                    return self._send(500, {"message": "oops"})
                if fake.fault == "garbled":
                    return self._send(200, "<html>maintenance</html>")
                if fake.fault == "slow":
                    time.sleep(TIMEOUT_SECONDS * 2)
                words = query.get("q", "").lower().split()
                found = [a for a in ADDRESSES if all(w in a[0].lower() for w in words)]
                return self._send(200, {"type": "FeatureCollection", "features": [
                    {"type": "Feature",
                     "geometry": {"type": "Point", "coordinates": [lon, lat]},
                     "properties": {"label": label, "postcode": postcode, "city": city,
                                    "score": 0.9, "type": "housenumber"}}
                    for label, postcode, city, lat, lon in found][:int(query.get("limit", 5))]})

        return Handler


@pytest.fixture
def fake_ban():
    fake = FakeBan().start()
    yield fake
    fake.stop()


@pytest.fixture
def ban_app(database_uri, clock, fake_ban):
    with app_on(database_uri, clock, GEOCODER="ban", BAN_API_BASE=fake_ban.url,
                GEOCODER_TIMEOUT_SECONDS=TIMEOUT_SECONDS) as app:
        yield app
