"""Datasets: manifests, lookup and download, and the LoCoMo-format loader."""

from ._dataset import LoadedDataset, check_expected, dedupe_qa, load_dataset, recorded_file
from ._errata import (
    Errata,
    ErrataMismatchError,
    ErratumItem,
    apply_errata,
    errata_report,
    load_errata,
)
from ._errors import ChecksumError, DatasetFormatError, DatasetNotFoundError
from ._format import (
    DatasetFormat,
    LocomoFormat,
    beam_format,
    get_format,
    locomo_format,
    locomo_plus_format,
    locomo_plus_unified_format,
    longmemeval_format,
    sniff_format,
)
from ._locomo import DATE_FORMAT, clean_evidence, parse_date_time, read_locomo_json
from ._manifest import DatasetManifest, ExpectedCounts, builtin_manifest, read_manifest
from ._quality import QualityReport, approx_tokens, quality_report
from ._report import QUIRK_ACTIONS, LoadReport, Quirk
from ._resolve import (
    ENV_DATA_DIR,
    cache_data_dir,
    dataset_digest,
    download_dataset,
    find_dataset_file,
    git_blob_id,
)
from ._stats import conversation_stats


def locomo10() -> DatasetManifest:
    """The LoCoMo 10-conversation release (registered as ``locomo10``)."""
    return builtin_manifest("locomo10")


def longmemeval_s() -> DatasetManifest:
    """LongMemEval-S, cleaned release (placed by hand: hub only)."""
    return builtin_manifest("longmemeval-s")


def longmemeval_m() -> DatasetManifest:
    """LongMemEval-M, cleaned release."""
    return builtin_manifest("longmemeval-m")


def longmemeval_oracle() -> DatasetManifest:
    """LongMemEval oracle (evidence sessions only)."""
    return builtin_manifest("longmemeval-oracle")


def beam_100k() -> DatasetManifest:
    """BEAM, the 100K bucket (20 chats, 400 probing questions)."""
    return builtin_manifest("beam-100k")


def beam_500k() -> DatasetManifest:
    """BEAM, the 500K bucket (35 chats; by pinned URL, no local copy)."""
    return builtin_manifest("beam-500k")


def beam_1m() -> DatasetManifest:
    """BEAM, the 1M bucket (35 chats; by pinned URL, parts checked by git blob id)."""
    return builtin_manifest("beam-1m")


def locomo_plus() -> DatasetManifest:
    """Locomo-Plus: 401 cognitive cue/trigger items stitched into LoCoMo."""
    return builtin_manifest("locomo-plus")


def locomo_plus_unified() -> DatasetManifest:
    """LoCoMo's 1,986 QA plus Locomo-Plus's 401 cognitive items, as one dataset."""
    return builtin_manifest("locomo-plus-unified")


__all__ = [
    "DATE_FORMAT",
    "ENV_DATA_DIR",
    "QUIRK_ACTIONS",
    "ChecksumError",
    "DatasetFormat",
    "DatasetFormatError",
    "DatasetManifest",
    "DatasetNotFoundError",
    "Errata",
    "ErrataMismatchError",
    "ErratumItem",
    "ExpectedCounts",
    "LoadReport",
    "LoadedDataset",
    "LocomoFormat",
    "QualityReport",
    "Quirk",
    "apply_errata",
    "approx_tokens",
    "beam_1m",
    "beam_100k",
    "beam_500k",
    "beam_format",
    "builtin_manifest",
    "cache_data_dir",
    "check_expected",
    "clean_evidence",
    "conversation_stats",
    "dataset_digest",
    "dedupe_qa",
    "download_dataset",
    "errata_report",
    "find_dataset_file",
    "get_format",
    "git_blob_id",
    "load_dataset",
    "load_errata",
    "locomo10",
    "locomo_format",
    "locomo_plus",
    "locomo_plus_format",
    "locomo_plus_unified",
    "locomo_plus_unified_format",
    "longmemeval_format",
    "longmemeval_m",
    "longmemeval_oracle",
    "longmemeval_s",
    "parse_date_time",
    "quality_report",
    "read_locomo_json",
    "read_manifest",
    "recorded_file",
    "sniff_format",
]
