"""paraphe: from a YAML manifest to a signature-ready French official convention."""

__version__ = "0.1.0"
