"""The import page, as a shop uses it from its phone: a file checked first (every line's fate,
every error with its line, nothing written), then imported as it was shown."""
import io
import time

import sqlalchemy as sa

from app.catalog.importer import import_products
from app.catalog.models import Product
from app.extensions import db
from tests.factories import make_merchant, make_product, make_shop
from tests.web.merchant_helpers import csrf_token, log_in, page, text

HEADER = "name;price;stock;sku;ean;category\n"


def products():
    db.session.expire_all()
    return db.session.execute(sa.select(Product.name, Product.price_cents, Product.on_hand,
                                        Product.active, Product.sku, Product.ean)
                              .order_by(Product.name)).all()


def signed_in(client, shop):
    make_merchant(shop)
    log_in(client, f"{shop.slug}@example.fr")


def dry_run(client, content: bytes, filename="catalogue.csv", withdraw=False):
    token = csrf_token(page(client, "/marchand/import"))
    data = {"csrf_token": token, "file": (io.BytesIO(content), filename)}
    if withdraw:
        data["withdraw_missing"] = "y"
    return client.post("/marchand/import", data=data, content_type="multipart/form-data")


def fates(response) -> list[tuple[str, str]]:
    import re
    return re.findall(r'data-fate="(\w+)" data-line="(\d*)"', response.get_data(as_text=True))


def apply(client, response):
    html = response.get_data(as_text=True)
    import re
    fields = dict(re.findall(r'name="(file_sha|plan|withdraw_missing|csrf_token)"[^>]*value="([^"]*)"',
                             html.split('data-testid="apply-form"')[1].split("</form>")[0]))
    return client.post("/marchand/import/appliquer", data=fields)


def test_a_dry_run_lists_every_lines_fate_and_writes_nothing_then_import_applies_it(app, client):
    shop = make_shop()
    make_product(shop, "Baguette", 130, stock=5)
    croissant = make_product(shop, "Croissant", 110, stock=10)
    croissant.sku = "VIE-1"
    make_product(shop, "Éclair", 280, stock=3)  # not in the file
    db.session.flush()
    signed_in(client, shop)
    before = products()
    content = (HEADER + "Baguette;1,30;5;;;\n"  # unchanged (found by name)
               "Croissant;1,20;10;VIE-1;;\n"  # update (found by sku)
               "Pain au chocolat;1,30;8;VIE-2;;Viennoiseries\n").encode()  # create

    checked = dry_run(client, content, withdraw=True)

    assert checked.status_code == 200
    assert fates(checked) == [("unchanged", "2"), ("update", "3"), ("create", "4"),
                              ("withdraw", "")]
    assert "1 à créer, 1 à mettre à jour, 1 inchangés, 1 à retirer de la vente, 0 en erreur" \
        in text(checked)
    assert products() == before

    imported = apply(client, checked)

    assert imported.status_code == 302 and imported.location.endswith("/marchand/produits")
    assert products() == [("Baguette", 130, 5, True, None, None),
                          ("Croissant", 120, 10, True, "VIE-1", None),
                          ("Pain au chocolat", 130, 8, True, "VIE-2", None),
                          ("Éclair", 280, 3, False, None, None)]
    assert "1 créés, 1 mis à jour, 1 inchangés, 1 retirés de la vente" in text(
        client.get("/marchand/produits"))


def test_every_bad_line_is_listed_with_its_number_and_nothing_is_written(app, client):
    shop = make_shop()
    signed_in(client, shop)
    content = (HEADER + "Baguette;1,30;5;;;\n"
               "<b>Pain</b>;1,00;1;;;\n"
               "Ficelle;douze;1;;;\n"
               "Miche;3,00;1;;3017620422004;\n").encode()

    checked = dry_run(client, content)

    assert checked.status_code == 422
    page_text = text(checked)
    assert "ligne 3 : name contient une balise" in page_text
    assert "ligne 4 : prix illisible « douze »." in page_text
    assert "ligne 5 : EAN « 3017620422004 » invalide" in page_text
    assert 'data-testid="apply-form"' not in checked.get_data(as_text=True)
    assert products() == []


def test_an_import_whose_plan_changed_since_the_dry_run_shows_the_new_plan(app, client):
    shop = make_shop()
    signed_in(client, shop)
    checked = dry_run(client, (HEADER + "Baguette;1,30;5;;;\n").encode())
    make_product(shop, "Baguette", 120, stock=5)  # added meanwhile: the line now updates
    db.session.flush()

    again = apply(client, checked)

    assert again.status_code == 409
    assert fates(again) == [("update", "2")] and "Le catalogue a changé" in text(again)
    assert products() == [("Baguette", 120, 5, True, None, None)]


def test_a_csv_saved_by_excel_in_windows_1252_imports_with_its_accents(app, client):
    shop = make_shop()
    signed_in(client, shop)
    content = (HEADER + "Pâté en croûte;4,50;3;;;Traiteur\n"
               "Crème brûlée – 2 pots;5,00;2;;;Desserts\n").encode("cp1252")

    apply(client, dry_run(client, content))

    assert [row[0] for row in products()] == ["Crème brûlée – 2 pots", "Pâté en croûte"]


def test_an_xlsx_workbook_imports(app, client):
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "price", "stock", "sku", "ean"])
    sheet.append(["Pâte à tartiner", 4.2, 12, "EPI-1", 3017620422003])
    sheet.append([None, None, None, None, None])
    sheet.append(["Confiture", "3,10", 6.0, "EPI-2", None])
    data = io.BytesIO()
    book.save(data)
    shop = make_shop()
    signed_in(client, shop)

    checked = dry_run(client, data.getvalue(), "catalogue.xlsx")
    assert fates(checked) == [("create", "2"), ("create", "4")]
    apply(client, checked)

    assert products() == [("Confiture", 310, 6, True, "EPI-2", None),
                          ("Pâte à tartiner", 420, 12, True, "EPI-1", "3017620422003")]


def test_a_file_that_is_not_a_workbook_is_refused_on_the_file_field(app, client):
    shop = make_shop()
    signed_in(client, shop)

    checked = dry_run(client, b"PK\x03\x04not a zip at all", "catalogue.xlsx")

    assert checked.status_code == 422 and "Classeur XLSX illisible" in text(checked)
    assert 'id="file-error"' in checked.get_data(as_text=True)
    assert products() == []


def test_a_line_with_a_known_ean_updates_that_product(app, client):
    shop = make_shop()
    nutella = make_product(shop, "Pâte à tartiner 400 g", 420, stock=4)
    nutella.ean = "3017620422003"
    db.session.flush()
    signed_in(client, shop)

    checked = dry_run(client, (HEADER + "Pâte à tartiner 400g;4,50;6;EPI-1;3017620422003;\n")
                      .encode())
    assert fates(checked) == [("update", "2")]
    apply(client, checked)

    assert products() == [("Pâte à tartiner 400g", 450, 6, True, "EPI-1", "3017620422003")]


def test_an_archived_product_is_not_found_by_an_import_and_leaves_the_catalogue(app, client):
    shop = make_shop()
    old = make_product(shop, "Galette", 900, stock=2)
    signed_in(client, shop)
    token = csrf_token(page(client, "/marchand/produits"))

    archived = client.post(f"/marchand/produits/{old.id}/archiver", data={"csrf_token": token})

    assert archived.status_code == 302
    assert "Galette" not in text(client.get("/marchand/produits")).split("archivé")[-1]
    assert fates(dry_run(client, (HEADER + "Galette;9,00;2;;;\n").encode())) == [("create", "2")]


def test_a_product_is_added_from_its_page_and_bad_values_stay_on_their_field(app, client):
    shop = make_shop()
    signed_in(client, shop)
    token = csrf_token(page(client, "/marchand/produits/nouveau"))
    form = {"csrf_token": token, "name": "Fougasse", "price": "3,20", "on_hand": "4",
            "ean": "3017620422004", "category": "Pains", "active": "y"}

    refused = client.post("/marchand/produits/nouveau", data=form)
    assert refused.status_code == 422
    assert 'id="ean-error"' in refused.get_data(as_text=True) and "EAN invalide" in text(refused)
    assert products() == []

    added = client.post("/marchand/produits/nouveau", data={**form, "ean": "3017620422003"})
    assert added.status_code == 302
    assert products() == [("Fougasse", 320, 4, True, None, "3017620422003")]


def test_five_thousand_lines_import_in_under_five_seconds(app):
    shop = make_shop()
    content = HEADER + "".join(f"Produit {i};{i % 90 + 1},50;{i % 40};SKU-{i};;Rayon {i % 12}\n"
                               for i in range(5000))
    started = time.perf_counter()

    report = import_products(shop, content)

    assert report.created == 5000 and time.perf_counter() - started < 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 5000


def test_files_left_waiting_for_more_than_a_day_are_removed_by_the_next_dry_run(app, client):
    # A merchant who ran a dry run and walked away leaves the file (a ZIP of photos may
    # weigh 100 MB) in instance/imports: the next dry run, any shop's, clears what is stale.
    import os
    from pathlib import Path
    signed_in(client, make_shop())
    folder = Path(app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stale, fresh = folder / f"999-{'a' * 64}", folder / f"999-{'b' * 64}"
    for path in (stale, fresh):
        path.write_bytes(b"name;price\n")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))

    assert dry_run(client, (HEADER + "Baguette;1,30;10;B1;;Pains\n").encode()).status_code == 200

    assert not stale.exists() and fresh.exists()
    fresh.unlink()
