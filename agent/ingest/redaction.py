"""PII redaction before text leaves the machine (LLM prompts, OpenAI embeddings, the Chroma
server copy): e-mails (also written out, "dana at acme dot com"), phone numbers (Google's
libphonenumber via `phonenumbers`), card numbers (Luhn), national ids, street addresses, and,
when names are on, the person names the research itself reveals (see `agent.ingest.people`).

National ids covered (checksums by `python-stdnum` where the id has one): US SSN; UK National
Insurance number; German tax id (Steuer-IdNr) and IBANs (every country); French INSEE/NIR;
Spanish DNI and NIE; Italian codice fiscale.

A redaction keeps a map back to the original: offsets (`to_original`) and the values behind
numbered placeholders (`restore`), so the user reads real values where placeholders went out
and quotes are always the original text."""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agent.ingest.people import people_in, person_names

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.schema import SourceDocument

__all__ = ["Placeholders", "Redacted", "Redactor", "outgoing_redactor", "person_names", "redact"]

REDACTION_VERSION = "2"  # part of LLM cache keys: what is redacted changed

Span = tuple[int, int]

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "dana at acme dot com", "dana [at] acme [dot] com", "priya(at)northwind(dot)io"
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s*@\s*)"
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_WORD = r"[A-Za-z0-9_+-]+"
_TLD = r"(?:com|org|net|io|co|ai|app|dev|edu|gov|biz|info|eu|uk|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|ie|pt|pl|us|ca|au|nz|jp|in|br|mx)"
SPELLED_EMAIL = re.compile(
    rf"(?<![\w.+-]){_WORD}(?:{_DOT}{_WORD}){{0,3}}{_AT}{_WORD}(?:{_DOT}{_WORD}){{0,3}}?{_DOT}{_TLD}\b",
    re.IGNORECASE,
)
_SPELLED_AT = re.compile(r"(?i)[\[({<]\s*at\s*[\])}>]|\sat\s+[\w-]+(?:\.|\s*[\[({<]?\s*dot\b)")
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])")
UK_NINO = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
DE_TAX_ID = re.compile(r"(?<![\d-])[1-9]\d ?\d{3} ?\d{3} ?\d{3}(?![\d-])")
FR_NIR = re.compile(
    r"(?<![\d-])[1278] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?![\d-])"
)
ES_DNI = re.compile(r"\b\d{8}-?[A-Z]\b")
ES_NIE = re.compile(r"\b[XYZ]-?\d{7}-?[A-Z]\b")
IT_CODICE_FISCALE = re.compile(r"\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b")

_CAP = r"[A-ZÀ-Ý][\w'’.-]*"
_US_UK_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Terrace|Parkway|Pkwy|Highway|Hwy|Circle|Square|Sq|Trail|Plaza|Close|Crescent|Gardens|Grove|"
    r"Mews|Row|Hill|Walk|Wharf)"
)
_UNIT = r"(?:,?\s*(?:Suite|Ste|Apt|Apartment|Unit|Floor|Fl|Room|#)\.?\s*[\w-]+)?"
_US_TAIL = r"(?:,\s*(?:[A-Z][\w'’.-]*\s?){1,3},?\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?)"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"
_UK_TAIL = rf"(?:,\s*(?:[A-Z][\w'’.-]*\s?){{1,3}}\s*{_UK_POSTCODE}|,?\s*{_UK_POSTCODE})"
_EU_TAIL = r"(?:,?\s*\d{4,5}\s+[A-ZÀ-Ý][\w'’-]+)"
# a full UK postcode narrows a place down to a few houses, so it goes even without a street
UK_POSTCODE = re.compile(rf"(?:\b[A-Z][a-z]+,? )?\b{_UK_POSTCODE}\b")
ADDRESSES = [
    # 1600 Pennsylvania Avenue NW, Washington, DC 20500 · 221B Baker Street, London NW1 6XE
    re.compile(
        rf"(?<![\w-])\d{{1,6}}[A-Z]?\s+(?:[NSEW]\.?\s+)?(?:{_CAP}\s+){{1,4}}{_US_UK_STREET}\b\.?"
        rf"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?{_UNIT}(?:{_US_TAIL}|{_UK_TAIL})?"
    ),
    # Hauptstraße 5, 10115 Berlin · Keizersgracht 123
    re.compile(
        r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|"
        r"straat|gracht|laan|plein|kade)\s+\d{1,4}[a-z]?\b" + _EU_TAIL + "?"
    ),
    # 12 rue de la Paix, 75002 Paris
    re.compile(
        r"(?<![\w-])\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|boulevard|bd|place|chemin|allée|"
        r"impasse|quai|route|cours)\s+(?:(?:de|du|des|la|le|l'|d')\s*){0,3}[\wÀ-ÿ'’-]+"
        r"(?:\s+(?!\d)[A-ZÀ-Ý][\wÀ-ÿ'’-]+){0,3}" + _EU_TAIL + "?"
    ),
    # Calle Mayor 10 · Via Roma 12, 00184 Roma
    re.compile(
        r"\b(?:Calle|C/|Avenida|Avda\.?|Paseo|Plaza|Via|Viale|Piazza|Corso)\s+[A-ZÀ-Ý][\w'’-]*"
        r"(?:\s+(?:de|del|la|di|della|[A-ZÀ-Ý][\w'’-]*)){0,4},?\s+\d{1,4}\b" + _EU_TAIL + "?"
    ),
]


def _luhn(value: str) -> bool:
    from stdnum import luhn

    return luhn.is_valid(re.sub(r"\D", "", value))


def _checked(module: str) -> Callable[[str], bool]:
    def valid(value: str) -> bool:
        import importlib

        return bool(importlib.import_module(f"stdnum.{module}").is_valid(value))

    return valid


def _always(_value: str) -> bool:
    return True


_STDNUM = ("luhn", "iban", "fr.nir", "de.idnr", "es.dni", "es.nie")


def warm() -> None:
    """Import everything the detectors load lazily (libphonenumber's per-region metadata and
    formats, python-stdnum's checkers) now: called before worker threads start, so no module is
    ever imported by two threads at once."""
    import importlib
    import pkgutil

    import phonenumbers
    import phonenumbers.data
    from phonenumbers import PhoneMetadata

    PhoneMetadata.load_all()
    for info in pkgutil.iter_modules(phonenumbers.data.__path__):
        if info.name.startswith("alt_format_"):
            importlib.import_module(f"phonenumbers.data.{info.name}")
    for name in ("asyoutypeformatter", "phonenumbermatcher", "shortnumberinfo", "shortdata"):
        importlib.import_module(f"phonenumbers.{name}")
    for module in _STDNUM:
        importlib.import_module(f"stdnum.{module}")
    redact("Call +44 7700 900123 or 1-800-555-0199; card 4111 1111 1111 1111.")
    del phonenumbers


# (pattern, placeholder kind, check on the matched text); earlier detectors win overlaps
DETECTORS: list[tuple[re.Pattern[str], str, Callable[[str], bool]]] = [
    (EMAIL, "EMAIL", _always),
    (SPELLED_EMAIL, "EMAIL", _always),
    (IBAN, "ID", _checked("iban")),
    (FR_NIR, "ID", _checked("fr.nir")),
    (CARD, "CARD", _luhn),
    (SSN, "ID", _always),
    (UK_NINO, "ID", _always),
    (DE_TAX_ID, "ID", _checked("de.idnr")),
    (ES_DNI, "ID", _checked("es.dni")),
    (ES_NIE, "ID", _checked("es.nie")),
    (IT_CODICE_FISCALE, "ID", _always),
    *((pattern, "ADDRESS", _always) for pattern in ADDRESSES),
    (UK_POSTCODE, "ADDRESS", _always),
]

# National numbers without a country code ("020 7946 0958", "030 901820") are read as numbers of
# these regions; numbers with a "+" and North American ones are found whatever the region.
PHONE_REGIONS = ("GB", "DE", "FR", "ES", "IT", "NL", "IE", "AU", "IN", "JP")
# Stretches of digits and separators the matcher is run on (it is slow on whole transcripts,
# where timestamps and figures are many candidates); libphonenumber decides what a number is.
_DIGIT_RUN = re.compile(r"(?<![\w+(])[+(]{0,2}\d[\d \t().\-/]{4,24}\d(?!\d)")


def phone_spans(text: str) -> Iterator[Span]:
    """Phone numbers in `text`, found by libphonenumber's matcher."""
    from phonenumbers import Leniency, PhoneNumberMatcher

    for run in _DIGIT_RUN.finditer(text):
        if sum(ch.isdigit() for ch in run.group(0)) < 6:
            continue
        offset, candidate = run.start(), run.group(0)
        found = [
            (m.start, m.end)
            for m in PhoneNumberMatcher(candidate, "US", leniency=Leniency.POSSIBLE)
            # without a country code, 7 digits are as often a size band ("501-1000") as a number
            if "+" in m.raw_string or sum(ch.isdigit() for ch in m.raw_string) >= 10
        ]
        if not found and candidate.startswith("0"):
            for region in PHONE_REGIONS:
                found = [
                    (m.start, m.end)
                    for m in PhoneNumberMatcher(candidate, region, leniency=Leniency.VALID)
                ]
                if found:
                    break
        for start, end in found:
            yield offset + start, offset + end


@dataclass(frozen=True)
class Redacted:
    text: str
    # (offset in redacted text, offset in original) at the start of every kept stretch
    anchors: tuple[tuple[int, int], ...]
    replaced: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self._map(start), self._map(max(start, end - 1)) + 1

    def _map(self, offset: int) -> int:
        keys = [a for a, _ in self.anchors]
        index = max(0, bisect_right(keys, offset) - 1)
        redacted_at, original_at = self.anchors[index]
        return original_at + (offset - redacted_at)


@dataclass
class Placeholders:
    """Numbered placeholders shared by everything in one request: the same value gets the same
    placeholder ("[NAME]", "[NAME 2]"…), so the model can tell people apart and its answer can be
    mapped back (`restore`)."""

    values: dict[str, str] = field(default_factory=dict)  # placeholder -> original
    _by_value: dict[tuple[str, str], str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    def label(self, kind: str, value: str) -> str:
        key = (kind, " ".join(value.split()).lower())
        if key not in self._by_value:
            number = self._counts.get(kind, 0) + 1
            self._counts[kind] = number
            placeholder = f"[{kind}]" if number == 1 else f"[{kind} {number}]"
            self._by_value[key] = placeholder
            self.values[placeholder] = value
        return self._by_value[key]

    def restore(self, text: str) -> str:
        """`text` with every placeholder given out here replaced by its original value."""
        if not self.values:
            return text
        pattern = re.compile(
            "|".join(re.escape(p) for p in sorted(self.values, key=len, reverse=True))
        )
        return pattern.sub(lambda m: self.values[m.group(0)], text)


class Redactor:
    """Finds PII and replaces it with placeholders. Names are added as the research reveals
    them (`add_names`); the detectors for everything else need no setup."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._names: set[str] = set()
        self._name_pattern: re.Pattern[str] | None = None
        self.add_names(names)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._names)

    def add_names(self, names: Iterable[str]) -> None:
        fresh = {n.strip() for n in names if n and len(n.strip()) >= 2} - self._names
        if not fresh:
            return
        with self._lock:
            self._names |= fresh
            ordered = sorted(self._names, key=len, reverse=True)
            variants = [re.escape(n) for n in ordered] + [re.escape(n.upper()) for n in ordered]
            self._name_pattern = re.compile(r"(?<![\w@.])(?:" + "|".join(variants) + r")(?![\w@])")

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every piece of PII in `text`, without overlaps, in order."""
        hits: list[tuple[int, int, str]] = []

        def add(start: int, end: int, kind: str) -> None:
            if start < end and not any(a < end and start < b for a, b, _ in hits):
                hits.append((start, end, kind))

        for pattern, kind, check in DETECTORS:
            if pattern is SPELLED_EMAIL and not _SPELLED_AT.search(text):
                continue  # the full pattern is slow; most texts spell out no address
            for match in pattern.finditer(text):
                if check(match.group(0)):
                    add(match.start(), match.end(), kind)
        for start, end in phone_spans(text):
            add(start, end, "PHONE")
        name_pattern = self._name_pattern
        if name_pattern is not None:
            for match in name_pattern.finditer(text):
                add(match.start(), match.end(), "NAME")
        return sorted(hits)

    def redact(self, text: str, placeholders: Placeholders | None = None) -> Redacted:
        """`text` with PII replaced: by "[EMAIL]"-style labels, or numbered `placeholders`."""
        out: list[str] = []
        anchors: list[tuple[int, int]] = [(0, 0)]
        cursor = length = 0
        hits = self.spans(text)
        for start, end, kind in hits:
            label = placeholders.label(kind, text[start:end]) if placeholders else f"[{kind}]"
            out += [text[cursor:start], label]
            length += start - cursor + len(label)
            cursor = end
            anchors.append((length, end))
        out.append(text[cursor:])
        return Redacted(text="".join(out), anchors=tuple(anchors), replaced=len(hits))

    def __call__(self, text: str, placeholders: Placeholders | None = None) -> str:
        return self.redact(text, placeholders).text


def redact(text: str, names: Iterable[str] = ()) -> Redacted:
    return Redactor(names).redact(text)


def outgoing_redactor(
    settings: Settings, documents: Iterable[SourceDocument] = ()
) -> Redactor | None:
    """The redactor for text that leaves the machine under these settings (None when redaction
    is off), knowing the person names these documents reveal when names are redacted too."""
    if not settings.effective_redact_pii:
        return None
    return Redactor(people_in(documents) if settings.redact_names else ())
