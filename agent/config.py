"""Settings in one place and one order: flag > environment > `.env` > workspace config > default.

Nothing is read at import time; `load_settings()` is called by the CLI (and by tests with an
explicit environment) and the result is passed down to the core.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from dotenv import dotenv_values
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from agent.errors import UsageError

DEFAULT_WORKSPACE = Path(".icp")
WORKSPACE_CONFIG = "config.yaml"

# setting name -> environment variables, first match wins
ENV_VARS: dict[str, tuple[str, ...]] = {
    "workspace": ("ICP_WORKSPACE",),
    "engine": ("ICP_ENGINE",),
    "model": ("ICP_MODEL",),
    "base_url": ("ICP_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("ICP_API_KEY", "OPENAI_API_KEY"),
    "embeddings": ("ICP_EMBEDDINGS",),
    "embedding_model": ("ICP_EMBEDDING_MODEL",),
    "chroma_url": ("ICP_CHROMA_URL",),
    "redact_pii": ("ICP_REDACT_PII",),
    "redact_names": ("ICP_REDACT_NAMES",),
    "max_file_mb": ("ICP_MAX_FILE_MB",),
    "concurrency": ("ICP_CONCURRENCY",),
    "timeout": ("ICP_TIMEOUT",),
    "max_retries": ("ICP_MAX_RETRIES",),
    "structured_output": ("ICP_STRUCTURED_OUTPUT",),
    "window_tokens": ("ICP_WINDOW_TOKENS",),
    "chunk_tokens": ("ICP_CHUNK_TOKENS",),
}


class Settings(BaseModel):
    """Effective settings of one run. `icp config` prints them with keys masked."""

    model_config = ConfigDict(extra="forbid")

    workspace: Path = Field(DEFAULT_WORKSPACE, description="Workspace folder (Chroma + manifest).")
    engine: Literal["auto", "offline", "openai"] = Field(
        "auto", description="auto = openai when a key or base URL is configured, else offline."
    )
    model: str = Field("gpt-4o-mini", description="Chat model for the openai engine.")
    base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint (Ollama, vLLM, Azure…)."
    )
    api_key: SecretStr | None = Field(None, description="API key for the endpoint.")
    embeddings: Literal["local", "openai"] = Field(
        "local",
        description="local = bundled all-MiniLM-L6-v2 (int8 ONNX), nothing leaves the machine.",
    )
    embedding_model: str = Field("text-embedding-3-small", description="OpenAI embedding model.")
    chroma_url: str | None = Field(None, description="Chroma server URL for team workspaces.")
    redact_pii: bool | None = Field(
        None,
        description="Redact emails/phones before text leaves the machine (default: on when an endpoint is configured).",
    )
    redact_names: bool = Field(False, description="Also redact customer person names.")
    max_file_mb: float = Field(50.0, gt=0, description="Files larger than this are refused.")
    concurrency: int = Field(4, ge=1, le=64, description="Parallel LLM calls.")
    timeout: float = Field(60.0, gt=0, description="Seconds per LLM call.")
    max_retries: int = Field(
        4, ge=0, le=20, description="Client retries per LLM call (429/5xx/timeouts)."
    )
    structured_output: Literal["json_schema", "function_calling"] = Field(
        "json_schema", description="How the model is asked for structured output."
    )
    window_tokens: int = Field(3000, ge=200, description="Max transcript tokens per LLM window.")
    chunk_tokens: int = Field(200, ge=32, le=512, description="Max tokens per indexed chunk.")

    @property
    def effective_engine(self) -> Literal["offline", "openai"]:
        if self.engine == "auto":
            return "openai" if (self.api_key or self.base_url) else "offline"
        return self.engine

    @property
    def external_endpoint(self) -> bool:
        """True when any text can leave the machine (LLM, embeddings or a Chroma server)."""
        return (
            self.effective_engine == "openai"
            or self.embeddings == "openai"
            or self.chroma_url is not None
        )

    @property
    def effective_redact_pii(self) -> bool:
        return self.external_endpoint if self.redact_pii is None else self.redact_pii

    def masked(self) -> dict[str, Any]:
        """Settings for display: secrets masked, derived values included."""
        data = self.model_dump(mode="json")
        key = self.api_key.get_secret_value() if self.api_key else None
        data["api_key"] = mask_secret(key)
        data["effective_engine"] = self.effective_engine
        data["effective_redact_pii"] = self.effective_redact_pii
        return data


def mask_secret(value: str | None) -> str | None:
    if not value:
        return None
    if len(value) <= 8:
        return "****"
    return f"{value[:3]}…{value[-4:]}"


def _workspace_config(workspace: Path) -> dict[str, Any]:
    path = workspace / WORKSPACE_CONFIG
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of setting: value")
    unknown = set(data) - set(Settings.model_fields) - {"workspace"}
    if unknown:
        raise UsageError(f"{path}: unknown settings {sorted(unknown)}")
    data.pop("workspace", None)
    return data


def _from_env(source: Mapping[str, str | None]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, variables in ENV_VARS.items():
        for variable in variables:
            value = source.get(variable)
            if value not in (None, ""):
                found[name] = value
                break
    return found


def load_settings(
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    dotenv_path: Path | None = None,
) -> Settings:
    """Resolve settings: flags > environment > .env > workspace config.yaml > defaults."""
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    environ = os.environ if environ is None else environ
    dotenv_file = dotenv_path if dotenv_path is not None else Path(".env")
    dotenv = _from_env(dotenv_values(dotenv_file)) if dotenv_file.is_file() else {}
    env = _from_env(environ)

    workspace = Path(
        flags.get("workspace")
        or env.get("workspace")
        or dotenv.get("workspace")
        or DEFAULT_WORKSPACE
    )
    merged: dict[str, Any] = {}
    for layer in (_workspace_config(workspace), dotenv, env, flags):
        merged.update(layer)
    merged["workspace"] = workspace
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise UsageError(f"invalid settings: {problems}") from exc
