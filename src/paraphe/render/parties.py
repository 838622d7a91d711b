"""How a convention introduces its parties and visas, as real conventions write it.

« Entre la Caisse …, représentée par …, dûment autorisée par délibération du … ci-après dénommée
« la Caf », Et … », or a list (« Entre : », one party a paragraph ending « ; »), grouped « D'une
part / D'autre part »; the role before or after the name; « dûment autorisé(e) », « habilité(e) »,
« désigné(e) », agreed with the representatives or the party, in the plural for a plural party;
a deliberation without a date, with a draft's placeholder, or in the plural; the seat; a short
name quoted without its article and read with one in the running text; the visas before or after
the parties, or after « Il est convenu et arrêté ce qui suit : ». Shared by every kind whose
template prints parties (a CTG; an SDSF that opens like a convention).
"""

from __future__ import annotations

from paraphe.french import agreed, capitalised, definite, of_body, possessive
from paraphe.manifest.model import Convention, Deliberation, Opening, Party, Signatory
from paraphe.render.typography import fr_date, fr_text

Line = dict[str, str]

_SHORT_CIVILITY = {"Madame": "Mme", "Monsieur": "M."}
_PLAIN = Opening()


def opening_context(c: Convention) -> dict[str, object]:
    """The heading, the lines before the preamble (parties, visas) and those after it (« Il est convenu… »)."""
    o = c.opening
    # Visas before the parties or « Il est convenu » lead into them (« …, »); after it, they are a list (« ; »).
    last = " ;" if o.visas == "after-agreed" else ","
    visas = [{"kind": "visa", "text": v} for v in visa_lines(c.visas, last)]
    lines = _party_lines(list(c.parties), o)
    if o.visas == "before-parties":
        lines = visas + lines
    elif o.visas == "after-parties":
        lines = lines + ([{"kind": "space", "text": ""}] + visas if visas else [])
    agreement: list[Line] = [{"kind": "agreed", "text": fr_text(o.agreed)}] if c.parties else []
    if o.visas == "after-agreed":
        agreement += visas
    # « Entre les soussignés » heads « Entre … Et … »; a list, or visas first, sit under the title.
    plain = o.layout == "between" and o.visas != "before-parties"
    heading = o.heading or ("Entre les soussignés" if plain else c.title.upper())
    return {"heading": fr_text(heading), "lines": lines if c.parties else [], "agreement": agreement}


def running_name(party: Party) -> str:
    """The party in the running text, with its article: « la CCSS », « la Communauté de communes du Bazois »."""
    return definite(party.called or party.name, feminine=party.feminine, plural=party.plural)


def visa_lines(visas: tuple[str, ...], last: str = ",") -> list[str]:
    """« Vu le code … ; », the last one ending with `last`."""
    out = []
    for i, visa in enumerate(visas):
        end = last if i == len(visas) - 1 else " ;"
        out.append(fr_text(f"Vu {visa.rstrip(' ;,.')}{end}"))
    return out


def _party_lines(parties: list[Party], o: Opening) -> list[Line]:
    """« Entre », each party, « Et »…, grouped « D'une part » / « D'autre part » when parties have sides."""
    listed = o.layout == "list"
    lines: list[Line] = [{"kind": "connector", "text": "Entre\u00a0:" if listed else "Entre"}]
    grouped = bool(parties) and all(p.side for p in parties)
    for i, party in enumerate(parties):
        if i:
            if grouped and party.side != parties[i - 1].side:
                lines.append({"kind": "side", "text": "D’une part,"})
            if not listed:
                lines.append({"kind": "connector", "text": "Et"})
        lines.append({"kind": "party", "text": party_text(party, o)})
    if grouped:
        lines.append({"kind": "side", "text": "D’autre part,"})
    return lines


def party_text(party: Party, o: Opening = _PLAIN) -> str:
    """The party's paragraph, typeset: « La Caisse …, représentée par …, ci-après dénommée « la Caf », »."""
    gender = {"feminine": party.feminine, "plural": party.plural}
    text = capitalised(party.name)
    if party.seat:
        text += f", dont le siège est situé {party.seat}"
    if party.represented_by or party.representatives:
        text += f", {agreed('représenté', **gender)} par " + _people(party, o)
    clause = _authority(party)
    if clause:
        text += f", {clause}"
    if party.called:
        text += f", ci-après {agreed('dénommé', **gender)} « {party.called} »"
    return fr_text(text + (" ;" if o.layout == "list" else ","))


def _people(party: Party, o: Opening) -> str:
    if party.represented_by:
        return party.represented_by
    people = [_person(s, o, party) for s in party.representatives]
    if o.representatives == "role-first":
        return ", et par ".join(people)
    # Each person carries commas (« Madame X, Directrice »): the last one is set off by « , et ».
    return ", ".join(people[:-1]) + ", et " + people[-1] if len(people) > 1 else people[0]


def _person(s: Signatory, o: Opening, party: Party) -> str:
    civility = _SHORT_CIVILITY.get(s.civility or "", s.civility) if o.civility == "short" else s.civility
    who = f"{civility} {s.name}" if civility else s.name
    if o.representatives == "role-first":
        role = s.designation or possessive(s.role, feminine=s.civility == "Madame", plural_owner=party.plural)
        text = f"{role}, {who}"
    else:
        text = f"{who}, {s.role}"
    if s.delegation:
        text += f", {s.delegation[:1].lower()}{s.delegation[1:]}"
    return text


def _authority(party: Party) -> str:
    """« dûment autorisée par délibération du … », « dûment habilités à signer la présente convention »."""
    authority = party.authority
    if authority is None and party.deliberation is None:
        return ""
    word, agrees, purpose, last = "autorisé", "representatives", None, False
    if authority is not None:
        word, agrees, purpose, last = authority.word, authority.agrees, authority.purpose, authority.purpose_last
    if agrees == "party":
        text = "dûment " + agreed(word, feminine=party.feminine, plural=party.plural)
    else:
        text = authorised(party.representatives, word, plural=party.plural)
    if purpose and not last:
        text += f" {purpose}"
    if party.deliberation:
        text += " " + deliberation_text(party.deliberation)
    if purpose and last:
        text += f", {purpose}"
    return text


def authorised(people: tuple[Signatory, ...], word: str = "autorisé", *, plural: bool = False) -> str:
    """« dûment autorisé », « autorisée », « autorisés », « autorisées », or « autorisé(e) » when not known."""
    civilities = {s.civility for s in people}
    feminine = None if None in civilities or not people else civilities == {"Madame"}
    return "dûment " + agreed(word, feminine=feminine, plural=len(people) > 1 or plural)


def deliberation_text(d: Deliberation) -> str:
    """« par délibération du conseil communautaire du 3 mars 2020 », « par délibérations des conseils municipaux »."""
    text = f"par {'délibérations' if d.plural else 'délibération'} {of_body(d.body)}"
    if d.date is not None:
        text += f" du {fr_date(d.date)}"
    elif d.pending:
        text += f" du {d.pending}"
    return text
