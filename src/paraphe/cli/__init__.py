"""Command-line interface: parse, call one core function, print, exit."""
