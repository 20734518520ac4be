"""Prefect tasks: thin wrappers that batch domain calls and record outcomes.

Every task here reads or changes the database, so none is cached (``NO_CACHE``): Prefect 3
would otherwise hand back an earlier result for a second call with the same inputs in the same
flow run (and after a suspended run resumes, which re-runs the flow from the start).
"""
