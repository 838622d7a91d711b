"""What a template may use: the shape of the context paraphe gives each kind, derived from the builders.

The context builders (`context`, `ctg`, `parties`, `blocks`) return plain dicts, lists and strings.
Their shape is read off the context they build for a *specimen*: a manifest shipped with paraphe
(`paraphe/data/specimens/`) that fills every optional part (identity, parts, opening, plan…), so
that every key and every list's items appear. `templates check` compares a template's tags with
this shape; the README's reference of variables is generated from it with `DESCRIPTIONS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from paraphe.manifest.convention import load_convention
from paraphe.manifest.model import AmendedState, Amendment, AmendmentArticle, AmendmentParagraph, Convention
from paraphe.render.context import build_context
from paraphe.resources import specimen_path

# The kinds whose context is built the same way share a specimen.
SPECIMENS = {"sdsf": "sdsf", "sdavs": "sdsf", "ctg": "ctg", "avenant": "ctg"}
KINDS = tuple(SPECIMENS)


@dataclass(frozen=True)
class Shape:
    """A value of the context: `kind` is « text », « yes/no », « number », « list », « record » or « any »."""

    kind: str
    path: str  # where it is: « fiches[].rows[].label »
    fields: dict[str, Shape] = field(default_factory=dict)  # a record's keys
    item: Shape | None = None  # a list's items

    def walk(self) -> Iterator[Shape]:
        """This shape and every one inside it, depth first, keys in their order."""
        yield self
        for child in self.fields.values():
            yield from child.walk()
        if self.item is not None:
            yield from self.item.walk()

    @property
    def type_name(self) -> str:
        if self.kind == "list" and self.item is not None:
            return f"list of {self.item.type_name}"
        return {"record": "record", "any": "any"}.get(self.kind, self.kind)


ANY = Shape("any", "")


def shape_of(value: Any, path: str) -> Shape:
    """The shape of a context value; a list's items merged (the union of their keys)."""
    if isinstance(value, bool):
        return Shape("yes/no", path)
    if isinstance(value, int | float):
        return Shape("number", path)
    if isinstance(value, str):
        return Shape("text", path)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return Shape("record", path, {k: shape_of(v, f"{path}.{k}" if path else k) for k, v in value.items()})
    if isinstance(value, list | tuple):
        items = [shape_of(v, f"{path}[]") for v in value]
        return Shape("list", path, item=_merged(items, f"{path}[]"))
    return Shape("any", path)  # None (an absent optional part) or an object docxtpl prints (an image)


def _merged(shapes: list[Shape], path: str) -> Shape:
    if not shapes:
        return Shape("any", path)
    kinds = {s.kind for s in shapes} - {"any"}
    if len(kinds) != 1:  # nothing known, or values of different kinds
        return Shape("any", path)
    kind = kinds.pop()
    if kind == "record":
        fields: dict[str, list[Shape]] = {}
        for s in shapes:
            for key, child in s.fields.items():
                fields.setdefault(key, []).append(child)
        return Shape("record", path, {k: _merged(v, f"{path}.{k}" if path else k) for k, v in fields.items()})
    if kind == "list":
        return Shape("list", path, item=_merged([s.item for s in shapes if s.item is not None], f"{path}[]"))
    return Shape(kind, path)


@cache
def specimen(kind: str) -> Convention:
    """The specimen convention of a kind (a KeyError for a kind paraphe does not know)."""
    convention = load_convention(specimen_path(SPECIMENS[kind]))
    if kind == "avenant":  # the CTG as amended, with one article of each kind of paragraph
        return dataclasses.replace(convention, kind=kind, amendment=_specimen_amendment(convention))
    return dataclasses.replace(convention, kind=kind)


def _specimen_amendment(c: Convention) -> Amendment:
    text = (AmendmentParagraph("L'article 7 est remplacé par les dispositions suivantes :"),)
    quoted = (AmendmentParagraph("La présente convention est conclue pour une durée de cinq ans.", "quoted"),)
    item = (AmendmentParagraph("de prolonger la convention d'un an.", "item"),)
    original = AmendedState(c.id, c.title, c.kind, c.territory_label, c.period, c.signature_date, "0" * 64, "0" * 12)
    articles = (AmendmentArticle("Objet de l'avenant", text + item), AmendmentArticle("Durée", text + quoted))
    return Amendment(1, original, "0" * 64, "1" * 64, (), c.signature_date, articles)


@cache
def context_shape(kind: str) -> Shape:
    """The shape of the context a template of `kind` receives."""
    # Without an image maker, charts are left out (""): drawing them is not needed to know the shape.
    convention = specimen(kind)
    shapes = [shape_of(build_context(convention), "")]
    if kind != "ctg":
        # The fiches printed in an annex instead of the body: the same specimen, with that annex.
        annex = dataclasses.replace(convention.annexes[0], title="Fiches actions", generated="fiches")
        with_annex = dataclasses.replace(convention, annexes=(*convention.annexes, annex))
        shapes.append(shape_of(build_context(with_annex), ""))
    return _merged(shapes, "")


# What each variable means, for the README's reference (`scripts/template-reference`); a test checks that
# every variable the builders give has its line here, and that no line describes a variable that is gone.
DESCRIPTIONS: dict[str, str] = {
    "avenant": "An avenant's own: what it amends and its articles.",
    "avenant.number": "« n° 1 ».",
    "avenant.convention": "The title of the convention amended (« Convention territoriale globale »).",
    "avenant.convention_period": "Its period as first signed: « 2021 – 2024 ».",
    "avenant.signed_on": "The day the convention was signed (« 3 mai 2021 »), or empty when not known.",
    "avenant.fingerprint": "The build fingerprint of the signed convention it cites, or empty.",
    "avenant.effective": "The day it takes effect (« 1er janvier 2025 »), or empty: on its signature.",
    "avenant.articles": "Its articles, in order: the purpose, one per change, the closing ones.",
    "avenant.articles[].heading": "« Article 1er – Objet de l'avenant ».",
    "avenant.articles[].paragraphs": "The article's paragraphs.",
    "avenant.articles[].paragraphs[].style": (
        "« text »; « item », a line of a list; « lead », a text that announces a quotation (kept with it); "
        "« quoted », the convention's new wording (the run opens with «, closes with »)."
    ),
    "avenant.articles[].paragraphs[].text": "The paragraph, typeset.",
    "title": "The convention's title.",
    "subtitle": "Its subtitle, or empty.",
    "territory": "The territory's name (« Lozère », « Gévaudan »).",
    "territory_label": "The territory as the document names it (« Département de la Lozère »).",
    "period": "« 2020-2023 ».",
    "partners": "The signatories' bodies, each once, in order (the cover's list).",
    "is_draft": "True for a `draft`.",
    "preamble": "The preamble's paragraphs.",
    "opening": "How the convention opens: its parties and visas (« Entre … Et … »).",
    "opening.heading": "The heading above the parties (« Entre les soussignés », or the title in capitals).",
    "opening.lines": "The lines before the preamble: connectors, parties, sides, visas.",
    "opening.lines[].kind": "`connector` (« Entre », « Et »), `party`, `side` (« D'une part, »), `visa` or `space`.",
    "opening.lines[].text": "The line, typeset.",
    "opening.agreement": "The lines after the preamble (« Il est convenu et arrêté ce qui suit : », visas after it).",
    "opening.agreement[].kind": "`agreed` or `visa`.",
    "opening.agreement[].text": "The line, typeset.",
    "preamble_title": "The preamble's heading (« Préambule », « Editorial »).",
    "contents": "The printed table of contents (« Sommaire »), or nothing.",
    "contents.title": "Its title (« Sommaire », « Table des matières »).",
    "contents.lines": "Its lines, in the document's order.",
    "contents.lines[].text": "A heading (« I – Elément de contexte »).",
    "contents.lines[].depth": "0 for a chapter, 1 or more for what it holds.",
    "contents.lines[].page": "The page number where it is printed, as the footer « N / M » numbers it.",
    "body": "The body in reading order: chapters (parts and sub-parts) and fiches, each with its `kind`.",
    "body[].depth": "A chapter's depth: 0 for a part, 1 for a sub-part…",
    "body[].subtitle": "A chapter's subtitle, or empty.",
    "body[].blocks": "A chapter's content, in order.",
    "body[].blocks[].kind": "`text`, `list`, `table` or `figures`.",
    "body[].blocks[].text": "A paragraph.",
    "body[].blocks[].points": "A list's points.",
    "body[].blocks[].title": "A table's title, or empty.",
    "body[].blocks[].columns": "A table's column headings.",
    "body[].blocks[].rows": "A table's rows, each a list of cells.",
    "body[].blocks[].source": "« Source : … » under a table, or empty.",
    "body[].blocks[].figures": "A block of figures, as `identity.blocks[]`.",
    "body[].blocks[].figures.title": "The block's title, with its source.",
    "body[].blocks[].figures.lines": "« Label : 1,2 million d'habitants » lines.",
    "body[].blocks[].figures.note": "A note below the figures, or empty.",
    "body[].blocks[].figures.chart": "The block's chart, or empty.",
    "annexes[].is_fiches": "True for the annex that prints the fiches (« Fiches actions »).",
    "annexes[].fiches": "That annex's fiches, as `fiches[]` (headings a level below the annex's).",
    "fiches": "One per top section (thématique, axe…), in order.",
    "fiches[].kind": "`fiche`.",
    "fiches[].heading": "« Axe 1 : Titre », « 1- Titre » (the level's prefix), or the title alone.",
    "fiches[].in_part": "True when the section belongs to a part (its heading then a level lower).",
    "fiches[].part": "The part this section opens, or nothing (the first section of each part only).",
    "fiches[].part.title": "The part's title.",
    "fiches[].part.subtitle": "The part's subtitle, or empty.",
    "fiches[].part.text": "The part's paragraphs.",
    "fiches[].context_sources": "« Contexte : sources », or empty.",
    "fiches[].context": "The context's paragraphs.",
    "fiches[].orientations_title": "« Titre : » above the orientations, or empty.",
    "fiches[].orientations": "The orientations, each with its points.",
    "fiches[].orientations[].heading": "An orientation's heading, or empty.",
    "fiches[].orientations[].points": "Its points (bullets).",
    "fiches[].text": "The section's free paragraphs.",
    "fiches[].diagnostic": "The synthesis of the diagnostic's paragraphs.",
    "fiches[].rows": "The action table's rows: group headings and actions, in reading order.",
    "fiches[].rows[].kind": "`group` (a sub-section) or `action`.",
    "fiches[].rows[].depth": "The row's depth in the tree (1 below the fiche).",
    "fiches[].rows[].label": "« Axe 1 », « Action 2 », or empty.",
    "fiches[].rows[].title": "The title, with the action's marker symbols before it.",
    "fiches[].rows[].details": "An action's details (« – » lines).",
    "fiches[].rows[].results": "An action's expected results.",
    "fiches[].rows[].calendar": "An action's calendar (« 2020–2023 »), or empty.",
    "fiches[].rows[].actors": "An action's actors, as labels.",
    "fiches[].rows[].note": "An action's note, or empty.",
    "fiches[].rows[].text": "A group's paragraphs (context, diagnostic, text).",
    "fiches[].rows[].heading": "A group's « Axe 1 : Titre », or its title alone.",
    "fiches[].columns": "The first column's heading, from the levels (« Axes et Actions »).",
    "fiches[].legend": "« ● Label » for each marker the section shows.",
    "signature_place": "Where it is signed.",
    "signature_date": "« 9 octobre 2020 », or « [à compléter] » (also when the last signature dates it).",
    "signature_when": (
        "« le 9 octobre 2020 », « le [à compléter] », or « à la date de la dernière signature électronique »."
    ),
    "signatory_rows": "The signatories two by two (a table row each).",
    "signatory_rows[][].id": "The signatory's id (the signature field's name).",
    "signatory_rows[][].title": "Their role (« Directrice de la CCSS »).",
    "signatory_rows[][].name": "Their name: a signature field is placed over it.",
    "signatory_rows[][].organisation": "Their body's full name.",
    "signatory_rows[][].delegation": "« Pour le Préfet et par délégation », or empty.",
    "annexes": "The annexes, in order.",
    "annexes[].heading": "« Annexe 1 – Titre »: in a heading style, the annex file is inserted after it.",
    "annexes[].is_glossary": "True for the generated glossary.",
    "annexes[].glossary": "The glossary's entries, alphabetical.",
    "annexes[].glossary[].acronym": "The acronym.",
    "annexes[].glossary[].meaning": "What it stands for.",
    "example": "« Territoire d'exemple : … » for an example territory, or empty.",
    "footer": "« Titre – Territoire », for the footer.",
    "identity": "The identity sheet, or nothing.",
    "identity.title": "Its title.",
    "identity.blocks": "Its figure blocks.",
    "identity.blocks[].title": "A block's title, with its source.",
    "identity.blocks[].lines": "« Label : 76 601 hab. » lines.",
    "identity.blocks[].note": "A note below the figures, or empty.",
    "identity.blocks[].chart": "The block's chart, or empty.",
    # CTG
    "territory_of": "« de la Communauté de communes du Gévaudan ».",
    "parties_list": "The parties in the running text (« la CCSS, le Département et … »).",
    "duration_text": "« cinq ans ».",
    "period_start": "The first year.",
    "period_end": "The last year.",
    "copies": "How many originals, in words (« six »).",
    "court": "« le tribunal administratif de Nîmes », or « … territorialement compétent ».",
    "fields": "The fields of intervention: one per top section.",
    "diagnostic": "The shared diagnostic's paragraphs.",
    "has_syntheses": "True when some axis has a synthesis of the diagnostic.",
    "steering": "The steering's paragraphs.",
    "commitments": "Each party's commitments.",
    "commitments[].who": "« La CCSS s'engage à : ».",
    "commitments[].points": "Its commitments (bullets).",
    "articles": "The articles, in the document's order (the manifest's `articles`, or the template's).",
    "articles[].key": "The article's key: a template article's (« duration ») or a new one's.",
    "articles[].heading": "« Article 7 – Durée », as the document heads its articles.",
    "articles[].wording": "Yes for a template article the manifest does not reword: print the template's paragraphs.",
    "articles[].paragraphs": "The manifest's paragraphs for the article (none: the template's wording).",
    "articles[].paragraphs[].text": "A paragraph, or the sentence before a list; may be empty.",
    "articles[].paragraphs[].points": "A list's bullets (empty for a plain paragraph).",
    "plan_article": "« (article 4) »: where the plan d'actions is, with its leading space; empty without it.",
    "plan": "The plan d'actions.",
    "plan.title": "« Plan d'actions du 24 février 2020 ».",
    "plan.stakes": "The territory's stakes.",
    "plan.stakes[].title": "A stake.",
    "plan.stakes[].means": "Its means (bullets).",
    "plan.transversal": "The transversal stakes.",
    "plan.structure": "« Un projet social structuré en 4 axes ».",
    "plan.overview": "The overview: each axis with its objectives.",
    "plan.overview[].title": "An axis's numbered title.",
    "plan.overview[].objectives": "Its objectives' numbered titles.",
    "plan.axes": "The axes in full.",
    "plan.axes[].heading": "« Axe 1 : Titre ».",
    "plan.axes[].synthesis": "« L'axe 1 : synthèse du diagnostic ».",
    "plan.axes[].diagnostic": "The axis's synthesis paragraphs.",
    "plan.axes[].text": "The axis's context and text paragraphs.",
    "plan.axes[].blocks": "Below the axis, in reading order: sub-sections and actions.",
    "plan.axes[].blocks[].kind": "`section` or `action`.",
    "plan.axes[].blocks[].depth": "A sub-section's depth (0 for an action).",
    "plan.axes[].blocks[].title": "The numbered title (an action's with its markers).",
    "plan.axes[].blocks[].text": "A sub-section's paragraphs.",
    "plan.axes[].blocks[].details": "An action's details.",
    "plan.axes[].blocks[].facts": "An action's « Résultat attendu : … », « Calendrier : … », « Acteurs : … ».",
    "plan.axes[].blocks[].note": "An action's note, or empty.",
    "plan.axes[].legend": "« ● Label » for each marker the axis shows.",
    "signature_blocks": "The signature blocks two by two, each headed by the party it signs for.",
    "signature_blocks[][].id": "The signatory's id (the signature field's name).",
    "signature_blocks[][].title": "Their role.",
    "signature_blocks[][].name": "Their name: a signature field is placed over it.",
    "signature_blocks[][].organisation": "Their body's full name.",
    "signature_blocks[][].delegation": "« Pour le Préfet et par délégation », or empty.",
    "signature_blocks[][].party": "« Pour la CCSS ».",
}
# A fiche in the body or in the fiches annex means what it means in `fiches` (its part aside: a chapter
# prints it); a chapter's heading is its own.
DESCRIPTIONS.update(
    {
        f"{where}{path[len('fiches[]') :]}": text
        for path, text in list(DESCRIPTIONS.items())
        if path.startswith("fiches[]") and not path.startswith("fiches[].part")
        for where in ("body[]", "annexes[].fiches[]")
    }
)
DESCRIPTIONS["body[].heading"] = "A chapter's « I – Titre » (from `part_levels`), or a fiche's heading."
DESCRIPTIONS["body[].kind"] = "`chapter` or `fiche` (a fiche has the keys of `fiches[]`)."

# Types the specimen cannot show: parts that may be absent, images.
_TYPES = {
    "identity": "record or nothing",
    "fiches[].part": "record or nothing",
    "identity.blocks[].chart": "image",
    "contents": "record or nothing",
    "body[].blocks[].figures": "record or nothing",
    "body[].blocks[].figures.chart": "image",
}


def described_paths() -> dict[str, tuple[str, set[str]]]:
    """Every variable a template may use (lists' items aside), with its type and the kinds that give it."""
    found: dict[str, tuple[str, set[str]]] = {}
    for kind in KINDS:
        for shape in context_shape(kind).walk():
            if not shape.path or shape.path.endswith("[]") or (kind == "ctg" and shape.path.startswith("fiches")):
                continue  # a CTG's template prints no fiches: its plan d'actions says it all
            type_name, kinds = found.get(shape.path, (_TYPES.get(shape.path, shape.type_name), set()))
            found[shape.path] = (type_name, kinds | {kind})
    return found


def reference_table() -> str:
    """The README's reference of variables, as Markdown."""
    lines = [
        "Generated from the context builders (`src/paraphe/render/reference.py`) by `scripts/template-reference`;",
        "do not edit by hand. `x[]` is an item of the list `x`, as in `{%p for fiche in fiches %}` … "
        "`{{ fiche.heading }}`; `x[][]` an item of an item (`{{ pair[0].name }}`).",
        "",
        "| variable | type | kinds | meaning |",
        "|---|---|---|---|",
    ]
    for path, (type_name, kinds) in described_paths().items():
        shown = "all" if set(KINDS) <= kinds else ", ".join(k for k in KINDS if k in kinds)
        meaning = DESCRIPTIONS.get(path, "").replace("|", "\\|")
        lines.append(f"| `{path}` | {type_name} | {shown} | {meaning} |")
    return "\n".join(lines)
