"""Reminders: when they are due, the outbox that holds them, and claiming them for delivery."""
