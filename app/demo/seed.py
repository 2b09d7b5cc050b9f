"""The demo town: five shops open Monday to Saturday 09:00-19:00, 20+ products each."""
import re
from datetime import time, timedelta

import sqlalchemy as sa
from flask import current_app

from app import geocoder
from app.accounts.models import MANAGER, MERCHANT, User
from app.catalog.models import Product
from app.catalog.search import search_text_for
from app.database import unit_of_work, utcnow
from app.demo.pictures import product_picture, shop_logo
from app.delivery.models import CUTOFF_DAY_BEFORE, CUTOFF_SAME_DAY, DeliveryZone
from app.delivery.planning import create_courier
from app.delivery.services import create_window, create_zone
from app.extensions import db
from app.photos.services import set_product_photo, set_shop_logo
from app.shops.models import Shop
from app.seo.places import locate_shops
from app.shops.services import create_shop

DEMO_PASSWORD = "comptoir-demo"
MANAGER_EMAIL = "gestion@demo.comptoir.fr"

SHOPS = [
    ("boulangerie-martin", "Boulangerie Martin", "3 rue des Tables", "04 71 09 12 34",
     [("Baguette tradition", 130), ("Pain de campagne", 380), ("Croissant au beurre", 120),
      ("Pain au chocolat", 140), ("Brioche tressée", 650), ("Fougasse aux olives", 420),
      ("Pain aux noix", 450), ("Éclair au café", 320), ("Tarte aux myrtilles", 2200),
      ("Chausson aux pommes", 190), ("Pain complet", 350), ("Ficelle", 100),
      ("Pain de seigle", 390), ("Flan pâtissier (part)", 310), ("Macaron framboise", 150),
      ("Galette des rois", 1800), ("Kouign-amann", 290), ("Pain d'épices", 690),
      ("Financier", 160), ("Cookie chocolat", 220), ("Baguette aux céréales", 160)]),
    ("fromagerie-du-plot", "Fromagerie du Plot", "12 place du Plot", "04 71 02 45 67",
     [("Fourme d'Ambert (250 g)", 550), ("Bleu d'Auvergne (250 g)", 520),
      ("Saint-Nectaire fermier (1/2)", 1290), ("Cantal entre-deux (250 g)", 590),
      ("Salers AOP (250 g)", 790), ("Tomme de vache (250 g)", 480),
      ("Crème fraîche (50 cl)", 420), ("Beurre demi-sel (250 g)", 390),
      ("Yaourt fermier nature", 110), ("Faisselle", 290), ("Brie de Meaux (part)", 610),
      ("Comté 18 mois (250 g)", 850), ("Chèvre frais", 320), ("Raclette (500 g)", 990),
      ("Lait cru (1 L)", 150), ("Roquefort (150 g)", 640), ("Mozzarella di bufala", 390),
      ("Gaperon", 780), ("Œufs fermiers (6)", 290), ("Fromage blanc (500 g)", 340),
      ("Murol", 690)]),
    ("boucherie-vidal", "Boucherie Vidal", "45 boulevard Saint-Louis", "04 71 05 78 90",
     [("Entrecôte (300 g)", 1290), ("Steak haché (2 × 125 g)", 590),
      ("Saucisse de Toulouse (500 g)", 790), ("Rôti de porc (1 kg)", 1490),
      ("Poulet fermier (1,6 kg)", 1690), ("Côte de bœuf (1 kg)", 3290),
      ("Pâté de campagne (200 g)", 390), ("Jambon blanc (4 tranches)", 560),
      ("Saucisson sec", 890), ("Terrine du chef (200 g)", 450), ("Merguez (500 g)", 720),
      ("Blanquette de veau (500 g)", 1190), ("Bourguignon (1 kg)", 1590),
      ("Rillettes (200 g)", 420), ("Chipolatas (500 g)", 690), ("Magret de canard", 1390),
      ("Boudin noir (2)", 490), ("Lard fumé (200 g)", 380), ("Escalope de dinde (2)", 690),
      ("Andouillette", 450), ("Caillette ardéchoise", 390)]),
    ("primeur-des-halles", "Le Primeur des Halles", "Halles couvertes, stand 4", "04 71 06 11 22",
     [("Lentilles vertes du Puy (500 g)", 390), ("Pommes Golden (1 kg)", 290),
      ("Poires Conférence (1 kg)", 340), ("Carottes (1 kg)", 190), ("Poireaux (botte)", 250),
      ("Pommes de terre (2,5 kg)", 450), ("Oignons jaunes (1 kg)", 220),
      ("Tomates grappe (1 kg)", 390), ("Salade batavia", 150), ("Courgettes (1 kg)", 290),
      ("Champignons de Paris (500 g)", 320), ("Bananes (1 kg)", 250),
      ("Oranges à jus (2 kg)", 490), ("Citrons (4)", 200), ("Ail violet (3 têtes)", 290),
      ("Clémentines (1 kg)", 380), ("Kiwis (6)", 290), ("Potimarron", 350),
      ("Épinards (500 g)", 320), ("Fraises (250 g)", 450), ("Myrtilles (125 g)", 390),
      ("Miel de montagne du Velay (250 g)", 690)]),
    ("cave-saint-michel", "Cave Saint-Michel", "8 rue Saint-Gilles", "04 71 09 33 44",
     [("Verveine du Velay (70 cl)", 3290), ("Côtes-du-Rhône rouge", 890),
      ("Saint-Joseph rouge", 1890), ("Châteauneuf-du-Pape", 3490), ("Champagne brut", 2990),
      ("Cidre fermier", 590), ("Bière blonde du Velay", 350), ("Bière ambrée du Velay", 370),
      ("Jus de pomme artisanal (1 L)", 450), ("Limonade artisanale", 290),
      ("Crémant de Loire", 1290), ("Sancerre blanc", 1990), ("Muscadet", 790),
      ("Beaujolais-Villages", 990), ("Pastis artisanal", 2490), ("Sirop de violette", 690),
      ("Whisky tourbé", 4590), ("Rosé de Provence", 1090), ("Vin chaud épicé", 890),
      ("Liqueur de châtaigne", 1990), ("Eau pétillante (1 L)", 180)]),
]

KINDS = {"boulangerie-martin": "boulangerie", "fromagerie-du-plot": "fromagerie",
         "boucherie-vidal": "boucherie", "primeur-des-halles": "primeur",
         "cave-saint-michel": "caviste"}

# Each shop's shelves ("rayons"), by a word of the product's name; the first is the default.
CATEGORIES = {
    "boulangerie-martin": ["Pains", ("Viennoiseries", ("croissant", "pain au chocolat",
                                                        "brioche", "chausson", "kouign")),
                           ("Pâtisseries", ("tarte", "éclair", "flan", "macaron", "galette",
                                            "financier", "cookie", "épices"))],
    "fromagerie-du-plot": ["Fromages", ("Crèmerie", ("crème", "beurre", "yaourt", "faisselle",
                                                      "lait", "œufs", "fromage blanc"))],
    "boucherie-vidal": ["Boucherie", ("Charcuterie", ("pâté", "jambon", "saucisson",
                                                       "terrine", "rillettes", "boudin", "lard",
                                                       "andouillette", "caillette"))],
    "primeur-des-halles": ["Légumes", ("Fruits", ("pommes golden", "poires", "bananes",
                                                   "oranges", "citrons", "clémentines",
                                                   "kiwis", "fraises", "myrtilles")),
                           ("Miels", ("miel",))],
    "cave-saint-michel": ["Vins", ("Bières et cidres", ("bière", "cidre")),
                          ("Sans alcool", ("jus", "limonade", "sirop", "eau")),
                          ("Spiritueux", ("verveine", "pastis", "whisky", "liqueur"))],
}
PROMOTION_EVERY = 7      # one product in seven is on promotion, so the demo shows some
PROMOTION_PERCENT = 20


# What each shop is (app.shops.services.SHOP_KINDS): "boulangerie" finds the bakery's loaves.
KINDS = {"boulangerie-martin": "boulangerie", "fromagerie-du-plot": "fromagerie",
         "boucherie-vidal": "boucherie", "primeur-des-halles": "primeur",
         "cave-saint-michel": "caviste"}
# Some products' English names: English pages find them by English words.
NAMES_EN = {
    "Baguette tradition": "Traditional baguette", "Pain de campagne": "Country bread",
    "Croissant au beurre": "Butter croissant", "Pain complet": "Wholemeal bread",
    "Pain de seigle": "Rye bread", "Pain aux noix": "Walnut bread",
    "Pain d'épices": "Gingerbread", "Tarte aux myrtilles": "Blueberry tart",
    "Tomme de vache (250 g)": "Cow's milk tomme cheese (250 g)",
    "Fromage blanc (500 g)": "Fresh white cheese (500 g)",
    "Œufs fermiers (6)": "Free-range eggs (6)", "Beurre demi-sel (250 g)": "Salted butter (250 g)",
    "Côte de bœuf (1 kg)": "Rib of beef (1 kg)", "Poulet fermier (1,6 kg)": "Free-range chicken (1.6 kg)",
    "Jambon blanc (4 tranches)": "Cooked ham (4 slices)",
    "Miel de montagne du Velay (250 g)": "Velay mountain honey (250 g)",
    "Pommes Golden (1 kg)": "Golden apples (1 kg)", "Carottes (1 kg)": "Carrots (1 kg)",
    "Jus de pomme artisanal (1 L)": "Craft apple juice (1 L)",
    "Bière blonde du Velay": "Velay blonde beer", "Cidre fermier": "Farmhouse cider",
}


def _category(slug: str, product_name: str) -> str:
    """A shelf whose word starts a word of the name: "eau" files "Eau pétillante" under
    "Sans alcool", not "Beaujolais" or "Châteauneuf" (which hold "eau" inside a word)."""
    default, *shelves = CATEGORIES[slug]
    lowered = product_name.lower()
    return next((name for name, words in shelves
                 if any(re.search(rf"(?<!\w){re.escape(w)}", lowered) for w in words)),
                default)


def _refile(shop: Shop, products) -> None:
    """A town seeded before: the shop's kind, its shelves and English names as they are now
    (two wines were once filed under "Sans alcool"); products added to the list since."""
    with unit_of_work():
        shop.kind = shop.kind or KINDS[shop.slug]
        existing = {p.name: p for p in db.session.scalars(
            sa.select(Product).where(Product.shop_id == shop.id))}
        for j, (product_name, price) in enumerate(products):
            product = existing.get(product_name)
            if product is None:
                db.session.add(Product(shop_id=shop.id, name=product_name, price_cents=price,
                                       on_hand=12, sku=f"{shop.slug[:4].upper()}-{j + 1:03d}",
                                       category=_category(shop.slug, product_name),
                                       name_en=NAMES_EN.get(product_name),
                                       search_text=search_text_for(product_name)))
                continue
            product.category = _category(shop.slug, product_name)
            product.name_en = product.name_en or NAMES_EN.get(product_name)


def seed_demo() -> list[tuple[str, str, str]]:
    """Idempotent: run twice, the town is still there once. Returns (role, email, shop)."""
    accounts, now = [], utcnow()
    for index, (slug, name, address, phone, products) in enumerate(SHOPS):
        shop = db.session.scalar(sa.select(Shop).where(Shop.slug == slug))
        if shop is None:
            shop = create_shop(slug=slug, name=name, address=f"{address}, 43000 Le Puy-en-Velay",
                               phone=phone, slot_minutes=15, seats_per_slot=4, prep_minutes=60)
            with unit_of_work():
                shop.kind = KINDS[slug]
                for j, (product_name, price) in enumerate(products):
                    on_promotion = j % PROMOTION_EVERY == index % PROMOTION_EVERY
                    db.session.add(Product(
                        shop_id=shop.id, name=product_name, price_cents=price,
                        on_hand=5 + (j * 7 + index * 3) % 40, sku=f"{slug[:4].upper()}-{j + 1:03d}",
                        category=_category(slug, product_name),
                        promo_price_cents=price * (100 - PROMOTION_PERCENT) // 100
                        if on_promotion else None,
                        promo_starts_at=now if on_promotion else None,
                        promo_ends_at=now + timedelta(days=7) if on_promotion else None,
                        name_en=NAMES_EN.get(product_name),
                        search_text=search_text_for(product_name)))
        else:
            _refile(shop, products)
        _ensure_pictures(shop)
        if not shop.kind:  # what search engines are told the shop is (a Bakery…)
            with unit_of_work():
                shop.kind = KINDS[slug]
        email = f"{slug}@demo.comptoir.fr"
        _ensure_user(email, MERCHANT, shop.id)
        accounts.append(("merchant", email, slug))
    _ensure_user(MANAGER_EMAIL, MANAGER, None)
    accounts.append(("manager", MANAGER_EMAIL, ""))
    _seed_delivery()
    locate_shops(geocoder())  # the shops' places, from the demo's street table
    return accounts


def _ensure_pictures(shop: Shop) -> None:
    """A logo and a photo for each product, drawn now, for what has none yet."""
    storage = current_app.extensions["comptoir.photos"]
    if shop.logo_id is None:
        set_shop_logo(shop.id, shop_logo(shop.slug, shop.name), storage)
    bare = db.session.execute(sa.select(Product.id, Product.name).where(
        Product.shop_id == shop.id, Product.photo_id.is_(None))).all()
    for product_id, name in bare:
        set_product_photo(shop.id, product_id, product_picture(shop.slug, name), storage)


# Home delivery in the demo town: the town's postcode, and its neighbours within 4 km of
# the depot; a morning, a late-afternoon and an evening window, Monday to Saturday.
DELIVERY_ZONES = [
    dict(name="Le Puy-en-Velay", postcodes="43000", radius_m=None, fee_cents=390,
         free_above_cents=5000, min_basket_cents=1500, weekdays="012345"),
    dict(name="Agglomération (4 km)", postcodes="", radius_m=4000, fee_cents=590,
         free_above_cents=8000, min_basket_cents=2500, weekdays="012345"),
]
DELIVERY_WINDOWS = [  # starts, ends, drops, cut-off (days before, time)
    (time(10, 30), time(12, 0), 10, CUTOFF_DAY_BEFORE, time(18, 0)),
    (time(17, 0), time(19, 0), 15, CUTOFF_SAME_DAY, time(14, 0)),
    (time(19, 0), time(21, 0), 15, CUTOFF_SAME_DAY, time(16, 0)),
]
COURIERS = [("Léa Martin", "06 21 43 65 87", 12), ("Malik Benali", "06 98 76 54 32", 16)]


def _seed_delivery() -> None:
    """Zones, windows and couriers, once (the street table ships as app/demo/streets.csv,
    the default COMPTOIR_STREET_TABLE)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(DeliveryZone)):
        return
    for zone in DELIVERY_ZONES:
        create_zone(**zone)
    for starts, ends, drops, days_before, cutoff in DELIVERY_WINDOWS:
        create_window(weekdays="012345", starts=starts, ends=ends, drops=drops,
                      cutoff_days_before=days_before, cutoff_time=cutoff)
    for name, phone, capacity in COURIERS:
        create_courier(name=name, phone=phone, capacity=capacity)


def _ensure_user(email: str, role: str, shop_id: int | None) -> None:
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        return
    with unit_of_work():
        user = User(email=email, role=role, shop_id=shop_id)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
