"""Convert stage: .docx → .pdf through LibreOffice, several documents per process."""

from paraphe.convert.libreoffice import (
    Document,
    Outcome,
    convert_batch,
    convert_documents,
    convert_to_pdf,
    find_soffice,
)

__all__ = ["Document", "Outcome", "convert_batch", "convert_documents", "convert_to_pdf", "find_soffice"]
