"""A catalogue file may name each product's aisle; the search then filters on it."""
import pytest

from app.catalog.importer import import_products
from app.catalog.search import categories, search_products
from app.errors import Invalid
from tests.factories import make_shop


def aisle(category: str) -> list[str]:
    return [p.name for p in search_products(category=category).items]


def test_the_category_column_files_products_under_their_aisle(app):
    bakery = make_shop()

    import_products(bakery, "name;price;stock;category\n"
                            "Baguette tradition;1,30;50;Pains\n"
                            "Éclair au café;2,80;12;Pâtisseries\n")

    assert aisle("Pains") == ["Baguette tradition"]
    assert aisle("Pâtisseries") == ["Éclair au café"]
    assert categories() == ["Pains", "Pâtisseries"]


def test_a_file_without_the_column_keeps_the_aisles_already_given(app):
    bakery = make_shop()
    import_products(bakery, "name,price,stock,category\nBaguette tradition,1.30,50,Pains\n")

    import_products(bakery, "name,price,stock\nBaguette tradition,1.40,40\n")

    assert aisle("Pains") == ["Baguette tradition"]


def test_a_too_long_category_is_refused_with_its_line(app):
    bakery = make_shop()

    with pytest.raises(Invalid) as refused:
        import_products(bakery, "name,price,stock,category\nBaguette,1.30,50," + "x" * 61 + "\n")

    assert refused.value.field == "category" and "ligne 2" in str(refused.value)
    assert aisle("x" * 61) == [] and search_products(q="baguette").items == []
