"""Prompt templates are files in `prompts/` with YAML front matter (name, version, inputs).

A template is validated by a strict model; rendering with a missing or unexpected variable
raises. The prompt's version goes into every cache key and every output's provenance."""

from __future__ import annotations

import re
from functools import cache
from string import Template

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.errors import ICPError
from agent.resources import prompts_dir

_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)


class PromptFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    version: str
    description: str = ""
    inputs: list[str] = Field(default_factory=list)
    system: str = Field(description="The system message template ($name placeholders).")
    user: str = Field(description="The user message template.")

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    def render(self, **values: str) -> tuple[str, str]:
        missing = set(self.inputs) - set(values)
        extra = set(values) - set(self.inputs)
        if missing or extra:
            raise ICPError(
                f"prompt {self.key}: missing inputs {sorted(missing)}, unexpected {sorted(extra)}"
            )
        try:
            return Template(self.system).substitute(values), Template(self.user).substitute(values)
        except (KeyError, ValueError) as exc:
            raise ICPError(f"prompt {self.key}: template error ({exc})") from exc


@cache
def load_prompt(name: str) -> PromptFile:
    path = prompts_dir() / f"{name}.md"
    if not path.is_file():
        raise ICPError(f"{path}: prompt file missing")
    match = _FRONT.match(path.read_text(encoding="utf-8"))
    if not match:
        raise ICPError(f"{path}: expected YAML front matter between --- lines")
    meta = yaml.safe_load(match.group(1)) or {}
    body = match.group(2)
    parts = re.split(r"^# (system|user)\s*$", body, flags=re.MULTILINE)
    sections = {parts[i]: parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}
    try:
        return PromptFile(**meta, system=sections.get("system", ""), user=sections.get("user", ""))
    except ValueError as exc:
        raise ICPError(f"{path}: invalid prompt file ({exc})") from exc
