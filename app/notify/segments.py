"""How many SMS segments a text costs (what the operator bills).

GSM-7 (GSM 03.38) packs 160 characters in one segment, 153 per part when split; a
character of its extension table (€, [, ], {, }, ~, ^, |, \\) takes two. One character
outside both tables (ê, â, î, ô, û, ç, œ, the curly apostrophe, a no-break space…) turns
the whole message into UCS-2: 70 characters, 67 per part."""
import math

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = set("^{}\\[~]|€\f")

# French letters and typography outside GSM-7, and their nearest GSM-7 spelling: a careful
# sender writes "prete" rather than pay twice for "prête".
GSM7_FOLD = str.maketrans({
    "â": "a", "ê": "e", "î": "i", "ô": "o", "û": "u", "ë": "e", "ï": "i", "ÿ": "y",
    "ç": "c", "Â": "A", "Ê": "E", "Î": "I", "Ô": "O", "Û": "U", "È": "E", "À": "A",
    "Ù": "U", "Ë": "E", "Ï": "I", "œ": "oe", "Œ": "OE", "’": "'", "‘": "'", "«": '"',
    "»": '"', "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " ",
    "\u202f": " ", "°": "o", "×": "x",
})


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def fold_to_gsm7(text: str) -> str:
    return text.translate(GSM7_FOLD)


def segments(text: str) -> int:
    if is_gsm7(text):
        septets = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)
