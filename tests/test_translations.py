"""The English catalogue: every text the code holds (the shopper's pages and the staff's) is
translated, with the same placeholders, and nothing is left fuzzy (a fuzzy translation is
not shown)."""
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
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


def _texts_in_the_code() -> dict:
    """What `bin/translations` extracts (babel.cfg, the same keywords): each text, or
    (singular, plural), with the first place that uses it."""
    root = Path(__file__).resolve().parents[1]
    with open(root / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            root, method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_l": None},
            directory_filter=lambda path: Path(path).relative_to(root).parts[0] in
            ("app", "templates")):
        found.setdefault((context, message), f"{filename}:{lineno}")
    return found


def test_every_text_in_the_code_has_its_english_in_the_catalogue():
    """Staff pages included: a text added without its English fails here, with where."""
    catalogue = _catalogue()
    lacking = []
    for (context, message), where in _texts_in_the_code().items():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key, context)
        strings = entry.string if entry is not None and isinstance(entry.string, tuple) else \
            (entry.string,) if entry is not None else ()
        if entry is None or entry.fuzzy or not strings or not all(strings):
            lacking.append(f"{where}: {key!r}")
    assert lacking == [], "\n".join(lacking)
