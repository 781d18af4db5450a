"""The dry run's checks of the documents sheet: which documents each
archive holds (type, number, validity, original verified), a part of
:class:`.checker.GoliveCheck`.  Document types are found by their name in
English or Chinese; a document is keyed by archive, type and number."""


class DocumentChecks:
    """Checks of the documents sheet; the rows' references and errors are
    :class:`.checker.GoliveCheck`'s."""

    def _document_types(self):
        """Active document types of the company (or shared), by name in
        every language the users may type (English and Chinese)."""
        Type = self.env["property.document.type"]
        domain = [("company_id", "in", [self.company.id, False])]
        types = {}
        for lang in ("en_US", "zh_CN"):
            for doc_type in Type.with_context(lang=lang).search(domain):
                types.setdefault(doc_type.name.strip().lower(), doc_type)
        return types

    def _db_documents(self, rows):
        occ_ids = self._db_archive_ids(rows)
        documents = {}
        if occ_ids:
            Document = self.env["property.document"].with_context(active_test=False)
            for document in Document.search([("occupancy_id", "in", occ_ids)]):
                key = (
                    document.occupancy_id.id,
                    document.document_type_id.id,
                    document.reference or "",
                )
                documents[key] = document
        return documents

    def _document_type_of(self, row, types):
        name = str(row.values["document_type"]).strip()
        doc_type = types.get(name.lower())
        if not doc_type:
            self._error(
                row,
                "document_type",
                self._(
                    "there is no document type named %(name)s (known types: "
                    "%(types)s).",
                    name=name,
                    types=", ".join(sorted({t.name for t in types.values()})),
                ),
            )
        return doc_type

    def _check_document_dates(self, row, doc_type):
        v = row.values
        self._not_future(row, "issue_date", v.get("issue_date"))
        self._not_future(row, "verified_date", v.get("verified_date"))
        if v.get("expiry_date") and v.get("issue_date"):
            if v["expiry_date"] < v["issue_date"]:
                self._error(
                    row,
                    "expiry_date",
                    self._("the document expires before it was issued."),
                )
        if doc_type and doc_type.has_expiry and not v.get("expiry_date"):
            self._error(
                row,
                "expiry_date",
                self._(
                    "documents of type %(type)s expire: give the date until which "
                    "it is valid.",
                    type=doc_type.name,
                ),
            )

    def _check_documents(self, rows):
        types = self._document_types()
        documents = self._db_documents(rows)
        seen = {}
        for row in rows:
            v = row.values
            archive = self._archive_of(row)
            doc_type = self._document_type_of(row, types)
            self._check_document_dates(row, doc_type)
            v["reference"] = str(v.get("reference") or "").strip()
            key = (*row.archive_key(), doc_type.id if doc_type else 0, v["reference"])
            if self._duplicate(seen, key, row, "reference") or row.action == "error":
                continue
            v["document_type_id"] = doc_type.id
            if isinstance(archive, dict):
                continue
            document = documents.get((archive.id, doc_type.id, v["reference"]))
            if document:
                self._compare(
                    row,
                    document,
                    {
                        "issue_date": v.get("issue_date") or False,
                        "expiry_date": v.get("expiry_date") or False,
                        "verified_date": v.get("verified_date") or False,
                    },
                )
