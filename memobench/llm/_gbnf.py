"""JSON schema → GBNF (llama.cpp's grammar format), for engines that take a grammar but no schema.

``schema_to_gbnf(schema)`` returns grammar text whose rule ``root`` generates JSON text valid
for ``schema``; ``None`` means any JSON object (``response_format: json_object``). The grammar
is for *generation*: it may accept less than the schema does, and every fallback below that
accepts more is listed.

Supported: ``type`` (object, array, string, number, integer, boolean, null, or a list of them;
absent: inferred from the keywords present, else any JSON value), ``properties`` +
``required``, ``additionalProperties`` (``false``, ``true`` or a schema), ``items`` /
``prefixItems`` with ``minItems`` / ``maxItems``, ``minLength`` / ``maxLength``, ``enum``,
``const``, ``anyOf`` / ``oneOf``, ``allOf`` (merged into one schema; meant for objects),
``nullable`` (OpenAPI), local ``$ref`` (``#/$defs/...``, ``#/definitions/...``, any ``#/``
pointer; recursive refs become recursive rules), boolean schemas.

Choices and fallbacks:

- Objects list required properties first, then the optional ones, each in ``properties``
  order; optional ones may be left out. With ``properties`` but no ``additionalProperties``
  only the declared keys are generated (the schema would allow more; a model never needs
  them). An object schema with neither means any object. Extra keys (``additionalProperties``
  true or a schema) come last and may be any string, declared names included.
- Accepting more than the schema: ``oneOf`` is ``anyOf`` (exclusivity unchecked); ``format``,
  ``pattern``, numeric bounds (``minimum``, ``multipleOf``...), ``uniqueItems`` and
  ``min/maxProperties`` are ignored, so strings are plain JSON strings and numbers any JSON
  number. Siblings of ``$ref`` are ignored. Unknown keywords are ignored.
- Arrays: all ``prefixItems`` are generated (then ``items``, within the bounds); a schema
  ``{}`` / ``true`` or an array without ``items`` takes any JSON value.
- ``allOf`` parts are merged keyword by keyword: ``required`` joined, properties united, each
  part's ``additionalProperties`` applied to the names other parts add (``false`` drops them);
  other keywords must agree.
- Accepting less than JSON: whitespace between tokens is at most one space, or one newline
  plus up to 16 spaces/tabs; digit runs are bounded (16 integer / 16 fraction / 3 exponent
  digits), because small models otherwise loop on whitespace or digits until ``max_tokens``.
  Property names and ``enum`` / ``const`` values have one spelling: compact JSON with
  non-ASCII characters unescaped. ``maxLength`` counts a ``\\uXXXX`` escape as one
  character, so a character outside the BMP, escaped as a surrogate pair, counts as two.
- Keywords that would change the shape in ways a grammar here cannot follow (``not``,
  ``if``/``then``/``else``, ``patternProperties``, ``contains``, ``dependent*``, ...) raise
  ``ValueError`` naming the schema path, as do remote or dangling ``$ref``, ``$ref`` cycles
  with nothing in between, and ``allOf`` parts that conflict.

The text is deterministic (rules in a fixed order, names derived from schema paths), so it
can be hashed into a cache key.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

__all__ = ["schema_to_gbnf"]

# Why shared named rules: llama.cpp expands each `{m,n}` into helper rules, so defining the
# primitives once keeps grammars small; reachability below drops the unused ones.
_PRIMITIVES: dict[str, str] = {
    "ws": r'( " " | "\n" [ \t]{0,16} )?',
    "char": r'[^"\\\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} )',
    "string": r'"\"" char* "\""',
    "integer": r'"-"? ( "0" | [1-9] [0-9]{0,15} )',
    "number": r'integer ( "." [0-9]{1,16} )? ( [eE] [-+]? [0-9]{1,3} )?',
    "boolean": r'"true" | "false"',
    "null": r'"null"',
    "value": r"object | array | string | number | boolean | null",
    "object": r'"{" ws ( member ws ( "," ws member ws )* )? "}"',
    "member": r'string ws ":" ws value',
    "array": r'"[" ws ( value ws ( "," ws value ws )* )? "]"',
}

_TYPES = ("object", "array", "string", "number", "integer", "boolean", "null")

_UNSUPPORTED = (
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "propertyNames",
    "contains",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "unevaluatedProperties",
    "unevaluatedItems",
    "$dynamicRef",
    "$recursiveRef",
)

# Keywords that say nothing about the instance: never a reason to split or merge a schema.
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "example",
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)

# Which type a keyword implies when a schema gives none (checked in this order).
_IMPLIED = (
    ("object", ("properties", "additionalProperties", "required", "minProperties")),
    ("array", ("items", "prefixItems", "minItems", "maxItems")),
    ("string", ("minLength", "maxLength", "pattern", "format")),
    ("number", ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")),
)

# Schemas whose expression is not one object/array rule (see `_Builder.ref`).
_COMPOSITE = frozenset({"$ref", "allOf", "anyOf", "oneOf", "enum", "const", "nullable"})

_ABSENT = object()
_NAME_JUNK = re.compile(r"[^A-Za-z0-9]+")
_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|\[(?:\\.|[^\]\\])*\]|([A-Za-z][A-Za-z0-9-]*)')


def schema_to_gbnf(schema: dict[str, Any] | None) -> str:
    """GBNF text (root rule ``root``) generating JSON valid for ``schema``; ``None``: any object."""
    builder = _Builder(schema if schema is not None else {"type": "object"})
    return builder.grammar()


def _lit(text: str) -> str:
    """``text`` as a GBNF string literal."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable() and ch != " ":  # keeps the text one line per rule, and legible
            code = ord(ch)
            out.append(
                f"\\x{code:02X}"
                if code < 0x100
                else f"\\u{code:04X}"
                if code < 0x10000
                else f"\\U{code:08X}"
            )
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _json_lit(value: Any) -> str:
    """The literal of one JSON value, compact: what ``enum`` / ``const`` force the model to write."""
    return _lit(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _alt(parts: list[str]) -> str:
    unique = list(dict.fromkeys(parts))
    return unique[0] if len(unique) == 1 else "( " + " | ".join(unique) + " )"


def _rep(expr: str, lo: int, hi: int | None) -> str:
    """``expr`` repeated ``lo``..``hi`` times (``hi`` None: unbounded); "" for zero times."""
    if hi == 0:
        return ""
    if hi is None:
        op = {0: "*", 1: "+"}.get(lo, f"{{{lo},}}")
    elif (lo, hi) == (0, 1):
        op = "?"
    else:
        op = f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}"
    return f"( {expr} ){op}"


def _matches_type(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    return isinstance(value, dict)


class _Builder:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.rules: dict[str, str] = {}
        self.by_body: dict[str, str] = {}
        self.refs: dict[str, str] = {}
        self.claimed: dict[str, str] = {}

    def grammar(self) -> str:
        # The root is the ref "#": one rule, whether reached from the top or by a `$ref: "#"`.
        self.ref("#", "#")
        rules = {**_PRIMITIVES, **self.rules}
        used: set[str] = set()
        todo = ["root"]
        while todo:
            name = todo.pop()
            if name in used:
                continue
            used.add(name)
            todo += [m for m in _TOKENS.findall(rules[name]) if m in rules]
        names = ["root", *sorted(used - {"root"})]
        return "".join(f"{n} ::= {rules[n]}\n" for n in names)

    # -- rules ---------------------------------------------------------------------------

    def _name(self, path: str) -> str:
        """A rule name for the schema at ``path`` (``#/properties/a`` → ``root-a``), unused so far."""
        parts = [unquote(p) for p in path.split("/")[1:] if p not in ("properties", "$defs")]
        words = [w for w in (_NAME_JUNK.sub("-", p).strip("-") for p in parts) if w]
        base = "-".join(["root", *words])
        name, n = base, 1
        # `ref("#")` takes "root" before anything else is named.
        while name in self.rules or name in _PRIMITIVES:
            n += 1
            name = f"{base}-{n}"
        return name

    def _rule(self, path: str, body: str) -> str:
        """A named rule for ``body``; an identical body reuses the existing rule."""
        if path in self.claimed:
            name = self.claimed.pop(path)
            self.rules[name] = body
            self.by_body.setdefault(body, name)
            return name
        if body in _PRIMITIVES.values():
            return next(k for k, v in _PRIMITIVES.items() if v == body)
        if body in self.by_body:
            return self.by_body[body]
        name = self._name(path)
        self.rules[name] = body
        self.by_body[body] = name
        return name

    # -- schemas -------------------------------------------------------------------------

    def expr(self, node: Any, path: str) -> str:
        """A GBNF expression (a rule name or a parenthesised term) generating ``node``."""
        if node is True:
            return "value"
        if node is False:
            raise ValueError(f"{path}: schema `false` accepts no value")
        if not isinstance(node, dict):
            raise ValueError(f"{path}: a schema must be an object or a boolean, got {node!r}")
        for key in _UNSUPPORTED:
            if key in node:
                raise ValueError(f"{path}: unsupported keyword {key!r}")
        if "$ref" in node:
            return self.ref(node["$ref"], path)
        if node.get("nullable") is True:
            rest = {k: v for k, v in node.items() if k != "nullable"}
            return _alt([self.expr(rest, path), "null"])
        if "allOf" in node:
            return self.expr(self.merged(node, path), path)
        if "anyOf" in node and "oneOf" in node:
            raise ValueError(f"{path}: both anyOf and oneOf are unsupported")
        for key in ("anyOf", "oneOf"):
            if key in node:
                return self.branches(node, key, path)
        kinds = self.kinds(node, path)
        if "const" in node or "enum" in node:
            return self.enum(node, kinds, path)
        if not kinds:
            return "value"
        return _alt([self.typed(node, kind, path) for kind in kinds])

    def kinds(self, node: dict[str, Any], path: str) -> list[str]:
        kind = node.get("type")
        if kind is None:
            return [k for k, keys in _IMPLIED if any(key in node for key in keys)]
        kinds = [kind] if isinstance(kind, str) else kind
        if not isinstance(kinds, list) or not kinds:
            raise ValueError(f"{path}/type: expected a type name or a non-empty list")
        for k in kinds:
            if k not in _TYPES:
                raise ValueError(f"{path}/type: unknown type {k!r}")
        return list(dict.fromkeys(kinds))

    def resolve(self, ref: Any, path: str) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise ValueError(f"{path}/$ref: only local refs ('#/...') are supported, got {ref!r}")
        target: Any = self.root
        for raw in ref[1:].split("/")[1:]:
            part = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            else:
                raise ValueError(f"{path}/$ref: {ref!r} does not resolve")
        return target

    def ref(self, ref: Any, path: str) -> str:
        target = self.resolve(ref, path)
        if ref in self.refs:  # also the recursive case: the rule is being built
            return self.refs[ref]
        name = self._name(ref)
        self.refs[ref] = name
        self.rules[name] = ""  # reserved while its body (which may refer back) is built
        # A plain object/array schema: its rule takes the ref's name, no alias. Not with any
        # other alternative, which would make the rule an alternative of itself.
        if (
            isinstance(target, dict)
            and not _COMPOSITE.intersection(target)
            and self.kinds(target, ref) in (["object"], ["array"])
        ):
            self.claimed[ref] = name
        body = self.expr(target, ref)
        self.claimed.pop(ref, None)
        if body != name:
            self.rules[name] = body
        alias, seen = self.rules[name], {name}
        while alias in self.rules and alias not in seen:  # refs that only name refs
            seen.add(alias)
            alias = self.rules[alias]
        if alias in seen or not self.rules[name]:  # an alias of itself, or a bare self-ref
            raise ValueError(f"{ref}: a $ref cycle with nothing in between")
        return name

    def branches(self, node: dict[str, Any], key: str, path: str) -> str:
        options = node[key]
        if not isinstance(options, list) or not options:
            raise ValueError(f"{path}/{key}: expected a non-empty list")
        # Sibling constraints hold in every branch (e.g. a shared `type` or `required`).
        rest = {k: v for k, v in node.items() if k != key and k not in _ANNOTATIONS}
        return _alt(
            [
                self.expr({"allOf": [rest, b]} if rest else b, f"{path}/{key}/{i}")
                for i, b in enumerate(options)
            ]
        )

    def enum(self, node: dict[str, Any], kinds: list[str], path: str) -> str:
        """The listed values that the schema's other keywords (as merged by allOf) also admit."""
        key = "const" if "const" in node else "enum"
        values = [node["const"]] if key == "const" else node["enum"]
        if not isinstance(values, list) or not values:
            raise ValueError(f"{path}/enum: expected a non-empty list")
        lo, hi = node.get("minLength", 0), node.get("maxLength")
        kept = [
            v
            for v in values
            if (not kinds or any(_matches_type(v, k) for k in kinds))
            and (key == "enum" or "enum" not in node or v in node["enum"])
            and (not isinstance(v, str) or (lo <= len(v) and (hi is None or len(v) <= hi)))
        ]
        if not kept:
            raise ValueError(f"{path}/{key}: no listed value satisfies the schema's other keywords")
        return _alt([_json_lit(v) for v in kept])

    def typed(self, node: dict[str, Any], kind: str, path: str) -> str:
        if kind == "object":
            return self.object(node, path)
        if kind == "array":
            return self.array(node, path)
        if kind == "string" and ("minLength" in node or "maxLength" in node):
            lo, hi = self.bounds(node, "minLength", "maxLength", path)
            chars = _rep("char", lo, hi) or '""'  # maxLength 0: the empty string
            return self._rule(path, f'"\\"" {chars} "\\""')
        return kind

    def bounds(
        self, node: dict[str, Any], lo_key: str, hi_key: str, path: str
    ) -> tuple[int, int | None]:
        lo, hi = node.get(lo_key, 0), node.get(hi_key)
        if (
            not isinstance(lo, int)
            or lo < 0
            or (hi is not None and (not isinstance(hi, int) or hi < lo))
        ):
            raise ValueError(f"{path}: bad {lo_key}/{hi_key} {lo!r}/{hi!r}")
        return lo, hi

    def object(self, node: dict[str, Any], path: str) -> str:
        props = node.get("properties") or {}
        required = node.get("required") or []
        extra = node.get("additionalProperties", _ABSENT)
        if not isinstance(props, dict) or not isinstance(required, list):
            raise ValueError(f"{path}: properties must be an object and required a list")
        if not props and not required and extra is _ABSENT:
            return "object"
        members: list[tuple[str, str]] = []  # (expression, "req" | "opt" | "rep")
        required = list(dict.fromkeys(required))
        for name in [n for n in props if n in required] + [n for n in required if n not in props]:
            if name in props:
                value = self.expr(props[name], f"{path}/properties/{name}")
            elif extra is False:
                raise ValueError(
                    f"{path}: required {name!r} is not a property and no others are allowed"
                )
            else:
                value = self.expr(
                    True if extra is _ABSENT else extra, f"{path}/additionalProperties"
                )
            members.append(
                (f'{_lit(json.dumps(name, ensure_ascii=False))} ws ":" ws {value}', "req")
            )
        for name in props:
            if name not in required:
                value = self.expr(props[name], f"{path}/properties/{name}")
                members.append(
                    (f'{_lit(json.dumps(name, ensure_ascii=False))} ws ":" ws {value}', "opt")
                )
        if extra is not _ABSENT and extra is not False:
            value = self.expr(extra, f"{path}/additionalProperties")
            members.append((f'string ws ":" ws {value}', "rep"))
        return self._rule(path, '"{" ws ' + _sequence(members) + '"}"')

    def array(self, node: dict[str, Any], path: str) -> str:
        prefix = node.get("prefixItems", [])
        items = node.get("items", _ABSENT)
        if isinstance(items, list):  # draft 4-7 tuples
            prefix, items = items, node.get("additionalItems", _ABSENT)
        if not isinstance(prefix, list):
            raise ValueError(f"{path}/prefixItems: expected a list")
        lo, hi = self.bounds(node, "minItems", "maxItems", path)
        if hi is not None and hi < len(prefix):
            raise ValueError(f"{path}: maxItems below the number of prefixItems is unsupported")
        key = "prefixItems" if "prefixItems" in node else "items"
        members = [(self.expr(p, f"{path}/{key}/{i}"), "req") for i, p in enumerate(prefix)]
        if items is not False:
            item = self.expr(True if items is _ABSENT else items, f"{path}/items")
            extra_lo = max(lo - len(prefix), 0)
            extra_hi = None if hi is None else hi - len(prefix)
            if not members and extra_lo > 0:  # the first element carries no comma
                members.append((item, "req"))
                extra_lo, extra_hi = extra_lo - 1, None if extra_hi is None else extra_hi - 1
            if extra_hi != 0:
                members.append((item, f"{extra_lo},{'' if extra_hi is None else extra_hi}"))
        return self._rule(path, '"[" ws ' + _sequence(members) + '"]"')

    def merged(self, node: dict[str, Any], path: str) -> dict[str, Any]:
        """``node`` with its ``allOf`` parts (refs resolved, nested allOf flattened) merged in."""
        parts = node["allOf"]
        if not isinstance(parts, list) or not parts:
            raise ValueError(f"{path}/allOf: expected a non-empty list")
        out = {k: v for k, v in node.items() if k != "allOf"}
        for i, part in enumerate(parts):
            out = _merge(out, self.flat(part, f"{path}/allOf/{i}"), f"{path}/allOf/{i}")
        return out

    def flat(self, node: Any, path: str, depth: int = 0) -> dict[str, Any]:
        if node is True:
            return {}
        if not isinstance(node, dict):
            raise ValueError(f"{path}: allOf parts must be object schemas")
        if depth > 32:
            raise ValueError(f"{path}: allOf through recursive $ref is unsupported")
        if "$ref" in node:
            return self.flat(self.resolve(node["$ref"], path), str(node["$ref"]), depth + 1)
        if "allOf" in node:
            flat_parts = {k: v for k, v in node.items() if k != "allOf"}
            for i, part in enumerate(node["allOf"]):
                flat_parts = _merge(
                    flat_parts, self.flat(part, f"{path}/allOf/{i}", depth + 1), path
                )
            return flat_parts
        return node


def _sequence(members: list[tuple[str, str]]) -> str:
    """Comma-separated ``members`` in order, each followed by ``ws``; a trailing space included.

    A member's kind is "req" (once), "opt" (0 or 1 times) or "lo,hi" / "rep" (repeated). Which
    member comes first decides where the first comma goes, so there is one alternative per
    possible first member: up to and including the first required one.
    """

    def times(kind: str) -> tuple[int, int | None]:
        if kind == "req":
            return 1, 1
        if kind == "opt":
            return 0, 1
        if kind == "rep":
            return 0, None
        lo, _, hi = kind.partition(",")
        return int(lo), int(hi) if hi else None

    def tail(rest: list[tuple[str, str]]) -> list[str]:
        out = []
        for expr, kind in rest:
            lo, hi = times(kind)
            out.append(
                f'"," ws {expr} ws' if (lo, hi) == (1, 1) else _rep(f'"," ws {expr} ws', lo, hi)
            )
        return out

    alts: list[str] = []
    may_be_empty = True
    for i, (expr, kind) in enumerate(members):
        lo, hi = times(kind)
        head = [f"{expr} ws"]
        if hi is None or hi > 1:  # this member again, now behind commas
            head.append(_rep(f'"," ws {expr} ws', max(lo - 1, 0), None if hi is None else hi - 1))
        alts.append(" ".join(p for p in head + tail(members[i + 1 :]) if p))
        if lo > 0:
            may_be_empty = False
            break
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 and not may_be_empty else "( " + " | ".join(alts) + " )"
    return body + ("? " if may_be_empty else " ")


def _merge(a: dict[str, Any], b: dict[str, Any], path: str) -> dict[str, Any]:
    """The schema both ``a`` and ``b`` describe, for the keywords objects use."""
    out = dict(a)
    for key, value in b.items():
        if key in ("properties", "additionalProperties"):
            continue  # below: they depend on each other
        if key not in out or key in _ANNOTATIONS:
            out.setdefault(key, value)
        elif key == "required":
            out[key] = list(dict.fromkeys([*out[key], *value]))
        elif key == "type":
            mine = [out[key]] if isinstance(out[key], str) else list(out[key])
            theirs = [value] if isinstance(value, str) else list(value)
            both = [t for t in mine if t in theirs or (t == "integer" and "number" in theirs)]
            both += [t for t in theirs if t == "integer" and "number" in mine and t not in both]
            if not both:
                raise ValueError(f"{path}: allOf with no common type ({out[key]!r} vs {value!r})")
            out[key] = both[0] if len(both) == 1 else both
        elif out[key] != value:
            raise ValueError(f"{path}: allOf parts disagree on {key!r}, which cannot be merged")
    if not {"properties", "additionalProperties"} & (a.keys() | b.keys()):
        return out
    # A part's additionalProperties covers every name it does not declare itself, so a name
    # another part adds is held to it too (JSON Schema's semantics, not a union).
    sides = [(x.get("properties") or {}, x.get("additionalProperties", True)) for x in (a, b)]
    props: dict[str, Any] = {}
    for name in dict.fromkeys([*sides[0][0], *sides[1][0]]):
        parts = [p.get(name, extra) for p, extra in sides]
        if False in parts:
            if name in out.get("required", []):
                raise ValueError(f"{path}: allOf requires {name!r} and also forbids it")
            continue  # a part forbids it: never generated
        parts = list(dict.fromkeys(json.dumps(x, sort_keys=True) for x in parts if x is not True))
        loaded = [json.loads(x) for x in parts]
        props[name] = True if not loaded else loaded[0] if len(loaded) == 1 else {"allOf": loaded}
    out["properties"] = props
    extras = [extra for _, extra in sides]
    if "additionalProperties" in a or "additionalProperties" in b:
        if False in extras:
            out["additionalProperties"] = False
        else:
            rest = [x for x in extras if x is not True]
            out["additionalProperties"] = (
                True
                if not rest
                else rest[0]
                if len(rest) == 1 or rest[0] == rest[1]
                else {"allOf": rest}
            )
    return out
