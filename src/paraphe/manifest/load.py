"""Safe YAML loading that remembers where every node came from.

The loader accepts a deliberately small YAML: no tags, no aliases, no duplicate
keys, one document, and only the plain scalars YAML 1.2 would type (``true``,
``false``, ``null``, decimal integers and decimals). Everything else is a
string, so ``no``, ``012345``, ``1:20`` or ``2020-10-09`` stay as written.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import ManifestError
from paraphe.i18n import _
from paraphe.manifest.quick_read import quick_read
from paraphe.manifest.source_map import Pointer, SourceMap
from paraphe.manifest.text_rules import FORBIDDEN, rule_of, text_problems
from paraphe.manifest.yaml_errors import yaml_syntax_message
from paraphe.manifest.yaml_subset import (
    FLOAT,
    INT,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_NODES,
    add_implicit_types,
    integer_digits,
    typed_value,
)
from paraphe.paths import display_path

MAX_MANIFEST_BYTES = 2 * 1024 * 1024
# Line ends as YAML counts them (lone CR included, as old Mac editors and some exports write),
# so that a character found in the text is placed on the line the parser and an editor show.
_LINE_BREAK = re.compile("\r\n|\r|\n")


class _StrictComposer(yaml.composer.Composer):  # type: ignore[misc]
    """The checks every node passes as it is composed, whichever parser makes the events."""

    _depth = 0
    _nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, _("YAML aliases (*name) are not allowed"), "yaml.alias")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise _Refused(event.start_mark, _("YAML tags are not allowed (found {tag!r})", tag=tag), "yaml.tag")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(
                event.start_mark, _("more than {limit} values in one manifest", limit=MAX_NODES), "yaml.size"
            )
        if self._depth >= MAX_DEPTH:
            raise _Refused(
                event.start_mark, _("values nested more than {limit} levels deep", limit=MAX_DEPTH), "yaml.depth"
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _StrictLoader(_StrictComposer, yaml.SafeLoader):  # type: ignore[misc]
    """Pure Python: the reference, whose error messages and marks diagnostics quote."""


try:
    from yaml._yaml import CParser as _LibyamlParser
except ImportError:  # PyYAML built without libyaml: the pure-Python parser alone, slower, same results
    _LibyamlParser = None

_C_PARSER: type | None = _LibyamlParser


class _StrictCLoader(_StrictComposer, yaml.resolver.Resolver, *((_C_PARSER,) if _C_PARSER else ())):  # type: ignore[misc]
    """libyaml's scanner and parser (ten times faster), the same composer and checks on top.

    Its events carry the same marks; its error messages differ, so a text it finds invalid is
    parsed again by `_StrictLoader`, whose diagnostic is the one reported.
    """

    def __init__(self, stream: str) -> None:
        assert _C_PARSER is not None
        _C_PARSER.__init__(self, stream)  # type: ignore[misc]
        yaml.composer.Composer.__init__(self)
        yaml.resolver.Resolver.__init__(self)


for _loader in (_StrictLoader, _StrictCLoader):
    add_implicit_types(_loader)


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str, rule: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.rule = rule


@dataclass(frozen=True)
class LoadedManifest:
    path: Path
    data: Any
    source: SourceMap
    digest: str = ""  # SHA-256 of the bytes parsed: what the build records, never a second read


def load_manifest(path: Path) -> LoadedManifest:
    """Read and parse one manifest; raise ManifestError with its location."""
    shown = display_path(path)
    return load_manifest_bytes(_read_bytes(path, shown), path=path, shown=shown)


def load_manifest_bytes(content: bytes, *, path: Path, shown: str) -> LoadedManifest:
    """Parse a manifest given by its content, such as a version git keeps; nothing is written.

    `path` is where the manifest stands, and need not exist: annex paths and the nearest
    `territories.yaml` resolve from its folder, and the model records it as the source.
    `shown` is how diagnostics name it (`HEAD~1:conventions/lozere/sdsf.yaml`).
    """
    text, digest = _decode(content, shown)
    read = _quick_read(text, shown)
    if read is not None:
        data, source = read
    else:
        data, source = _read_strictly(text, shown)
    problems = text_problems(data, source.locate)
    if problems:
        raise ManifestError(problems)
    return LoadedManifest(path, data, source, digest)


def _quick_read(text: str, shown: str) -> tuple[Any, SourceMap] | None:
    """The values and places in one pass over libyaml's events, for a text with nothing to refuse."""
    return None if _C_PARSER is None else quick_read(_C_PARSER(text), shown)


def _read_strictly(text: str, shown: str) -> tuple[Any, SourceMap]:
    """The reference reading: every node composed and checked, then built; the first problem raised."""
    try:
        root = _compose(text)
    except _Refused as refused:
        raise _error(shown, refused.mark, refused.message, refused.rule) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _error(shown, mark, yaml_syntax_message(exc), "yaml.syntax") from None
    except yaml.YAMLError as exc:
        raise ManifestError.at(Location(shown, 1, 1), _("invalid YAML: {error}", error=exc), "yaml.syntax") from None
    if root is None:
        raise ManifestError.at(Location(shown, 1, 1), _("the manifest is empty"), "yaml.empty")
    source = SourceMap(shown)
    return _build(root, (), source), source


def _compose(text: str) -> yaml.Node | None:
    """The node tree of one document: through libyaml when it is there and accepts the text."""
    if _C_PARSER is not None:
        try:
            return _StrictCLoader(text).get_single_node()
        except yaml.YAMLError:
            pass  # libyaml's words for a syntax error: said as the pure-Python parser says it, below
        # paraphe's own refusals (_Refused: aliases, tags, size, depth) go up as they are: same words, same marks.
    loader = _StrictLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _read_bytes(path: Path, shown: str) -> bytes:
    where = Location(shown)
    try:
        if not path.is_file():
            raise ManifestError.at(where, _("not a regular file"), "io.read")
        _check_size(path.stat().st_size, where)  # before reading: a huge file is never loaded
        return path.read_bytes()
    except OSError as exc:
        raise ManifestError.at(where, _("cannot read the manifest: {reason}", reason=exc.strerror), "io.read") from None


def _check_size(size: int, where: Location) -> None:
    if size > MAX_MANIFEST_BYTES:
        raise ManifestError.at(
            where,
            _("manifest too large ({size} bytes; the limit is {limit})", size=size, limit=MAX_MANIFEST_BYTES),
            "io.size",
        )


def _decode(raw: bytes, shown: str) -> tuple[str, str]:
    """The text and the SHA-256 of the bytes; refused if too large, not UTF-8 or with forbidden characters."""
    _check_size(len(raw), Location(shown))
    digest = hashlib.sha256(raw).hexdigest()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(
            raw[: exc.start].decode("utf-8", "replace"), len(raw[: exc.start].decode("utf-8", "replace"))
        )
        raise ManifestError.at(
            Location(shown, line, col), _("the manifest is not valid UTF-8; save it as UTF-8"), "io.encoding"
        ) from None
    problems = [
        Diagnostic(
            Location(shown, *_line_col(text, m.start())),
            _("forbidden character {char} in the manifest", char=_describe(m.group())),
            rule_of(m.group()),
        )
        for m in FORBIDDEN.finditer(text)
    ]
    if problems:
        raise ManifestError(problems[:20])
    return text, digest


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line, start = 1, 0
    for end in _LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, end.end()
    return line, offset - start + 1


def _error(shown: str, mark: yaml.Mark | None, message: str, rule: str) -> ManifestError:
    if mark is None:
        return ManifestError.at(Location(shown, 1, 1), message, rule)
    return ManifestError.at(Location(shown, mark.line + 1, mark.column + 1), message, rule)


def _build(node: yaml.Node, pointer: Pointer, source: SourceMap) -> Any:
    source.values[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _error(source.file, key_node.start_mark, _("mapping keys must be plain text"), "yaml.key")
            key = key_node.value
            if key_node.tag == "tag:yaml.org,2002:merge" or key == "<<":
                raise _error(source.file, key_node.start_mark, _("YAML merge keys (<<) are not allowed"), "yaml.merge")
            if key in result:
                first = source.keys[pointer + (key,)]
                raise _error(
                    source.file,
                    key_node.start_mark,
                    _("duplicate key {key!r} (first defined at line {line})", key=key, line=first[0]),
                    "yaml.duplicate-key",
                )
            source.keys[pointer + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _build(value_node, pointer + (key,), source)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.flow_style:
            source.flow_lists.append(pointer)
        return [_build(item, pointer + (i,), source) for i, item in enumerate(node.value)]
    if node.tag in (INT, FLOAT):
        digits = integer_digits(node.value)
        if digits > MAX_DIGITS:
            raise _error(
                source.file,
                node.start_mark,
                _(
                    "a number of {digits} digits; at most {limit} (quote it to keep it as text)",
                    digits=digits,
                    limit=MAX_DIGITS,
                ),
                "yaml.number",
            )
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    return typed_value(node.value, node.tag)
