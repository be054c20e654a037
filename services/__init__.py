"""Services the front ends and the Prefect tasks call: one place for each operation."""
