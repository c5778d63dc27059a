"""debater: find the stances in your notes and see the strongest case for and against each."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("debater")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
