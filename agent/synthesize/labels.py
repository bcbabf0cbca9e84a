"""Theme labels from a cluster's own words: the key phrase that its quotes share and the other
clusters of the same kind do not (a class-based TF-IDF over word n-grams). Reads the quotes of
each theme; writes one short label per theme. Every word of a label appears in the theme's quotes
(never a word the quotes do not support), the label is at most ten words and is never a quote
cut short."""

from __future__ import annotations

import math
import re
from collections import Counter

WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’&.+-]*[A-Za-z0-9+]|[A-Za-z]|\d[\d,.]*%?|\$\d[\d,.]*k?")
CLAUSE = re.compile(r"[,;:.!?()\[\]\"“”—–]+|\s-\s|\.\.\.|…")
STOP = frozenset(
    """a an the and or but if of to in on at for with from by as is are was were be been being am
    it its it's this that these those there here i we you he she they me us him her them my our
    your their his so do does did done have has had having not no yes just very really also too
    then than about into out up down over again like well oh um uh yeah okay ok right mean know
    kind sort thing things stuff lot lots bit pretty gonna wanna would could should can will may
    might must what which who whom whose when where why how all any some more most much many such
    own same other only even still yet now get gets got getting go goes going went say says said
    think thought guess probably maybe actually basically honestly literally definitely sure
    one ones something someone anything everything every each way ways i'm we're they're you're
    that's there's it'd we'd i'd i've we've they've don't didn't doesn't can't won't isn't wasn't
    aren't let let's us make made because since while though although whether just really
    s t re ve ll d m""".split()
)
FILLER = frozenset("um uh uhm erm hmm mm mhm yeah yep okay ok like well oh you know".split())
# Words that name nothing on their own: a label made only of them says nothing specific.
GENERIC = frozenset(
    """issue issues problem problems time times part parts case cases example point points
    question questions answer sense way ways level side end start stuff area areas aspect
    aspects type types kind lot number amount people person team teams company companies work
    process everything""".split()
)
# Common verbs and other words a noun phrase does not end on.
NOT_HEAD = frozenset(
    """comes come came goes perform performs give gives gave tell tells told build builds check
    checks need needs needed use uses used want wants wanted try tries tried take takes took
    keep keeps kept see sees saw find finds found look looks looked work works worked happen
    happens happened start starts started run runs ran put puts call calls called feel feels
    felt seem seems seemed help helps helped ask asks asked totally really always never often
    sometimes usually already again also just still maybe exactly basically suppose supposed
    able sold true wrong right good bad big small new old same different first last next
    main whole real""".split()
)
MAX_WORDS = 10
LENGTH_WEIGHT = {1: 0.55, 2: 1.0, 3: 1.15, 4: 1.05}


def _norm(token: str) -> str:
    return token.lower().replace("’", "'").strip(".,")


def _candidates(quote: str) -> dict[tuple[str, ...], str]:
    """n-grams (1–4 words) inside a clause that neither start nor end on a stop word, with the
    surface form they had in the quote."""
    found: dict[tuple[str, ...], str] = {}
    for clause in CLAUSE.split(quote):
        tokens = WORD.findall(clause)
        keys = [_norm(t) for t in tokens]
        for n in (1, 2, 3, 4):
            for i in range(len(keys) - n + 1):
                gram = tuple(keys[i : i + n])
                if gram[0] in STOP or gram[-1] in STOP or any(g in FILLER for g in gram):
                    continue
                if len(set(gram)) < n or gram[-1] in NOT_HEAD or gram[-1].endswith("ly"):
                    continue
                if all(g in GENERIC or g in STOP or g in NOT_HEAD for g in gram):
                    continue
                if not any(len(g) > 2 and not g[0].isdigit() for g in gram):
                    continue
                if n == 1 and (len(gram[0]) < 4 or gram[0][0].isdigit()):
                    continue
                found.setdefault(gram, " ".join(tokens[i : i + n]))
    return found


def _surface(forms: Counter[str]) -> str:
    """The most common written form, keeping capitals of names (Excel, NetSuite), not of
    sentence starts."""
    form = forms.most_common(1)[0][0]
    words = form.split()
    if words and words[0][:1].isupper() and words[0][1:].islower() and len(forms) > 1:
        lower = [f for f in forms if f.split()[0][:1].islower()]
        if lower:
            form = lower[0]
    return form


def theme_labels(themes: list[list[str]]) -> list[str]:
    """One label per theme (a list of its quotes), by contrast with the other themes given."""
    per_theme: list[dict[tuple[str, ...], int]] = []
    surfaces: dict[tuple[str, ...], Counter[str]] = {}
    for quotes in themes:
        counts: Counter[tuple[str, ...]] = Counter()
        for quote in quotes:
            grams = _candidates(quote)
            for gram, surface in grams.items():
                counts[gram] += 1
                surfaces.setdefault(gram, Counter())[surface] += 1
        per_theme.append(counts)
    spread: Counter[tuple[str, ...]] = Counter()
    for counts in per_theme:
        spread.update(counts.keys())
    total = max(1, len(themes))
    labels = []
    for quotes, counts in zip(themes, per_theme, strict=True):
        size = max(1, len(quotes))
        best: tuple[float, tuple[str, ...]] | None = None
        for gram, df in counts.items():
            if size >= 3 and df < 2 and len(gram) == 1:
                continue
            score = (
                (df / size)
                * math.log(1 + total / spread[gram])
                * LENGTH_WEIGHT[len(gram)]
                * (1.1 if any(ch.isdigit() for ch in "".join(gram)) else 1.0)
            )
            if best is None or score > best[0] or (score == best[0] and gram < best[1]):
                best = (score, gram)
        if best is None:
            labels.append(_fallback(quotes))
            continue
        text = _surface(surfaces[best[1]])
        labels.append(_finish(text))
    return labels


def _fallback(quotes: list[str]) -> str:
    words = [w for w in WORD.findall(quotes[0] if quotes else "") if _norm(w) not in STOP]
    return _finish(" ".join(words[:4]) or "Unlabelled theme")


def _finish(text: str) -> str:
    words = text.split()[:MAX_WORDS]
    text = " ".join(words).strip(" -–—,.;:")
    return text[:1].upper() + text[1:] if text else text
