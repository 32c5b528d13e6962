// The dashboard's "Add the trust line" button: the author's BXE TrustSet is
// prepared by the server, checked and signed in this page with the same
// wallet adapter as the Publish page (the seed kept in this tab's session
// storage, or typed here; never sent to the server), and relayed through
// POST /api/v1/token/trustline/submit, which answers once a validated ledger
// holds it.
import { LocalSeedWallet, SESSION_KEY } from "./wallet.js";

/** MAX_FEE_DROPS is the largest TrustSet fee the page agrees to sign. */
const MAX_FEE_DROPS = 100000n;
/** TF_SET_NO_RIPPLE is the only flag the prepared TrustSet carries. */
const TF_SET_NO_RIPPLE = 0x00020000;
const FIELDS = new Set(["TransactionType", "Account", "Fee", "Sequence", "LastLedgerSequence", "Flags", "LimitAmount", "NetworkID"]);

const $ = (id) => document.getElementById(id);

async function post(path, body) {
  const res = await fetch(path, {
    method: "POST", credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new Error((e.message || res.statusText) + (e.request_id ? " (request " + e.request_id + ")" : ""));
  }
  return data;
}

/**
 * checkTrustSet refuses to sign anything but the author's own TrustSet to the
 * issuer and currency the page shows, with a bounded fee: a server cannot make
 * the page sign another transaction.
 */
function checkTrustSet(tx, account, issuer, currency) {
  for (const k of Object.keys(tx)) {
    if (!FIELDS.has(k)) {
      throw new Error("the prepared transaction has an unexpected field " + k + ": not signing");
    }
  }
  const limit = tx.LimitAmount || {};
  const problems = [
    [tx.TransactionType === "TrustSet", "it is a " + tx.TransactionType + ", not a TrustSet"],
    [tx.Account === account, "it is for " + tx.Account + ", not " + account],
    [limit.issuer === issuer && limit.currency === currency, "it trusts " + limit.currency + " from " + limit.issuer],
    [Number(tx.Flags) === TF_SET_NO_RIPPLE, "its flags are " + tx.Flags],
    [/^\d+$/.test(String(tx.Fee)) && BigInt(tx.Fee) <= MAX_FEE_DROPS, "its fee of " + tx.Fee + " drops is above " + MAX_FEE_DROPS],
    [Number.isInteger(tx.LastLedgerSequence) && tx.LastLedgerSequence > 0, "it has no LastLedgerSequence"],
  ];
  for (const [ok, why] of problems) {
    if (!ok) {
      throw new Error("the prepared transaction is not your BXE trust line (" + why + "): not signing");
    }
  }
}

function step(name, state, detail) {
  const li = document.querySelector('#trustline-progress [data-step="' + name + '"]');
  li.dataset.state = state;
  if (detail !== undefined) {
    li.querySelector(".detail").textContent = detail;
  }
}

function say(text, kind) {
  const el = $("trustline-status");
  el.textContent = text;
  el.dataset.kind = kind;
}

/** startTrustLine wires the dashboard's trust line panel, when the page has one. */
export function startTrustLine() {
  const box = $("trustline-add");
  if (!box) {
    return;
  }
  const { account, issuer, currency } = box.dataset;
  let kept = null;
  try {
    const seed = sessionStorage.getItem(SESSION_KEY);
    kept = seed ? LocalSeedWallet.fromSeed(seed) : null;
  } catch {
    kept = null;
  }
  if (kept && kept.address() === account) {
    $("trustline-wallet-address").textContent = account;
    $("trustline-wallet").hidden = false;
    $("trustline-seed-label").hidden = true;
  } else {
    kept = null;
  }
  const button = $("trustline-add-button");
  button.disabled = false;
  button.addEventListener("click", async () => {
    let w = kept;
    if (!w) {
      const input = $("trustline-seed");
      try {
        w = LocalSeedWallet.fromSeed(input.value);
      } catch (e) {
        say("Your seed: " + e.message + ".", "error");
        return;
      }
      input.value = "";
      if (w.address() !== account) {
        say("That seed is the key of " + w.address() + ", not of your signed-in account " + account + ".", "error");
        return;
      }
    }
    button.disabled = true;
    $("trustline-progress").hidden = false;
    for (const s of ["prepared", "signed", "validated"]) {
      step(s, "pending", "");
    }
    say("", "");
    try {
      step("prepared", "busy");
      const p = await post("/api/v1/token/trustline/prepare", { account });
      checkTrustSet(p.tx_json, account, issuer, currency);
      step("prepared", "done", "limit " + p.tx_json.LimitAmount.value + " " + currency);
      step("signed", "busy");
      const signed = await w.signTransaction(p.tx_json);
      step("signed", "done", signed.hash);
      step("validated", "busy");
      const r = await post("/api/v1/token/trustline/submit", { tx_blob: signed.tx_blob });
      step("validated", "done", r.result + " in ledger " + r.ledger_index);
      say("Trust line added: your account accepts up to " + r.limit + " " + r.currency + " from " + r.issuer + ". Reloading your dashboard…", "ok");
      setTimeout(() => location.reload(), 1200);
    } catch (e) {
      for (const li of document.querySelectorAll('#trustline-progress [data-state="busy"]')) {
        li.dataset.state = "failed";
      }
      say("The trust line was not added: " + e.message, "error");
      button.disabled = false;
    }
  });
}
