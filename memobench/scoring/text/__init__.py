"""Text metrics for LoCoMo's event-summarization and multimodal dialogue-generation tasks.

Pure functions/classes; heavy libraries (onnxruntime, torch, bert_score) are imported lazily
inside them, so importing this package is cheap.

* ROUGE-1/2/L: :func:`rouge_scores` (rouge-score's arithmetic, Porter stemming; no import of it).
* BLEU-1/2: :func:`bleu_scores`, :func:`corpus_bleu_scores` (NLTK's arithmetic, method1, regex
  tokenizer; no import of NLTK).
* BERTScore: :func:`get_bert_scorer` → :class:`TorchBertScorer` or :class:`OnnxBertScorer`.
* Atomic facts (FactScore-style): :func:`split_atomic_facts`, :func:`decompose_with_judge`,
  :func:`atomic_fact_prf`, :class:`JudgeSupporter`, :class:`EmbeddingSupporter`.
* MM-Relevance proxy: :func:`mm_relevance` (caption-text cosine, not CLIP).
"""

from ._bertscore import (
    BertScorer,
    BertScoreResult,
    OnnxBertScorer,
    TorchBertScorer,
    find_local_roberta_large,
    get_bert_scorer,
    torch_bertscore_available,
)
from ._bleu import BLEU_WEIGHTS, bleu_scores, bleu_tokenize, corpus_bleu_scores
from ._facts import (
    DEFAULT_SUPPORT_THRESHOLD,
    EmbeddingSupporter,
    FactJudgement,
    FactScore,
    Judge,
    JudgeSupporter,
    Supports,
    aatomic_fact_prf,
    adecompose_with_judge,
    atomic_fact_prf,
    decompose_with_judge,
    load_prompt_template,
    parse_fact_list,
    parse_support_verdict,
    render_prompt,
    split_atomic_facts,
    split_atomic_facts_many,
)
from ._mm import mean_mm_relevance, mm_relevance, mm_relevance_many
from ._rouge import ROUGE_TYPES, mean_rouge, rouge_scores, rouge_scores_multi

__all__ = [
    "BLEU_WEIGHTS",
    "DEFAULT_SUPPORT_THRESHOLD",
    "ROUGE_TYPES",
    "BertScoreResult",
    "BertScorer",
    "EmbeddingSupporter",
    "FactJudgement",
    "FactScore",
    "Judge",
    "JudgeSupporter",
    "OnnxBertScorer",
    "Supports",
    "TorchBertScorer",
    "aatomic_fact_prf",
    "adecompose_with_judge",
    "atomic_fact_prf",
    "bleu_scores",
    "bleu_tokenize",
    "corpus_bleu_scores",
    "decompose_with_judge",
    "find_local_roberta_large",
    "get_bert_scorer",
    "load_prompt_template",
    "mean_mm_relevance",
    "mean_rouge",
    "mm_relevance",
    "mm_relevance_many",
    "parse_fact_list",
    "parse_support_verdict",
    "render_prompt",
    "rouge_scores",
    "rouge_scores_multi",
    "split_atomic_facts",
    "split_atomic_facts_many",
    "torch_bertscore_available",
]
