"""One payment model per module, each with its formula and source in the docstring."""
