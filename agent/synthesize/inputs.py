"""Synthesis inputs read from a workspace: documents, evidence, evidence vectors, provenance."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np

from agent.store import Workspace
from agent.synthesize.pipeline import SynthesisInputs


def inputs_from_workspace(workspace: Workspace, embedder: Any) -> SynthesisInputs:
    catalog = workspace.catalog
    # in the order of the research, not of its ingest history: a file read again (edited, or
    # parsed by newer readers) is stored last, and the same research must give the same draft
    documents = sorted(catalog.documents(), key=lambda d: (d.source, d.doc_id))
    position = {d.doc_id: index for index, d in enumerate(documents)}
    evidence = sorted(
        catalog.evidence(),
        key=lambda e: (position.get(e.doc_id, len(position)), e.start, e.end, e.kind.value, e.id),
    )
    vectors = workspace.vectors.vectors("evidence", [e.id for e in evidence]) if evidence else {}
    missing = [e for e in evidence if e.id not in vectors]
    if missing:  # e.g. a workspace written by an older version, or a different embedder
        for item, vector in zip(missing, embedder.embed([e.quote for e in missing]), strict=True):
            vectors[item.id] = vector
    engines = Counter(e.engine for e in evidence)
    engine = (
        engines.most_common(1)[0][0]
        if len(engines) == 1
        else (
            "offline"
            if not engines
            else "mixed: " + ", ".join(f"{k} ({v})" for k, v in engines.most_common())
        )
    )
    fingerprints = [
        row[0] for row in catalog.db.execute("SELECT DISTINCT fingerprint FROM extractions")
    ]
    prompts = sorted({part for f in fingerprints for part in f.split(":") if "@" in part})
    usage = {"calls": 0, "input_tokens": 0, "output_tokens": 0}
    models = set()
    for model, raw in catalog.db.execute("SELECT model, usage FROM llm_cache"):
        models.add(model)
        spent = json.loads(raw)
        for key in usage:
            usage[key] += int(spent.get(key, 0))
    tokens: dict[str, object] = {}
    if usage["calls"]:
        from agent.llm import call_cost

        costs = [call_cost(m, usage["input_tokens"], usage["output_tokens"]) for m in models]
        tokens = {
            **usage,
            "cost_usd": round(costs[0], 6) if len(costs) == 1 and costs[0] is not None else None,
        }
    model = next(iter(models)) if len(models) == 1 else None
    return SynthesisInputs(
        documents=documents,
        evidence=evidence,
        vectors={k: np.asarray(v, dtype=np.float32) for k, v in vectors.items()},
        files=len(catalog.files()),
        engine=engine,
        model=model,
        prompt_versions=prompts,
        tokens=tokens,
        dropped=catalog.dropped_quotes(),
    )
