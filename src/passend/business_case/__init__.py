"""The business case of a regional transmural palliative team (seed 004 section 4, appendices B3 and B5)."""
