"""Aisle names in the page's language. A shop names its aisles itself, in French, and they
are stored as typed; the usual ones (the demo's among them) have their English in the
catalogue, the others are shown as typed."""
from flask_babel import gettext as _

from app.i18n import N_

KNOWN_AISLES = frozenset({
    N_("Pains"), N_("Viennoiseries"), N_("Pâtisseries"), N_("Fromages"), N_("Crèmerie"),
    N_("Boucherie"), N_("Charcuterie"), N_("Légumes"), N_("Fruits"), N_("Vins"),
    N_("Bières et cidres"), N_("Sans alcool"), N_("Spiritueux"), N_("Épicerie"),
    N_("Boissons"), N_("Traiteur"), N_("Poissonnerie"),
})


def aisle_name(category: str | None) -> str:
    """'Viennoiseries' -> 'Pastries' in English; an aisle the catalogue does not know, as
    the shop typed it (gettext is never given text a person typed)."""
    if not category:
        return ""
    return _(category) if category in KNOWN_AISLES else category
