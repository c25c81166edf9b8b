"""Field descriptions in rendered JSON schemas come from attribute docstrings, read at render
time by pydantic's rule (the records do not parse their own source at import)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from memobench._util.docschema import DocstringSchema, field_docstring, own_field_docstrings


class Inner(BaseModel):
    """An inner record."""

    model_config = ConfigDict(frozen=True)
    x: int = 0
    """The x.

    Second paragraph, dedented."""
    y: int = 0


class Outer(BaseModel):
    model_config = ConfigDict(frozen=True)
    inner: Inner = Field(default_factory=Inner)
    """Holds an inner."""
    told: str = Field("", description="explicit")
    """Loses to the explicit description."""
    maybe: Inner | None = None
    """Optional inner."""

    def method(self) -> None:
        z: int = 1
        """Not a field's: inside a function."""
        del z


class Derived(Outer):
    extra: int = 1
    """Only in the derived class."""


class Plain:
    a: int = 0
    b = 1
    """Ignored: it follows a plain assignment."""


def test_docstrings_follow_annotated_assignments_only() -> None:
    assert own_field_docstrings(Plain) == {}
    assert own_field_docstrings(Inner) == {"x": "The x.\n\nSecond paragraph, dedented."}
    assert "z" not in own_field_docstrings(Outer)
    assert field_docstring(Derived, "inner") == "Holds an inner."  # from the base's body
    assert field_docstring(Derived, "extra") == "Only in the derived class."
    assert field_docstring(Derived, "nope") is None


def test_the_schema_carries_them_and_explicit_descriptions_win() -> None:
    plain = Derived.model_json_schema()
    assert "description" not in plain["properties"]["extra"]  # not read at class creation
    schema = Derived.model_json_schema(schema_generator=DocstringSchema)
    props = schema["properties"]
    assert props["extra"]["description"] == "Only in the derived class."
    assert props["inner"]["description"] == "Holds an inner."
    assert props["inner"]["$ref"] == "#/$defs/Inner"
    assert props["told"]["description"] == "explicit"
    assert props["maybe"]["description"] == "Optional inner." and "anyOf" in props["maybe"]
    inner = schema["$defs"]["Inner"]["properties"]
    assert inner["x"]["description"] == "The x.\n\nSecond paragraph, dedented."
    assert "description" not in inner["y"]
    assert schema["$defs"]["Inner"]["description"] == "An inner record."
