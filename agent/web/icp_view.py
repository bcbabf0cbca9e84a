"""An ICPDraft as an HTML fragment for the page: segments with hypothesis badges, claims with
their support counts, quotes that expand to the source passage, negative ICP, scorecard.
Every string from the draft is escaped; the full document is one download away."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from agent.schema.icp import Claim, EvidenceRef, ICPDraft, Role, Segment
from agent.synthesize.hypotheses import hypothesis_label

CLAIM_GROUPS = (
    ("triggers", "Trigger events"),
    ("pains", "Pains, ranked by how many accounts feel them"),
    ("jobs", "Jobs to be done"),
    ("workarounds", "Current workarounds"),
    ("objections", "Objections"),
    ("why_they_buy", "Why they buy"),
)
ROLES = (
    ("economic_buyer", "Economic buyer"),
    ("champion", "Champion"),
    ("end_user", "End user"),
    ("technical_evaluator", "Technical evaluator"),
    ("blocker", "Blocker"),
)
FORMATS = (("md", "Markdown"), ("json", "JSON"), ("html", "HTML"))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def passage_url(base: str, doc_id: str, start: int, end: int) -> str:
    return f"{base}/passage?" + urlencode({"doc": doc_id, "start": start, "end": end})


def quote_item(base: str, ref: EvidenceRef, lead: str = "") -> str:
    """A quote that expands to its passage in the source (loaded when opened)."""
    cite = " · ".join(
        escape(p) for p in (ref.account or "unattributed", ref.source, ref.speaker) if p
    )
    return (
        f'<details class="quote" data-src="{escape(passage_url(base, ref.doc_id, ref.start, ref.end))}">'
        f"<summary>{lead}<q>{escape(ref.quote)}</q> <cite>{cite}</cite></summary>"
        '<div class="passage">Loading the source…</div></details>'
    )


def _quotes(base: str, refs: list[EvidenceRef]) -> str:
    if not refs:
        return ""
    items = "".join(f"<li>{quote_item(base, r)}</li>" for r in refs)
    return f'<details class="quotes"><summary>{_plural(len(refs), "quote")}</summary><ul>{items}</ul></details>'


def _claim(base: str, claim: Claim) -> str:
    badges = [
        f'<span class="count" title="distinct {claim.unit} that said it">{_plural(claim.accounts, claim.unit[:-1])}</span>',
        f'<span class="count" title="evidence items">{_plural(claim.mentions, "mention")}</span>',
    ]
    if claim.job_type:
        badges.append(f'<span class="tag">{escape(claim.job_type.value)}</span>')
    if claim.thin:
        badges.append('<span class="tag thin" title="too few accounts">thin evidence</span>')
    cost = ""
    if claim.cost:
        unit = claim.cost.unit + (f"/{claim.cost.period}" if claim.cost.period else "")
        cost = f'<span class="cost">cost stated: {claim.cost.amount:g} {escape(unit)} (“{escape(claim.cost.text)}”)</span>'
    return (
        f'<li class="claim"><span class="label">{escape(claim.label)}</span> {" ".join(badges)}'
        f"{cost}{_quotes(base, claim.evidence)}</li>"
    )


def _role(base: str, name: str, role: Role | None) -> str:
    if role is None:
        return ""
    titles = ", ".join(role.titles) or "title not stated"
    return (
        f"<li><strong>{escape(name)}:</strong> {escape(titles)} "
        f'<span class="count">{_plural(role.accounts, "account")}</span>{_quotes(base, role.evidence)}</li>'
    )


def _segment(base: str, index: int, segment: Segment) -> str:
    badges = f'<span class="badge tier tier-{escape(segment.tier)}">{escape(segment.tier)}</span>'
    parts = []
    if segment.hypothesis:
        badges += f' <span class="badge hypothesis" title="{escape(hypothesis_label())}">hypothesis</span>'
        parts.append(
            f'<p class="hypothesis-reason"><strong>Why a hypothesis:</strong> {escape(segment.hypothesis_reason or "")}</p>'
        )
    support = segment.support
    parts += [
        f"<p><strong>Who:</strong> {escape(segment.who)}</p>",
        f'<p class="support">{_plural(support.accounts, "account")} with research evidence · '
        f"{_plural(support.documents, 'document')} · sources: {escape(', '.join(support.source_kinds) or '—')}</p>",
        f"<p><strong>Tier — {escape(segment.tier)}:</strong> {escape(segment.tier_reason)}</p>",
        f"<p><strong>Accounts ({len(segment.accounts)}):</strong> {escape(', '.join(segment.accounts) or '—')}</p>",
    ]
    tools = ", ".join(f"{c.value} ({c.accounts})" for c in segment.technographics.tools[:8])
    industries = ", ".join(
        f"{c.value} ({c.accounts})" for c in segment.firmographics.industries[:4]
    )
    sizes = ", ".join(f"{c.value} ({c.accounts})" for c in segment.firmographics.size_bands[:4])
    facts = "; ".join(
        f for f in (industries and f"industries {industries}", sizes and f"size {sizes}") if f
    )
    parts.append(f"<p><strong>Firmographics:</strong> {escape(facts or 'not known')}</p>")
    parts.append(f"<p><strong>Stack signals:</strong> {escape(tools or 'no stack data')}</p>")
    for attribute, title in CLAIM_GROUPS:
        claims: list[Claim] = getattr(segment, attribute)
        if claims:
            items = "".join(_claim(base, c) for c in claims)
            parts.append(f'<h4>{escape(title)}</h4><ol class="claims">{items}</ol>')
        elif attribute in ("triggers", "pains"):
            parts.append(f'<h4>{escape(title)}</h4><p class="note">none evidenced yet</p>')
    roles = "".join(
        _role(base, name, getattr(segment.buying_committee, attribute)) for attribute, name in ROLES
    )
    if roles:
        parts.append(f'<h4>Buying committee</h4><ul class="roles">{roles}</ul>')
    return (
        f'<section class="segment" id="segment-{escape(segment.id)}">'
        f"<h3>Segment {index}: {escape(segment.name)} {badges}</h3>{''.join(parts)}</section>"
    )


def _negative(base: str, draft: ICPDraft) -> str:
    if not draft.negative_icp:
        body = '<p class="note">No trait is over-represented among lost and churned accounts (or there are too few of them).</p>'
    else:
        body = (
            "<ul>"
            + "".join(
                f"<li><strong>{escape(t.trait)}</strong> — {t.lost_or_churned} lost/churned vs "
                f"{t.won_or_expanded} won/expanded, lift {t.lift:.1f}×. {escape(t.why)}{_quotes(base, t.evidence)}</li>"
                for t in draft.negative_icp
            )
            + "</ul>"
        )
    if draft.disqualifiers:
        body += (
            "<h4>Disqualifiers</h4><ul>"
            + "".join(f"<li>{escape(d)}</li>" for d in draft.disqualifiers)
            + "</ul>"
        )
    return f'<section class="negative"><h3>Negative ICP</h3>{body}</section>'


def _scorecard(draft: ICPDraft) -> str:
    card = draft.scorecard
    rows = "".join(
        f"<tr><td>{escape(c.block)}</td><td>{escape(c.criterion)}</td><td>{c.points:g}</td><td>{escape(c.rule)}</td></tr>"
        for c in card.criteria
    )
    bands = " · ".join(
        escape(f"{b.get('name')} ≥ {b.get('min')}: {b.get('action')}") for b in card.bands
    )
    return (
        f'<section class="scorecard"><h3>Scorecard ({card.total} points)</h3>'
        "<table><thead><tr><th>Block</th><th>Criterion</th><th>Points</th><th>Rule</th></tr></thead>"
        f"<tbody>{rows}</tbody></table><p><strong>Bands:</strong> {bands}</p></section>"
    )


def _list(title: str, items: list[str]) -> str:
    if not items:
        return ""
    return (
        f"<h3>{escape(title)}</h3><ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
    )


def draft_html(draft: ICPDraft, base: str, name: str) -> str:
    """`base` is the URL the draft's passages and downloads hang under; `name` the download name."""
    corpus = draft.corpus
    version = f" — v{draft.version}" if draft.version else ""
    documents = ", ".join(f"{k} {v}" for k, v in sorted(corpus.documents.items()))
    downloads = " ".join(
        f'<a class="download" href="{escape(base)}/download.{fmt}" download="{escape(name)}.{fmt}">{label}</a>'
        for fmt, label in FORMATS
    )
    parts = [
        f'<article class="icp"><header><h2>{escape(draft.title)}{escape(version)} ({escape(draft.status)})</h2>',
        f'<p class="meta">engine {escape(draft.engine)} · {_plural(corpus.files, "file")} · '
        f"{_plural(sum(corpus.documents.values()), 'document')} ({escape(documents)}) · "
        f"{_plural(corpus.accounts, 'account')}, {corpus.accounts_with_evidence} with research evidence · "
        f"revisit by {escape(str(draft.revisit_on))}</p>",
        f'<p class="downloads">Download: {downloads}</p></header>',
    ]
    parts += [f'<p class="warning">{escape(w)}</p>' for w in draft.warnings]
    parts.append(_list("Summary", draft.summary))
    parts += [_segment(base, i, s) for i, s in enumerate(draft.segments, start=1)]
    parts.append(_negative(base, draft))
    parts.append(_scorecard(draft))
    parts.append(_list("Qualification checklist (go / no-go)", draft.qualification_checklist))
    parts.append(_list("Validation plan: the next 10 customers", draft.validation_plan))
    provenance = draft.provenance
    parts.append(
        f'<p class="meta">Provenance: engine {escape(provenance.engine)}'
        + (f" (model {escape(provenance.model)})" if provenance.model else "")
        + f" · {provenance.dropped_quotes} ungrounded quotes dropped · every quote is a verbatim span of a source.</p>"
    )
    parts.append("</article>")
    return "".join(parts)
