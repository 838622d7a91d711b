"""French grammar the documents need: elision, articles, agreement, enumerations.

Shared by the model (« Madame l'Inspectrice ») and the templates' contexts
(« de la Communauté de communes », « dûment autorisées »).
"""

from __future__ import annotations

from collections.abc import Sequence

# A word starting with one of these takes « l' », « de l' » (the h is taken as mute: « l'habitat »).
_ELIDING = "aeiouyhâàéèêîïôûœ"

# First words of a body's label and the article they take after « de ».
_FEMININE_NOUNS = ("communauté", "commune", "métropole", "ville", "région", "collectivité")
_MASCULINE_NOUNS = ("département", "pays", "territoire", "syndicat", "pôle")
_PLURAL_NOUNS = ("communes", "collectivités", "villes")


def elides(word: str) -> bool:
    """Whether an article before `word` elides: « l'Inspecteur », « de l'Aubrac »."""
    return word[:1].casefold() in _ELIDING


def capitalised(text: str) -> str:
    """The first letter in capital, the rest as written."""
    return text[:1].upper() + text[1:]


def enumeration(items: Sequence[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


_FEMININE_WORDS = frozenset(
    "convention action fiche orientation priorité thématique mesure annexe partie charte entente".split()
)
_MASCULINE_WORDS = frozenset("axe objectif enjeu volet schéma champ domaine thème programme article contrat".split())


def feminine_noun(noun: str) -> bool:
    """Whether a common noun (its first word decides: « Fiche action », « Axe de travail ») is feminine."""
    first = noun.split()[0].casefold() if noun.split() else ""
    if first in _FEMININE_WORDS:
        return True
    if first in _MASCULINE_WORDS:
        return False
    return first.endswith(("tion", "té", "ure", "ence", "ance"))


def with_article(title: str, feminine: bool) -> str:
    """« la Directrice », « le Préfet », « l'Inspecteur »."""
    if elides(title):
        return f"l'{title}"
    return f"{'la' if feminine else 'le'} {title}"


def of_label(label: str) -> str:
    """« de la Communauté de communes X », « du Département de la Lozère », « de l'Aubrac »."""
    words = label.split()
    first = words[0].casefold() if words else ""
    if elides(first):
        return f"de l'{label}"
    if first in _PLURAL_NOUNS:  # « des communes du Val de l'Eyre »
        return f"des {label}"
    if first in _FEMININE_NOUNS:
        return f"de la {label}"
    if first in _MASCULINE_NOUNS:
        return f"du {label}"
    return f"de {label}"


def of_body(body: str) -> str:
    """« du conseil communautaire », « de la commission permanente », « de l'assemblée », « des conseils »."""
    lowered = body.casefold()
    if lowered.startswith("le "):
        return "du " + body[3:]
    if lowered.startswith("les "):
        return "des " + body[4:]
    return "de " + body


def agreed(word: str, *, feminine: bool | None, plural: bool = False) -> str:
    """« autorisé », « autorisée », « autorisés », or « autorisé(e) » when the gender is not known."""
    ending = "(e)" if feminine is None else "e" if feminine else ""
    return word + ending + ("s" if plural else "")


_ARTICLES = ("le ", "la ", "les ", "l'", "l’")


def has_article(text: str) -> bool:
    """Whether `text` opens with a definite article (« la CCSS », « l'État », « Les communes »)."""
    return text.casefold().startswith(_ARTICLES)


def definite(name: str, *, feminine: bool, plural: bool = False) -> str:
    """`name` with its definite article: « la Communauté de communes du Bazois », « l'Agglo », « les communes »."""
    if has_article(name):
        return name[:1].lower() + name[1:]
    if plural:
        return f"les {name}"
    return with_article(name, feminine)


def possessive(noun: str, *, feminine: bool, plural_owner: bool = False) -> str:
    """« son Président », « sa Directrice », « son Adjointe » (before a vowel), « leur Président »."""
    if plural_owner:
        return f"leur {noun}"
    if feminine and not elides(noun):
        return f"sa {noun}"
    return f"son {noun}"


_PREPOSITIONS = {"de", "du", "des", "d'", "d’", "à", "au", "aux", "en", "pour", "sur"}


def plural(noun: str) -> str:
    """« Axes », « Objectifs opérationnels », « Fiches actions », « Axes de travail »: each word takes
    an « s » up to the first preposition; a word ending in s, x or z stays as it is."""
    words = noun.split()
    out = []
    for i, word in enumerate(words):
        lowered = word.casefold()
        if lowered in _PREPOSITIONS or lowered.startswith(("d'", "d’")):
            out.extend(words[i:])
            break
        out.append(word if word[-1:].casefold() in "sxz" else word + "s")
    return " ".join(out)
