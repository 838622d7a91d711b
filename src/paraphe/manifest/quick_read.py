"""A manifest's values and places read in one pass over libyaml's events: the common case of loading.

`load` composes the text's nodes, checking each, then builds the values and their places from
them: two passes in Python over every node, most of a long SDSF's loading. A manifest with nothing
the strict loader refuses gives, read here, the very same values and `SourceMap`, in a third of the
time. Whatever is not plainly that (an alias or an anchor, a tag, a merge key, a key written twice,
a key that is not text, a number too long, values too deep or too many, a syntax error, a second
document, an empty text) gives None: the reference path reads the text again and says what is
wrong, in its own words and places. tests/manifest/test_load_libyaml.py compares both readings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import yaml
from yaml import ScalarNode
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from paraphe.manifest.source_map import Pointer, SourceMap
from paraphe.manifest.yaml_subset import (
    FLOAT,
    INT,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_NODES,
    TagResolver,
    integer_digits,
    typed_value,
)


class _Unusual(Exception):
    """Something the reference path is to read and word."""


_RESOLVE = TagResolver().resolve
# The first characters of the plain scalars that may be other than text; most texts start otherwise.
_MAY_BE_TYPED = frozenset(TagResolver.yaml_implicit_resolvers)


def quick_read(parser: Any, file: str) -> tuple[Any, SourceMap] | None:
    """The values of the one document `parser` (libyaml's, on the text) gives, and their places;
    None where the reference path has to read the text."""
    source = SourceMap(file)
    get = parser.get_event
    try:
        if not isinstance(get(), StreamStartEvent) or not isinstance(get(), DocumentStartEvent):
            return None  # an empty text: the reference path says so
        return _ended(get, _Reader(source).read(get)), source
    except (_Unusual, yaml.YAMLError):
        return None


class _Reader:
    """The document's values as its events come. The open collection is `container`, at `where` (for a
    mapping, with the `key` waiting for its value); those it is in wait on `outer`."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.outer: list[tuple[Any, Pointer, bool, str | None]] = []
        self.container: Any = None
        self.where: Pointer = ()
        self.in_mapping = False
        self.key: str | None = None
        self.nodes = 0

    def read(self, get: Callable[[], Any]) -> Any:
        while True:
            event = get()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                if not self.outer:
                    return self.container  # the document's own collection, complete
                self.container, self.where, self.in_mapping, self.key = self.outer.pop()
                continue
            self._count(event)
            if self.in_mapping and self.key is None:
                self._key(event)
                continue
            value = self._value(event, kind)
            if self.container is None and kind is ScalarEvent:
                return value  # a document of one text

    def _count(self, event: Any) -> None:
        """The reference path's refusals, as each node comes: anchors and tags, too many, too deep."""
        self.nodes += 1
        depth = len(self.outer) + (self.container is not None)
        if event.anchor is not None or event.tag not in (None, "!") or self.nodes > MAX_NODES or depth >= MAX_DEPTH:
            raise _Unusual

    def _key(self, event: Any) -> None:
        """A mapping's key: text, new, not a merge key."""
        if type(event) is not ScalarEvent or event.value == "<<" or event.value in self.container:
            raise _Unusual
        self.key = event.value
        self.source.keys[(*self.where, self.key)] = (event.start_mark.line + 1, event.start_mark.column + 1)

    def _value(self, event: Any, kind: type) -> Any:
        container = self.container
        if container is None:
            pointer: Pointer = ()
        elif self.in_mapping:
            pointer = (*self.where, cast(str, self.key))  # read before its value
        else:
            pointer = (*self.where, len(container))
        self.source.values[pointer] = (event.start_mark.line + 1, event.start_mark.column + 1)
        if kind is ScalarEvent:
            text: str = event.value
            typed = event.implicit[0] and text[:1] in _MAY_BE_TYPED
            value: Any = _typed(text, _RESOLVE(ScalarNode, text, event.implicit)) if typed else text
        elif kind is MappingStartEvent:
            value = {}
        elif kind is SequenceStartEvent:
            value = []
            if event.flow_style:
                self.source.flow_lists.append(pointer)
        else:
            raise _Unusual  # an alias
        if container is not None:
            if self.in_mapping:
                container[self.key] = value
                self.key = None
            else:
                container.append(value)
        if kind is not ScalarEvent:
            if container is not None:
                self.outer.append((container, self.where, self.in_mapping, self.key))
            self.container, self.where, self.in_mapping, self.key = value, pointer, kind is MappingStartEvent, None
        return value


def _ended(get: Callable[[], Any], root: Any) -> Any:
    if not isinstance(get(), DocumentEndEvent) or not isinstance(get(), StreamEndEvent):
        raise _Unusual  # a second document
    return root


def _typed(value: str, tag: str) -> Any:
    if (tag == INT or tag == FLOAT) and integer_digits(value) > MAX_DIGITS:
        raise _Unusual
    return typed_value(value, tag)
