"""AI Opt-Out Atlas: platform data, its validation and the views the site is built from.

Everything here is plain Python, importable and testable without MkDocs; the MkDocs hooks in
``hooks/`` are thin adapters around it.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
