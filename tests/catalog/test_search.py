"""The town-wide search: the database's full-text index (FTS5 on SQLite, the French
configuration on PostgreSQL), whatever case and accents, words as prefixes, plurals found,
filters by shop and category, the best matches first."""
import pytest

from app.catalog.search import categories, search_products
from app.catalog.services import update_product
from app.extensions import db
from tests.factories import make_product, make_shop


def names(**query) -> list[str]:
    return [p.name for p in search_products(**query).items]


@pytest.fixture
def town(app):
    bakery = make_shop("boulangerie", "Boulangerie Martin")
    deli = make_shop("charcuterie", "Charcuterie Vidal")
    products = {
        "pate": make_product(deli, "Pâté de campagne", 450),
        "bread": make_product(bakery, "Baguette tradition", 130),
        "spelt": make_product(bakery, "Pain d'épeautre", 380),
        "rye": make_product(bakery, "Pain de seigle", 350),
        "tart": make_product(bakery, "Tarte aux myrtilles", 2200),
    }
    for key, category in (("pate", "Charcuterie"), ("bread", "Pains"), ("spelt", "Pains"),
                          ("rye", "Pains"), ("tart", "Pâtisseries")):
        products[key].category = category
    db.session.commit()
    return bakery, deli, products


def test_case_and_accents_do_not_matter(town):
    assert names(q="pate") == ["Pâté de campagne"]
    assert names(q="PÂTÉ") == ["Pâté de campagne"]
    assert names(q="epeautre") == ["Pain d'épeautre"]


def test_plurals_and_the_start_of_a_word_find_it(town):
    assert names(q="baguettes") == ["Baguette tradition"]
    assert names(q="bag") == ["Baguette tradition"]
    assert names(q="myrtille") == ["Tarte aux myrtilles"]


def test_every_word_must_match(town):
    assert names(q="pain epeautre") == ["Pain d'épeautre"]
    # The aisle "Pains" is searched too, after the names.
    assert names(q="pain") == ["Pain d'épeautre", "Pain de seigle", "Baguette tradition"]
    assert names(q="pain campagne") == []


def test_filters_by_shop_and_category(town):
    assert names(q="pain", shop_slug="charcuterie") == []
    assert names(category="Pains") == ["Baguette tradition", "Pain d'épeautre",
                                       "Pain de seigle"]
    assert names(q="tarte", category="Pains") == []
    assert categories() == ["Charcuterie", "Pains", "Pâtisseries"]


def test_a_name_match_ranks_above_a_description_only_match(town):
    bakery, _, _ = town
    honey = make_product(bakery, "Pain d'épices", 450)
    honey.description = "au miel"
    honey.search_text = "pain d'epices au miel"
    make_product(bakery, "Miel de montagne", 900)
    db.session.commit()

    assert names(q="miel") == ["Miel de montagne", "Pain d'épices"]


def test_withdrawn_products_and_closed_shops_never_show(town):
    bakery, deli, products = town
    products["bread"].active = False
    deli.active = False
    db.session.commit()

    assert names(q="baguette") == []
    assert names(q="pate") == []


def test_a_renamed_product_is_found_by_its_new_name_only(town):
    bakery, _, products = town
    update_product(bakery.id, products["rye"].id, {"name": "Pain complet"})

    assert names(q="seigle") == []
    assert names(q="complet") == ["Pain complet"]


@pytest.mark.parametrize("hostile", ['"', "*", "(pain", "NEAR(a b)", "-pain", "pain:*",
                                     "a & b | !c", "' OR 1=1 --", "\\", "%_"])
def test_query_syntax_in_the_words_is_only_text(town, hostile):
    found = names(q=hostile)  # never an error

    assert set(found) <= set(names(q="pain"))


def test_a_shop_that_says_what_it_is_is_found_by_it(town):
    from app.shops.services import update_profile
    bakery, _, _ = town
    assert names(q="bakery") == []

    update_profile(bakery.id, description="", kind="boulangerie")

    assert set(names(q="boulangerie")) == {"Baguette tradition", "Pain d'épeautre",
                                           "Pain de seigle", "Tarte aux myrtilles"}
    assert "Baguette tradition" in names(q="bakery")


def test_imported_products_are_found_by_stem_aisle_and_typo(app):
    from app.catalog.importer import import_products
    bakery = make_shop()

    import_products(bakery, "name;price;stock;category;description\n"
                            "Croissant au beurre;1,20;50;Viennoiseries;pur beurre AOP\n"
                            "Œufs de poule (6);2,90;12;Crèmerie;\n")

    assert names(q="croissants") == ["Croissant au beurre"]
    assert names(q="viennoiserie") == ["Croissant au beurre"]
    assert names(q="oeuf") == ["Œufs de poule (6)"]
    assert names(q="crosant") == ["Croissant au beurre"]
    assert names(q="aop") == ["Croissant au beurre"]


def test_an_english_name_in_the_catalogue_file_is_found_by_english_words(app):
    from app.catalog.importer import import_products
    bakery = make_shop()

    import_products(bakery, "name;price;stock;name_en\n"
                            "Pain de seigle;3,50;10;Rye bread\n"
                            "Miel de sapin;8,00;10;\n")

    assert names(q="rye") == ["Pain de seigle"]
    assert names(q="honey") == []
    import_products(bakery, "name;price;stock;name_en\nMiel de sapin;8,00;10;Fir honey\n")
    assert names(q="honey") == ["Miel de sapin"]
