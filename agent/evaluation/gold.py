"""Gold labels of an eval corpus (`evals/datasets/<name>/gold.yaml`, see evals/CORPUS_FORMAT.md)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.errors import UsageError
from agent.schema import BuyingRole, EvidenceKind, JobType


class GoldSegment(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    accounts: list[str]
    hypothesis: bool = False
    negative: bool = False
    thin: bool = Field(
        False, description="A small distinct group that must stay a hypothesis, never merged."
    )


class GoldTrait(BaseModel):
    dimension: str
    value: str


class GoldImpact(BaseModel):
    amount: float
    unit: str
    period: str | None = None


class GoldEvidence(BaseModel):
    model_config = ConfigDict(extra="allow")

    kind: EvidenceKind
    file: str
    quote: str
    account: str | None = None
    job_type: JobType | None = None
    role: BuyingRole | None = None
    impact: GoldImpact | None = None


class GoldDistractor(BaseModel):
    file: str
    quote: str
    why: str = "negated"


class GoldPMFShare(BaseModel):
    very: int
    n: int
    pct: float


class GoldPMF(BaseModel):
    method: str
    overall: GoldPMFShare
    segments: dict[str, GoldPMFShare] = Field(default_factory=dict)


class GoldQA(BaseModel):
    model_config = ConfigDict(extra="allow")

    question: str
    answerable: bool = True
    files: list[str] = Field(default_factory=list)
    gist: str | None = Field(None, description="What a correct answer says, in short.")
    count: int | None = Field(None, description="For 'how many … mention X': the exact count.")
    count_unit: str | None = Field(None, description="accounts or participants")


class GoldDocument(BaseModel):
    """Who a research file belongs to and who speaks in it, as a human reads it."""

    model_config = ConfigDict(extra="allow")

    file: str
    account: str | None = None
    participant: str | None = None
    interviewer_labels: list[str] = Field(default_factory=list)
    customer_labels: list[str] = Field(default_factory=list)


class GoldThemeQuote(BaseModel):
    file: str
    quote: str


class GoldTheme(BaseModel):
    """A finding a senior researcher would present: a short label and its supporting quotes."""

    model_config = ConfigDict(extra="allow")

    segment: str
    kind: EvidenceKind
    label: str
    accounts: int | None = None
    quotes: list[GoldThemeQuote] = Field(default_factory=list)


class GoldDataset(BaseModel):
    model_config = ConfigDict(extra="allow")

    dataset: str
    version: str
    domain: str = ""
    product: str = ""
    segments: list[GoldSegment]
    negative_icp: list[GoldTrait] = Field(default_factory=list)
    evidence: list[GoldEvidence] = Field(default_factory=list)
    distractors: list[GoldDistractor] = Field(default_factory=list)
    pmf: GoldPMF | None = None
    qa: list[GoldQA] = Field(default_factory=list)
    documents: list[GoldDocument] = Field(default_factory=list)
    stack: dict[str, list[str]] = Field(default_factory=dict)
    themes: list[GoldTheme] = Field(default_factory=list)

    def segment_of(self) -> dict[str, str]:
        return {account: segment.id for segment in self.segments for account in segment.accounts}


class Corpus(BaseModel):
    """A dataset folder: its gold labels and where its sources live."""

    name: str
    root: Path
    gold: GoldDataset

    @property
    def sources(self) -> Path:
        return self.root / "sources"


def load_corpus(root: Path) -> Corpus:
    path = root / "gold.yaml"
    if not path.is_file():
        raise UsageError(f"{root}: not an eval dataset (no gold.yaml)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        gold = GoldDataset.model_validate(data)
    except (yaml.YAMLError, ValueError) as exc:
        raise UsageError(f"{path}: invalid gold labels ({exc})") from exc
    return Corpus(name=gold.dataset, root=root, gold=gold)


def datasets_dir() -> Path:
    """`evals/datasets` of the source checkout (or of the current folder)."""
    here = Path(__file__).resolve().parents[2] / "evals" / "datasets"
    return here if here.is_dir() else Path("evals/datasets")


def find_corpora(names: list[str] | None = None, root: Path | None = None) -> list[Corpus]:
    base = root or datasets_dir()
    if not base.is_dir():
        raise UsageError(
            f"{base}: no eval datasets folder (run from the repository, or pass --datasets DIR)"
        )
    corpora = [load_corpus(p) for p in sorted(base.iterdir()) if (p / "gold.yaml").is_file()]
    if names:
        unknown = set(names) - {c.name for c in corpora}
        if unknown:
            raise UsageError(
                f"unknown dataset(s) {sorted(unknown)}; available: {[c.name for c in corpora]}"
            )
        corpora = [c for c in corpora if c.name in names]
    return corpora
