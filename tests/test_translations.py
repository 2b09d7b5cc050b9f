"""The English catalogue: every text the shopper's pages use is translated, with the same
placeholders, and nothing is left fuzzy (a fuzzy translation is not shown)."""
import re

from babel.messages.pofile import read_po

CATALOGUE = "app/translations/en/LC_MESSAGES/messages.po"
SHOPPER_SOURCES = ("templates/web/", "templates/base.html", "templates/_nav.html",
                   "templates/_lang_switch.html", "templates/_macros.html", "app/web/",
                   "app/orders/", "app/pickup/", "app/phone.py", "app/templating.py",
                   "app/payments/", "app/jobs/sweeps.py")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _catalogue():
    with open(CATALOGUE, "rb") as po:
        return read_po(po)


def test_every_text_of_the_shopper_pages_has_its_english():
    untranslated = [message.id for message in _catalogue() if message.id
                    and any(path.startswith(SHOPPER_SOURCES) for path, _ in message.locations)
                    and not message.string]
    assert untranslated == []


def test_translations_keep_their_placeholders_and_none_is_fuzzy():
    for message in _catalogue():
        if message.id and message.string:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                continue  # not translated yet: the test above says whether it must be
            assert {p for i in ids for p in PLACEHOLDER.findall(i)} == \
                {p for s in strings for p in PLACEHOLDER.findall(s)}, message.id
            assert not message.fuzzy, message.id
