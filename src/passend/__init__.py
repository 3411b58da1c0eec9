"""passend: the Dutch financing of palliative care as software."""

__version__ = "0.1.0"
