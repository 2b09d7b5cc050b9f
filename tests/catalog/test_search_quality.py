"""Search quality on the demo town (app/demo): what people type — accents and ligatures
left out, plurals, aisles, kinds of shop, typos, English words — and the products each
query must show first, the same on SQLite and PostgreSQL."""
import pytest
import sqlalchemy as sa

from app.catalog.models import Product
from app.catalog.search import search_products
from app.demo.seed import seed_demo
from app.extensions import db
from tests.web.helpers import page, text

# query, the product(s) one of which must come first, products it must also find
QUALITY = [
    # accents, case and ligatures
    ("boeuf", {"Côte de bœuf (1 kg)"}, []),
    ("BŒUF", {"Côte de bœuf (1 kg)"}, []),
    ("cote de boeuf", {"Côte de bœuf (1 kg)"}, []),
    ("oeufs", {"Œufs fermiers (6)"}, []),
    ("pate", {"Pâté de campagne (200 g)"}, []),
    ("eclair", {"Éclair au café"}, []),
    ("creme fraiche", {"Crème fraîche (50 cl)"}, []),
    ("chateauneuf", {"Châteauneuf-du-Pape"}, []),
    ("clementine", {"Clémentines (1 kg)"}, []),
    # plurals and other forms (French stems)
    ("baguettes", {"Baguette aux céréales", "Baguette tradition"}, ["Baguette tradition"]),
    ("croissants", {"Croissant au beurre"}, []),
    ("poire", {"Poires Conférence (1 kg)"}, []),
    ("tomates", {"Tomates grappe (1 kg)"}, []),
    ("miels", {"Miel de montagne du Velay (250 g)"}, []),
    ("bieres", {"Bière ambrée du Velay", "Bière blonde du Velay"}, ["Cidre fermier"]),
    # aisles: the named product first, then the aisle
    ("vin", {"Vin chaud épicé"}, ["Beaujolais-Villages", "Châteauneuf-du-Pape",
                                   "Saint-Joseph rouge", "Sancerre blanc"]),
    ("vins", {"Vin chaud épicé"}, ["Beaujolais-Villages", "Muscadet"]),
    ("fromage", {"Fromage blanc (500 g)"}, ["Fourme d'Ambert (250 g)", "Comté 18 mois (250 g)",
                                            "Gaperon", "Murol", "Roquefort (150 g)"]),
    ("fruits", {"Bananes (1 kg)"}, ["Kiwis (6)", "Fraises (250 g)"]),
    ("charcuterie", {"Andouillette"}, ["Saucisson sec", "Rillettes (200 g)"]),
    ("miel", {"Miel de montagne du Velay (250 g)"}, []),
    # kinds of shop
    ("boulangerie", {"Baguette aux céréales"}, ["Croissant au beurre", "Pain de campagne"]),
    ("fromagerie", {"Beurre demi-sel (250 g)"}, ["Salers AOP (250 g)"]),
    ("caviste", {"Beaujolais-Villages"}, ["Whisky tourbé"]),
    ("primeur", {"Ail violet (3 têtes)"}, ["Carottes (1 kg)"]),
    ("pain boulangerie", {"Pain au chocolat", "Pain aux noix", "Pain complet"},
     ["Pain de seigle"]),
    # typos
    ("crosant", {"Croissant au beurre"}, []),
    ("baguete", {"Baguette aux céréales", "Baguette tradition"}, []),
    ("fromge", {"Fromage blanc (500 g)"}, []),
    ("saucison", {"Saucisson sec"}, []),
    ("chocolat", {"Pain au chocolat", "Cookie chocolat"}, []),
    ("chocolas", {"Pain au chocolat", "Cookie chocolat"}, []),
    # English words
    ("bread", {"Pain aux noix", "Pain complet", "Pain de campagne", "Pain de seigle"},
     ["Baguette tradition"]),
    ("cheese", {"Fromage blanc (500 g)", "Tomme de vache (250 g)"}, ["Salers AOP (250 g)"]),
    ("honey", {"Miel de montagne du Velay (250 g)"}, []),
    ("beef", {"Côte de bœuf (1 kg)"}, []),
    ("eggs", {"Œufs fermiers (6)"}, []),
    ("wine", {"Beaujolais-Villages"}, ["Sancerre blanc"]),
    ("apples", {"Pommes Golden (1 kg)", "Jus de pomme artisanal (1 L)"},
     ["Pommes Golden (1 kg)", "Jus de pomme artisanal (1 L)"]),
]


@pytest.fixture
def demo_town(app, monkeypatch):
    # The demo's drawn photos are no business of search (and take seconds to draw).
    monkeypatch.setattr("app.demo.seed._ensure_pictures", lambda shop: None)
    seed_demo()
    return app


def found(q: str) -> list[str]:
    return [p.name for p in search_products(q=q, page_size=60).items]


def test_the_demo_town_finds_what_people_type(demo_town):
    misses = []
    for q, first, also in QUALITY:
        names = found(q)
        if not names or names[0] not in first or not set(also) <= set(names):
            misses.append((q, names[:6], sorted(first), [a for a in also if a not in names]))
    assert misses == [], "\n".join(map(str, misses))


def test_the_two_wines_are_filed_under_wines(demo_town):
    aisles = dict(db.session.execute(sa.select(Product.name, Product.category).where(
        Product.name.in_(["Beaujolais-Villages", "Châteauneuf-du-Pape", "Eau pétillante (1 L)"]))
    ).all())

    assert aisles == {"Beaujolais-Villages": "Vins", "Châteauneuf-du-Pape": "Vins",
                      "Eau pétillante (1 L)": "Sans alcool"}
    assert "Beaujolais-Villages" not in [p.name for p in search_products(
        category="Sans alcool").items]


def test_the_page_counts_the_products_found(demo_town, client):
    shown = text(page(client, "/recherche?q=fromage"))
    count = len(found("fromage"))

    assert f"{count} produits" in shown
    assert "1 produit" in text(page(client, "/recherche?q=honey"))
    assert "Côte de bœuf" in text(page(client, "/recherche?q=boeuf"))


def test_a_typo_is_forgiven_and_said(demo_town, client):
    shown = text(page(client, "/recherche?q=crosant"))

    assert "Croissant au beurre" in shown
    assert "résultats pour « croissant »" in shown


def test_nothing_found_proposes_nearby_words_and_the_aisles(demo_town, client):
    html = page(client, "/recherche?q=fromaje+camembert")
    shown = text(html)

    assert "Aucun produit ne correspond à « fromaje camembert »" in shown
    assert "Essayez plutôt" in shown and "fromage" in shown
    assert "Ou parcourez les rayons" in shown
    for aisle in ("Fromages", "Vins", "Pains", "Charcuterie"):
        assert f">{aisle}</a>" in html
    assert "category=Vins" in html


def test_english_pages_show_the_aisles_in_english(demo_town, client):
    client.set_cookie("lang", "en")
    html = page(client, "/recherche?q=zzzz&lang=en")

    assert ">Wine</a>" in html and ">Cheese</a>" in html


def test_the_api_counts_and_corrects(demo_town, client):
    answer = client.get("/api/v1/products", query_string={"q": "crosant"}).json

    assert [i["name"] for i in answer["items"]] == ["Croissant au beurre"]
    assert (answer["total"], answer["total_capped"], answer["corrected"]) == (1, False,
                                                                             "croissant")
    nothing = client.get("/api/v1/products", query_string={"q": "fromaje camembert"}).json
    assert nothing["items"] == [] and nothing["total"] == 0
    assert "fromage" in nothing["suggestions"]
