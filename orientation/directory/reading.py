"""Reading import files without holding them in memory: encoding detection, JSON streamed record by
record (a list, NDJSON, data·inclusion's `{"structures", "services"}` or its API pages
`{"items", "total", "page", "size"}`), CSV with its separator detected."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1 << 16
MAX_NDJSON_LINE = 1 << 20  # an NDJSON record longer than this is not expected
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 avec BOM", "cp1252": "Windows-1252 (Latin-1)"}


class ImportFileError(Exception):
    """The file cannot be read at all (the message is for the user, in French)."""


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when every byte decodes, else Windows-1252 (a superset of Latin-1).

    Scans the whole file in chunks: a Latin-1 « é » may first appear on the last line."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise ImportFileError(f"{path.name} : encodage UTF-16 non pris en charge, enregistrez-le en UTF-8.")
            encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
            handle.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")()
            try:
                while chunk := handle.read(CHUNK * 16):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return "cp1252"
            return encoding
    except OSError as error:
        raise ImportFileError(f"{path.name} : fichier illisible ({error.strerror or error}).") from error


def open_text(path: Path, encoding: str):
    # Windows-1252 leaves five bytes undefined: read them as Latin-1 control characters rather than fail.
    return open(path, encoding=encoding, errors="strict" if encoding.startswith("utf") else "replace", newline="")


# ---------------------------------------------------------------------------------------------
# JSON, streamed


class JsonStream:
    """Values of a JSON text read piece by piece (json.raw_decode on a sliding buffer)."""

    def __init__(self, handle, name: str):
        self.handle, self.name = handle, name
        self.buffer, self.pos, self.eof = "", 0, False
        # line number at buffer[mark]: counted on from there, never from the start of the buffer again
        self.line_at_mark, self.mark = 1, 0
        self.decoder = json.JSONDecoder()

    def _fill(self) -> None:
        chunk = self.handle.read(CHUNK)
        if not chunk:
            self.eof = True
            return
        self.line()
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = self.mark = 0

    def line(self) -> int:
        if self.pos >= self.mark:
            self.line_at_mark += self.buffer.count("\n", self.mark, self.pos)
            self.mark = self.pos
            return self.line_at_mark
        return self.line_at_mark - self.buffer.count("\n", self.pos, self.mark)

    def peek(self) -> str | None:
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if self.eof:
                return None
            self._fill()

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"« {char} » attendu" + (f", « {found} » trouvé" if found else " (fichier tronqué ?)"))
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if self.eof:
                    self.pos = error.pos
                    raise self.error(f"JSON illisible ou fichier tronqué ({error.msg})") from error
                self._fill()
                continue
            if end == len(self.buffer) and not self.eof and not isinstance(value, dict | list | str):
                self._fill()  # a number or literal may go on in the next chunk
                continue
            self.pos = end
            return value

    def array(self) -> Iterator[tuple[int, object]]:
        """(line, value) of each element of the array starting here."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            self.peek()
            line = self.line()
            yield line, self.value()
            following = self.peek()
            self.pos += 1
            if following == "]":
                return
            if following != ",":
                raise self.error("« , » ou « ] » attendu" + ("" if following else " (fichier tronqué ?)"))

    def error(self, reason: str) -> ImportFileError:
        return ImportFileError(f"{self.name}, ligne {self.line()} : {reason}.")


def iter_json_records(path: Path, encoding: str) -> Iterator[tuple[str | None, int, object]]:
    """(kind declared by the file or None, line, record) for every record of a JSON or NDJSON file."""
    with open_text(path, encoding) as handle:
        stream = JsonStream(handle, path.name)
        first = stream.peek()
        if first is None:
            raise ImportFileError(f"{path.name} : le fichier est vide.")
        if first == "[":
            for line, record in stream.array():
                yield None, line, record
            _expect_end(stream)
            return
        if first != "{":
            raise ImportFileError(f"{path.name} : ce n'est pas un JSON data·inclusion (liste ou objet attendu).")
        line = stream.line()
        head = stream.value() if _first_line_is_whole(stream) else None
        if head is not None:  # NDJSON: one record per line
            yield None, line, head
            while stream.peek() is not None:
                line = stream.line()
                yield None, line, stream.value()
            return
        yield from _wrapped_records(stream, path)


def _first_line_is_whole(stream: JsonStream) -> bool:
    """An NDJSON file's first line is a whole object followed by another one (or nothing)."""
    while "\n" not in stream.buffer[stream.pos :] and not stream.eof:
        if len(stream.buffer) - stream.pos > MAX_NDJSON_LINE:
            return False  # a long first line: a minified file, read as a stream
        stream._fill()
    first_line = stream.buffer[stream.pos :].split("\n", 1)[0]
    try:
        value = json.loads(first_line)
    except json.JSONDecodeError:
        return False
    return isinstance(value, dict) and bool({"id", "source"} & value.keys())


def _wrapped_records(stream: JsonStream, path: Path):
    stream.expect("{")
    found = False
    while stream.peek() != "}":
        key = stream.value()
        stream.expect(":")
        if key in ("items", "structures", "services", "data", "results") and stream.peek() == "[":
            found = True
            kind = {"structures": "structure", "services": "service"}.get(key)
            for line, record in stream.array():
                yield kind, line, record
        else:
            stream.value()  # total, page, size…
        if stream.peek() == ",":
            stream.pos += 1
        elif stream.peek() != "}":
            raise stream.error("« , » ou « } » attendu" + ("" if stream.peek() else " (fichier tronqué ?)"))
    stream.pos += 1
    _expect_end(stream)
    if not found:
        raise ImportFileError(
            f"{path.name} : ce n'est pas un fichier data·inclusion (ni liste, ni « structures »/« services », "
            "ni page d'API « items »)."
        )


def _expect_end(stream: JsonStream) -> None:
    if stream.peek() is not None:
        raise stream.error("données en trop après la fin du JSON")


# ---------------------------------------------------------------------------------------------
# CSV


def open_csv(path: Path, encoding: str, required: list[str]):
    """(handle, DictReader) with the separator (« , », « ; » or tabulation) that yields the required columns."""
    handle = open_text(path, encoding)
    header = handle.readline()
    if not header.strip():
        handle.close()
        raise ImportFileError(f"{path.name} : le fichier est vide.")
    best = None
    for delimiter in (",", ";", "\t"):
        columns = [c.strip() for c in next(csv.reader([header], delimiter=delimiter))]
        missing = [name for name in required if name not in columns]
        if best is None or len(missing) < len(best[1]):
            best = (delimiter, missing, columns)
    delimiter, missing, columns = best
    if missing:
        handle.close()
        raise ImportFileError(f"{path.name} : colonnes obligatoires absentes : {', '.join(missing)}.")
    return handle, csv.DictReader(handle, fieldnames=columns, delimiter=delimiter)
