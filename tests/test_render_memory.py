"""A page's values are let go when the page is rendered, even with the garbage collector off.

``trustfund build`` renders with the collector off (it would re-scan the books' millions of objects), and a
template whose macro reads a value of the page makes a reference cycle that held every value of the page: at 100k
transactions about 10 MB a month page, which doubled the build's peak memory (benchmarks/build_ratio.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from generator.site.pages import environment, render_once

# A macro that reads a value of the page (``w``, as the month page's pager does): its closure holds the context.
MACRO_PAGE = "{% macro shown(x) %}<b>{{ w(x) }}</b>{% endmacro %}{{ shown(item.name) }}"


class Item:
    def __init__(self, name: str) -> None:
        self.name = name


@pytest.fixture
def collector_off() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@pytest.mark.usefixtures("collector_off")
def test_a_page_with_a_macro_keeps_none_of_its_values() -> None:
    template = environment().from_string(MACRO_PAGE)
    item = Item("<script>物业费</script>")
    kept = weakref.ref(item)
    html = render_once(template, {"item": item, "w": str})
    del item
    assert html == "<b>&lt;script&gt;物业费&lt;/script&gt;</b>"  # rendered as Jinja renders it, escaped
    assert kept() is None, "the page's values outlived the page"


@pytest.mark.usefixtures("collector_off")
def test_jinja_alone_keeps_them_until_a_collection() -> None:
    """Why render_once exists: the same page through Template.render holds its values in a cycle."""
    template = environment().from_string(MACRO_PAGE)
    item = Item("x")
    kept = weakref.ref(item)
    template.render(item=item, w=str)
    del item
    assert kept() is not None
    gc.collect()
    assert kept() is None


def test_an_error_in_a_page_is_jinja_s_own() -> None:
    """A failing template still raises as Jinja raises (StrictUndefined names the missing value)."""
    from jinja2 import UndefinedError
    with pytest.raises(UndefinedError, match="missing"):
        render_once(environment().from_string("{{ missing.x }}"), {})
