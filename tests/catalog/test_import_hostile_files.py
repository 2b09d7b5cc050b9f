"""Issue 12, "The 500s": the CSV import. Hostile files, each refused with a clear message that
names its line, and nothing written: 6 used to end in a traceback, 7 used to be accepted
(a 500-character SKU in a 64-character column, a name cut at 200 characters mid-word, a NUL,
an =HYPERLINK formula, <script>, Arabic-Indic digits read as a price). Through the command,
as an operator runs it."""
import pytest
import sqlalchemy as sa

from app.catalog.models import Product
from app.extensions import db
from tests.factories import make_product, make_shop

HEADER = "name;price;stock;sku;description;category\n"
GOOD = "Pain de campagne;2,40;12;BOUL-1;Au levain;Pains\n"

# name -> (file content, what the message must say)
HOSTILE = {
    "sku of 500 characters": (HEADER + GOOD + "Ficelle;0,90;4;" + "S" * 500 + ";;\n",
                              "ligne 3 : sku trop long (500 caractères ; 64 au plus)."),
    "name of 201 characters": (HEADER + GOOD + "Pain " + "x" * 196 + ";1,00;1;;;\n",
                               "ligne 3 : name trop long (201 caractères ; 200 au plus)."),
    "NUL in a name": (HEADER + GOOD + "Pain\x00bis;1,00;1;;;\n",
                      "ligne 3 : caractère nul dans le fichier."),
    "formula in a name": (HEADER + GOOD + '"=HYPERLINK(""http://evil.example"",""Promo"")";1,00;1;;;\n',
                          "ligne 3 : name commence par « = », ce qu'un tableur lit comme une formule."),
    "formula in a description": (HEADER + GOOD + "Pain;1,00;1;;@SUM(A1:A9);\n",
                                 "ligne 3 : description commence par « @ »"),
    "script in a name": (HEADER + GOOD + "<script>alert(1)</script>;1,00;1;;;\n",
                         "ligne 3 : name contient une balise"),
    "img in a description": (HEADER + GOOD + 'Pain;1,00;1;;<img src=x onerror=alert(1)>;\n',
                             "ligne 3 : description contient une balise"),
    "Arabic-Indic digit in a price": (HEADER + GOOD + "Pain;1١.00;1;;;\n",
                                      "ligne 3 : prix illisible « 1١.00 »."),
    "Arabic-Indic stock": (HEADER + GOOD + "Pain;1,00;١٢;;;\n",
                           "ligne 3 : stock : un entier de 0 à 1000000 est attendu"),
    "superscript stock": (HEADER + GOOD + "Pain;1,00;²;;;\n",
                          "ligne 3 : stock : un entier de 0 à 1000000 est attendu"),
    "superscript price_cents": ("name;price_cents;stock\nPain;²;1\n",
                                "ligne 2 : price_cents : un entier"),
    "price_cents of 30 digits": ("name;price_cents;stock\nPain;" + "9" * 30 + ";1\n",
                                 "ligne 2 : price_cents : un entier"),
    "stock of 30 digits": (HEADER + "Pain;1,00;" + "9" * 30 + ";;;\n",
                           "ligne 2 : stock : un entier"),
    "unclosed quote": (HEADER + GOOD + '"Pain;1,00;1;;;\nFicelle;0,90;4;;;\n',
                       "ligne 3 : ligne CSV illisible"),
    "text after a closing quote": (HEADER + GOOD + '"Pain"x;1,00;1;;;\n',
                                   "ligne 3 : ligne CSV illisible"),
    "cell of 200,000 characters": (HEADER + GOOD + "Pain;1,00;1;;" + "d" * 200_000 + ";\n",
                                   "ligne 3 : ligne CSV illisible"),
    "line break inside a quoted name": (HEADER + GOOD + '"Pain\nbis";1,00;1;;;\n',
                                        "ligne 3 : name contient un caractère de contrôle"),
    "right-to-left override in a name": (HEADER + GOOD + "Pain\u202eeuqilbup;1,00;1;;;\n",
                                         "ligne 3 : name contient un caractère de contrôle"),
    "the same sku twice": (HEADER + GOOD + "Pain bis;1,00;1;BOUL-1;;\n",
                           "ligne 3 : même produit que la ligne 2"),
    "more cells than columns": (HEADER + GOOD + "Pain;1,00;1;;;;x;y\n",
                                "ligne 3 : 8 cellules pour 6 colonnes."),
    "an active flag nobody can read": ("name;price;stock;active\nPain;1,00;1;peut-être\n",
                                       "ligne 2 : active vaut 1 ou 0"),
    "no name column": ("nom;prix;stock\nPain;1,00;1\n", "ligne 1 : la première ligne doit"),
    "no price column": ("name;stock\nPain;1\n", "ligne 1 : colonne price"),
    "the name column twice": ("name;name;price\nPain;Pain;1,00\n",
                              "ligne 1 : colonne « name » en double."),
    "Latin-1, not UTF-8": ((HEADER + GOOD + "Pâté;4,50;3;;;\n").encode("latin-1"),
                           "ligne 3 : le fichier n'est pas en UTF-8"),
    "a PNG image": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "n'est pas en UTF-8"),
    "a category of 61 characters": (HEADER + GOOD + "Pain;1,00;1;;;" + "c" * 61 + "\n",
                                    "ligne 3 : category trop long (61 caractères ; 60 au plus)."),
}


@pytest.mark.parametrize("content, says", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_refused_with_its_line_and_nothing_is_written(runner, app, tmp_path,
                                                                        content, says):
    shop = make_shop("boulangerie")
    make_product(shop, "Baguette", 130, stock=5)
    path = tmp_path / "produits.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    result = runner.invoke(args=["products", "import", "--shop", "boulangerie", str(path)])

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception  # a message, not a traceback
    assert result.output.startswith("Error [") and says in result.output, result.output
    assert len(result.output) < 400
    db.session.expire_all()
    assert db.session.execute(sa.select(Product.name, Product.price_cents, Product.on_hand)
                              ).all() == [("Baguette", 130, 5)]


def test_a_plain_file_with_a_bom_blank_lines_and_the_shops_own_columns_still_imports(
        runner, app, tmp_path):
    make_shop("boulangerie")
    path = tmp_path / "produits.csv"
    path.write_bytes("\ufeffname,price,stock,notes,active\r\n"
                     "Pain de campagne,\"2,40\",12,à refaire,oui\r\n\r\n"
                     "Tarte - 6 parts,22,2,,0\r\n".encode("utf-8"))

    result = runner.invoke(args=["products", "import", "--shop", "boulangerie", str(path)])

    assert (result.exit_code, result.output) == (0, "2 created, 0 updated\n")
    assert db.session.execute(sa.select(Product.name, Product.price_cents, Product.on_hand,
                                        Product.active).order_by(Product.name)).all() == [
        ("Pain de campagne", 240, 12, True), ("Tarte - 6 parts", 2200, 2, False)]
