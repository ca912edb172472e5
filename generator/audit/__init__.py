"""Git as the audit trail: signatures, closed months, history, verification and diffs of the books."""
