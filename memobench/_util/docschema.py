"""JSON schemas whose field descriptions come from attribute docstrings, read when rendered.

memobench's records document every field with a docstring under it. pydantic can read those
at class creation (``use_attribute_docstrings``), but then every process that imports a record
finds and parses its class's source: ~60 ms of each ``memobench run`` start-up, measured, for
descriptions that only the rendered JSON schemas show. :class:`DocstringSchema` reads them
here instead, by pydantic's rule: a string literal right after an annotated assignment in the
class's own body; a field's nearest class in the MRO that annotates it supplies its text; an
explicit ``Field(description=...)`` wins.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema


@functools.cache
def own_field_docstrings(cls: type) -> dict[str, str]:
    """Attribute name → the docstring under its annotated assignment in ``cls``'s own body."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # no source (built in an interpreter session)
        return {}
    tree = ast.parse(source)
    node = next((n for n in tree.body if isinstance(n, ast.ClassDef)), None)
    if node is None:
        return {}
    out: dict[str, str] = {}
    for stmt, after in zip(node.body, node.body[1:], strict=False):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            out[stmt.target.id] = inspect.cleandoc(after.value.value)
    return out


def field_docstring(cls: type, name: str) -> str | None:
    """The docstring of field ``name`` of ``cls``: from the nearest class that annotates it."""
    for klass in cls.__mro__:
        if name in vars(klass).get("__annotations__", {}):
            return own_field_docstrings(klass).get(name)
    return None


class DocstringSchema(GenerateJsonSchema):
    """pydantic's JSON schema generator, with each model field's docstring as its
    ``description`` (pass as ``model_json_schema(schema_generator=DocstringSchema)``)."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        cls = schema["cls"]
        properties: dict[str, Any] = json_schema.get("properties", {})
        for name, info in getattr(cls, "model_fields", {}).items():
            if info.description is not None or name not in properties:
                continue
            doc = field_docstring(cls, name)
            if doc is not None:
                properties[name] = {**properties[name], "description": doc}
        return json_schema
