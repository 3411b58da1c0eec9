"""``python -m passend.cli``."""

from passend.cli import main

main()
