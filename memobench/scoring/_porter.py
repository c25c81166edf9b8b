"""NLTK's Porter stemmer, default ``NLTK_EXTENSIONS`` mode, without importing NLTK.

``import nltk`` runs NLTK's whole ``__init__`` (SciPy's stats, the taggers, the chunkers):
about 2 s of CPU with bytecode cached, ~1 ms per question of a LoCoMo QA run, for one
function. This is a port of ``nltk.stem.porter.PorterStemmer`` (NLTK 3.10, Apache-2.0,
Copyright (C) 2001-2025 NLTK Project) reduced to that one mode: same rules, same order, same
conditions, so the same stems. ``tests/foundation/test_fnd_porter.py`` checks it against NLTK
on every word of LoCoMo and the algorithm's edge cases.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

_VOWELS = frozenset("aeiou")

# Irregular forms NLTK maps directly (form -> stem).
_POOL = {
    form: stem
    for stem, forms in {
        "sky": ["sky", "skies"],
        "die": ["dying"],
        "lie": ["lying"],
        "tie": ["tying"],
        "news": ["news"],
        "inning": ["innings", "inning"],
        "outing": ["outings", "outing"],
        "canning": ["cannings", "canning"],
        "howe": ["howe"],
        "proceed": ["proceed"],
        "exceed": ["exceed"],
        "succeed": ["succeed"],
    }.items()
    for form in forms
}

_Rule = tuple[str, str, Callable[[str], bool] | None]


def _is_consonant(word: str, i: int) -> bool:
    if word[i] in _VOWELS:
        return False
    if word[i] == "y":
        # A 'y' is a consonant when the letter before it is not one.
        negate = False
        while i > 0 and word[i] == "y":
            negate = not negate
            i -= 1
        return (word[i] not in _VOWELS) != negate
    return True


def _consonant_flags(word: str) -> list[bool]:
    flags: list[bool] = []
    for i, ch in enumerate(word):
        if ch in _VOWELS:
            flags.append(False)
        elif ch == "y":
            flags.append(True if i == 0 else not flags[i - 1])
        else:
            flags.append(True)
    return flags


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant transitions."""
    return "".join("c" if c else "v" for c in _consonant_flags(stem)).count("vc")


def _positive_measure(stem: str) -> bool:
    return _measure(stem) > 0


def _contains_vowel(stem: str) -> bool:
    return not all(_consonant_flags(stem))


def _ends_double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_consonant(word, len(word) - 1)


def _ends_cvc(word: str) -> bool:
    return (
        len(word) >= 3
        and _is_consonant(word, len(word) - 3)
        and not _is_consonant(word, len(word) - 2)
        and _is_consonant(word, len(word) - 1)
        and word[-1] not in ("w", "x", "y")
    ) or (len(word) == 2 and not _is_consonant(word, 0) and _is_consonant(word, 1))


def _strip(word: str, suffix: str) -> str:
    return word[: -len(suffix)] if suffix else word


def _apply_rule_list(word: str, rules: list[_Rule]) -> str:
    """The first rule whose suffix matches decides: applied if its condition holds, else none."""
    for suffix, replacement, condition in rules:
        if suffix == "*d" and _ends_double_consonant(word):
            stem = word[:-2]
            return stem + replacement if condition is None or condition(stem) else word
        if word.endswith(suffix):
            stem = _strip(word, suffix)
            return stem + replacement if condition is None or condition(stem) else word
    return word


def _step1a(word: str) -> str:
    if word.endswith("ies") and len(word) == 4:  # NLTK: 'dies' -> 'die', 'flies' -> 'fli'
        return _strip(word, "ies") + "ie"
    return _apply_rule_list(
        word, [("sses", "ss", None), ("ies", "i", None), ("ss", "ss", None), ("s", "", None)]
    )


def _step1b(word: str) -> str:
    if word.endswith("ied"):  # NLTK: 'died' -> 'die', 'spied' -> 'spi'
        return _strip(word, "ied") + ("ie" if len(word) == 4 else "i")
    if word.endswith("eed"):
        stem = _strip(word, "eed")
        return stem + "ee" if _measure(stem) > 0 else word
    for suffix in ("ed", "ing"):
        if word.endswith(suffix):
            intermediate = _strip(word, suffix)
            if _contains_vowel(intermediate):
                break
    else:
        return word
    last = intermediate[-1]
    return _apply_rule_list(
        intermediate,
        [
            ("at", "ate", None),
            ("bl", "ble", None),
            ("iz", "ize", None),
            ("*d", last, lambda _stem: last not in ("l", "s", "z")),
            ("", "e", lambda stem: _measure(stem) == 1 and _ends_cvc(stem)),
        ],
    )


def _step1c(word: str) -> str:
    # NLTK: y -> i only after a consonant that is not the whole stem ('happy', not 'enjoy').
    return _apply_rule_list(
        word, [("y", "i", lambda stem: len(stem) > 1 and _is_consonant(stem, len(stem) - 1))]
    )


_STEP2_RULES: list[_Rule] = [
    (suffix, replacement, _positive_measure)
    for suffix, replacement in [
        ("ational", "ate"),
        ("tional", "tion"),
        ("enci", "ence"),
        ("anci", "ance"),
        ("izer", "ize"),
        ("bli", "ble"),
        ("alli", "al"),
        ("entli", "ent"),
        ("eli", "e"),
        ("ousli", "ous"),
        ("ization", "ize"),
        ("ation", "ate"),
        ("ator", "ate"),
        ("alism", "al"),
        ("iveness", "ive"),
        ("fulness", "ful"),
        ("ousness", "ous"),
        ("aliti", "al"),
        ("iviti", "ive"),
        ("biliti", "ble"),
        ("fulli", "ful"),
    ]
]


def _step2(word: str) -> str:
    # NLTK applies ALLI -> AL first and, if it fires, runs step 2 again on the result.
    if word.endswith("alli") and _positive_measure(_strip(word, "alli")):
        return _step2(_strip(word, "alli") + "al")
    # The 'l' of 'logi' -> 'log' stays with the stem, so 'geo', 'theo' work like 'philo'.
    logi: _Rule = ("logi", "log", lambda _stem: _positive_measure(word[:-3]))
    return _apply_rule_list(word, [*_STEP2_RULES, logi])


_STEP3_RULES: list[_Rule] = [
    (suffix, replacement, _positive_measure)
    for suffix, replacement in [
        ("icate", "ic"),
        ("ative", ""),
        ("alize", "al"),
        ("iciti", "ic"),
        ("ical", "ic"),
        ("ful", ""),
        ("ness", ""),
    ]
]


def _measure_gt_1(stem: str) -> bool:
    return _measure(stem) > 1


_STEP4_RULES: list[_Rule] = [
    *((s, "", _measure_gt_1) for s in ("al", "ance", "ence", "er", "ic", "able", "ible", "ant")),
    *((s, "", _measure_gt_1) for s in ("ement", "ment", "ent")),
    ("ion", "", lambda stem: _measure(stem) > 1 and stem[-1] in ("s", "t")),
    *((s, "", _measure_gt_1) for s in ("ou", "ism", "ate", "iti", "ous", "ive", "ize")),
]


def _step5a(word: str) -> str:
    # Both conditions are tried (unlike a rule list): m > 1, or m == 1 and not *o.
    if word.endswith("e"):
        stem = _strip(word, "e")
        if _measure(stem) > 1:
            return stem
        if _measure(stem) == 1 and not _ends_cvc(stem):
            return stem
    return word


def _step5b(word: str) -> str:
    return _apply_rule_list(word, [("ll", "l", lambda _stem: _measure(word[:-1]) > 1)])


# Memoised: a pure function, and answers repeat words (F1 and ROUGE share the one cache).
@functools.lru_cache(maxsize=200_000)
def porter_stem(word: str) -> str:
    """``nltk.stem.PorterStemmer().stem(word)`` (lowercases first, as NLTK does)."""
    stem = word.lower()
    if stem in _POOL:
        return _POOL[stem]
    if len(word) <= 2:  # NLTK tests the length of the word as given, not lowercased
        return stem
    stem = _step1a(stem)
    stem = _step1b(stem)
    stem = _step1c(stem)
    stem = _step2(stem)
    stem = _apply_rule_list(stem, _STEP3_RULES)
    stem = _apply_rule_list(stem, _STEP4_RULES)
    stem = _step5a(stem)
    return _step5b(stem)
