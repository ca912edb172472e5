"""trustfund: open books for trust-model property management (信托制物业).

Each compound's common fund is a Beancount ledger in git. The rules in
``generator.rules`` run inside Beancount's loader, so ``trustfund check``,
``bean-check`` and Fava report the same findings.
"""

from __future__ import annotations

__version__ = "0.1.0"
