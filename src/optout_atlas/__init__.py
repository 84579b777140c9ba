"""AI Opt-Out Atlas: platform data, its validation and the views the site is built from.

Everything here is plain Python, importable and testable without MkDocs; the MkDocs plugin in
``optout_atlas.plugin`` is a thin adapter around it.
"""

from pathlib import Path

__all__ = ["DEFAULT_DATA_DIR", "REPOSITORY_URL", "__version__"]
__version__ = "0.1.0"

# The data directory when none is given, relative to where a command runs (the repository root).
DEFAULT_DATA_DIR = Path("data")

# Where the project lives: named in the link checker's User-Agent and in "edit this page" links.
REPOSITORY_URL = "https://github.com/optout-atlas/optout-atlas"
