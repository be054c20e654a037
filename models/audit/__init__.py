"""The audit trail: the hash chain, the state it must replay to, and the auditors' report."""
