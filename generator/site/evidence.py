"""Evidence as owners see it: each voucher file labelled by its kind, with a small preview image.

WeChat on Android often cannot open a PDF, so a month page shows every
evidence file (原始凭证) as a small JPEG drawn at build time: a photo or scan
made smaller with Pillow, a PDF's first page drawn with PDFium. The link reads
by what the file is — 发票（PDF）, 照片（图片） — not by its path.

Previews are content-addressed: a preview's name is the SHA-256 of its source's
bytes and of ``RECIPE`` (size, format, version), so identical vouchers share one
file and one drawing, and a preview changes name whenever its source or the
recipe changes. Drawings are kept in a cache outside the repository
(``$TRUSTFUND_CACHE/previews``, else ``$XDG_CACHE_HOME/trustfund/previews`` or
``~/.cache/trustfund/previews``), so a rebuild draws only new vouchers. A cache
entry carries the SHA-256 of the image it holds, and is served only when that
digest matches and the image decodes at a preview's size; anything else is
drawn again. A cache inside the repository is never used: a pull request could
plant entries there.

Voucher files come from the books, so they are untrusted: a file that cannot
be drawn (not a readable PDF or image, no pages, more pixels than Pillow's
``MAX_IMAGE_PIXELS``, a page too narrow or too tall to make a picture of) gets
no preview, only its labelled link, and a note for the treasurer; the build
goes on.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import os
import re
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pypdfium2
from PIL import Image, ImageOps

from generator.books.compound import Compound
from generator.books.vouchers import EVIDENCE_SUFFIXES
from generator.caches import cache_root

WIDTH = 240  # px: twice the 120 CSS px a preview is shown at, sharp on a phone's screen
MAX_HEIGHT = 480  # px: a tall receipt or page is made narrower rather than longer
MIN_SIDE = 16  # px: a page so narrow or so flat that its picture would be a sliver gets none
QUALITY = 70
RECIPE = f"trustfund-preview 1 jpeg {WIDTH}x{MAX_HEIGHT} q{QUALITY}"
MAX_SOURCE_BYTES = 64_000_000  # a voucher larger than this is linked, not drawn
HEADER = b"trustfund-preview 1\n"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")

# A kind is found from the words of a file's name (2026-0031-invoice.pdf, 2026-0031-发票.pdf), in this order:
# what the document is comes before how it was taken (an invoice-photo.jpg is an invoice).
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("invoice", ("invoice", "invoices", "fapiao", "vat", "发票", "专票", "普票")),
    ("contract", ("contract", "contracts", "agreement", "合同", "协议")),
    ("receipt", ("receipt", "receipts", "收据", "收条", "回单")),
    ("list", ("list", "bill", "bills", "statement", "payroll", "computation", "sheet", "清单", "明细", "账单",
              "对账单", "工资", "计算")),
    ("photo", ("photo", "photos", "picture", "image", "img", "pic", "照片", "图片", "现场")),
)
WORD = re.compile(r"[a-z]+")


def evidence_kind(name: str) -> str:
    """``invoice``, ``contract``, ``receipt``, ``list``, ``photo`` or ``voucher``, from a file's name."""
    stem = Path(name).stem.lower()
    words = set(WORD.findall(stem))
    for kind, spellings in KIND_WORDS:
        if any(s in words if s.isascii() else s in stem for s in spellings):
            return kind
    return "photo" if Path(name).suffix.lower() in IMAGE_SUFFIXES else "voucher"


class Preview(NamedTuple):
    """A drawn preview: its site file's name (``<digest>.jpg``), its size in px, and its JPEG bytes."""

    name: str
    width: int
    height: int
    jpeg: bytes


@dataclass
class Evidence:
    """One evidence file as a month page links it."""

    name: str  # as the books name it, under vouchers/
    kind: str  # evidence_kind()
    pdf: bool
    preview: Preview | None


def default_cache() -> Path:
    return cache_root() / "previews"


def draw(raw: bytes, pdf: bool) -> tuple[Image.Image | None, str]:
    """The preview picture of a voucher's bytes, or None and why it cannot be drawn."""
    try:
        picture = _draw_pdf(raw) if pdf else _draw_image(raw)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as problem:
        return None, f"has more pixels than a voucher may ({type(problem).__name__})"
    except Exception as problem:  # noqa: BLE001 — any failure of a hostile file means "no preview", never a crash
        return None, f"is not a {'PDF' if pdf else 'picture'} that can be read ({type(problem).__name__})"
    if isinstance(picture, str):
        return None, picture
    return picture, ""


def _fits(width: float, height: float, enlarge: bool) -> float | str:
    """The scale that fits a width × height picture into WIDTH × MAX_HEIGHT (a photo is never enlarged, a
    page is drawn at that size), or why it cannot: a page's size in a PDF is any number its author wrote."""
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        return f"has no usable page size ({width:g} × {height:g})"
    scale = min(WIDTH / width, MAX_HEIGHT / height, math.inf if enlarge else 1.0)
    if round(width * scale) < MIN_SIDE or round(height * scale) < MIN_SIDE:
        return f"has a page too narrow or too flat to show ({width:g} × {height:g})"
    return scale


def _draw_pdf(raw: bytes) -> Image.Image | str:
    document = pypdfium2.PdfDocument(raw)
    try:
        if len(document) < 1:
            return "is a PDF without pages"
        page = document[0]
        try:
            width, height = page.get_size()
            scale = _fits(width, height, enlarge=True)
            if isinstance(scale, str):
                return scale
            bitmap = page.render(scale=scale, may_draw_forms=False)
            try:
                picture: Image.Image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
            picture.thumbnail((WIDTH, MAX_HEIGHT))  # PDFium rounds a page's pixels up
            return picture
        finally:
            page.close()
    finally:
        document.close()


def _draw_image(raw: bytes) -> Image.Image | str:
    with warnings.catch_warnings():
        # Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; a voucher is refused at the warning.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(raw), formats=("JPEG", "PNG")) as opened:
            scale = _fits(*opened.size, enlarge=False)
            if isinstance(scale, str):
                return scale
            opened.draft("RGB", (WIDTH, MAX_HEIGHT))  # a JPEG is decoded at a fraction of its size
            picture = ImageOps.exif_transpose(opened)
            picture.thumbnail((WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
            if picture.mode in ("RGBA", "LA", "P", "PA"):
                picture = picture.convert("RGBA")
                white = Image.new("RGBA", picture.size, "white")
                picture = Image.alpha_composite(white, picture)
            return picture.convert("RGB")


def encode(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def preview_name(raw: bytes) -> str:
    """The preview's file name: 128 bits of the SHA-256 of the recipe and the source, in lower-case base32 (26
    letters and digits: short in a page that links a thousand, and one name on a case-blind disk)."""
    digest = hashlib.sha256(RECIPE.encode() + b"\0" + hashlib.sha256(raw).digest()).digest()[:16]
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower() + ".jpg"


def decodes(jpeg: bytes, width: int, height: int) -> bool:
    """Whether bytes are a JPEG of this size, no larger than a preview, that decodes to the end."""
    if not (0 < width <= WIDTH and 0 < height <= MAX_HEIGHT):
        return False
    try:
        with Image.open(io.BytesIO(jpeg), formats=("JPEG",)) as picture:
            if picture.size != (width, height):
                return False
            picture.load()
    except Exception:  # noqa: BLE001 — a damaged entry is drawn again, whatever is wrong with it
        return False
    return True


@dataclass
class Previews:
    """Every preview of one build: drawn once per distinct voucher content, kept in the cache between builds."""

    cache: Path | None
    drawn: int = 0  # previews drawn in this build
    reused: int = 0  # previews served from the cache
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    _by_name: dict[str, tuple[Preview | None, str]] = field(default_factory=dict)  # name → (preview, why not)
    _by_file: dict[tuple[str, str], Evidence] = field(default_factory=dict)  # (compound, name) → evidence

    @classmethod
    def for_books(cls, roots: list[Path], cache: Path | None = None) -> Previews:
        """Previews cached in ``cache`` (default: ``default_cache()``), unless that is inside one of the
        repositories built from (a pull request could plant entries there) or cannot be made."""
        folder = (cache or default_cache()).resolve()
        for root in roots:
            if folder.is_relative_to(root.resolve()):
                made = cls(None)
                made.notes.append(f"previews: the cache {folder} is inside the repository and is not used; "
                                  "set TRUSTFUND_CACHE to a folder outside it")
                return made
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as problem:
            made = cls(None)
            made.notes.append(f"previews: no cache ({folder}: {problem.strerror}); every preview is drawn")
            return made
        return cls(folder)

    def evidence(self, compound: Compound, name: str) -> Evidence:
        """The evidence file ``name`` under a compound's ``vouchers/``, with its preview if it has one."""
        known = self._by_file.get((compound.id, name))
        if known is None:
            pdf = name.lower().endswith(".pdf")
            found = compound.voucher_file(name, EVIDENCE_SUFFIXES)
            # A missing file is refused by the evidence rule; were it ever shown, it would be shown without a preview.
            preview = None if isinstance(found, str) else self.preview(found, pdf, compound.relative(found))
            known = self._by_file[(compound.id, name)] = Evidence(name, evidence_kind(name), pdf, preview)
        return known

    def preview(self, path: Path, pdf: bool, shown_as: str) -> Preview | None:
        started = time.perf_counter()
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                self.notes.append(f"{shown_as}: no preview (larger than {MAX_SOURCE_BYTES // 1_000_000} MB)")
                return None
            raw = path.read_bytes()
        except OSError as problem:
            self.notes.append(f"{shown_as}: no preview (cannot be read: {problem.strerror})")
            return None
        name = preview_name(raw)
        known = self._by_name.get(name)
        if known is None:
            known = self.read(name)
            if known is not None:
                self.reused += 1
            else:
                picture, why = draw(raw, pdf)
                made = Preview(name, picture.width, picture.height, encode(picture)) if picture is not None else None
                known = (made, why)
                self.drawn += 1
                self.write(name, made, why)
            self._by_name[name] = known
        made, why = known
        if made is None:  # said for every file, though drawn (or not) once for all that are alike
            self.notes.append(f"{shown_as}: no preview, {why}; owners see its link only")
        self.seconds += time.perf_counter() - started
        return made

    # The cache: one file per preview, ``<name>.entry``: HEADER, then ``<width> <height> <sha256>\n`` and the
    # JPEG, or ``none <why>\n`` for a voucher that cannot be drawn.

    def read(self, name: str) -> tuple[Preview | None, str] | None:
        if self.cache is None:
            return None
        try:
            entry = (self.cache / f"{name}.entry").read_bytes()
        except OSError:
            return None
        if not entry.startswith(HEADER):
            return None
        line, _, jpeg = entry[len(HEADER):].partition(b"\n")
        fields = line.decode("utf-8", "replace").split(" ", 2)
        if fields[0] == "none" and len(fields) >= 2:
            return None, " ".join(fields[1:])
        if len(fields) != 3 or not (fields[0].isdigit() and fields[1].isdigit()):
            return None
        width, height, digest = int(fields[0]), int(fields[1]), fields[2]
        if hashlib.sha256(jpeg).hexdigest() != digest or not decodes(jpeg, width, height):
            return None
        return Preview(name, width, height, jpeg), ""

    def write(self, name: str, made: Preview | None, why: str) -> None:
        if self.cache is None:
            return
        line = (f"{made.width} {made.height} {hashlib.sha256(made.jpeg).hexdigest()}" if made else f"none {why}")
        content = HEADER + line.encode() + b"\n" + (made.jpeg if made else b"")
        temporary = None
        try:  # written beside, then renamed: a build that stops half-way never leaves half an entry
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=self.cache)
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(temporary, self.cache / f"{name}.entry")
        except OSError:  # a full or read-only cache costs a drawing next time, nothing else
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)

    def summary(self) -> str:
        return (f"previews: {len(self._by_name)} distinct vouchers, {self.drawn} drawn, {self.reused} from the "
                f"cache, in {self.seconds:.2f} s")
