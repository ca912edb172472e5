"""Files under a compound's ``vouchers/``: evidence, detail sheets, and what may be published.

Everything under ``vouchers/`` is published to every owner and kept in a public
repository, so a file is judged by its content, not its name: only PDF, JPEG,
PNG and CSV are allowed, each under its own extension; an image that carries
its location (EXIF GPS) or a PDF that names its author is refused, and
``trustfund scrub`` removes that metadata. A detail sheet is evidence, so a
cell that a spreadsheet would run as a formula is refused, not rewritten.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import struct
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from generator.money import parse_amount

EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
DETAIL_SUFFIXES = (".csv",)
KINDS = {".pdf": "PDF", ".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".csv": "CSV"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_BYTES = 5_000_000
ESCAPED_NAME = re.compile(rb"/[^\s/<>\[\]()%{}#]*#[0-9A-Fa-f]{2}")  # a PDF name with a #xx escape


def evidence_names(value: object) -> list[str]:
    """The file names in an ``evidence:`` value (comma-separated)."""
    return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else []


def evidence_of(entry: data.Transaction) -> tuple[list[str], bool]:
    """The evidence an entry names, on the transaction or on any posting, and whether any value was given."""
    values = [entry.meta.get("evidence")] + [(p.meta or {}).get("evidence") for p in entry.postings]
    given = [value for value in values if value is not None]
    return [name for value in given for name in evidence_names(value)], bool(given)


def voucher_file(vouchers: Path, name: str, suffixes: tuple[str, ...],
                 cache: dict[str, Path | str] | None = None) -> Path | str:
    """The file a ledger names under ``vouchers/``, or what is wrong with the name.

    Names are relative to the compound's ``vouchers/`` folder; an absolute
    path, ``..`` or a link cannot reach outside it.
    """
    if cache is not None and name in cache:
        return cache[name]
    result: Path | str
    relative_name = Path(name)
    shown = name if len(name) <= 120 else name[:120] + "…"
    if not name or relative_name.is_absolute() or ".." in relative_name.parts or "\\" in name:
        result = f"'{shown}' must be a path inside vouchers/ such as 2026/03/2026-0031-invoice.pdf"
    elif relative_name.suffix.lower() not in suffixes:
        result = f"'{shown}' must be a {' or '.join(s[1:].upper() for s in suffixes)} file"
    else:
        path = vouchers / relative_name
        try:
            found = not path.is_symlink() and path.is_file()
        except (OSError, ValueError):  # a name too long for the file system, or with a NUL in it, is no file
            found = False
        result = path if found else f"vouchers/{shown} does not exist; add the file or correct the name"
    if cache is not None:
        cache[name] = result
    return result


@dataclass
class Sheet:
    """A detail sheet: its rows (header → cell), their total, or what is wrong with it."""

    rows: list[dict[str, str]] = field(default_factory=list)
    total: Decimal | None = None
    problem: str | None = None
    columns: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # each row's line in the file


def read_sheet(path: Path) -> Sheet:
    """The sheet's rows and the total of its ``amount`` column; a problem names the sheet's line."""
    try:
        raw = path.read_bytes()
    except OSError as problem:
        return Sheet(problem=f"cannot be read: {problem.strerror}")
    if len(raw) > MAX_SHEET_BYTES:
        return Sheet(problem=f"is larger than {MAX_SHEET_BYTES // 1_000_000} MB")
    return _parse_sheet(raw)


@functools.lru_cache(maxsize=8192)
def _parse_sheet(raw: bytes) -> Sheet:
    """A sheet's content parsed once, whichever rule or page reads it (callers only read the result)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Sheet(problem="is not UTF-8 text; save it as CSV UTF-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = [name.strip() for name in reader.fieldnames or []]
        if "amount" not in columns:
            return Sheet(problem="line 1: the sheet needs a header line with an 'amount' column (unit,item,amount)")
        sheet = Sheet(total=Decimal(0), columns=columns)
        for row in reader:
            cleaned = {(key or "").strip(): value.strip() if isinstance(value, str) else ""
                       for key, value in row.items()}
            raw_amount = cleaned.get("amount", "")
            amount = parse_amount(raw_amount)
            if amount is None:
                return Sheet(problem=f"line {reader.line_num}: amount {raw_amount!r} is not an amount with at most "
                             "two decimals")
            assert sheet.total is not None
            sheet.total += amount
            sheet.rows.append(cleaned)
            sheet.lines.append(reader.line_num)
    except csv.Error as problem:
        return Sheet(problem=f"line {reader.line_num}: not a valid CSV line ({problem}); save the sheet as CSV again")
    return sheet


# Column names that belong only in the committee's private roster: door numbers, names, contacts.
PRIVATE_COLUMNS = frozenset({"door", "door_number", "room", "name", "owner", "owner_name", "contact", "phone",
                             "mobile", "tel", "门牌", "门牌号", "房号", "房间号", "姓名", "业主", "业主姓名", "联系人",
                             "联系方式", "电话", "手机"})


def private_columns(text: str) -> list[str]:
    """The header cells of a CSV that name private data (a private roster committed by mistake)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error:
        return []
    return [cell.strip() for cell in header if cell.strip().lower() in PRIVATE_COLUMNS]


def formula_cells(text: str) -> list[tuple[int, str]]:
    """(line, cell) for every cell a spreadsheet would run as a formula (a number such as -50.00 is not one)."""
    found = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            for cell in row:
                if cell.startswith(FORMULA_STARTS) and parse_amount(cell) is None:
                    found.append((reader.line_num, cell))
    except csv.Error:
        pass  # read_sheet names a broken sheet when an entry uses it
    return found


# What a file is, by its first bytes.

def content_kind(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "PDF"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    return None


def kind_problem(path: Path, raw: bytes) -> str | None:
    """Why a file under ``vouchers/`` may not be published, or None."""
    expected = KINDS.get(path.suffix.lower())
    if expected is None:
        return (f"is a {path.suffix or 'file without extension'}; only PDF, JPEG, PNG and CSV files may be "
                "published under vouchers/")
    actual = content_kind(raw[:16])
    if expected == "CSV":
        if actual is not None or b"\x00" in raw:
            return f"is named .csv but holds {actual or 'binary data'}; a detail sheet is UTF-8 CSV text"
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "is not UTF-8 text; save it as CSV UTF-8"
        return None
    if actual != expected:
        return (f"is named {path.suffix} but its content is {actual or 'not a ' + expected + ' file'}; "
                f"publish the real {expected}")
    return None


def metadata_problem(kind: str, raw: bytes) -> str | None:
    """Location or author metadata that would publish more than the voucher."""
    if kind == "JPEG":
        return "is an image with location data (EXIF GPS)" if _jpeg_has_location(raw) else None
    if kind == "PNG":
        return "is an image with location data (EXIF GPS)" if _png_has_location(raw) else None
    if kind == "PDF":
        return _pdf_author(raw)
    return None


def _jpeg_segments(raw: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of each segment before the image data, end exclusive."""
    segments = []
    index = 2
    while index + 4 <= len(raw) and raw[index] == 0xFF:
        marker = raw[index + 1]
        if marker == 0xD9 or marker == 0xDA:  # end of image, start of scan: no more metadata segments
            segments.append((marker, index, len(raw)))
            break
        if marker == 0xFF:
            index += 1
            continue
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            segments.append((marker, index, index + 2))
            index += 2
            continue
        length = struct.unpack(">H", raw[index + 2:index + 4])[0]
        if length < 2:
            break
        segments.append((marker, index, min(index + 2 + length, len(raw))))
        index += 2 + length
    return segments


def _jpeg_has_location(raw: bytes) -> bool:
    for marker, start, end in _jpeg_segments(raw):
        body = raw[start + 4:end]
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00") and _tiff_has_gps(body[6:]):
            return True
        if marker == 0xE1 and (b"GPSLatitude" in body or b"GPSLongitude" in body):
            return True
    return False


def _tiff_has_gps(tiff: bytes) -> bool:
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return False
    order = "<" if tiff[:2] == b"II" else ">"
    offset = struct.unpack(order + "I", tiff[4:8])[0]
    if offset + 2 > len(tiff):
        return False
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    for index in range(min(count, 1000)):
        entry = offset + 2 + index * 12
        if entry + 12 > len(tiff):
            break
        tag = struct.unpack(order + "H", tiff[entry:entry + 2])[0]
        if tag == 0x8825:
            gps: int = struct.unpack(order + "I", tiff[entry + 8:entry + 12])[0]
            if gps + 2 > len(tiff):
                return False
            entries: int = struct.unpack(order + "H", tiff[gps:gps + 2])[0]
            return entries > 0
    return False


def _png_chunks(raw: bytes) -> list[tuple[bytes, int, int]]:
    """(type, start, end) of each chunk, end exclusive, after the signature."""
    chunks = []
    index = 8
    while index + 12 <= len(raw):
        length = struct.unpack(">I", raw[index:index + 4])[0]
        kind = raw[index + 4:index + 8]
        end = index + 12 + length
        if end > len(raw):
            break
        chunks.append((kind, index, end))
        index = end
        if kind == b"IEND":
            break
    return chunks


def _png_has_location(raw: bytes) -> bool:
    for kind, start, end in _png_chunks(raw):
        body = raw[start + 8:end - 4]
        if kind == b"eXIf" and _tiff_has_gps(body):
            return True
        if kind in (b"tEXt", b"iTXt", b"zTXt"):
            keyword, text = _png_text(kind, body)
            if b"GPSLatitude" in text or b"GPSLongitude" in text:
                return True
            # ImageMagick keeps EXIF in PNG as "Raw profile type exif": hex digits after a name and a length.
            if keyword.lower().startswith(b"raw profile type") and _raw_profile_has_location(text):
                return True
    return False


def _png_text(kind: bytes, body: bytes) -> tuple[bytes, bytes]:
    """(keyword, text) of a PNG text chunk, inflated if it is compressed (zTXt, or iTXt with its flag set)."""
    keyword, _, rest = body.partition(b"\x00")
    if kind == b"zTXt":
        return keyword, _inflate(rest[1:])
    if kind == b"iTXt":
        compressed, rest = rest[:1] == b"\x01", rest[2:]
        rest = rest.partition(b"\x00")[2].partition(b"\x00")[2]  # past the language tag and translated keyword
        return keyword, _inflate(rest) if compressed else rest
    return keyword, rest


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(data, MAX_SHEET_BYTES)  # bounded: no decompression bomb
    except zlib.error:
        return b""


def _raw_profile_has_location(text: bytes) -> bool:
    words = text.split()
    try:
        profile = bytes.fromhex("".join(word.decode("ascii") for word in words[2:]))
    except (UnicodeDecodeError, ValueError):
        return False
    return (b"GPSLatitude" in profile or b"GPSLongitude" in profile
            or _tiff_has_gps(profile.removeprefix(b"Exif\x00\x00")))


def _pdf_author(raw: bytes) -> str | None:
    # Most PDFs keep their document information uncompressed, under plainly written names: then the bytes
    # tell. A name may also be written with #xx escapes (/Auth#6Fr is /Author): then only a reader can.
    if b"/ObjStm" not in raw and b"/Metadata" not in raw and not ESCAPED_NAME.search(raw):
        return "is a PDF that names its author (/Author)" if b"/Author" in raw and _pdf_reader_author(raw) else None
    return "is a PDF that names its author (/Author or XMP dc:creator)" if _pdf_reader_author(raw) else None


def _pdf_reader_author(raw: bytes) -> bool:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        info = reader.metadata
        if info is not None and str(info.get("/Author") or "").strip():
            return True
        xmp = reader.xmp_metadata
        creators: object = xmp.dc_creator if xmp is not None else None
        return bool(creators)
    except Exception:  # a PDF pypdf cannot read holds no author it can find; kind_problem judged the bytes
        return False


def scrub(path: Path) -> bool:
    """Remove location and author metadata from an image or PDF in place; True if anything was removed."""
    raw = path.read_bytes()
    kind = content_kind(raw[:16])
    cleaned = raw
    if kind == "JPEG":
        # Drop APP1 (EXIF, XMP), APP13 (IPTC) and comments; keep JFIF, ICC colour profiles and the image.
        cleaned = raw[:2] + b"".join(raw[start:end] for marker, start, end in _jpeg_segments(raw)
                                     if marker not in (0xE1, 0xED, 0xFE))
    elif kind == "PNG":
        cleaned = raw[:8] + b"".join(raw[start:end] for chunk, start, end in _png_chunks(raw)
                                     if chunk not in (b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"))
    elif kind == "PDF":
        cleaned = _scrub_pdf(raw)
    if cleaned == raw:
        return False
    path.write_bytes(cleaned)
    return True


def _scrub_pdf(raw: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(io.BytesIO(raw), strict=False)
    writer = PdfWriter(clone_from=reader)
    info = dict(reader.metadata or {})
    for key in ("/Author", "/Creator", "/Producer", "/Title", "/Subject", "/Keywords"):
        info.pop(key, None)
    writer.metadata = None
    if info:
        writer.add_metadata(info)
    root = writer.root_object
    if NameObject("/Metadata") in root:
        del root[NameObject("/Metadata")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
