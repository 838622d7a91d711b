"""Every rule code paraphe reports, declared once: its severity and what it means.

A diagnostic reads `file:line:col: error: message [rule]`; the rule is one of these codes.
The README's table of rules is generated from this catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    code: str  # `topic.subject`, as printed between brackets
    severity: Severity  # a warning is shown and does not stop a build, unless --strict
    summary: str  # one line, in English: what the rule asks of the input


class UnknownRule(LookupError):
    """A diagnostic names a code the catalog does not declare: a bug in paraphe, never in the input."""


def rule(code: str) -> Rule:
    """The declared rule of `code`; raises UnknownRule for a code nobody declared."""
    found = RULES.get(code)
    if found is not None:
        return found
    raise UnknownRule(f"rule code {code!r} is not declared in paraphe/catalog.py")


def _catalog(*entries: Rule) -> Mapping[str, Rule]:
    by_code: dict[str, Rule] = {}
    for entry in entries:
        if entry.code in by_code:
            raise ValueError(f"rule {entry.code} declared twice")
        by_code[entry.code] = entry
    return by_code


RULES: Mapping[str, Rule] = _catalog(
    # --- Reading a file: paths, size, encoding (io.*) ---
    Rule("io.missing", "error", "A path given on the command line exists."),
    Rule("io.not-file", "error", "A path on the command line is a regular file or a folder, not a FIFO or device."),
    Rule("io.folder", "error", "A folder on the command line, and every folder under it, can be listed."),
    Rule("io.setting", "error", "A PARAPHE_* setting in the environment has a value paraphe understands."),
    Rule("io.read", "error", "The manifest is a regular file paraphe can read."),
    Rule("io.size", "error", "The manifest is at most 2 MB."),
    Rule("io.encoding", "error", "The manifest is UTF-8 (a BOM is accepted)."),
    # --- YAML: the safe subset a manifest is written in (yaml.*) ---
    Rule("yaml.syntax", "error", "The manifest is well-formed YAML, a single document."),
    Rule("yaml.empty", "error", "The manifest is not empty."),
    Rule("yaml.alias", "error", "No YAML aliases (*name): they hide repeated or exploding content."),
    Rule("yaml.tag", "error", "No YAML tags (!!python/…, !!binary…): values are plain data."),
    Rule("yaml.merge", "error", "No YAML merge keys (<<)."),
    Rule("yaml.key", "error", "Mapping keys are plain text, not lists or mappings."),
    Rule("yaml.duplicate-key", "error", "A key appears once in its mapping."),
    Rule("yaml.size", "error", "At most 50 000 values in one manifest."),
    Rule("yaml.depth", "error", "Values nest at most 40 levels deep."),
    Rule(
        "yaml.flow-list",
        "error",
        "A list of texts (visas, paragraphs, commitments…) is written one item per line, not in brackets.",
    ),  # fmt: skip
    Rule("yaml.number", "error", "A number has at most 15 digits before its decimal point (quote it to keep text)."),
    # --- Text: what a value may hold (text.*) ---
    Rule("text.control-character", "error", "No control character in a key or value, typed or as a YAML escape."),
    Rule("text.bidi", "error", "No bidirectional override or isolate: text reads in the order it is stored."),
    Rule("text.surrogate", "error", "No unpaired UTF-16 surrogate written as a YAML escape."),
    Rule(
        "text.invisible",
        "error",
        "No invisible character (direction mark, zero-width space, soft hyphen, line separator) in text.",
    ),  # fmt: skip
    Rule("text.too-long", "error", "A value holds at most 10 000 characters, a key 200."),
    # --- JSON Schema: the shape of a manifest (schema.<keyword>, one per keyword the schema uses) ---
    Rule("schema.required", "error", "A required field is present."),
    Rule("schema.additionalProperties", "error", "Only fields the schema names are used (a typo gets a suggestion)."),
    Rule("schema.type", "error", "A value has the type its field expects (text, number, list, mapping)."),
    Rule("schema.enum", "error", "A value is one of the choices its field allows."),
    Rule("schema.pattern", "error", "A text has the form its field expects (ids, dates, calendars, keys)."),
    Rule("schema.minLength", "error", "A text field is not empty."),
    Rule("schema.maxLength", "error", "A text field is no longer than its limit (ids, symbols, paths)."),
    Rule("schema.minimum", "error", "A number is not below its field's minimum (years, sides, durations)."),
    Rule("schema.maximum", "error", "A number is not above its field's maximum."),
    Rule("schema.minItems", "error", "A list holds at least the items its field needs."),
    Rule("schema.minProperties", "error", "A mapping (organisations) is not empty."),
    Rule("schema.not", "error", "A value is given one way: an annex a file or generated, a figure a value or a text."),
    # --- Period and dates (period.*, date.*, calendar.*) ---
    Rule("period.order", "error", "The period does not end before it starts."),
    Rule("period.duration", "error", "A declared duration matches the period's number of years."),
    Rule("date.invalid", "error", "A date (signature, plan, deliberation) exists in the calendar."),
    Rule("calendar.order", "error", "An action's calendar does not end before it starts."),
    Rule("calendar.period", "error", "An action's calendar lies inside the convention's period."),
    # --- Structure of the plan (levels.*, part.*, section.*) ---
    Rule("levels.depth", "error", "The tree of sections and actions is no deeper than 'levels' names."),
    Rule("part.depth", "error", "Only top-level sections belong to a part."),
    Rule("section.empty", "error", "In a final convention, a section has sections, actions or text."),
    # --- References and identifiers (ref.*, id.*) ---
    Rule("ref.organisation", "error", "Actors, signatories and parties name a declared organisation."),
    Rule("ref.part", "error", "A section's 'part' names a part declared under 'parts'."),
    Rule("chapter.table", "error", "Each row of a chapter's table has one cell per column."),
    Rule("ref.marker", "error", "Markers and legends name a marker declared under 'markers'."),
    Rule("ref.signatory", "error", "A party's 'signatories' name declared signatories."),
    Rule("id.unique", "error", "Ids of sections, actions and signatories, glossary keys and parties are unique."),
    Rule("id.reserved", "error", "A signatory's id is not the name of the secretariat's certification field."),
    Rule(
        "id.convention",
        "warning",
        "Two manifests of one run declare different convention ids (a draft and its final may share one).",
    ),  # fmt: skip
    # --- Declared but never used: shown, not blocking (unused.*) ---
    Rule("unused.organisation", "warning", "A declared organisation is an actor, a signatory or a party somewhere."),
    Rule("unused.marker", "warning", "A declared marker is carried by an action or shown in a legend."),
    Rule("unused.glossary", "warning", "A glossary acronym appears somewhere in the convention's text."),
    # --- Kind of convention (kind.*, ctg.*, party.*) ---
    Rule(
        "avenant.kind", "error", "An avenant's manifest is read with the convention it amends, never as a convention."
    ),
    Rule("avenant.path", "error", "The manifests an avenant names exist and are conventions."),
    Rule("avenant.signed", "error", "The signed PDF an avenant names was built from the manifest it names as signed."),
    Rule("avenant.number", "error", "Avenants are numbered from 1 without a gap: n° N names n° N − 1 in 'previous'."),
    Rule("avenant.chain", "error", "Each avenant amends the same convention, as the previous avenant left it."),
    Rule("avenant.duplicate", "error", "No two avenants of one convention, in one folder, have the same number."),
    Rule("avenant.no-change", "error", "The convention's new manifest changes what the convention says."),
    Rule("avenant.unchanged", "error", "An article written by hand covers only changes the avenant makes."),
    Rule("avenant.uncovered", "warning", "Every change between the two versions is written by an article."),
    Rule("kind.field", "error", "A field is one the kind's template prints (CTG-only fields, 'parts', 'contents')."),
    Rule(
        "signatories.required",
        "error",
        "A convention is signed by whom its kind requires: national defaults (a CTG: the CAF or CCSS and a "
        "local collectivity), plus the nearest policy.yaml.",
    ),
    Rule("ctg.territory", "error", "A CTG's territory is listed in the nearest territories.yaml, when there is one."),
    Rule("ctg.parties", "error", "A CTG names its parties under 'parties'."),
    Rule("party.unrepresented", "error", "Every party is represented by at least one signatory."),
    Rule("party.side", "error", "Either every party has a side or none; side 1 comes first and both sides have one."),
    Rule("party.missing", "error", "Every signatory of a CTG represents a party."),
    # --- A CTG's articles (article.*) ---
    Rule("article.unknown", "error", "An article key is the template's (a typo gets a suggestion) or a new article's."),
    Rule("article.incomplete", "error", "A new article has a title and paragraphs."),
    Rule("article.duplicate", "error", "An article is listed once."),
    Rule("article.omit", "error", "An omitted article has no title, number or paragraphs."),
    Rule("article.unlisted", "error", "With an 'articles' list, every template article is listed or omitted."),
    Rule("article.heading", "error", "'article_heading' holds {title}, and {number} at most besides."),
    # --- A département's signatory policy (policy.*) ---
    Rule("policy.shape", "error", "policy.yaml maps kinds to signatory requirements of known organisation types."),
    # --- The shared territories list (territories.*) ---
    Rule("territories.shape", "error", "territories.yaml names its département and lists its communautés de communes."),
    Rule("territories.unique", "error", "A communauté de communes is listed once in territories.yaml."),
    # --- Final conventions: ready to sign (final.*) ---
    Rule("final.placeholder", "error", "A final convention holds no placeholder (« [à compléter] », « […] », TODO)."),
    Rule("final.incomplete", "error", "A final convention has a signature date and every signatory a civility."),
    Rule("final.example", "error", "A final convention is not on an example territory."),
    Rule(
        "signatory.name",
        "error",
        "In a final convention, a signatory's name is at most 100 Latin, Greek or Cyrillic letters and signs.",
    ),  # fmt: skip
    # --- Annex files: where they are and what they hold (annex.*) ---
    Rule("annex.path", "error", "An annex path is relative and stays inside the convention's folder."),
    Rule("annex.missing", "error", "An annex file exists."),
    Rule("annex.not-file", "error", "An annex is a regular file, not a folder, FIFO or device."),
    Rule("annex.type", "error", "An annex is a PDF file, by name and by content."),
    Rule("annex.size", "error", "An annex file is at most 100 MB."),
    Rule("annex.unreadable", "error", "An annex file can be read."),
    Rule("annex.unsafe", "error", "An annex could be inspected by the sandboxed reader."),
    Rule("annex.empty", "error", "An annex is not empty and has at least one page."),
    Rule("annex.truncated", "error", "An annex is complete (ends with %%EOF)."),
    Rule("annex.encrypted", "error", "An annex is not encrypted."),
    Rule("annex.invalid", "error", "An annex is a readable PDF (no loops in its page tree)."),
    Rule("annex.too-large", "error", "An annex stays within the reader's limits (no decompression bomb)."),
    Rule("annex.javascript", "error", "An annex holds no JavaScript."),
    Rule("annex.open-action", "error", "An annex runs no action when it is opened."),
    Rule("annex.active-content", "error", "An annex holds no action that launches, sends or imports, and no XFA form."),
    Rule("annex.embedded-file", "error", "An annex holds no embedded file."),
    Rule("annex.link", "error", "An annex's links open web pages or mail (http, https, mailto), not files or scripts."),
    Rule("annex.page-size", "error", "Every annex page has a visible area of sensible size, turned by quarter turns."),
    Rule("annex.signature-field", "error", "An annex holds no signature field."),
    Rule("annex.field-clash", "error", "An annex has no form field named like a signature field of the convention."),
    Rule("annex.cover", "error", "The rendered document has the cover page of every annex file."),
    Rule("annex.not-pdfa", "warning", "An annex is PDF/A (1, 2 or 3, RGB), so the built PDF can claim PDF/A-2."),
    # --- Rendering the template (template.*) ---
    Rule("template.missing", "error", "A template exists for the convention's kind."),
    Rule("template.invalid", "error", "The template is a usable Word document."),
    Rule("template.syntax", "error", "The template's tags are well formed."),
    Rule("template.undefined", "error", "The template uses only variables paraphe gives it, in every branch."),
    Rule("template.filter", "error", "The template uses only Jinja's filters and tests."),
    Rule("template.split-tag", "error", "Each tag is typed in one paragraph, and a {%p %} tag alone in its paragraph."),
    Rule(
        "template.structure",
        "error",
        "A block tag ends in the table cell or row where it opens, or between whole paragraphs.",
    ),
    Rule(
        "template.marker",
        "error",
        "The template has the « Signatures » heading, signatories' names and annex headings.",
    ),
    Rule("template.articles", "error", "The template prints the convention's articles, as the manifest words them."),
    Rule("template.kind", "error", "A template checked is named after a kind of convention (sdsf.docx, ctg.docx…)."),
    Rule("template.runtime", "error", "The template's tags loop over lists and call functions, nothing else."),
    Rule("template.output", "error", "The filled document is valid XML."),
    Rule(
        "template.date-wording",
        "error",
        "A convention the last signature dates prints « à la date de la dernière signature électronique » "
        "({{ signature_when }}).",
    ),
    # --- Converting to PDF with LibreOffice or unoserver (convert.*) ---
    Rule("convert.missing", "error", "LibreOffice (soffice) is installed."),
    Rule("convert.start", "error", "LibreOffice (or unoserver) can be started or reached."),
    Rule("convert.timeout", "error", "The conversion ends within its time limit."),
    Rule("convert.failed", "error", "LibreOffice (or unoserver) ends without an error."),
    Rule("convert.no-output", "error", "LibreOffice writes a PDF."),
    Rule("convert.bad-output", "error", "The PDF LibreOffice writes is complete."),
    # --- Assembling the signature page (signature.*) ---
    Rule("signature.page", "error", "The rendered document has a « Signatures » heading."),
    Rule("signature.block", "error", "Every signatory's block is on the signature page."),
    # --- Building many documents and writing outputs (build.*, io.* on output) ---
    Rule("build.same-output", "error", "Two manifests of one build are never built into the same output."),
    Rule("build.worker", "error", "The worker process building a document does not die."),
    Rule("build.internal", "error", "paraphe does not fail on a document (a bug to report); the others still build."),
    Rule("new.exists", "error", "paraphe new writes a file that does not exist yet: it never overwrites one."),
    Rule("new.name", "error", "A new manifest's file name ends in .yaml and gives a valid convention id."),
    Rule("new.territory", "error", "A new CTG's territory is given, and listed in the nearest territories.yaml."),
    Rule("build.font", "error", "Liberation Sans is installed: paraphe embeds it in what it draws on the pages."),
    Rule("io.write", "error", "An output can be written (space, permissions); the earlier file is kept otherwise."),
    Rule("io.lock", "error", "The lock file beside an output can be created."),
    Rule("io.locked", "error", "Another build of the same output finishes within the wait."),
    # --- Reviewing changes: git revisions and LibreOffice's comparison (git.*, redline.*) ---
    Rule("git.path", "error", "The manifest's folder exists."),
    Rule("git.missing", "error", "git is installed."),
    Rule("git.timeout", "error", "git answers within its time limit."),
    Rule("git.rev", "error", "A revision does not start with '-'."),
    Rule("git.show", "error", "The manifest exists at the revision asked for."),
    Rule("redline.missing", "error", "LibreOffice (soffice) is installed."),
    Rule("redline.start", "error", "LibreOffice can be started."),
    Rule("redline.profile", "error", "LibreOffice creates its temporary user profile."),
    Rule("redline.timeout", "error", "The comparison ends within its time limit."),
    Rule("redline.failed", "error", "LibreOffice ends the comparison without an error."),
    Rule("redline.no-output", "error", "LibreOffice writes the comparison document."),
    # --- Signing and verification (sign.*, verify.*) ---
    # sign: refusals before anything is written (a case each in tests/hostile/sign-*)
    Rule("sign.io", "error", "The document to sign can be read."),
    Rule("sign.credentials", "error", "The signer's key and certificate open (right password, PKCS#12 or PEM/DER)."),
    Rule("sign.password-env", "error", "The environment variable named for the key's password is set."),
    Rule("sign.cert-not-yet-valid", "error", "The signer's certificate is already valid."),
    Rule("sign.cert-expired", "error", "The signer's certificate has not expired."),
    Rule("sign.not-built", "error", "The document to sign was built by paraphe (it holds a build record)."),
    Rule("sign.draft", "error", "The document to sign is final, not a draft."),
    Rule("sign.broken-earlier", "error", "Every earlier signature still verifies."),
    Rule("sign.changed", "error", "The pages are unchanged since the build."),
    Rule("sign.document", "error", "Nothing else about the document fails verification."),
    Rule("sign.unknown", "error", "The signatory is one of the document's."),
    Rule("sign.already-signed", "error", "The signatory's field is still empty."),
    Rule("sign.wrong-person", "error", "The certificate is the signatory's own (same name)."),
    Rule("sign.not-registered", "error", "The certificate is the one the manifest registers for the signatory."),
    Rule("sign.output-exists", "error", "OUTPUT is new, INPUT itself, or replaced on purpose (--overwrite)."),
    Rule("sign.failed", "error", "pyHanko signs without an error."),
    Rule("sign.holder-ambiguous", "error", "The certificate names one person: a single common name."),
    Rule("sign.key-usage", "error", "The certificate's key usage allows signing documents (non-repudiation)."),
    Rule("sign.key-mismatch", "error", "The private key is the one of the certificate (a test signature verifies)."),
    Rule("sign.locked", "error", "No other `sign` is writing the same OUTPUT (waits for it, then gives up)."),
    Rule("sign.token", "error", "The PKCS#11 module loads and holds the token, key and certificate named."),
    Rule("sign.token-pin", "error", "The token's PIN is right and not locked."),
    Rule("sign.remote", "error", "The signing service (CSC API, over https) gives the credential's certificate."),
    Rule("sign.image", "error", "The visible signature's --image is a PNG or JPEG image that opens."),
    Rule("sign.level", "error", "The PAdES level asked for has what it needs (--timestamp-url, --trust)."),
    Rule("sign.self-check", "error", "The signed document verifies before it is written."),
    # verify: what cannot be verified at all (cases in tests/cases/verify/)
    Rule("verify.io", "error", "The PDF to verify can be read."),
    Rule("verify.unreadable", "error", "The file to verify is a readable PDF."),
    Rule("verify.trust", "error", "Every --trust file is a certificate (PEM or DER)."),
    Rule("verify.crl", "error", "Every --crl file is a revocation list, given with --trust."),
    Rule("verify.too-many-revisions", "error", "The PDF has no more revisions than its signatories can make."),
    # verify: the document as built
    Rule(
        "verify.not-avenant", "error", "A PDF verified with --original is an avenant (its record amends a convention)."
    ),
    Rule("verify.amends", "error", "The PDF given with --original is the signed convention the avenant cites."),
    Rule("verify.original", "error", "The convention an avenant amends is fully signed and valid."),
    Rule("verify.no-record", "error", "The PDF holds paraphe's build record."),
    Rule("verify.record-changed", "error", "The build record is the one the build wrote."),
    Rule("verify.info-changed", "error", "The document information (title, author…) is the one the build wrote."),
    Rule("verify.pages-changed", "error", "The pages are those the build made."),
    Rule(
        "verify.unsigned-update",
        "error",
        "Every update after the build is a signature, or validation data only (a /DSS, a document timestamp).",
    ),
    Rule("verify.trailing-data", "error", "Nothing follows the last revision (the last signature covers the file)."),
    Rule("verify.old-record", "error", "The build record is of this version (its digest covers all a page shows)."),
    Rule("verify.revision-changes", "error", "Each signed revision changes only signature fields, against the build."),
    Rule("verify.not-certified", "error", "A document built to be certified holds its certification, after the build."),
    Rule("verify.wrong-certifier", "error", "The certification is made with the certificate the build recorded."),
    Rule("verify.unexpected-certification", "error", "A document built not to be certified holds no certification."),
    Rule("verify.duplicate-field", "error", "No two signature fields share a name."),
    Rule("verify.unknown-field", "error", "Every signature field is one the build made."),
    Rule("verify.missing-field", "error", "Every signatory of a final document has a signature field."),
    Rule("verify.unreadable-signature", "error", "Every filled signature field holds a signature pyHanko can read."),
    # verify: each signature (the message begins with its field's name)
    Rule("verify.malformed-signature", "error", "The signature can be validated at all."),
    Rule("verify.not-intact", "error", "The bytes the signature covers are unchanged."),
    Rule("verify.bad-value", "error", "The signature value matches its certificate."),
    Rule("verify.coverage", "error", "The signature covers its whole revision, all but its own value."),
    Rule("verify.untrusted", "error", "With --trust, the certificate leads to one of the trusted roots."),
    Rule("verify.holder-ambiguous", "error", "The certificate names one person: a single common name."),
    Rule("verify.cert-expired", "error", "The certificate has not expired."),
    Rule("verify.cert-not-yet-valid", "error", "The certificate is already valid."),
    Rule("verify.key-usage", "error", "The certificate's key usage allows signing documents (non-repudiation)."),
    Rule("verify.revoked", "error", "With --crl, the certificate is not revoked."),
    Rule("verify.revocation-unknown", "error", "With --crl, a revocation list vouches for the certificate."),
    Rule("verify.claimed-time", "error", "The signing time claimed is within the certificate's validity, not ahead."),
    Rule("verify.wrong-signer", "error", "The certificate is that of the signatory whose field it signs."),
    Rule("verify.not-registered", "error", "The certificate is the one the manifest registered for the signatory."),
    Rule("verify.not-a-signatory", "error", "A signature is in a signatory's field, or is the certification."),
    Rule("verify.changed-after", "error", "After the signature, only later signatures were added."),
    Rule(
        "verify.timestamp", "error", "A timestamp matches what it stamps and, with --trust, its authority is trusted."
    ),
    Rule("verify.date-stated", "warning", "A signature is made on the day the document states it is signed."),
    Rule("verify.long-term", "error", "A timestamped signature whose certificate fails now holds at its proven time."),
    # verify --manifest: the document against its sources
    Rule("verify.manifest-mismatch", "error", "The PDF was built from the manifest given with --manifest."),
    Rule("verify.annex-mismatch", "error", "The annex files are those the PDF was built with."),
    # verify --complete
    Rule("verify.unsigned", "error", "With --complete, every signatory has signed."),
    Rule("verify.draft", "error", "With --complete, the document is final, not a draft."),
)
