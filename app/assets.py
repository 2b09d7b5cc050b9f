"""Static files: fingerprinted URLs and long cache lifetimes (filled in by issue 6)."""
from flask import Flask


def init_app(app: Flask) -> None:
    pass
