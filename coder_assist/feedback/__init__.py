"""Feedback store: every accept, reject and added code becomes training data.

`coder_assist.feedback.store` has the write path used by the API and the read path
used by the trainer (`latest_per_note`, `iter_decisions`); `coder_assist.feedback.db`
creates the engine and runs the shipped Alembic migrations.
"""
