"""Where words stand in a document: its own paragraphs and their sentences.

Annotations point into a text by character offsets, which suit programs; a
reader cites "¶ 1, sentence 6". :func:`text_places` cuts a text into the blocks
its blank lines separate and names each block as the document does: a block
opening with ``(1)`` is paragraph 1, one opening with ``(a)`` is sub-paragraph
(a) of the paragraph before it. Unnumbered blocks before the first number are
the opening, those after the last the closing (signature, date). A document
that numbers nothing has its blocks counted (¶ 1, ¶ 2, …), and the place says
so. Sentences are counted within a block.

>>> text = "Dear all:\\n\\n(1) We met. He agreed.\\n\\n(a) Sign it.\\n\\nMao"
>>> places = text_places(text)
>>> places.cite(text.index("He"), text.index("agreed") + 6)
'¶ 1, sentence 2'
>>> places.cite(text.index("Sign"), text.index("it."))
'¶ 1 (a)'
>>> places.cite(0, 4), places.cite(text.index("Mao"), len(text))
('opening', 'closing')
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_BLOCK_BREAK = re.compile(r"\n[ \t]*\n\s*")
_NUMBERED = re.compile(r"^\((\d+)\)\s")
_LETTERED = re.compile(r"^\(([a-z])\)\s")
#: A sentence ends at . ! or ? (with any closing quotes or brackets) before a
#: space and a capital, an opening quote or bracket.
_SENTENCE_END = re.compile(r"""[.!?]["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
#: Abbreviations that end in a full stop without ending the sentence.
_ABBREVIATION = re.compile(r"(?:^|[\s(\[])(?:Mr|Mrs|Dr|St|No|Vol|vol|cf|e\.g|i\.e|ed|eds)\.$")


@dataclass(frozen=True)
class Block:
    """One block of the text (between blank lines) and its sentences' offsets."""

    #: How a reader cites it: ``¶ 1``, ``¶ 1 (a)``, ``opening``, ``closing``.
    name: str
    #: A fragment id for the block (``p1``, ``p1a``, ``opening-1``).
    id: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]

    def sentence_at(self, offset: int) -> int:
        """The 1-based number of the sentence holding ``offset``."""
        starts = [s for s, _ in self.sentences]
        return max(1, bisect.bisect_right(starts, offset))


@dataclass(frozen=True)
class TextPlaces:
    """A text's blocks, to name the place of any span of it."""

    blocks: tuple[Block, ...]
    #: True when the document numbers its paragraphs; else they are counted.
    numbered: bool

    def block_at(self, offset: int) -> Block | None:
        """The block holding ``offset``; between blocks, the next one; past the last, the last."""
        starts = [b.start for b in self.blocks]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and offset < self.blocks[i].end:
            return self.blocks[i]
        if i + 1 < len(self.blocks):
            return self.blocks[i + 1]
        return self.blocks[-1] if self.blocks else None

    def place(self, offset: int) -> str:
        """``¶ 1, sentence 6`` for one offset (a one-sentence block is named alone)."""
        block = self.block_at(offset)
        if block is None:
            return ""
        if len(block.sentences) <= 1:
            return block.name
        return f"{block.name}, sentence {block.sentence_at(offset)}"

    def cite(self, start: int, end: int) -> str:
        """The place of the span ``start``–``end`` (end exclusive), as a reader cites it."""
        first, last = self.block_at(start), self.block_at(max(start, end - 1))
        if first is None or last is None:
            return ""
        if first is not last:
            return f"{self.place(start)} – {self.place(max(start, end - 1))}"
        if len(first.sentences) <= 1:
            return first.name
        a, b = first.sentence_at(start), first.sentence_at(max(start, end - 1))
        return f"{first.name}, sentence {a}" if a == b else f"{first.name}, sentences {a}–{b}"


def _sentences(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    found, at = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end()
        if _ABBREVIATION.search(text, at, stop):
            continue
        found.append((at, stop))
        at = stop
        while at < end and text[at].isspace():
            at += 1
    if at < end:
        found.append((at, end))
    return tuple(found)


def _spans(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for brk in _BLOCK_BREAK.finditer(text):
        if text[at : brk.start()].strip():
            spans.append((at, brk.start()))
        at = brk.end()
    tail = text[at:].rstrip()
    if tail.strip():
        spans.append((at, at + len(tail)))
    # Leading spaces are not part of a block.
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans]


def text_places(text: str) -> TextPlaces:
    """The blocks of ``text`` named as the document numbers them (see the module's docstring)."""
    spans = _spans(text)
    heads = [text[s:e] for s, e in spans]
    numbered = any(_NUMBERED.match(h) for h in heads)
    last_numbered = max((i for i, h in enumerate(heads) if _NUMBERED.match(h)), default=-1)
    blocks: list[Block] = []
    number: str | None = None
    counted, opening, closing = 0, 0, 0
    for i, ((start, end), head) in enumerate(zip(spans, heads, strict=True)):
        if numbered:
            if m := _NUMBERED.match(head):
                number = m.group(1)
                name, ident = f"¶ {number}", f"p{number}"
            elif (m := _LETTERED.match(head)) and number:
                name, ident = f"¶ {number} ({m.group(1)})", f"p{number}{m.group(1)}"
            elif number is not None and i < last_numbered:
                name, ident = f"¶ {number}, continued", f"p{number}-{i}"
            elif number is None:
                opening += 1
                name, ident = "opening", f"opening-{opening}"
            else:
                closing += 1
                name, ident = "closing", f"closing-{closing}"
        else:
            counted += 1
            name, ident = f"¶ {counted}", f"p{counted}"
        blocks.append(Block(name, ident, start, end, _sentences(text, start, end)))
    return TextPlaces(tuple(blocks), numbered)
