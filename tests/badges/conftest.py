"""Reading QR codes back out of PNGs and PDFs with an independent decoder (zxing-cpp), pure pip.

PDFs are not rasterised: pypdf extracts the embedded QR bitmaps, and the page's drawing operators tell
how large each one is printed.
"""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image
from pypdf import PdfReader

POINTS_PER_MM = 72 / 25.4


def decode_png(content: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))]


def pdf_pages(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def qr_texts(content: bytes) -> list[list[str]]:
    """Per page, the text of every QR code among its images."""
    pages = []
    for page in pdf_pages(content).pages:
        texts = []
        for picture in page.images:
            grey = picture.image.convert("L") if picture.image is not None else None
            if grey is not None:
                texts += [found.text for found in zxingcpp.read_barcodes(grey)]
        pages.append(texts)
    return pages


def image_sizes_mm(content: bytes) -> list[float]:
    """The printed side of every image drawn on every page (the `cm` before each `Do`), in millimetres."""
    sizes = []
    for page in pdf_pages(content).pages:
        stream = page.get_contents()
        data = stream.get_data().decode("latin-1") if stream is not None else ""
        for width, height in re.findall(r"([\d.]+) 0 0 ([\d.]+) [-\d.]+ [-\d.]+ cm\s*/\S+ Do", data):
            sizes.append(min(float(width), float(height)) / POINTS_PER_MM)
    return sizes
