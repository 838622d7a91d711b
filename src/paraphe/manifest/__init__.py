"""Manifest stages: load (safe YAML with positions), validate, model."""
