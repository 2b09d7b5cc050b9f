"""Operator commands (`flask --app wsgi …`), run through Flask's CLI runner on the test
database: what the operator reads on the terminal, the exit code, and what is stored."""
import json
from datetime import time, timedelta

import sqlalchemy as sa

from app.accounts.models import User
from app.catalog.models import Product
from app.extensions import db
from app.photos.models import Photo
from app.figures.services import RECENT_DAYS
from app.orders.models import Checkout, Order
from app.shops.models import Shop
from app.shops.services import opening_hours_json
from tests.factories import make_product, make_shop, place_order


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- demo seed ----------------------------------------------------------------------------

def test_demo_seed_builds_the_demo_town_once(runner):
    first = runner.invoke(args=["demo", "seed"])

    assert first.exit_code == 0, first.output
    shops = db.session.scalars(sa.select(Shop).order_by(Shop.id)).all()
    assert len(shops) >= 5
    weekday = [{"opens": "09:00", "closes": "19:00"}]
    for shop in shops:
        assert count(Product, Product.shop_id == shop.id, Product.active.is_(True)) >= 20
        assert (shop.slot_minutes, shop.seats_per_slot, shop.prep_minutes) == (15, 4, 60)
        hours = opening_hours_json(shop)
        assert [hours[d] for d in ("monday", "tuesday", "wednesday", "thursday", "friday",
                                   "saturday")] == [weekday] * 6
        assert hours["sunday"] == []
        assert f"{shop.slug}@demo.comptoir.fr" in first.output
    assert "gestion@demo.comptoir.fr" in first.output
    assert "comptoir-demo" in first.output  # the operator needs the password to log in
    assert count(User, User.role == "merchant") == len(shops)
    assert count(User, User.role == "manager") == 1
    # Photos drawn at seed time, so that the shopper's pages are measured with them
    assert count(Product, Product.photo_id.is_(None)) == 0
    assert all(shop.logo_id for shop in shops)

    before = (count(Shop), count(Product), count(User), count(Photo))
    again = runner.invoke(args=["demo", "seed"])

    assert again.exit_code == 0, again.output
    assert (count(Shop), count(Product), count(User), count(Photo)) == before
    assert again.output == first.output


# --- users and shops ---------------------------------------------------------------------

def test_users_create_a_merchant_and_a_manager(runner, app):
    make_shop("fromagerie")

    merchant = runner.invoke(args=["users", "create", "--role", "merchant", "--email",
                                   "Paul@Fromagerie.fr", "--password", "longenough",
                                   "--shop", "fromagerie"])
    manager = runner.invoke(args=["users", "create", "--role", "manager", "--email",
                                  "mairie@ville.fr", "--password", "longenough"])

    assert (merchant.exit_code, merchant.output) == (0, "Created merchant paul@fromagerie.fr\n")
    assert (manager.exit_code, manager.output) == (0, "Created manager mairie@ville.fr\n")
    paul = db.session.scalar(sa.select(User).where(User.email == "paul@fromagerie.fr"))
    assert paul.shop.slug == "fromagerie" and paul.check_password("longenough")


def test_users_create_refusals_exit_1_with_the_reason(runner, app):
    make_shop("fromagerie")
    runner.invoke(args=["users", "create", "--role", "manager", "--email", "taken@ville.fr",
                        "--password", "longenough"])
    cases = [
        (["--role", "merchant", "--email", "a@b.fr", "--password", "longenough"],
         "Error [shop]: Boutique introuvable."),
        (["--role", "merchant", "--email", "a@b.fr", "--password", "longenough",
          "--shop", "nowhere"], "Error [shop]: Boutique introuvable."),
        (["--role", "manager", "--email", "a@b.fr", "--password", "short"],
         "Error [password]: Mot de passe : 8 caractères au moins."),
        (["--role", "manager", "--email", "not-an-email", "--password", "longenough"],
         "Error [email]: Adresse e-mail invalide."),
        (["--role", "manager", "--email", "TAKEN@ville.fr", "--password", "longenough"],
         "Error [email]: Ce compte existe déjà."),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "create", *args])
        assert (result.exit_code, result.output.strip()) == (1, message), args
        assert "Traceback" not in result.output
    assert count(User) == 1


def test_users_create_with_an_unknown_role_is_a_usage_error(runner, app):
    result = runner.invoke(args=["users", "create", "--role", "admin", "--email", "a@b.fr",
                                 "--password", "longenough"])

    assert result.exit_code == 2
    assert "--role" in result.output and count(User) == 0


def test_shops_create(runner, app):
    result = runner.invoke(args=["shops", "create", "--slug", "cave-saint-michel", "--name",
                                 "Cave Saint-Michel", "--phone", "04 71 09 33 44",
                                 "--seats", "6", "--prep-minutes", "30"])

    assert (result.exit_code, result.output) == (0, "Created shop cave-saint-michel\n")
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == "cave-saint-michel"))
    assert (shop.name, shop.phone, shop.seats_per_slot, shop.prep_minutes) == (
        "Cave Saint-Michel", "+33471093344", 6, 30)
    assert [(h.weekday, h.opens, h.closes) for h in shop.hours] == [
        (day, time(9), time(19)) for day in range(6)]


def test_shops_create_refusals(runner, app):
    make_shop("cave")
    for args, exit_code, says in [
        (["--slug", "cave", "--name", "Autre cave"], 1, "Error [slug]: Une boutique porte"),
        (["--slug", "Cave Saint", "--name", "Cave"], 1, "Error [slug]: Identifiant"),
        (["--slug", "cave-2", "--name", "Cave", "--seats", "0"], 2, "--seats"),
    ]:
        result = runner.invoke(args=["shops", "create", *args])
        assert result.exit_code == exit_code and says in result.output, result.output
    assert count(Shop) == 1


# --- products import ---------------------------------------------------------------------

def test_products_import_reads_french_prices(runner, app, tmp_path):
    shop = make_shop("boulangerie")
    csv = tmp_path / "produits.csv"
    csv.write_text("name;price;stock;sku\n"
                   "Pain de campagne;2,40;12;BOUL-1\n"
                   "Croissant au beurre;1,2;30;BOUL-2\n"
                   "Tarte aux myrtilles;22;2;BOUL-3\n", encoding="utf-8")

    result = runner.invoke(args=["products", "import", "--shop", "boulangerie", str(csv)])

    assert (result.exit_code, result.output) == (0, "3 created, 0 updated\n")
    stored = db.session.execute(sa.select(Product.name, Product.price_cents, Product.stock)
                                .where(Product.shop_id == shop.id).order_by(Product.sku)).all()
    assert stored == [("Pain de campagne", 240, 12), ("Croissant au beurre", 120, 30),
                      ("Tarte aux myrtilles", 2200, 2)]

    csv.write_text('name,price,stock,sku\n"Pain de campagne","2,60",8,BOUL-1\n',
                   encoding="utf-8")
    again = runner.invoke(args=["products", "import", "--shop", "boulangerie", str(csv)])

    assert (again.exit_code, again.output) == (0, "0 created, 1 updated\n")
    assert db.session.execute(sa.select(Product.price_cents, Product.stock)
                              .where(Product.sku == "BOUL-1")).one() == (260, 8)


def test_products_import_with_a_bad_row_names_its_line_and_imports_nothing(runner, app,
                                                                           tmp_path):
    shop = make_shop("boulangerie")
    make_product(shop, "Baguette", 130, stock=5)
    csv = tmp_path / "produits.csv"
    csv.write_text("name;price;stock\n"
                   "Pain de campagne;2,40;12\n"
                   "Brioche;deux euros;3\n"
                   "Ficelle;1,00;10\n", encoding="utf-8")

    result = runner.invoke(args=["products", "import", "--shop", "boulangerie", str(csv)])

    assert result.exit_code == 1
    assert result.output.strip() == "Error [price]: ligne 3 : prix illisible « deux euros »."
    assert db.session.scalars(sa.select(Product.name)).all() == ["Baguette"]


def test_products_import_into_an_unknown_shop(runner, app, tmp_path):
    csv = tmp_path / "produits.csv"
    csv.write_text("name;price;stock\nPain;2,40;12\n", encoding="utf-8")

    result = runner.invoke(args=["products", "import", "--shop", "nulle-part", str(csv)])

    assert result.exit_code == 1 and "Boutique introuvable" in result.output
    assert count(Product) == 0


# --- jobs run-once -----------------------------------------------------------------------

def test_jobs_run_once_prints_one_line_per_sweep(runner, app, clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=10)
    checkout = place_order({shop: [(bread, 2)]}, clock.now, payments, pay=False)
    late = checkout.hold_expires_at + timedelta(minutes=1)

    result = runner.invoke(args=["jobs", "run-once", "--at", late.isoformat()])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "release_expired_holds: 1", "mark_no_shows: 0", "settle_lapsing_authorizations: 0",
        "settle_payments: 0",
        "send_due_reminders: 0", "flush_sms_outbox: 0",
        f"refresh_daily_figures: {RECENT_DAYS}"]
    assert db.session.scalar(sa.select(Checkout.status)) == "expired"
    assert db.session.scalar(sa.select(Product.stock)) == 10


def test_jobs_run_once_without_at_runs_now(runner, app, clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=10)
    place_order({shop: [(bread, 2)]}, clock.now, payments, pay=False)
    clock.now += timedelta(hours=1)  # the app's clock: the hold has run out

    result = runner.invoke(args=["jobs", "run-once"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "release_expired_holds: 1"
    assert len(result.output.splitlines()) == 7  # refresh_daily_figures (issue 13) included


def test_jobs_run_once_with_a_bad_instant_is_a_usage_error(runner, app):
    result = runner.invoke(args=["jobs", "run-once", "--at", "mardi 9h"])

    assert result.exit_code == 2
    assert "--at" in result.output and "ISO-8601" in result.output
    assert "release_expired_holds" not in result.output


# --- sms list ------------------------------------------------------------------------------

def test_sms_list_prints_the_outbox_newest_first_as_json_lines(runner, app, clock, payments):
    shop = make_shop()
    bread = make_product(shop, "Baguette", 130, stock=10)
    first = place_order({shop: [(bread, 1)]}, clock.now, payments).orders[0]
    clock.now += timedelta(minutes=5)
    second = place_order({shop: [(bread, 1)]}, clock.now, payments,
                         phone="07 98 76 54 32").orders[0]

    result = runner.invoke(args=["sms", "list"])

    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert all(set(row) >= {"to", "body", "status", "kind", "order_id", "created_at"}
               for row in rows) and len(rows) == 2  # the contract's keys; more may follow
    assert [(r["to"], r["order_id"], r["kind"], r["status"]) for r in rows] == [
        ("+33798765432", second.id, "placed", "queued"),
        ("+33612345678", first.id, "placed", "queued")]
    assert rows[0]["created_at"] == "2026-11-24T09:05:00+01:00"
    assert "Boulangerie Martin" in rows[0]["body"] and "enregistrée" in result.output  # not \u00e9

    only = runner.invoke(args=["sms", "list", "--to", "06 12 34 56 78"])

    assert only.exit_code == 0, only.output
    assert [json.loads(line)["order_id"] for line in only.output.splitlines()] == [first.id]


def test_sms_list_with_an_unreadable_phone_exits_1(runner, app):
    result = runner.invoke(args=["sms", "list", "--to", "pas un numéro"])

    assert result.exit_code == 1
    assert result.output.startswith("Error [--to]: Numéro de téléphone invalide")


def test_sms_list_of_an_empty_outbox_prints_nothing(runner, app):
    result = runner.invoke(args=["sms", "list"])
    assert (result.exit_code, result.output) == (0, "")
    assert count(Order) == 0
