"""A district's site in parts: one compound's part built on its own, and parts joined into one site.

``build_part_into`` runs the site's build for one compound (the MkDocs
plugin renders only its pages, with the whole district's navigation) and
keeps only its folders, ``<id>/`` and ``en/<id>/``, beside its manifest
(generator/site/parts.py). ``assemble_into`` checks the parts — they come
from other jobs' artifacts, so a malformed manifest, a file outside its
compound's folders, a link, two parts of one compound, another trustfund's
part or a part from another commit are refused in one line — renders the
shared pages from their manifests, puts the parts beside them and swaps the
whole in, as ``trustfund build`` does: a failure leaves the old site.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from generator.books import Books
from generator.publish import run_mkdocs, staging_beside, swap
from generator.site import urls
from generator.site.parts import MANIFEST, SITE, Manifest, PartError, code_version, owned, read_manifest, to_json

__all__ = ["PartError", "assemble_into", "build_part_into", "check_parts"]


def build_part_into(root: Path, part_dir: Path, compound: str, books: Books, queries: Path | None = None) -> None:
    """One compound's part of a district site into ``part_dir``: its pages and files under ``site/`` (only its
    own folders, ``<id>/`` and ``en/<id>/``) and ``manifest.json``. An existing part is replaced only by a
    complete new one."""
    def hand_over(plugin: Any) -> None:
        plugin.checked = {compound: books}
        plugin.queries = queries
        plugin.part = compound

    staging = staging_beside(root, part_dir)
    plugin = run_mkdocs(root, staging / SITE, staging, hand_over)
    try:
        for path in list((staging / SITE).rglob("*")):  # the shared pages and assets are the assembly's
            relative = path.relative_to(staging / SITE).as_posix()
            if path.is_file() and not owned(relative, compound):
                path.unlink()
        for path in sorted((staging / SITE).rglob("*"), reverse=True):  # and the folders left empty
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        (staging / MANIFEST).write_text(to_json(plugin.manifest), encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap(staging, part_dir)


def check_parts(part_dirs: list[Path], keep_older: bool = False) -> tuple[list[Manifest], Manifest, list[str]]:
    """The parts' manifests in the navigation's order, the part whose commit and build date the shared pages
    print, and notes for the log (older parts kept). PartError, in one line, for a part that cannot be joined:
    a malformed manifest, a part without its site folder, two parts of a compound,
    parts from another trustfund, parts from different commits or build dates (unless ``keep_older``), parts
    that disagree on the navigation, a compound of the navigation without a part."""
    if not part_dirs:
        raise PartError("no parts given; pass each part's folder (DIR of `trustfund build --compound ID --part DIR`)")
    manifests: dict[str, Manifest] = {}
    folders: dict[str, Path] = {}
    for folder in part_dirs:
        manifest = read_manifest(folder / MANIFEST)
        if manifest.compound in manifests:
            raise PartError(f"{folder}: a second part of {manifest.compound} (the first is "
                            f"{folders[manifest.compound]}); pass one part per compound")
        if manifest.code != code_version():
            raise PartError(f"{folder}: built by other trustfund code ({manifest.code[:12]}, this is "
                            f"{code_version()[:12]}); build every part and assemble them with the same trustfund")
        if (folder / SITE).is_symlink() or not (folder / SITE).is_dir():
            raise PartError(f"{folder}: no {SITE}/ folder; a part is what `trustfund build --compound ID --part DIR` "
                            "wrote")
        manifests[manifest.compound], folders[manifest.compound] = manifest, folder
    # The newest build is the site's: its commit and date are printed on the shared pages.
    reference = max(manifests.values(), key=lambda m: (m.commit_time or "", m.built, m.commit or ""))
    notes = []
    for compound, manifest in manifests.items():
        if (manifest.commit, manifest.built) == (reference.commit, reference.built):
            if manifest.listings != reference.listings:
                raise PartError(f"{folders[compound]}: its navigation differs from that of "
                                f"{folders[reference.compound]} though both were built from one commit; rebuild both")
            continue
        mixed = (f"{folders[compound]}: built from commit {(manifest.commit or 'none')[:12]} on {manifest.built}, "
                 f"{folders[reference.compound]} from {(reference.commit or 'none')[:12]} on {reference.built}")
        if not keep_older:
            raise PartError(f"{mixed}; rebuild it from the same commit (with the same SOURCE_DATE_EPOCH), or pass "
                            "--keep-older to publish it as its compound's last good part")
        notes.append(f"{mixed}: kept as {compound}'s last good part")
    listed = [listing.id for listing in reference.listings]
    for compound in listed:
        if compound not in manifests:
            raise PartError(f"no part for {compound}, which the navigation lists; build it (trustfund build "
                            f"--compound {compound} --part DIR) or keep its last good part")
    for compound in manifests:
        if compound not in listed:
            raise PartError(f"{folders[compound]}: {compound} is not a compound of the site the other parts were "
                            "built from; leave it out")
    return [manifests[compound] for compound in listed], reference, notes


def _place(folder: Path, manifest: Manifest, staging: Path) -> None:
    """A part's files put into the new site, checked on the way (one walk, as a district has hundreds of
    thousands of files): each lies in its compound's own folders and is a plain file or folder (no link), takes
    no place of the shared site, and every page the manifest lists is there."""
    site = folder / SITE
    own = (manifest.compound, urls.ENGLISH + manifest.compound)
    for directory, folders, files in os.walk(site):
        here = Path(directory)
        prefix = here.relative_to(site).as_posix() + "/"
        for name in [*folders, *files]:
            path, relative = here / name, (prefix + name).removeprefix("./")
            mode = path.lstat().st_mode
            inside = owned(relative + "/", manifest.compound) or relative in (urls.ENGLISH.rstrip("/"),
                                                                              manifest.compound) \
                if stat.S_ISDIR(mode) else owned(relative, manifest.compound)
            if not inside:
                raise PartError(f"{folder}: {SITE}/{relative} lies outside {manifest.compound}/ and "
                                f"{urls.ENGLISH}{manifest.compound}/; a part holds only its compound's pages — "
                                "rebuild it")
            if stat.S_ISREG(mode):
                _link_or_copy(str(path), str(staging / relative))
            elif not stat.S_ISDIR(mode):
                raise PartError(f"{folder}: {SITE}/{relative} is not a plain file or folder (a link?); "
                                "rebuild the part")
            elif relative in own and (staging / relative).exists():
                raise PartError(f"{folder}: {relative}/ would replace a page or file of the shared site; a compound "
                                "may not take that name")
            else:
                (staging / relative).mkdir(exist_ok=relative not in own)
    for uri in manifest.pages:
        if not (staging / uri.removesuffix("index.md") / "index.html").is_file():
            raise PartError(f"{folder}: the manifest lists {uri}, but {SITE}/ has no page for it; rebuild the part")


def assemble_into(root: Path, part_dirs: list[Path], site_dir: Path, keep_older: bool = False) -> list[str]:
    """Join the parts into one site at ``site_dir``: the shared pages (front page, glossary, 404, sitemap,
    feed, theme) drawn from their manifests, each part's folders put in place beside them, then the whole swapped
    in; on any failure the old site stays as it was — a part's file outside its compound's folders, or a
    link, is refused as it is put in place. Notes for the log."""
    manifests, reference, notes = check_parts(part_dirs, keep_older)
    folders = {read_manifest(folder / MANIFEST).compound: folder for folder in part_dirs}

    def hand_over(plugin: Any) -> None:
        plugin.assembling = manifests
        plugin.reference = reference

    staging = staging_beside(root, site_dir)
    run_mkdocs(root, staging, staging, hand_over)
    try:
        for manifest in manifests:
            _place(folders[manifest.compound], manifest, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap(staging, site_dir)
    return notes


def _link_or_copy(source: str, target: str) -> None:
    """A part's file in the site: a hard link where both lie on one file system (a district's parts are
    gigabytes), else a copy."""
    try:
        os.link(source, target)
    except OSError as problem:
        if problem.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            raise PartError(f"{source} cannot be put in the site ({problem.strerror}); rebuild the part") from None
        shutil.copyfile(source, target)
