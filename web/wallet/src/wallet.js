// The Publish page's wallet, behind a small adapter so that browser-extension
// wallets can be added later without touching the publishing flow.
//
// A WalletAdapter has four methods:
//   address()              the classic address ("r...") it signs for
//   publicKey()            its 33-byte public key, upper-case hex
//   signMessage(hex)       Promise of the upper-case hex signature of the
//                          message bytes given in hex, with the XRPL rules
//                          (secp256k1: DER, low S, over SHA-512Half; ed25519:
//                          over the bytes), as internal/anchor verifies
//   signTransaction(tx)    Promise of {tx_blob, hash} for a transaction in
//                          xrpl.js JSON form
//
// LocalSeedWallet keeps an XRPL seed in the page only: it is never sent to the
// server, and it is kept in sessionStorage only when the author asks for it.
import { ECDSA, Wallet } from "xrpl";
import { decodeSeed, sign } from "ripple-keypairs";

/** Where a seed is kept when the author ticks "keep in this tab". */
export const SESSION_KEY = "banx.wallet.seed";

/** LocalSeedWallet is a WalletAdapter over a seed held in the page. */
export class LocalSeedWallet {
  #wallet;

  /** @param {Wallet} wallet an xrpl.js wallet derived from a seed */
  constructor(wallet) {
    this.#wallet = wallet;
  }

  /**
   * generate draws a new secp256k1 key (the CLI's default) from the browser's
   * crypto.getRandomValues, through xrpl.js.
   */
  static generate() {
    return new LocalSeedWallet(Wallet.generate(ECDSA.secp256k1));
  }

  /** fromSeed imports a family seed ("s..."), secp256k1 or ed25519. */
  static fromSeed(seed) {
    const s = String(seed || "").trim();
    if (!/^s[1-9A-HJ-NP-Za-km-z]{20,40}$/.test(s)) {
      throw new Error("that is not an XRPL seed: it starts with s and has about 29 base58 characters");
    }
    try {
      // xrpl.js derives an ed25519 key from any seed unless told otherwise;
      // the seed's own type says which key it is (sEd... is ed25519), as the
      // CLI and every other XRPL wallet read it.
      const algorithm = decodeSeed(s).type === "ed25519" ? ECDSA.ed25519 : ECDSA.secp256k1;
      return new LocalSeedWallet(Wallet.fromSeed(s, { algorithm }));
    } catch (e) {
      throw new Error("that is not a valid XRPL seed (" + e.message + ")");
    }
  }

  address() {
    return this.#wallet.classicAddress;
  }

  publicKey() {
    return this.#wallet.publicKey.toUpperCase();
  }

  /** seed returns the seed, for the author to copy or to keep in this tab. */
  seed() {
    return this.#wallet.seed;
  }

  async signMessage(messageHex) {
    return sign(messageHex, this.#wallet.privateKey).toUpperCase();
  }

  async signTransaction(tx) {
    const { tx_blob, hash } = this.#wallet.sign(tx);
    return { tx_blob, hash };
  }
}

/** utf8Hex is the upper-case hex of a string's UTF-8 bytes. */
export function utf8Hex(text) {
  let out = "";
  for (const b of new TextEncoder().encode(text)) {
    out += b.toString(16).padStart(2, "0");
  }
  return out.toUpperCase();
}
