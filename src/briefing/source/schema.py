"""The JSON Schema of a brief, generated from the model, for editors (VS Code's YAML extension)."""
from __future__ import annotations

import json
from typing import Any

from .model import Brief, adapter

SCHEMA_PATH = "schema/brief.schema.json"


def brief_schema() -> dict[str, Any]:
    schema = adapter(Brief).json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_PATH,
            **schema, "title": "援疆简报摘要 / briefing brief"}


def brief_schema_json() -> str:
    return json.dumps(brief_schema(), ensure_ascii=False, indent=2) + "\n"
