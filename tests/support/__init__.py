"""Helpers the tests share (imported as `support.…`, never from conftest)."""
