"""Prefect flows that sequence the tasks, and the `rollout` command line."""
