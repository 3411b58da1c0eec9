"""The wegwijzer (navigator): the catalogue's rules read from activity to payment options."""

from passend.wegwijzer.navigator import Query, UnknownIdError, ask

__all__ = ["Query", "UnknownIdError", "ask"]
