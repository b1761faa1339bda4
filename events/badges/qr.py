"""QR images of ticket secrets: PNG for screens and PDFs, SVG for crisp printing at any size.

The text inside the code is exactly the ticket's secret (API.md: `Ticket.secret`), nothing added, so any
scanner reads back what the check-in API expects. Error correction M survives a scratched badge or a
cracked phone screen without making the code too dense for a cheap camera.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4
"""Modules of white margin around the code: the QR standard asks for four."""


def _code(secret: str, box_size: int, border: int) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(secret, optimize=0)
    code.make(fit=True)
    return code


def image(secret: str, *, box_size: int = 10, border: int = QUIET_ZONE) -> Image.Image:
    """A black-and-white image, `box_size` pixels per module."""
    picture = _code(secret, box_size, border).make_image(fill_color="black", back_color="white")
    converted: Image.Image = picture.get_image().convert("1")
    return converted


def png(secret: str, *, box_size: int = 10, border: int = QUIET_ZONE) -> bytes:
    buffer = io.BytesIO()
    image(secret, box_size=box_size, border=border).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def svg(secret: str, *, border: int = QUIET_ZONE) -> bytes:
    """One path on a white background, sized in millimetres by qrcode and scalable without loss."""
    factory = qrcode.image.svg.SvgPathFillImage
    picture = _code(secret, 10, border).make_image(image_factory=factory)
    buffer = io.BytesIO()
    picture.save(buffer)
    return buffer.getvalue()
