"""What each incremental update of a signed PDF changed, and which of those changes a later signature accounts for.

pyHanko's difference analysis classes a new visible signature field, a new text value or a new appearance stream
as "form filling" — the level a countersignature needs — so a shadow drawn over the task title between two
signatures passes its bottom line. Here every revision is audited on its own against the one before it, and the
only change accepted after a signature is a signature field filled (and possibly created) by the valid signature
made in that very revision. Anything else is a `Change` naming the field, annotation or content touched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Change kinds (i18n keys; every text takes the same {name}, {page} and {revision} parameters).
NEW_FIELD = "verify.change.new_field"
REMOVED_FIELD = "verify.change.removed_field"
CHANGED_FIELD = "verify.change.field"
ANNOTATION = "verify.change.annotation"
CONTENT = "verify.change.content"
UNREADABLE = "verify.change.unreadable"

# A form tree deeper than this is not a form a person filled in; stop rather than recurse without end.
MAX_FIELD_DEPTH = 32


@dataclass(frozen=True)
class Change:
    code: str  # one of the kinds above
    name: str  # the field's full name, an annotation's subtype, or "" for content
    page: int | None  # from 1, as people count pages; None when not tied to a page
    revision: int  # the incremental update (from 1 = the first update after the original file)

    def message(self, language: str | None = None) -> str:
        from vista_desktop.i18n import tr

        return tr(self.code, language, name=self.name, page=self.page or "?", revision=self.revision)


@dataclass(frozen=True)
class _Field:
    kind: str  # /Sig, /Tx, … (inherited /FT resolved)
    ref: Any  # generic.Reference of the field dictionary
    widgets: tuple[Any, ...]  # references of its widget annotations (the field itself when merged)


def _deref(obj: Any) -> Any:
    """The object an indirect reference points to (resolved in the reference's own revision), else `obj`."""
    from pyhanko.pdf_utils import generic

    target: Any = obj  # pyHanko's get_object is untyped
    return target.get_object() if isinstance(obj, generic.IndirectObject) else obj


def _fields(resolver: Any) -> dict[str, _Field]:
    """Every terminal or intermediate field of a revision by full name."""
    from pyhanko.pdf_utils import generic

    try:
        top = resolver.root["/AcroForm"]["/Fields"]
    except (KeyError, TypeError):
        return {}
    found: dict[str, _Field] = {}
    seen: set[Any] = set()

    def walk(array: Any, parent: str, inherited: str, depth: int) -> None:
        array = _deref(array)
        if depth > MAX_FIELD_DEPTH or not isinstance(array, generic.ArrayObject):
            return
        for item in array:
            if not isinstance(item, generic.IndirectObject) or item.reference in seen:
                continue
            seen.add(item.reference)
            node = _deref(item)
            if not isinstance(node, generic.DictionaryObject) or "/T" not in node:
                continue  # a bare widget: counted with its parent field
            name = f"{parent}.{node['/T']}" if parent else str(node["/T"])
            kind = str(node.get("/FT", inherited))
            kids = node.get("/Kids")
            kid_refs = (
                tuple(
                    k.reference
                    for k in kids
                    if isinstance(k, generic.IndirectObject)
                    and isinstance(_deref(k), generic.DictionaryObject)
                    and "/T" not in _deref(k)
                )
                if isinstance(kids, generic.ArrayObject)
                else ()
            )
            found[name] = _Field(kind, item.reference, kid_refs or (item.reference,))
            if isinstance(kids, generic.ArrayObject):
                walk(kids, name, kind, depth + 1)

    walk(top, "", "", 0)
    return found


def _pages(resolver: Any) -> Iterator[tuple[int, Any]]:
    """(page number from 1, page dictionary) in document order."""
    from pyhanko.pdf_utils import generic

    seen: set[Any] = set()

    def walk(node: Any, depth: int) -> Iterator[Any]:
        if depth > MAX_FIELD_DEPTH or not isinstance(node, generic.DictionaryObject):
            return
        kids = node.get("/Kids")
        if kids is None:
            yield node
            return
        for kid in kids if isinstance(kids, generic.ArrayObject) else ():
            if isinstance(kid, generic.IndirectObject):
                if kid.reference in seen:
                    continue
                seen.add(kid.reference)
            yield from walk(_deref(kid), depth + 1)

    yield from enumerate(walk(resolver.root["/Pages"], 0), start=1)


def _annotations(resolver: Any) -> dict[Any, tuple[int, Any]]:
    """Annotation reference → (page, annotation dictionary)."""
    from pyhanko.pdf_utils import generic

    found: dict[Any, tuple[int, Any]] = {}
    for number, page in _pages(resolver):
        annots = page.get("/Annots")
        for item in annots if isinstance(annots, generic.ArrayObject) else ():
            if isinstance(item, generic.IndirectObject):
                found[item.reference] = (number, _deref(item))
    return found


def _page_of(widgets: tuple[Any, ...], annots: Mapping[Any, tuple[int, Any]]) -> int | None:
    return next((annots[w][0] for w in widgets if w in annots), None)


def audit_revision(reader: Any, revision: int, accounted: frozenset[str]) -> tuple[Change, ...]:
    """The changes made by `revision` (against the one before) that are not the filling or creation of one of the
    `accounted` signature fields — those a valid signature made in this revision covers."""
    try:
        return _audit(reader, revision, accounted)
    except Exception:  # a revision too damaged to compare is itself a change nobody signed for
        log.debug("revision %d could not be compared", revision, exc_info=True)
        return (Change(UNREADABLE, "", None, revision),)


def _audit(reader: Any, revision: int, accounted: frozenset[str]) -> tuple[Change, ...]:
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification

    old = reader.get_historical_resolver(revision - 1)
    new = reader.get_historical_resolver(revision)
    old_fields, new_fields = _fields(old), _fields(new)
    new_annots = _annotations(new)
    changes: list[Change] = []
    for name in sorted(new_fields.keys() - old_fields.keys() - accounted):
        changes.append(Change(NEW_FIELD, name, _page_of(new_fields[name].widgets, new_annots), revision))
    for name in sorted(old_fields.keys() - new_fields.keys()):
        changes.append(Change(REMOVED_FIELD, name, None, revision))
    named = {c.name for c in changes} | set(accounted)

    try:
        result = DEFAULT_DIFF_POLICY.apply(old, new)
        suspicious = result.modification_level > ModificationLevel.FORM_FILLING
        changed = {str(name) for name in result.changed_form_fields}
    except SuspiciousModification as exc:
        log.debug("revision %d: %s", revision, exc)
        suspicious, changed = True, set()
    touched = new.explicit_refs_in_revision()
    if suspicious:
        # pyHanko names nothing when it rejects a revision: name the fields whose objects were rewritten.
        changed |= {
            name for name, spec in new_fields.items() if name in old_fields and ({spec.ref, *spec.widgets} & touched)
        }
    for name in sorted(changed - named):
        page = _page_of(new_fields[name].widgets, new_annots) if name in new_fields else None
        changes.append(Change(CHANGED_FIELD, name, page, revision))
    named |= changed

    # Annotations: a new one (or, in a revision pyHanko could not explain, a rewritten one) is a change unless it
    # is the widget of a field already judged above.
    old_annots = _annotations(old)
    owner = {widget: name for name, spec in new_fields.items() for widget in spec.widgets}
    for ref, (page, annot) in sorted(new_annots.items(), key=lambda item: (item[1][0], item[0].idnum)):
        if ref in old_annots and not (suspicious and ref in touched):
            continue
        field = owner.get(ref)
        if field is None:
            changes.append(Change(ANNOTATION, str(annot.get("/Subtype", "/Annot")).lstrip("/"), page, revision))
        elif field not in named:
            changes.append(Change(CHANGED_FIELD, field, page, revision))
            named.add(field)

    if suspicious and not changes:
        changes.append(Change(CONTENT, "", None, revision))
    return tuple(changes)


def audit_revisions(
    reader: Any, signed_revisions: Mapping[int, frozenset[str]], since: int
) -> dict[int, tuple[Change, ...]]:
    """The unaccounted changes of every revision after `since`. `signed_revisions` maps a revision to the fields
    filled by the valid signatures made in it."""
    return {
        revision: audit_revision(reader, revision, signed_revisions.get(revision, frozenset()))
        for revision in range(since + 1, reader.xrefs.total_revisions)
    }
