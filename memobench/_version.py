"""The package version, read from installed metadata so it has one source (pyproject.toml)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("memobench")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
