"""What sets a segment apart: its traits by contrast with the other segments (industry, size
range, stack, country, deal outcomes), each with its counts inside and outside, and a name
built from them ("Healthcare, 11–50 employees, on Zendesk")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from agent.ingest.normalize import SIZE_BANDS, industry_label
from agent.stems import stem, words
from agent.synthesize.accounts import AccountProfile

MIN_SHARE = 0.5  # a trait holds for at least half of the segment
MAX_OUTSIDE_RATIO = 0.5  # … and for at most half that share elsewhere
SIZE_COVER = 0.7  # the size range covers 70% of the segment's known sizes
OWN_WORD_LETTERS = 5  # shorter words ("late", "call") are too common to set anyone apart
# a rare word, on wordfreq's Zipf scale (log10 of uses per billion words): below 3, under one
# use per million ("orthotics" 2.1, "chairlift" 2.3, "prosthetics" 2.8); "spreadsheet" (3.3),
# "implant" (3.5) and "personally" (4.6) are everyday words two talkative accounts share
RARE_ZIPF = 3.0
_BAND_ORDER = [band for band, _, _ in SIZE_BANDS]


@dataclass
class Trait:
    dimension: str  # industry, size, stack, country, outcome
    value: str
    label: str
    inside: int
    members: int
    outside: int
    others: int

    @property
    def contrast(self) -> float:
        outside = self.outside / self.others if self.others else 0.0
        return self.inside / self.members - outside

    def describe(self, unit: str = "accounts") -> str:
        where = f"; {self.outside} of {self.others} elsewhere" if self.others else ""
        return f"{self.label} ({self.inside} of {self.members} {unit}{where})"


def statements(account: AccountProfile, spoken: bool = False) -> list[str]:
    """What an account's words are read from: its evidence quotes, or, `spoken`, everything
    its people said or was written of them (a deal note's paragraphs, not only the few
    statements extraction kept from it) when the research has it. The rare- and own-word rules
    read the statements; the shared-vocabulary rule reads the speech (measured on it: read
    from speech, the other rules split two billing-software companies for "invoicing" and
    "churn")."""
    if spoken and account.speech:
        return account.speech
    return [item.quote for item in account.evidence]


def own_words(members: list[AccountProfile], others: list[AccountProfile]) -> list[str]:
    """Words every member's evidence says and no other account's evidence says ("chairlift",
    "donor", "restricted"): what a small group talks about that the accounts around it never
    do. Compared by stem; each shown as the members' commonest spelling, longest (the most
    specific) first."""

    def said(account: AccountProfile) -> Counter[tuple[str, str]]:
        spelled: Counter[tuple[str, str]] = Counter()  # (stem, spelling) -> times said
        for text in statements(account):
            for word in words(text):
                if len(word) >= OWN_WORD_LETTERS and word.isalpha():
                    spelled[(stem(word), word)] += 1
        return spelled

    if not members or any(not a.evidence for a in members):
        return []
    member_words = [said(a) for a in members]
    around = {root for account in others for root, _ in said(account)}
    shared = set.intersection(*({root for root, _ in spelled} for spelled in member_words))
    shared -= around
    spelling: dict[str, Counter[str]] = {}
    for spelled in member_words:
        for (root, word), count in spelled.items():
            if root in shared:
                spelling.setdefault(root, Counter())[word] += count
    return sorted(
        (counts.most_common(1)[0][0] for counts in spelling.values()), key=lambda w: (-len(w), w)
    )


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # loaded on first use (0.2 s)

    return float(zipf_frequency(word, "en"))


def _tool_words(accounts: list[AccountProfile]) -> set[str]:
    return {w for a in accounts for tool in a.stack for w in words(tool)}


def _is_rare(word: str) -> bool:
    """Under one use per million words, and known to the frequency list (an unknown word is a
    name, a brand or a typo)."""
    return 0 < _zipf(word) < RARE_ZIPF


def _spellings(
    account: AccountProfile, tools: set[str], spoken: bool = False
) -> dict[str, set[str]]:
    """The account's words of at least OWN_WORD_LETTERS letters that are no tool's name, by
    stem, each with the spellings it says (in the order it first says them)."""
    found: dict[str, set[str]] = {}
    for text in statements(account, spoken):
        for word in words(text):
            if len(word) >= OWN_WORD_LETTERS and word.isalpha() and word not in tools:
                found.setdefault(stem(word), set()).add(word)
    return found


def _rare_spellings(account: AccountProfile, tools: set[str]) -> dict[str, set[str]]:
    """The account's rare words by stem (a stem is rare when a spelling of it the account says
    is: "prosthetics" 2.8 beside "prosthetic" 3.2), known to the frequency list."""
    return {
        root: spellings
        for root, spellings in _spellings(account, tools).items()
        if any(map(_is_rare, spellings))
    }


def _stems_said(account: AccountProfile, spoken: bool = False) -> set[str]:
    return {stem(w) for text in statements(account, spoken) for w in words(text)}


def _said_only_by_few(
    everyone: list[AccountProfile], largest: int, spoken: bool = False
) -> dict[str, dict[str, set[str]]]:
    """The stems two to `largest` accounts say (words of at least OWN_WORD_LETTERS letters, no
    tool's name) and no other account of the research says in any form, each with the
    spellings each of those accounts says (in the research's order of accounts)."""
    tools = _tool_words(everyone)
    heard: dict[str, dict[str, set[str]]] = {}
    for account in everyone:
        for root, spellings in _spellings(account, tools, spoken).items():
            heard.setdefault(root, {})[account.name] = spellings
    said = {a.name: _stems_said(a, spoken) for a in everyone}
    return {
        root: by_account
        for root, by_account in heard.items()
        if 2 <= len(by_account) <= largest
        and not any(root in stems for name, stems in said.items() if name not in by_account)
    }


def rare_word_groups(
    everyone: list[AccountProfile], largest: int, least: int
) -> list[tuple[list[AccountProfile], list[str]]]:
    """Groups of two to `largest` accounts that alone, in all the research, say at least
    `least` rare words (two orthotics and prosthetics clinics' "orthotics" and "prosthetics"
    among dental labs), with those words, most words first. A rare word only a few accounts
    say is what a distinct kind of customer talks about; an everyday word two talkative
    accounts happen to share is not. A stem is rare for an account when a spelling of it the
    account says is ("prosthetics" 2.8 beside "prosthetic" 3.2); every account saying it must
    say it so."""
    by_group: dict[frozenset[str], list[str]] = {}
    for by_account in _said_only_by_few(everyone, largest).values():
        spellings = list(by_account.values())
        if all(any(map(_is_rare, said)) for said in spellings):
            spelled = min(spellings[0], key=lambda w: (len(w), w))
            by_group.setdefault(frozenset(by_account), []).append(spelled)
    by_name = {a.name: a for a in everyone}
    found = [
        ([by_name[n] for n in sorted(group)], sorted(ws, key=lambda w: (-len(w), w)))
        for group, ws in by_group.items()
        if len(ws) >= least
    ]
    return sorted(found, key=lambda f: (-len(f[1]), [a.name for a in f[0]]))


# how uncommon a word a group shares is, for groups the clustering split: each word only its
# accounts say weighs UNCOMMON_ZIPF minus its Zipf value ("loaner" 2.3 weighs 2.2, "turnout"
# 3.7 weighs 0.8, "safety" 4.9 nothing)
UNCOMMON_ZIPF = 4.5


def uncommon_word_groups(
    everyone: list[AccountProfile], largest: int, least: float
) -> list[tuple[list[AccountProfile], list[str]]]:
    """Groups of two to `largest` accounts whose words that they alone say in all the research
    weigh at least `least` together (each word by how uncommon it is in everyday English: two
    turnout-gear shops' "loaner", "inspects" and "turnout", filed under "Public Safety" and
    "Protective Equipment Services"), with those words, heaviest group first. Words unknown to
    the frequency list (names, brands) and tools' names weigh nothing."""
    by_group: dict[frozenset[str], list[tuple[float, str]]] = {}
    for by_account in _said_only_by_few(everyone, largest).values():
        spellings = set().union(*by_account.values())
        known = [(z, w) for w in sorted(spellings) if (z := _zipf(w)) > 0]
        if known and min(known)[0] < UNCOMMON_ZIPF:
            zipf, word = min(known)
            by_group.setdefault(frozenset(by_account), []).append((UNCOMMON_ZIPF - zipf, word))
    by_name = {a.name: a for a in everyone}
    found = [
        (sum(w for w, _ in said_words), group, said_words)
        for group, said_words in by_group.items()
        if sum(w for w, _ in said_words) >= least
    ]
    found.sort(key=lambda f: (-f[0], sorted(f[1])))
    return [
        (
            [by_name[n] for n in sorted(group)],
            [w for _, w in sorted(said_words, key=lambda x: (-x[0], x[1]))],
        )
        for _, group, said_words in found
    ]


# a group's own vocabulary: the words it alone says in all the research, against how much its
# quietest account says (distinct words). Two water utilities among labs, two hospitals among
# 3PLs, two school districts among restaurants alone say 6 to 14 words, 6.6% to 11% of the
# quieter one's words; the next pair of each of ten read corpora 3.9% or less (two talkative
# accounts of one segment share a few chance words, "folder", "holiday")
SHARED_VOCABULARY_WORDS = 4
SHARED_VOCABULARY_SHARE = 0.05


def _vocabulary_share(own: int, members: list[AccountProfile]) -> float | None:
    """The share `own` words are of the distinct words of the member who says least, when
    they make a shared-vocabulary group (enough words, a large enough share), else None."""
    quietest = min(len(_stems_said(a, spoken=True)) for a in members)
    share = own / quietest if quietest else 0.0
    if own >= SHARED_VOCABULARY_WORDS and share >= SHARED_VOCABULARY_SHARE:
        return share
    return None


def shared_vocabulary_groups(
    everyone: list[AccountProfile], largest: int
) -> list[tuple[list[AccountProfile], list[str]]]:
    """Groups of two to `largest` accounts that alone, in all the research, say at least
    SHARED_VOCABULARY_WORDS words, and that many for how much they say (at least
    SHARED_VOCABULARY_SHARE of the distinct words of the member who says least): a kind of
    customer of its own whatever the CRM files it under (two university print shops'
    "chargebacks", "campus", "fiscal" among commercial printers), with those words, rarest
    first; the group with most of its own words first."""
    by_group: dict[frozenset[str], list[tuple[float, str]]] = {}
    for by_account in _said_only_by_few(everyone, largest, spoken=True).values():
        spellings = sorted(set().union(*by_account.values()))
        zipf, word = min((_zipf(w) or 9.0, w) for w in spellings)
        by_group.setdefault(frozenset(by_account), []).append((zipf, word))
    by_name = {a.name: a for a in everyone}
    found: list[tuple[float, list[AccountProfile], list[str]]] = []
    for group, said in by_group.items():
        members = [by_name[n] for n in sorted(group)]
        share = _vocabulary_share(len(said), members)
        if share is not None:
            found.append((share, members, [w for _, w in sorted(said)]))
    found.sort(key=lambda f: (-f[0], [a.name for a in f[1]]))
    return [(members, said) for _, members, said in found]


def own_vocabulary(members: list[AccountProfile], others: list[AccountProfile]) -> list[str]:
    """The words every member says and no other account says, rarest first, when they are a
    shared-vocabulary group (`shared_vocabulary_groups`'s thresholds), else none."""
    if len(members) < 2:
        return []
    tools = _tool_words(members + others)
    spoken = [_spellings(account, tools, spoken=True) for account in members]
    shared = set.intersection(*(set(found) for found in spoken))
    shared -= set().union(*(_stems_said(a, spoken=True) for a in others)) if others else set()
    if _vocabulary_share(len(shared), members) is None:
        return []
    spelled = [min(set().union(*(found[root] for found in spoken))) for root in shared]
    return sorted(spelled, key=lambda w: (_zipf(w) or 9.0, w))


def rare_own_words(members: list[AccountProfile], others: list[AccountProfile]) -> list[str]:
    """The rare words every member says and no other account says, longest first."""
    tools = _tool_words(members + others)
    rare = [_rare_spellings(a, tools) for a in members]
    if not rare or not all(rare):
        return []
    shared = set.intersection(*(set(r) for r in rare))
    shared -= set().union(*(_stems_said(a) for a in others)) if others else set()
    spelled = {root: min(set().union(*(r.get(root, set()) for r in rare))) for root in shared}
    return sorted(spelled.values(), key=lambda w: (-len(w), w))


def size_range(bands: list[str]) -> tuple[str, str] | None:
    """(low band, high band) covering SIZE_COVER of the given size bands, most common first."""
    counts = Counter(b for b in bands if b in _BAND_ORDER)
    if not counts:
        return None
    kept, covered, total = [], 0, sum(counts.values())
    for band, count in counts.most_common():
        kept.append(band)
        covered += count
        if covered >= SIZE_COVER * total:
            break
    kept.sort(key=_BAND_ORDER.index)
    return kept[0], kept[-1]


def range_text(low: str, high: str) -> str:
    start = low.split("-")[0].rstrip("+")
    end = high.split("-")[-1]
    return f"{start}+" if end.endswith("+") else f"{start}–{end}"


def _in_range(band: str | None, low: str, high: str) -> bool:
    if band not in _BAND_ORDER:
        return False
    return _BAND_ORDER.index(low) <= _BAND_ORDER.index(band) <= _BAND_ORDER.index(high)


def _outcome(account: AccountProfile) -> str | None:
    return "lost or churned" if account.bad else "won or expanded" if account.good else None


def distinguishing_traits(
    members: list[AccountProfile], others: list[AccountProfile]
) -> list[Trait]:
    """Traits held by at least half of the segment and at most half as often elsewhere, most
    distinctive first (with no other segment: what most of the members share)."""
    n, m = len(members), len(others)
    traits: list[Trait] = []

    def add(dimension: str, value: str, label: str, has: Callable[[AccountProfile], bool]) -> None:
        inside = sum(1 for a in members if has(a))
        outside = sum(1 for a in others if has(a))
        share_in = inside / n if n else 0.0
        share_out = outside / m if m else 0.0
        if inside < min(2, n) or share_in < MIN_SHARE:
            return
        if m and share_out > MAX_OUTSIDE_RATIO * share_in:
            return
        traits.append(Trait(dimension, value, label, inside, n, outside, m))

    for industry in {a.industry for a in members if a.industry and a.industry != "other"}:
        add(
            "industry",
            industry,
            industry_label(industry),
            lambda a, v=industry: a.industry == v,  # type: ignore[misc]
        )
    span = size_range([a.size_band for a in members if a.size_band])
    if span:
        low, high = span
        add(
            "size",
            f"{low}..{high}",
            f"{range_text(low, high)} employees",
            lambda a: _in_range(a.size_band, low, high),
        )
    for tool in {t for a in members for t in a.stack}:
        add("stack", tool, f"on {tool}", lambda a, v=tool: v in a.stack)  # type: ignore[misc]
    for country in {a.country for a in members if a.country}:
        add(
            "country",
            country,
            f"in {country}",
            lambda a, v=country: a.country == v,  # type: ignore[misc]
        )
    for outcome in {o for a in members if (o := _outcome(a))}:
        add("outcome", outcome, f"mostly {outcome}", lambda a, v=outcome: _outcome(a) == v)  # type: ignore[misc]
    order = {"industry": 0, "size": 1, "stack": 2, "country": 3, "outcome": 4}
    traits.sort(key=lambda t: (-round(t.contrast, 2), order[t.dimension], t.value))
    return traits


def own_label(industry: str, members: list[AccountProfile]) -> str:
    """An industry in the CRM's own words when most of its accounts are filed under one label
    that says more than the taxonomy's ("Pest Control", not "Construction & Skilled Trades";
    "Dental Laboratories", not "Healthcare & Life Sciences")."""
    taxonomy = industry_label(industry)
    holders = [a for a in members if a.industry == industry]
    spellings = Counter((a.industry_raw or "").strip() for a in holders if a.industry_raw)
    by_label: Counter[str] = Counter()
    for spelling, count in spellings.items():
        by_label[spelling.casefold()] += count
    if not by_label:
        return taxonomy
    label, count = by_label.most_common(1)[0]
    if count * 2 <= len(holders) or label == taxonomy.casefold() or not own_words_say_more(label):
        return taxonomy
    spelled = max((s for s in spellings if s.casefold() == label), key=lambda s: (spellings[s], s))
    return spelled if spelled[:1].isupper() else spelled.title()


def own_words_say_more(label: str) -> bool:
    """Whether a CRM label is a kind of business, not a catch-all ("Other", "Services")."""
    words = [w for w in label.replace("&", " ").split() if w.isalpha()]
    return bool(words) and not all(w in {"other", "services", "general", "misc"} for w in words)


def segment_name(
    traits: list[Trait], members: list[AccountProfile], saying: list[str] | None = None
) -> str:
    """'Healthcare, 11–50 employees, on Zendesk': the distinguishing industry (else the most
    common one), the size range, then up to two distinguishing tools and a losing outcome.
    `saying`: rare words only the members say, named when no industry tells them apart
    ("Healthcare & Life Sciences saying ‘prosthetics’ and ‘orthotics’, 11–50 employees")."""
    industries = [t for t in traits if t.dimension == "industry"][:2]
    if industries:
        head = " / ".join(own_label(t.value, members) for t in industries)
    else:
        known = Counter(a.industry for a in members if a.industry and a.industry != "other")
        top = known.most_common(3)
        if top and top[0][1] * 2 > len(members):
            head = own_label(top[0][0], members)
        elif len(top) >= 2 and top[0][1] + top[1][1] > len(members) * 0.6:
            head = f"{own_label(top[0][0], members)} / {own_label(top[1][0], members)}"
        elif (
            len(top) == 3 and top[2][1] >= 2 and sum(count for _, count in top) > len(members) * 0.6
        ):
            # laundries a CRM files as "Linen Supply", "Textile Rental" and "Industrial
            # Laundry": the three labels say more than "Mixed-industry"
            head = " / ".join(own_label(industry, members) for industry, _ in top)
        else:
            head = "Mixed-industry"
    if saying and not industries:
        head += " saying " + " and ".join(f"‘{w}’" for w in saying[:2])
    parts = [head]
    size = next((t for t in traits if t.dimension == "size"), None)
    span = size_range([a.size_band for a in members if a.size_band])
    if size is not None or span:
        low, high = span if span else ("", "")
        parts.append(size.label if size else f"{range_text(low, high)} employees")
    tools = [t.value for t in traits if t.dimension == "stack"][:2]
    if tools:
        parts.append("on " + " or ".join(tools))
    name = ", ".join(parts)
    if any(t.dimension == "outcome" and t.value == "lost or churned" for t in traits):
        name += " (mostly lost or churned)"
    return name
