"""MM-Relevance *proxy* for LoCoMo's multimodal dialogue generation.

LoCoMo (Table 7) reports MM-Relevance from MMDialog (Feng et al., 2022), a CLIP-based score of how
well a generated turn relates to the shared image. LoCoMo does not release the images (only
``img_url``, ``blip_caption`` and ``query``), so CLIP scoring is impossible offline. We
substitute the image by its BLIP caption and use a text-text cosine:

    mm_relevance(turn, caption) = cos(embed(turn), embed(caption))

with the caller's sentence embedder (MiniLM in memobench). This is a proxy: it is not the CLIP
score, it inherits BLIP caption errors, and numbers are not comparable with the paper's MM-R.
Range [-1, 1] (in practice ~[-0.1, 1] for MiniLM); report the mean over turns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where used: importing the package stays light
    import numpy as np

Embed = Callable[[list[str]], "np.ndarray | Sequence[Sequence[float]]"]
"""Texts → an [n, d] array (or nested lists, as ``Embedder.embed`` returns)."""


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    # Clip: rounding can push |cos| of unit vectors a hair above 1.
    return np.clip((a * b).sum(axis=1) / np.maximum(denom, 1e-12), -1.0, 1.0)


def mm_relevance_many(
    generated_turns: Sequence[str], image_captions: Sequence[str], embed: Embed
) -> list[float]:
    """Per-pair :func:`mm_relevance`, embedding everything in one batch (two ``embed`` calls).

    A pair where either text is empty/whitespace scores 0.0 (nothing to relate) and is not
    embedded.
    """
    import numpy as np

    if len(generated_turns) != len(image_captions):
        raise ValueError(f"{len(generated_turns)} turns vs {len(image_captions)} captions")
    keep = [
        i
        for i, (t, c) in enumerate(zip(generated_turns, image_captions, strict=True))
        if t.strip() and c.strip()
    ]
    out = [0.0] * len(generated_turns)
    if keep:
        a = np.asarray(embed([generated_turns[i] for i in keep]))
        b = np.asarray(embed([image_captions[i] for i in keep]))
        for i, v in zip(keep, _cosines(a, b), strict=True):
            out[i] = float(v)
    return out


def mm_relevance(generated_turn: str, image_caption: str, embed: Embed) -> float:
    """Cosine similarity in [-1, 1] between a generated turn and the shared image's caption.

    A text-only proxy for MMDialog's CLIP-based MM-Relevance (see module docstring).
    """
    return mm_relevance_many([generated_turn], [image_caption], embed)[0]


def mean_mm_relevance(
    generated_turns: Sequence[str], image_captions: Sequence[str], embed: Embed
) -> float | None:
    """Mean proxy MM-Relevance over turns; None for no turns."""
    import numpy as np

    scores = mm_relevance_many(generated_turns, image_captions, embed)
    return float(np.mean(scores)) if scores else None
