"""Documents converted while the next ones are still being made.

A worker renders its documents one by one. Converted only once all were rendered, LibreOffice
would wait for the whole batch, idle, after its own start. Here a thread of the worker takes
whatever has been given since its last call: LibreOffice starts on the first document while the
others are rendered, and each PDF comes back as soon as it is finished, to be assembled (or, for a
Sommaire, filled and given again) while LibreOffice converts the next ones.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Generic, TypeVar

from paraphe.convert.libreoffice import Cancellation, Document, Outcome

if TYPE_CHECKING:
    from paraphe.convert import Converter

Key = TypeVar("Key")

log = logging.getLogger(__name__)

# Seconds a stopped stream waits for its thread: its LibreOffice is killed at once, but a conversion on
# a unoserver pool cannot be called back and is left to its own timeout.
_JOIN_WITHIN = 30.0


class Conversions(Generic[Key]):
    """A context: documents given one by one, converted in a thread in the order given, each outcome
    read back as soon as it is finished (`finished`). Left early (an error, Ctrl-C), the conversion
    under way is stopped and none other starts."""

    def __init__(self, converter: Converter) -> None:
        self._converter = converter
        self._given: queue.SimpleQueue[tuple[Key, Document] | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[tuple[Key, Outcome] | BaseException] = queue.SimpleQueue()
        self._outstanding = 0
        self._cancellation = Cancellation()
        self._thread = threading.Thread(target=self._convert, name="paraphe-convert", daemon=True)

    def __enter__(self) -> Conversions[Key]:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self._cancellation.cancel()
        self._given.put(None)
        self._thread.join(timeout=_JOIN_WITHIN)

    def give(self, key: Key, document: Document) -> None:
        """One more document to convert (from the thread that reads `finished`)."""
        self._outstanding += 1
        self._given.put((key, document))

    def finished(self) -> Iterator[tuple[Key, Outcome]]:
        """Each document given, with its PDF or the error that names it, as soon as it is finished, until
        none is outstanding: a document given while this is read is waited for too. An unexpected
        failure of the conversion thread is raised here."""
        while self._outstanding:
            item = self._next()
            if isinstance(item, BaseException):
                raise item
            self._outstanding -= 1
            yield item

    def _next(self) -> tuple[Key, Outcome] | BaseException:
        # In short waits: a signal's handler then raises here at once, in the thread that reads.
        while True:
            with contextlib.suppress(queue.Empty):
                return self._done.get(timeout=0.1)

    def _convert(self) -> None:
        while True:
            batch = [self._given.get()]
            with contextlib.suppress(queue.Empty):
                while batch[-1] is not None:
                    batch.append(self._given.get_nowait())
            given = [item for item in batch if item is not None]
            if given:
                self._convert_batch(given)
            if batch[-1] is None:
                return

    def _convert_batch(self, given: list[tuple[Key, Document]]) -> None:
        sent: set[int] = set()

        def ready(index: int, body: bytes) -> None:
            sent.add(index)
            self._done.put((given[index][0], body))

        log.info("converting %d document(s) to PDF with LibreOffice (%s)", len(given), self._converter)
        try:
            outcomes = self._converter.convert([document for _, document in given], ready, self._cancellation)
        except BaseException as exc:  # noqa: BLE001 - raised in the reading thread, which reports it
            self._done.put(exc)
            return
        for index, ((key, _), outcome) in enumerate(zip(given, outcomes, strict=True)):
            if index not in sent:
                self._done.put((key, outcome))
