"""Convert stage: .docx → .pdf through LibreOffice."""

from paraphe.convert.libreoffice import convert_to_pdf, find_soffice

__all__ = ["convert_to_pdf", "find_soffice"]
