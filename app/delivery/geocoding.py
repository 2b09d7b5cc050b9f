"""Geocoder adapters: a typed address -> suggestions with their coordinates.

The default (COMPTOIR_GEOCODER=streets) reads the town's street table, a CSV shipped with
the town's data, so the app runs offline; COMPTOIR_GEOCODER=ban asks the French national
address base (Base Adresse Nationale) through its HTTP API."""
import csv
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import requests

log = logging.getLogger("comptoir.geocoder")

MAX_SUGGESTIONS = 5
MAX_QUERY_CHARS = 200  # BAN refuses longer queries; an address is far shorter


@dataclass(frozen=True)
class Address:
    label: str     # as shown and kept: "12 rue des Tables, 43000 Le Puy-en-Velay"
    postcode: str
    city: str
    lat: float
    lon: float


class GeocoderUnavailable(Exception):
    """The geocoder could not answer (timeout, outage, garbled answer): try again later."""


class Geocoder(Protocol):
    name: str

    def suggest(self, text: str) -> list[Address]:
        """Up to MAX_SUGGESTIONS addresses for what the shopper typed, best first; raises
        GeocoderUnavailable when it cannot tell."""
        ...


def _folded(text: str) -> str:
    """Lower case, no accents, words only: "Rue Raphaël" and "rue raphael" match."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", plain.lower()))


@dataclass(frozen=True)
class Street:
    name: str
    postcode: str
    city: str
    lat: float
    lon: float
    first_number: int | None
    last_number: int | None
    words: str  # folded "name postcode city", what a query is matched against


class StreetTableGeocoder:
    """Streets of the town from a CSV table (street, postcode, city, lat, lon, and optional
    first_number, last_number). A street has one point: a house number only has to fall in
    its range, the coordinates stay the street's (close enough for a round in a town)."""

    name = "streets"

    def __init__(self, streets: list[Street]):
        self.streets = streets

    @classmethod
    def from_csv(cls, path: str | Path) -> "StreetTableGeocoder":
        streets = []
        with open(path, newline="", encoding="utf-8") as source:
            for row in csv.DictReader(source):
                first, last = row.get("first_number") or "", row.get("last_number") or ""
                streets.append(Street(
                    row["street"].strip(), row["postcode"].strip(), row["city"].strip(),
                    float(row["lat"]), float(row["lon"]),
                    int(first) if first.strip() else None, int(last) if last.strip() else None,
                    _folded(f"{row['street']} {row['postcode']} {row['city']}")))
        return cls(streets)

    def suggest(self, text: str) -> list[Address]:
        folded = _folded(text[:MAX_QUERY_CHARS])
        number_match = re.match(r"(\d+)\s+(.*)", folded)
        number, rest = (int(number_match[1]), number_match[2]) if number_match else (None, folded)
        words = rest.split()
        if not words:
            return []
        found = []
        for street in self.streets:
            street_words = street.words.split()
            # Each word typed is the start of a word of the street ("bd" does not, "boul" does).
            if not all(any(w.startswith(typed) for w in street_words) for typed in words):
                continue
            if number is not None and street.first_number is not None and not (
                    street.first_number <= number <= (street.last_number or number)):
                continue
            prefix = f"{number} " if number is not None else ""
            found.append(Address(f"{prefix}{street.name}, {street.postcode} {street.city}",
                                 street.postcode, street.city, street.lat, street.lon))
            if len(found) == MAX_SUGGESTIONS:
                break
        return found


class BanGeocoder:
    """The national address base's search API: GET {base}/search/?q=…&limit=5, answered
    with a GeoJSON FeatureCollection (coordinates are [lon, lat])."""

    name = "ban"

    def __init__(self, *, api_base: str, timeout_seconds: float = 3):
        self.api_base = api_base.rstrip("/")
        self.timeout_seconds = timeout_seconds

    def suggest(self, text: str) -> list[Address]:
        query = text.strip()[:MAX_QUERY_CHARS]
        if len(query) < 3:  # BAN answers 400 below three characters
            return []
        try:
            answer = requests.get(f"{self.api_base}/search/",
                                  params={"q": query, "limit": MAX_SUGGESTIONS},
                                  timeout=self.timeout_seconds)
            answer.raise_for_status()
            features = answer.json()["features"]
            return [_ban_address(feature) for feature in features][:MAX_SUGGESTIONS]
        except (requests.RequestException, ValueError, KeyError, TypeError, IndexError) as error:
            log.warning("BAN geocoder failed: %r", error)
            raise GeocoderUnavailable(str(error)) from error


def _ban_address(feature: dict) -> Address:
    properties = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    return Address(str(properties["label"]), str(properties.get("postcode", "")),
                   str(properties.get("city", "")), float(lat), float(lon))


def geocoder_from_config(config) -> Geocoder:
    choice = config.get("GEOCODER", "streets")
    if choice == "streets":
        return StreetTableGeocoder.from_csv(config["STREET_TABLE"])
    if choice == "ban":
        return BanGeocoder(api_base=config["BAN_API_BASE"],
                           timeout_seconds=config["GEOCODER_TIMEOUT_SECONDS"])
    raise RuntimeError(f"COMPTOIR_GEOCODER={choice!r} is not available; use 'streets' or 'ban'.")
