"""Small shared helpers: canonical hashing, provenance, bundled resources, atomic files."""

from .files import atomic_write_text, read_jsonl
from .hashing import canonical_json, sha256_bytes, sha256_file, sha256_text, short_hash
from .provenance import Provenance, collect_provenance, git_commit
from .resources import resource_dir, resource_path

__all__ = [
    "Provenance",
    "atomic_write_text",
    "canonical_json",
    "collect_provenance",
    "git_commit",
    "read_jsonl",
    "resource_dir",
    "resource_path",
    "sha256_bytes",
    "sha256_file",
    "sha256_text",
    "short_hash",
]
