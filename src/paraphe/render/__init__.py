"""Render stage: model → template context → filled .docx."""
