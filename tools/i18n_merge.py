"""Update translation files from the exported template, like gettext's msgmerge.

    python tools/i18n_merge.py i18n/crm_customer_management.pot i18n/fa.po [i18n/xx.po ...]

For each .po: every term of the template is kept in the template's order with its
references and comments; a term already translated keeps its translation (same msgctxt and
msgid); new terms are added untranslated; terms the template no longer has are dropped. A
missing .po is created with a header for its language. Prints the untranslated count per file.
"""

import os
import sys

import polib

# Plural rules of the languages we may ship (gettext's conventions); Persian: one form
# for 1, another for the rest, as in Odoo's own fa.po files.
PLURAL_FORMS = {
    "fa": "nplurals=2; plural=(n > 1);",
}


def merge(pot, path):
    lang = os.path.splitext(os.path.basename(path))[0]
    old = polib.pofile(path, wrapwidth=78) if os.path.exists(path) else None
    translated = {}
    if old is not None:
        for entry in old:
            if entry.obsolete:
                continue
            translated[(entry.msgctxt, entry.msgid)] = entry
    new = polib.POFile(wrapwidth=78)
    new.header = old.header if old is not None else pot.header
    metadata = dict(pot.metadata)
    metadata["Language"] = lang
    metadata["Plural-Forms"] = PLURAL_FORMS.get(lang, "nplurals=2; plural=(n != 1);")
    if old is not None:
        # the translators' own fields survive; the template's dates and version are taken
        for key in ("PO-Revision-Date", "Last-Translator", "Language-Team", "Plural-Forms"):
            if old.metadata.get(key):
                metadata[key] = old.metadata[key]
    new.metadata = metadata
    missing = 0
    for ref in pot:
        entry = polib.POEntry(
            msgid=ref.msgid,
            msgctxt=ref.msgctxt,
            occurrences=ref.occurrences,
            comment=ref.comment,
            tcomment=ref.tcomment,
            flags=list(ref.flags),
            msgid_plural=ref.msgid_plural,
        )
        known = translated.get((ref.msgctxt, ref.msgid))
        if known is not None:
            entry.msgstr = known.msgstr
            entry.msgstr_plural = dict(known.msgstr_plural)
        if ref.msgid_plural and not entry.msgstr_plural:
            entry.msgstr_plural = {0: "", 1: ""}
        if not (entry.msgstr or any(entry.msgstr_plural.values())):
            missing += 1
        new.append(entry)
    new.save(path)
    print(f"{path}: {len(new)} terms, {missing} untranslated")
    return missing


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    pot = polib.pofile(argv[1], wrapwidth=78)
    for path in argv[2:]:
        merge(pot, path)


if __name__ == "__main__":
    main(sys.argv)
