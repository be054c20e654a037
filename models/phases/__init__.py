"""The five phases: planning, completion criteria, recorded facts, reconciliation and status."""
