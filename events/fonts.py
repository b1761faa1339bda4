"""The fonts every PDF (tickets, badges, invoices) is written in, registered once with reportlab."""

from __future__ import annotations

import logging
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _register() -> tuple[str, str]:
    """DejaVu when installed (every French accent, the narrow spaces of French numbers), else the PDF
    core fonts."""
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("Colloque", str(regular)))
            pdfmetrics.registerFont(TTFont("Colloque-Bold", str(bold)))
            return "Colloque", "Colloque-Bold"
    logger.warning("DejaVu fonts not found: PDFs fall back to Helvetica (apt-get install fonts-dejavu-core)")
    return "Helvetica", "Helvetica-Bold"


REGULAR, BOLD = _register()
CORE_FONTS = REGULAR == "Helvetica"
