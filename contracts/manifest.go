package contracts

import _ "embed"

// ManifestSchemaID is the $id of ManifestSchemaJSON. Validators that load the
// schema register it under this URL; nothing is fetched from it.
const ManifestSchemaID = "https://banx.media/contracts/manifest.schema.json"

// ManifestSchemaJSON is the JSON Schema (draft 2020-12) of the article manifest,
// the document whose SHA-256 Banx anchors on the XRP Ledger. manifest.md is its
// prose; internal/manifest is the normative validator, and its tests prove that
// the schema and the validator agree on everything the schema can express. Do not
// edit a published version: a new rule is a new schema version.
//
//go:embed manifest.schema.json
var ManifestSchemaJSON []byte

// CategoriesJSON lists the article categories a manifest may name, with display
// names. It is append-only because anchored manifests refer to its ids forever;
// internal/manifest loads the list from these bytes, and a test checks that the
// schema's category enum matches it.
//
//go:embed categories.json
var CategoriesJSON []byte
