"""Where each shop is: its address found by the town's geocoder (the street table or the
national address base, app/delivery/geocoding.py), for the geo of its structured data."""
import logging

import sqlalchemy as sa

from app.database import unit_of_work
from app.delivery.geocoding import GeocoderUnavailable
from app.extensions import db
from app.seo.structured_data import split_address
from app.shops.models import Shop

log = logging.getLogger(__name__)


def locate_shops(geocoder, *, again: bool = False) -> int:
    """Find the shops' places (those without one, or all with `again`); returns how many
    were found. The geocoder is asked with no transaction open (it may be a web service)."""
    with unit_of_work(write=False):
        query = sa.select(Shop.id, Shop.address).where(Shop.address != "")
        if not again:
            query = query.where(Shop.latitude.is_(None))
        shops = db.session.execute(query).all()
    found = {}
    for shop_id, address in shops:
        try:
            # The whole line first; the street table knows streets, not towns: then the street.
            matches = geocoder.suggest(address) or geocoder.suggest(split_address(address)[0])
        except GeocoderUnavailable:
            log.warning("geocoder unavailable: shop %s left without its place", shop_id)
            continue
        if matches:
            found[shop_id] = (matches[0].lat, matches[0].lon)
    with unit_of_work():
        for shop_id, (lat, lon) in found.items():
            db.session.execute(sa.update(Shop).where(Shop.id == shop_id)
                               .values(latitude=lat, longitude=lon))
    return len(found)
