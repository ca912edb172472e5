"""`trustfund build` in this process, for cProfile (``python -m cProfile -o OUT benchmarks/profile_build.py …``):
the command itself ends with ``os._exit``, which would lose the profile."""

import sys

from generator.cli import main

sys.exit(main(sys.argv[1:]))
