from flask import Blueprint

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    return "Comptoir"


@bp.get("/panier")
def cart():
    return "panier"
