"""The staff's pages in English: a merchant or the town's manager who chose English with
the switch (as a shopper does) reads every page of their own in English, the shops' and
the customers' own words aside."""
import re
from functools import lru_cache

import pytest
from babel.messages.pofile import read_po

from app.accounts.invitations import invite_merchant
from app.extensions import db
from tests.factories import make_shop
from tests.staff_town import MANAGER, MERCHANT, make_staff_town, staff_pages
from tests.web.helpers import text
from tests.web.merchant_helpers import log_in, page
from tests.web.test_english_pages import ACCENTS, CATALOGUE, FRENCH_WORDS

# Each page (its path, a pattern): a few words it says in French, that must not be left on
# its English version, and what it says instead.
TELLING = {
    "/marchand": (["à traiter", "Statut", "Veille", "Lendemain"],
                  ["Orders", "Status"]),
    r"/marchand/commandes/\d+": (["Retrait", "SMS avec le client", "Annuler la commande"],
                                ["Pickup", "SMS with the customer"]),
    "/marchand/produits": (["Filtrer par nom", "En vente", "Prix"], ["Filter by name"]),
    "/marchand/produits/nouveau": (["Ajouter un produit", "Nom"], ["Add a product", "Name"]),
    "/marchand/import": (["Importer", "Fichier"], ["Import"]),
    "/marchand/reglages": (["Horaires", "Fermetures", "Enregistrer"], ["Save"]),
    "/gestion": (["Commandes du jour", "Montant retiré", "Veille", "Lendemain"],
                 ["Today's orders", "Amount collected"]),
    "/gestion/boutiques": (["Boutiques", "Ajouter une boutique"], ["Shops", "Add a shop"]),
    r"/gestion/boutiques/(?!nouvelle)[\w-]+": (
        ["Toutes les boutiques", "Coordonnées bancaires et commission"],
        ["All shops", "Bank details and commission"]),
    "/gestion/boutiques/nouvelle": (["Nom de la boutique", "Identifiant"], ["Shop's name"]),
    "/gestion/chiffres": (["Chiffre d'affaires", "Commandes par état", "Boutiques"],
                          ["Revenue"]),
    # The campaign's hint names the accented letters it replaces.
    "/gestion/sms": (["Envois par mois", "Expéditeur", "Campagne promotionnelle", "Aperçu",
                      "Novembre"], ["Messages per month", "Sender", "Preview", "November 2026"],
                     ["ê, â, ç"]),
    "/gestion/paniers": (["Paniers en attente", "Téléphone", "Montant", "Expire"],
                         ["Phone"]),
    "/gestion/connexions": (["Connexions refusées", "Quand"], ["Failed sign-ins", "When"]),
    "/gestion/bons": (["Bons cadeaux", "Émettre des bons", "Valable jusqu'au", "Acheteur",
                       "vendre", "imprimer"], ["Gift vouchers", "Valid until", "Buyer"]),
    "/gestion/bons/emettre": (["Émettre", "Nombre de bons"], ["Number of vouchers"]),
    "/gestion/bons/vente": (["Enregistrer la vente", "Payé par", "Espèces"],
                            ["Record the sale", "Cash"]),
    r"/gestion/bons/lots/[\w-]+/imprimer": (["Bons à imprimer", "Bon cadeau", "Valable"],
                                            ["Vouchers to print", "Gift voucher", "Valid until"]),
    "/bons/verifier": (["Vérifier un bon cadeau", "Code du bon"], ["Check a gift voucher"]),
    "/gestion/reversements": (["Reversements aux boutiques", "Commission de l'association",
                               "Part boutique"], ["Payouts to the shops", "Shop's share"]),
    r"/gestion/commandes/\d+": (["Débité par carte", "Rembourser"], ["Charged to the card", "Refund"]),
    r"/gestion/boutiques/[\w-]+/banque": (["Coordonnées bancaires", "Titulaire du compte"],
                                          ["Account holder"]),
}


def _telling(url: str):
    found = [words for path, words in TELLING.items() if re.fullmatch(path, url.split("?")[0])]
    assert len(found) == 1, f"telling words for {url}: {found}"
    return found[0]


@lru_cache(maxsize=1)
def _french_only_texts() -> list[str]:
    """The catalogue's French texts (placeholders dropped) that no English text holds too
    ("Promotion" is French for "Offer", and begins "Promotional campaign")."""
    with open(CATALOGUE, "rb") as po:
        catalogue = list(read_po(po))
    english = " ".join(s for m in catalogue for s in (m.string if isinstance(m.string, tuple)
                                                      else (m.string,)) if s)
    return sorted({part for m in catalogue if isinstance(m.id, str) and m.string
                   and m.string != m.id for part in re.split(r"%\(\w+\)s", m.id)
                   if len(part) > 6 and part not in english})


def _said(word: str, seen: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", seen) is not None


def french_left(html: str, french=(), english=(), quoted=()) -> list[str]:
    """What reads French on an English page: the page's telling French words, its missing
    English ones, accents (but in what the page `quoted` on purpose), common French words,
    any French text of the catalogue."""
    seen = f" {text(html).replace('Français', '')} "
    for quote in quoted:
        seen = seen.replace(quote, "")
    return ([] if '<html lang="en"' in html else ["<html lang> is not en"]) + \
        [f"French: {word}" for word in french if _said(word, seen)] + \
        [f"no English: {word}" for word in english if not _said(word, seen)] + \
        [f"accent in: …{seen[max(0, m.start() - 30):m.end() + 30]}…"
         for m in ACCENTS.finditer(seen)] + \
        [f"French word: {word!r}" for word in FRENCH_WORDS if word in seen] + \
        [f"French text: {french!r}" for french in _french_only_texts() if french in seen]


def choose_english(client, url: str) -> None:
    """Follow the switch of the page, as anyone does: a plain link, a cookie, back."""
    switch = re.search(r'href="([^"]+)"[^>]*data-testid="lang-switch"', page(client, url))
    back = client.get(switch[1].replace("&amp;", "&"))
    assert back.status_code == 302 and back.headers["Location"] == url


@pytest.mark.parametrize("who", [MERCHANT, MANAGER])
def test_every_staff_page_reads_in_english(app, client, clock, payments, sms, who):
    # Given a busy morning in the town, and a member of staff who chose English
    town = make_staff_town(clock, payments, sms)
    log_in(client, who, password="not the password")  # a refused sign-in, for its table
    log_in(client, who)
    urls = staff_pages(town)[who]
    # (each telling French word is indeed on the French page)
    unsaid = {url: [word for word in _telling(url)[0] if not _said(word, text(page(client, url)))]
              for url in urls}
    assert {url: words for url, words in unsaid.items() if words} == {}
    choose_english(client, urls[0])

    # When they open each of their pages
    left = {url: french_left(page(client, url), *_telling(url)) for url in urls}

    # Then each says in English what it said in French, with no French left over
    assert {url: found for url, found in left.items() if found} == {}


def test_the_invitation_page_has_the_switch_and_reads_in_english(app, client, clock):
    # Given a merchant opening the link of their invitation
    _invitation, token = invite_merchant(make_shop("north-bakery", "North Bakery"),
                                         "baker@example.com", now=clock.now)
    db.session.commit()
    choose_english(client, f"/invitation/{token}")
    assert french_left(page(client, f"/invitation/{token}"),
                       ["Bienvenue sur Comptoir", "Mot de passe"],
                       ["Welcome to Comptoir", "Password"]) == []


def test_the_login_page_has_the_switch_and_reads_in_english(client):
    # Given someone on the login page, before any account is known: the switch is there
    choose_english(client, "/connexion")
    assert french_left(page(client, "/connexion"), ["Connexion", "Mot de passe"],
                       ["Merchants' area", "Password"]) == []
