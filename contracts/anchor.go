package contracts

import _ "embed"

// MemoSchemaID is the $id of MemoSchemaJSON; validators register the schema
// under it and fetch nothing from it.
const MemoSchemaID = "https://banx.media/contracts/memo.schema.json"

// MemoSchemaJSON is the JSON Schema (draft 2020-12) of MemoData in a Banx
// anchor transaction (MemoType "https://banx.media/anchor/v1"). memo.md is its
// prose and internal/anchor the normative codec; tests run the golden vectors
// in testdata/memo through both. Anchors stay on the ledger forever, so a
// published version is never edited: a new rule is a new MemoType version.
//
//go:embed memo.schema.json
var MemoSchemaJSON []byte

// ProofSchemaID is the $id of ProofSchemaJSON.
const ProofSchemaID = "https://banx.media/contracts/proof.schema.json"

// ProofSchemaJSON is the JSON Schema (draft 2020-12) of the proof bundle
// ("banx.proof/1"): the document a reader needs to verify one anchored article
// version without trusting any Banx component. internal/anchor parses it
// (ParseProofBundle) and verifies it (VerifyOffline); testdata/proof holds the
// golden bundles.
//
//go:embed proof.schema.json
var ProofSchemaJSON []byte
