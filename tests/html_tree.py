"""A built page as a tree of elements, read with the standard library's HTML parser, for tests that look
at what a page says where (a table's cells, a list's items) rather than at its text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self, sep: str = "") -> str:
        return sep.join(child if isinstance(child, str) else child.text(sep) for child in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def all(self, tag: str, *classes: str, **attrs: str) -> list[Node]:
        """Elements of a tag with all these classes (``class_=`` names one too) and attribute values."""
        wanted = set(classes) | ({attrs.pop("class_")} if "class_" in attrs else set())
        return [n for n in self.walk() if n.tag == tag and wanted <= n.classes()
                and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def one(self, tag: str, *classes: str, **attrs: str) -> Node:
        found = self.all(tag, *classes, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} class={' '.join(classes)} {attrs}>, not one"
        return found[0]


class Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {key: value or "" for key, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {key: value or "" for key, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, text: str) -> None:
        self.stack[-1].children.append(text)


def parse(html: str) -> Node:
    parser = Tree()
    parser.feed(html)
    return parser.root


def read(path: Path) -> Node:
    return parse(path.read_text(encoding="utf-8"))
