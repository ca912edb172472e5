"""Evidence previews: every voucher file on a month page labelled by its kind, with a preview drawn at build time.

The example books are built for real (``trustfund build``) and their month pages read back; hostile voucher
files and names go through the real check and build in books under ``tmp_path``; the cache is a folder of the
test's own (``TRUSTFUND_CACHE``); the browser test opens a month page in Chromium at 360×740.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from PIL import Image

from generator.books.compound import Compound
from generator.cli import main
from generator.site import evidence
from tests import test_browser
from tests.conftest import EXAMPLES, PROJECT, Repo
from tests.test_browser import TAP, WIDTH, Phone, fits_the_screen, serve
from tests.test_site import build, parse

# The phone of tests/test_browser.py: Chromium at 360×740, every request recorded, none leaving 127.0.0.1.
phone, shots, dead_end = test_browser.phone, test_browser.shots, test_browser.dead_end

MAX_PREVIEW_BYTES = 20_000  # a preview is a thumbnail: a month of forty of them stays light
REAL_PDF = PROJECT / "ledgers/qingshui-garden/vouchers/2026/03/2026-0082-invoice.pdf"
REAL_PNG = PROJECT / "ledgers/qingshui-garden/vouchers/2026/03/2026-0077-photo.png"
KIND_OF_WORD = {"invoice": "发票", "contract": "合同", "photo": "照片", "receipt": "收据", "bill": "清单",
                "payroll": "清单", "computation": "清单", "statement": "清单"}


class EvidenceLinks(HTMLParser):
    """Every ``a.tf-ev`` of a page: its href, the attributes of the image inside it, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, object]] = []
        self._open: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("class") == "tf-ev":
            self._open = {"href": values["href"], "img": None, "text": ""}
            self.links.append(self._open)
        elif tag == "img" and self._open is not None:
            self._open["img"] = values

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] = str(self._open["text"]) + data


def evidence_links(html: str) -> list[dict[str, object]]:
    parser = EvidenceLinks()
    parser.feed(html)
    return parser.links


def month_pages(site: Path) -> Iterator[tuple[Path, str]]:
    for compound in EXAMPLES:
        for page in sorted((site / compound).glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html")):
            yield page, page.read_text(encoding="utf-8")


def target(page: Path, link: str) -> Path:
    """The file a relative link on ``page`` leads to."""
    return (page.parent / unquote(link)).resolve()


def expected_kind(name: str) -> str:
    word = Path(name).stem.rsplit("-", 1)[-1]
    return KIND_OF_WORD[word]


# The example books


def test_every_evidence_link_on_every_month_page_has_a_preview_labelled_by_kind(examples_site: Path) -> None:
    links = 0
    source_of_preview: dict[str, bytes] = {}
    preview_of_source: dict[bytes, set[str]] = defaultdict(set)
    for page, html in month_pages(examples_site):
        found = evidence_links(html)
        assert html.count('class="tf-ev"') == len(found)
        grouped = 0
        for group in re.findall(r'<br>((?:<a class="tf-ev"[^>]*>.*?</a>)+)', html):  # an item's evidence
            labels = re.findall(r">([^<>]+)</a>", group)
            grouped += len(labels)
            kinds = [re.sub(r"\d*（.*$", "", label) for label in labels]
            for label, kind in zip(labels, kinds, strict=True):
                numbered = kinds.count(kind) > 1
                assert bool(re.fullmatch(rf"{kind}\d+（.+）", label)) == numbered, (page, labels)
        assert grouped == len(found), page
        for link in found:
            links += 1
            href, img, text = str(link["href"]), link["img"], str(link["text"])
            voucher = target(page, href)
            assert voucher.is_file(), (page, href)
            name = voucher.name
            pdf = name.endswith(".pdf")
            # Labelled by kind and format, never by the file's path.
            assert re.fullmatch(rf"{expected_kind(name)}\d*（{'PDF' if pdf else '图片'}）", text), (page, name, text)
            assert name not in text and "vouchers" not in text
            assert isinstance(img, dict), f"{page}: {name} has no preview"
            assert img["loading"] == "lazy" and not str(img["src"]).startswith("data:")
            # The link's words name it; the picture inside has an empty alt, so it is not read out twice.
            assert img["alt"] == "", (page, img)
            preview = target(page, str(img["src"]))
            assert preview.parent.name == "previews" and preview.is_file(), (page, img)
            content = preview.read_bytes()
            assert len(content) <= MAX_PREVIEW_BYTES, (preview, len(content))
            with Image.open(preview) as picture:
                assert picture.format == "JPEG"
                picture.load()
                assert picture.size == (int(str(img["width"])), int(str(img["height"])))
                assert picture.width <= evidence.WIDTH and picture.height <= evidence.MAX_HEIGHT
                assert min(picture.size) >= evidence.MIN_SIDE
            source = hashlib.sha256(voucher.read_bytes()).digest()
            assert source_of_preview.setdefault(str(preview), source) == source, "one preview for two sources"
            preview_of_source[source].add(preview.name)
    assert links > 300
    # One preview a source and one source a preview (the example vouchers are all different; identical ones
    # share their preview in the cache test below); no preview file that no page shows.
    assert all(len(names) == 1 for names in preview_of_source.values())
    files = {p.name for compound in EXAMPLES for p in (examples_site / compound / "previews").iterdir()}
    assert files == {name for names in preview_of_source.values() for name in names}


def test_kinds_are_read_from_the_file_name() -> None:
    assert evidence.evidence_kind("2026/03/2026-0031-invoice.pdf") == "invoice"
    assert evidence.evidence_kind("2026/03/2026-0031-保洁发票.pdf") == "invoice"
    assert evidence.evidence_kind("2026/03/2026-0031-contract.pdf") == "contract"
    assert evidence.evidence_kind("2026/03/维修合同.pdf") == "contract"
    assert evidence.evidence_kind("2026/03/2026-0079-receipt.png") == "receipt"
    assert evidence.evidence_kind("2026/03/2026-0092-bill.pdf") == "list"
    assert evidence.evidence_kind("2026/03/2026-0085-payroll.pdf") == "list"
    assert evidence.evidence_kind("2026/03/invoice-photo.jpg") == "invoice"  # what it is, before how it was taken
    assert evidence.evidence_kind("2026/03/2026-0077-photo.png") == "photo"
    assert evidence.evidence_kind("2026/03/IMG_2041.JPG") == "photo"  # an image is a photo unless named otherwise
    assert evidence.evidence_kind("2026/03/scan-0001.jpeg") == "photo"
    assert evidence.evidence_kind("2026/03/2026-0001.pdf") == "voucher"
    assert evidence.evidence_kind("2026/03/invoiced-advice.pdf") == "voucher"  # a word, not a part of one


# Vouchers that cannot be drawn, in books of their own


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int, rows: int | None = None) -> bytes:
    """A grey PNG of width × height whose every (or first ``rows``) row is zeros: tiny on disk, huge decoded."""
    packer = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    idat = b"".join(packer.compress(row) for _ in range(height if rows is None else rows)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def pdf(media_box: str, pages: int = 1) -> bytes:
    kids = "[3 0 R]" if pages else "[]"
    page = f"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[{media_box}]>>endobj\n" if pages else ""
    return (f"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            f"2 0 obj<</Type/Pages/Kids{kids}/Count {pages}>>endobj\n{page}"
            "trailer<</Root 1 0 R>>\n%%EOF\n").encode()


BAD = {
    "2026-0002-corrupt-invoice.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 9 0 R>>\n"
                                     b"stream\x00\xff",
    "2026-0003-empty-invoice.pdf": pdf("", pages=0),
    "2026-0004-bomb-photo.png": bomb_png(10_000, 10_000),  # 100 million pixels: over MAX_IMAGE_PIXELS
    "2026-0005-bomb-receipt.png": bomb_png(100_000, 100_000, rows=8),  # ten billion, declared in 60 bytes
    "2026-0006-sliver-invoice.pdf": pdf("0 0 1 200000"),  # a page 1 pt wide and 70 m tall
}


def journal(names: list[list[str]]) -> str:
    entries = []
    for number, files in enumerate(names, start=2):
        entries.append(f"""\
2026-03-{number:02d} * "示例保洁公司" "保洁 {number}"
  voucher: "2026-{number:04d}"
  evidence: "{", ".join(f"2026/03/{name}" for name in files)}"
  Expenses:Cleaning   600.00 CNY
  Assets:Bank:Fund
""")
    return "\n".join(entries)


def test_a_voucher_that_cannot_be_drawn_keeps_its_link_and_the_build_goes_on(
        repo: Repo, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TRUSTFUND_CACHE", str(tmp_path_factory.mktemp("cache")))  # outside the repository
    for name, content in BAD.items():
        repo.voucher_file(f"2026/03/{name}", content)
    repo.voucher_file("2026/03/2026-0008-vast-invoice.pdf", pdf("0 0 300000 300000"))  # absurd, but square
    repo.voucher_file("2026/03/2026-0009-invoice.pdf", REAL_PDF.read_bytes())
    names = [*([name] for name in BAD), ["2026-0008-vast-invoice.pdf"], ["2026-0009-invoice.pdf"]]
    repo.journal(journal(names))
    assert repo.check() == []
    site = tmp_path / "site"
    assert build(repo.root, site) == 0
    output = capsys.readouterr()
    assert "Traceback" not in output.out + output.err
    page = site / "test/2026/03/index.html"
    links = {target(page, str(link["href"])).name: link for link in evidence_links(page.read_text(encoding="utf-8"))}
    assert set(links) == {*BAD, "2026-0008-vast-invoice.pdf", "2026-0009-invoice.pdf"}
    for name in BAD:
        assert links[name]["img"] is None, f"{name} has a preview"
        assert links[name]["text"] == ("照片（图片）" if "photo" in name else
                                       "收据（图片）" if "receipt" in name else "发票（PDF）")
        assert (site / "test/vouchers/2026/03" / name).is_file()  # the voucher itself is still published
    for name in ("2026-0008-vast-invoice.pdf", "2026-0009-invoice.pdf"):
        img = links[name]["img"]
        assert isinstance(img, dict)
        with Image.open(target(page, str(img["src"]))) as picture:
            assert picture.width <= evidence.WIDTH and picture.height <= evidence.MAX_HEIGHT
    assert len(list((site / "test/previews").iterdir())) == 2


def test_each_reason_a_voucher_has_no_preview_is_said() -> None:
    for name, content in BAD.items():
        picture, why = evidence.draw(content, name.endswith(".pdf"))
        assert picture is None and why, name
    assert "too narrow or too flat" in evidence.draw(BAD["2026-0006-sliver-invoice.pdf"], True)[1]
    for bomb in ("2026-0004-bomb-photo.png", "2026-0005-bomb-receipt.png"):
        assert "more pixels than a voucher may" in evidence.draw(BAD[bomb], False)[1], bomb
    assert "not a PDF that can be read" in evidence.draw(BAD["2026-0003-empty-invoice.pdf"], True)[1]
    assert "not a PDF that can be read" in evidence.draw(BAD["2026-0002-corrupt-invoice.pdf"], True)[1]
    good, why = evidence.draw(REAL_PNG.read_bytes(), False)
    assert good is not None and why == ""


def test_the_treasurer_is_told_of_every_voucher_without_a_preview(
        repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in ("2026-0002-invoice.pdf", "2026-0003-invoice.pdf"):  # the same damaged file, twice
        repo.voucher_file(f"2026/03/{name}", BAD["2026-0002-corrupt-invoice.pdf"])
    repo.voucher_file("2026/03/2026-0004-photo.png", REAL_PNG.read_bytes())
    compound = Compound("test", repo.compound, repo.root, None)
    previews = evidence.Previews.for_books([repo.root], tmp_path_factory.mktemp("cache"))
    shown = [previews.evidence(compound, f"2026/03/{name}") for name in
             ("2026-0002-invoice.pdf", "2026-0003-invoice.pdf", "2026-0004-photo.png", "2026-0002-invoice.pdf")]
    assert [e.preview is None for e in shown] == [True, True, False, True]
    assert [e.kind for e in shown] == ["invoice", "invoice", "photo", "invoice"]
    assert previews.drawn == 2
    assert previews.notes == [f"ledgers/test/vouchers/2026/03/{name}: no preview, is not a PDF that can be read "
                              "(PdfiumError); owners see its link only"
                              for name in ("2026-0002-invoice.pdf", "2026-0003-invoice.pdf")]
    assert "2 distinct vouchers, 2 drawn, 0 from the cache" in previews.summary()


# The cache


def entries(cache: Path) -> dict[str, tuple[int, int, bytes]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in (cache / "previews").glob("*.entry")}


def test_a_second_build_draws_nothing_and_a_damaged_cache_entry_is_drawn_again(
        repo: Repo, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path_factory.mktemp("cache")  # outside the repository (repo.root is tmp_path)
    monkeypatch.setenv("TRUSTFUND_CACHE", str(cache))
    repo.voucher_file("2026/03/2026-0002-invoice.pdf", REAL_PDF.read_bytes())
    repo.voucher_file("2026/03/2026-0003-invoice.pdf", REAL_PDF.read_bytes())  # the same invoice, twice
    repo.voucher_file("2026/03/2026-0004-photo.png", REAL_PNG.read_bytes())
    repo.voucher_file("2026/03/2026-0005-corrupt.pdf", BAD["2026-0002-corrupt-invoice.pdf"])
    repo.journal(journal([["2026-0002-invoice.pdf"], ["2026-0003-invoice.pdf", "2026-0004-photo.png"],
                          ["2026-0005-corrupt.pdf"]]))
    drawings: list[bool] = []
    real_draw = evidence.draw

    def counted(raw: bytes, is_pdf: bool) -> tuple[Image.Image | None, str]:
        drawings.append(is_pdf)
        return real_draw(raw, is_pdf)

    monkeypatch.setattr(evidence, "draw", counted)
    assert build(repo.root, tmp_path / "first") == 0
    assert sorted(drawings) == [False, True, True]  # one invoice for two vouchers, the photo, the corrupt PDF
    first = entries(cache)
    assert len(first) == 3
    previews = {p.name: p.read_bytes() for p in (tmp_path / "first/test/previews").iterdir()}
    assert len(previews) == 2
    month = tmp_path / "first/test/2026/03/index.html"
    shown = [link["img"] for link in evidence_links(month.read_text(encoding="utf-8"))]
    assert [isinstance(img, dict) for img in shown] == [True, True, True, False]
    assert shown[0] == shown[1]  # the two identical invoices: one preview file

    drawings.clear()
    assert build(repo.root, tmp_path / "second") == 0
    assert drawings == []
    assert entries(cache) == first  # not one entry written again
    assert {p.name: p.read_bytes() for p in (tmp_path / "second/test/previews").iterdir()} == previews

    # Damaged three ways: another picture under the stored digest, bytes cut short, a digest that matches
    # bytes that are no picture. Each is drawn again, and the site gets the true preview.
    invoice = next(name for name in previews if name + ".entry" in first and b"240 55 " in first[name + ".entry"][2])
    entry = cache / "previews" / f"{invoice}.entry"
    header, _, jpeg = first[entry.name][2].partition(b"\n")
    size_line, _, jpeg = jpeg.partition(b"\n")
    other = io.BytesIO()
    Image.new("RGB", (240, 55), "red").save(other, "JPEG")
    garbage = b"\xff\xd8\xff" + b"x" * 400
    for damaged in (header + b"\n" + size_line + b"\n" + other.getvalue(),
                    first[entry.name][2][:-200],
                    header + b"\n240 55 " + hashlib.sha256(garbage).hexdigest().encode() + b"\n" + garbage):
        entry.write_bytes(damaged)
        drawings.clear()
        out = tmp_path / f"again-{len(damaged)}"
        # --no-cache: the whole site is not restored from the rebuild cache, so each preview is looked up.
        assert main(["--root", str(repo.root), "build", "--site-dir", str(out), "--no-cache"]) == 0
        assert drawings == [True]
        assert (out / "test/previews" / invoice).read_bytes() == previews[invoice]
        assert entry.read_bytes() == first[entry.name][2]


def test_a_cache_inside_the_repository_is_not_used(repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    inside = evidence.Previews.for_books([repo.root], repo.root / "build" / "cache")
    assert inside.cache is None and "inside the repository" in inside.notes[0]
    assert not (repo.root / "build" / "cache").exists()
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "previews"
    outside = evidence.Previews.for_books([repo.root], elsewhere)
    assert outside.cache == elsewhere.resolve() and outside.cache.is_dir() and outside.notes == []


# Hostile names


def test_hostile_evidence_file_names_come_out_escaped(repo: Repo, tmp_path: Path) -> None:
    names = ['2026-0002-a"b\'c<img src=x onerror=pwn()>&amp;-invoice.pdf', "2026-0003-<b>pwn</b> photo&.png"]
    repo.voucher_file(f"2026/03/{names[0]}", REAL_PDF.read_bytes())
    repo.voucher_file(f"2026/03/{names[1]}", REAL_PNG.read_bytes())
    repo.journal(journal([[names[0].replace('"', '\\"')], [names[1]]]))
    assert repo.check() == []
    site = tmp_path / "site"
    assert build(repo.root, site) == 0
    page = site / "test/2026/03/index.html"
    html = page.read_text(encoding="utf-8")
    parsed = parse(html)
    for tag, attrs in parsed.elements:
        assert "onerror" not in attrs and "pwn" not in tag, (tag, attrs)
        if tag == "img":
            assert re.fullmatch(r"\.\./\.\./previews/[a-z2-7]{26}\.jpg", attrs["src"] or ""), attrs
    assert "<b>pwn</b>" not in html and "<img src=x" not in html
    links = evidence_links(html)
    assert [link["text"] for link in links] == ["发票（PDF）", "照片（图片）"]
    for link, name in zip(links, names, strict=True):
        assert target(page, str(link["href"])) == (site / "test/vouchers/2026/03" / name).resolve()
        assert isinstance(link["img"], dict)


# On a phone


@pytest.fixture(scope="module")
def site_address(examples_site: Path) -> Iterator[str]:
    with serve(examples_site) as url:
        yield url


def test_previews_load_and_are_big_enough_to_tap_on_a_phone(
        phone: Phone, site_address: str, examples_site: Path) -> None:
    month = "qingshui-garden/2026/05/"  # an item with a contract, an invoice and a photo
    page = phone.begin("evidence")
    page.goto(urljoin(site_address + "/", month))
    fits_the_screen(phone, page, "month")
    links = page.locator("a.tf-ev")
    assert links.count() >= 10
    for index in range(links.count()):
        link = links.nth(index)
        link.scroll_into_view_if_needed()
        image = link.locator("img")
        image.evaluate("(img) => img.decode()")  # a lazy image loads once it nears the screen
        state = image.evaluate("(img) => ({natural: img.naturalWidth, complete: img.complete, "
                               "right: img.getBoundingClientRect().right})")
        assert state["complete"] and state["natural"] > 0, (index, state)
        assert state["right"] <= WIDTH, (index, state)
        box = link.bounding_box()
        assert box is not None and box["width"] >= TAP and box["height"] >= TAP, (index, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (index, box)
    item = page.locator("tbody[id='2026-0163'] a.tf-ev")
    assert item.all_inner_texts() == ["合同（PDF）", "发票（PDF）", "照片（图片）"]
    item.first.scroll_into_view_if_needed()
    phone.screenshot(page, "previews-of-an-item", full_page=False)
    assert phone.foreign() == []
    assert phone.errors == []
