"""The one prompt-template mechanism: single-pass fill, sha256, prompt sets and their errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from memobench._util.prompts import (
    PromptTemplate,
    fill,
    load_prompt_set,
    read_template,
    shipped_prompt_set,
)
from memobench.errors import ConfigError
from memobench.generation import PROMPT_NAMES, Prompts


def test_fill_is_single_pass_and_leaves_other_braces_alone() -> None:
    text = 'Q: {question}\nA: {answer}\nJSON: {"k": [1]} {unknown} {{answer}}'
    out = fill(text, {"question": "what is {answer}?", "answer": 42})
    assert out == 'Q: what is {answer}?\nA: 42\nJSON: {"k": [1]} {unknown} {42}'
    assert fill("$x {x}", {"x": "$y"}) == "$x $y"


def test_template_hash_is_of_the_exact_text_and_require_names_the_template() -> None:
    t = PromptTemplate(name="demo/ask", text="Hi {name}\n")
    assert t.sha256 == hashlib.sha256(b"Hi {name}\n").hexdigest()
    assert t.placeholders == {"name"}
    assert t.require("name") is t
    with pytest.raises(ConfigError, match=r"'demo/ask' lacks placeholder\(s\) \{other\}"):
        t.require("name", "other")


def test_prompt_set_from_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A {x}", encoding="utf-8")
    (tmp_path / "task.toml").write_text(
        'name = "mine"\nversion = 3\n[prompts]\nask = "a.txt"\n', encoding="utf-8"
    )
    ps = load_prompt_set(tmp_path, prefix="mine")
    assert (ps.name, ps.version) == ("mine", "3")
    assert ps.render("ask", x="1") == "A 1"
    assert ps.hashes() == {"mine/ask": hashlib.sha256(b"A {x}").hexdigest()}
    assert ps.hashes(qualified=False) == {"ask": ps.prompt("ask").sha256}
    with pytest.raises(ConfigError, match=r"has no prompt 'nope'; it has \['ask'\]"):
        ps.prompt("nope")
    with pytest.raises(ConfigError, match="cannot read prompt manifest"):
        load_prompt_set(tmp_path / "missing")
    with pytest.raises(ConfigError, match="cannot read prompt template"):
        read_template(tmp_path / "missing.txt")


def test_every_shipped_prompt_set_loads_and_generation_uses_braces() -> None:
    for folder in ("qa", "event_summary", "dialogue", "judge", "generation"):
        ps = shipped_prompt_set(folder)
        assert ps.prompts and ps.version
    gen = Prompts()
    assert tuple(gen.hashes()) == PROMPT_NAMES
    for name in PROMPT_NAMES:
        assert "$" not in gen.text(name).replace("$5", ""), name
        assert gen.set.prompt(name).placeholders, name


def test_generation_refuses_old_dollar_templates(tmp_path: Path) -> None:
    (tmp_path / "turn.txt").write_text("You are $speaker.", encoding="utf-8")
    (tmp_path / "task.toml").write_text('[prompts]\nturn = "turn.txt"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"uses \$field placeholders \['speaker'\]"):
        Prompts(tmp_path).render("turn", speaker="Ana")
