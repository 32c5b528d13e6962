// The Publish page (/publish), enhanced: a wallet held in this page signs the
// author in and signs the article's anchor, following the same steps as
// `banx publish` (cmd/banx/publish.go). Nothing secret leaves the page: the
// server sees the address, the public key, signatures and the article.
import { decode } from "ripple-binary-codec";
import { sha256 } from "@xrplf/isomorphic/sha256";
import { bytesToHex } from "@xrplf/isomorphic/utils";
import { LocalSeedWallet, SESSION_KEY, utf8Hex } from "./wallet.js";
import { Compose } from "./compose.js";
import { startTrustLine } from "./trustline.js";

/** MAX_FEE_DROPS is the largest self-anchor fee the page agrees to sign, as the CLI's --max-fee. */
const MAX_FEE_DROPS = 100000n;
const POLL_MS = 500;
const SELF_FIELDS = new Set(["TransactionType", "Account", "Fee", "Sequence", "LastLedgerSequence", "Flags", "Memos", "NetworkID"]);

const $ = (id) => document.getElementById(id);

/** wallet is the page's WalletAdapter, null until the author makes or imports one. */
let wallet = null;
let signedIn = "";
/** compose is the preview and the images, which need a session. */
const compose = new Compose(api, () => wallet !== null && signedIn === wallet.address());

/** APIError carries the server's error code and reason. */
class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** api calls the JSON API; a Blob body (an image) is sent as it is. */
async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body instanceof Blob) {
    init.headers["Content-Type"] = body.type || "application/octet-stream";
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new APIError(res.status, e.code || "", (e.message || res.statusText) + (e.request_id ? " (request " + e.request_id + ")" : ""));
  }
  return data;
}

function say(el, text, kind) {
  el.textContent = text;
  el.dataset.kind = kind || "";
}

function showWallet(w, remember) {
  wallet = w;
  signedIn = "";
  $("wallet-address").textContent = w.address();
  $("wallet-public-key").textContent = w.publicKey();
  $("wallet-seed-shown").textContent = w.seed();
  $("wallet-info").hidden = false;
  $("sign-in").disabled = false;
  $("publish-fields").disabled = true;
  if (remember) {
    sessionStorage.setItem(SESSION_KEY, w.seed());
  } else {
    sessionStorage.removeItem(SESSION_KEY);
  }
  say($("session-status"), "Not signed in. Fund the address with XRP for self anchoring, then sign in.", "");
}

async function signIn() {
  if (!wallet) {
    return;
  }
  const status = $("session-status");
  $("sign-in").disabled = true;
  try {
    say(status, "Signing in…", "busy");
    const me = wallet.address();
    const ch = await api("POST", "/api/v1/auth/challenge", { address: me });
    // Sign only a Banx sign-in message for this address and this site.
    const lines = String(ch.message || "").split("\n");
    if (lines[0] !== "BANX-LOGIN-V1" || lines[2] !== "domain: " + location.host || lines[3] !== "address: " + me) {
      throw new Error("the server's challenge is not a Banx sign-in for " + me + " at " + location.host + ": not signing");
    }
    const signature = await wallet.signMessage(utf8Hex(ch.message));
    const sess = await api("POST", "/api/v1/auth/session", { message: ch.message, public_key: wallet.publicKey(), signature });
    signedIn = sess.address;
    say(status, "Signed in as " + sess.address + " until " + sess.expires_at + ".", "ok");
    $("publish-fields").disabled = false;
    compose.refresh();
  } catch (e) {
    say(status, "Sign-in failed: " + e.message, "error");
  } finally {
    $("sign-in").disabled = false;
  }
}

/** resumeSession picks up the tab's live session when it is the kept key's. */
async function resumeSession() {
  try {
    const sess = await api("GET", "/api/v1/auth/session");
    if (wallet && sess.address === wallet.address()) {
      signedIn = sess.address;
      say($("session-status"), "Signed in as " + sess.address + " until " + sess.expires_at + ".", "ok");
      $("publish-fields").disabled = false;
      compose.refresh();
    }
  } catch {
    // No live session: the author signs in with the button.
  }
}

function manifestFromForm(form) {
  const v = (name) => form.elements[name].value.trim();
  const m = {
    schema: "banx.manifest/1",
    title: v("title"),
    summary: v("summary"),
    body: form.elements.body.value.trim(),
    category: v("category"),
    language: v("language"),
    author: wallet.address(),
    created: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
  const tags = v("tags").split(/[\s,]+/).map((t) => t.replace(/^#/, "")).filter(Boolean);
  if (tags.length) {
    m.tags = tags;
  }
  const sources = [];
  for (const row of form.querySelectorAll("[data-source]")) {
    const name = row.querySelector("[name=source_name]").value.trim();
    const url = row.querySelector("[name=source_url]").value.trim();
    if (name || url) {
      sources.push({ name, url });
    }
  }
  if (sources.length) {
    m.sources = sources;
  }
  const media = compose.media();
  if (media.length) {
    m.media = media;
  }
  if (v("ai_disclosure")) {
    m.ai_disclosure = v("ai_disclosure");
  }
  if (v("author_name")) {
    m.author_name = v("author_name");
  }
  const edit = $("edit-notice");
  if (edit) {
    m.previous = edit.dataset.previous;
  }
  return m;
}

function step(name, state, detail) {
  const li = document.querySelector('#progress [data-step="' + name + '"]');
  li.dataset.state = state;
  if (detail !== undefined) {
    li.querySelector(".detail").textContent = detail;
  }
}

function hexToText(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/**
 * checkStored reads back what the server stored on IPFS under the draft's CID
 * and checks it is this article and hashes to the draft's SHA-256: the page
 * signs nothing that describes another text.
 */
async function checkStored(d, m) {
  const res = await fetch("/ipfs/" + encodeURIComponent(d.cid), { credentials: "omit" });
  if (!res.ok) {
    throw new Error("cannot read the stored manifest back from /ipfs/" + d.cid + " (" + res.status + ")");
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytesToHex(sha256(bytes)).toLowerCase() !== d.sha256) {
    throw new Error("the stored manifest does not hash to the draft's sha256 " + d.sha256 + ": not signing");
  }
  const stored = JSON.parse(new TextDecoder().decode(bytes));
  const keys = new Set([...Object.keys(stored), ...Object.keys(m)]);
  for (const k of keys) {
    if (JSON.stringify(stored[k]) !== JSON.stringify(m[k])) {
      throw new Error("the server stored a different " + k + " than this form's: not signing");
    }
  }
}

/** checkSelfAnchor checks the prepared transaction as publish.CheckUnsignedAnchor does. */
function checkSelfAnchor(tx, d, me) {
  for (const k of Object.keys(tx)) {
    if (!SELF_FIELDS.has(k)) {
      throw new Error("the prepared transaction has an unexpected field " + k + ": not signing");
    }
  }
  if (tx.TransactionType !== "AccountSet" || tx.Account !== me || (tx.Flags !== undefined && Number(tx.Flags) !== 0)) {
    throw new Error("the prepared transaction is not a no-op AccountSet of " + me + ": not signing");
  }
  if (BigInt(tx.Fee) > MAX_FEE_DROPS) {
    throw new Error("the prepared fee " + tx.Fee + " drops is above " + MAX_FEE_DROPS + ": not signing");
  }
  const memos = tx.Memos || [];
  if (memos.length !== 1) {
    throw new Error("the prepared transaction carries " + memos.length + " memos, want 1: not signing");
  }
  const memo = JSON.parse(hexToText(memos[0].Memo.MemoData));
  if (memo.kind !== "self" || memo.sha256 !== d.sha256 || memo.cid !== d.cid || memo.author !== me) {
    throw new Error("the prepared memo does not anchor this article version: not signing");
  }
}

/** leafMessage is anchor.SigningMessage: what the author signs for a batch anchor. */
function leafMessage(networkID, me, d) {
  return "BANX-ANCHOR-V1\npurpose: publish this article version on Banx\n" +
    "network: " + networkID + "\nauthor: " + me + "\nsha256: " + d.sha256 + "\ncid: " + d.cid + "\n";
}

/** TAG is the server's tag rule (internal/manifest): letters, digits and _, at least one letter. */
const TAG = /^[\p{L}\p{M}\p{Nd}_]+$/u;

/**
 * tagsProblem checks the Tags field before anything is stored, so the rule is
 * told next to the field rather than after a failed publish; "" when fine.
 */
function tagsProblem(raw) {
  for (const t of raw.split(/[\s,]+/).map((t) => t.replace(/^#/, "")).filter(Boolean)) {
    if (!TAG.test(t)) {
      const bad = Array.from(t).find((c) => !TAG.test(c));
      return "Tag \u201c" + t + "\u201d has \u201c" + bad + "\u201d: use letters, digits and _ only (write test_tag, not test-tag).";
    }
    if (!/\p{L}/u.test(t)) {
      return "Tag \u201c" + t + "\u201d needs at least one letter.";
    }
  }
  return "";
}

/** checkTags shows the Tags field's problem beside it; false when there is one. */
function checkTags() {
  const input = $("tags");
  const problem = tagsProblem(input.value);
  input.setCustomValidity(problem);
  const out = $("tags-error");
  out.textContent = problem;
  out.hidden = problem === "";
  if (problem) {
    input.focus();
  }
  return problem === "";
}

async function publish(ev) {
  ev.preventDefault();
  const form = ev.target;
  if (!checkTags()) {
    return;
  }
  if (!wallet || signedIn !== wallet.address()) {
    say($("publish-error"), "Sign in first.", "error");
    return;
  }
  const me = wallet.address();
  const edit = $("edit-notice");
  if (edit && edit.dataset.author !== me) {
    say($("publish-error"), "Only the article's author " + edit.dataset.author + " can edit it: sign in with that key.", "error");
    $("progress").hidden = false;
    return;
  }
  const mode = form.elements.mode.value;
  const fields = $("publish-fields");
  fields.disabled = true;
  $("progress").hidden = false;
  $("result").hidden = true;
  say($("publish-error"), "", "");
  for (const s of ["stored", "signed", "submitted", "validated"]) {
    step(s, "pending", "");
  }
  try {
    const m = manifestFromForm(form);
    step("stored", "busy");
    const d = await api("POST", "/api/v1/drafts" + (edit ? "?article=" + encodeURIComponent(edit.dataset.article) : ""), m);
    await checkStored(d, m);
    step("stored", "done", d.cid);
    step("signed", "busy");
    if (mode === "self") {
      const p = await api("POST", "/api/v1/drafts/" + d.id + "/anchor", { mode: "self" });
      const tx = decode(p.unsigned_tx);
      checkSelfAnchor(tx, d, me);
      const signed = await wallet.signTransaction(tx);
      step("signed", "done", "anchor transaction " + signed.hash);
      step("submitted", "busy");
      await api("POST", "/api/v1/drafts/" + d.id + "/submit", { tx_blob: signed.tx_blob });
      step("submitted", "done", signed.hash);
    } else {
      const msg = leafMessage(d.network_id, me, d);
      if (d.leaf_message && d.leaf_message !== msg) {
        throw new Error("the server's leaf message differs from this article's: not signing");
      }
      const signature = await wallet.signMessage(utf8Hex(msg));
      step("signed", "done", "batch leaf");
      step("submitted", "busy");
      await api("POST", "/api/v1/drafts/" + d.id + "/anchor", { mode: "batch", public_key: wallet.publicKey(), signature });
      step("submitted", "done", "queued for the next batch anchor");
    }
    step("validated", "busy");
    const v = await waitPublished(d.id);
    step("validated", "done", v.anchor_tx_hash);
    if (edit) {
      edit.dataset.previous = v.anchor_tx_hash; // a further edit follows this version
    }
    showResult(v);
  } catch (e) {
    for (const li of document.querySelectorAll('#progress [data-state="busy"]')) {
      li.dataset.state = "failed";
    }
    say($("publish-error"), "Publishing stopped: " + e.message, "error");
  } finally {
    fields.disabled = false;
  }
}

async function waitPublished(id) {
  for (;;) {
    const v = await api("GET", "/api/v1/drafts/" + id);
    if (v.status === "published") {
      return v;
    }
    if (v.status === "failed") {
      throw new Error("anchoring failed: " + (v.failure_reason || "no reason given") + " (the draft is kept: publish again)");
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function link(id, href, text) {
  const a = $(id);
  a.href = href;
  a.textContent = text;
}

function showResult(v) {
  link("result-article", "/a/" + v.article_id, v.title);
  link("result-tx", "/verify/" + v.anchor_tx_hash, v.anchor_tx_hash);
  link("result-cid", "/ipfs/" + v.cid, v.cid);
  const proof = $("result-proof");
  proof.href = "/api/v1/articles/" + v.article_id + "/versions/" + v.version + "/proof";
  proof.download = "banx-" + v.article_id + "-v" + v.version + ".proof.json";
  $("result").hidden = false;
}

function addSource() {
  const rows = $("sources");
  const row = rows.querySelector("[data-source]").cloneNode(true);
  for (const input of row.querySelectorAll("input")) {
    input.value = "";
  }
  rows.appendChild(row);
}

function start() {
  if (!$("publish-form")) {
    startTrustLine(); // the dashboard shares this bundle
    return;
  }
  const keep = $("wallet-keep");
  $("wallet-generate").addEventListener("click", () => showWallet(LocalSeedWallet.generate(), keep.checked));
  $("wallet-import").addEventListener("click", () => {
    const input = $("wallet-seed");
    try {
      showWallet(LocalSeedWallet.fromSeed(input.value), keep.checked);
      input.value = "";
    } catch (e) {
      say($("session-status"), e.message, "error");
    }
  });
  keep.addEventListener("change", () => {
    if (keep.checked && wallet) {
      sessionStorage.setItem(SESSION_KEY, wallet.seed());
    } else {
      sessionStorage.removeItem(SESSION_KEY);
    }
  });
  $("sign-in").addEventListener("click", signIn);
  $("add-source").addEventListener("click", addSource);
  $("publish-form").addEventListener("submit", publish);
  // The field's pattern stops the form first; its message then shows here.
  $("tags").addEventListener("invalid", checkTags);
  $("tags").addEventListener("input", () => {
    if (!$("tags-error").hidden) {
      checkTags();
    }
  });
  compose.start();
  for (const el of document.querySelectorAll("[data-needs-script]")) {
    el.disabled = false;
  }
  const kept = sessionStorage.getItem(SESSION_KEY);
  if (kept) {
    try {
      keep.checked = true;
      showWallet(LocalSeedWallet.fromSeed(kept), true);
      resumeSession();
    } catch {
      sessionStorage.removeItem(SESSION_KEY);
    }
  }
  document.querySelector("main").dataset.ready = "true";
}

start();
