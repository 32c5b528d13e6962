// Runs unmodified xrpl.js against a ledger to prove wire compatibility with the
// library most XRPL applications use.
//
// Usage: node scenario.mjs ws://127.0.0.1:PORT GENESIS_SEED [--accept]
//
// With --accept the script closes ledgers itself (ledger_accept every 200 ms), for a
// standalone ledger that has no close interval. It prints one JSON summary on stdout
// and exits non-zero on any failure.
import { Client, Wallet, convertStringToHex, convertHexToString } from 'xrpl'

const [url, genesisSeed, ...flags] = process.argv.slice(2)
if (!url || !genesisSeed) {
  console.error('usage: node scenario.mjs WS_URL GENESIS_SEED [--accept]')
  process.exit(2)
}
const accept = flags.includes('--accept')

const watchdog = setTimeout(() => {
  console.error('scenario timed out after 120s')
  process.exit(3)
}, 120_000)

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`)
}

// submit autofills, signs and waits, and insists on tesSUCCESS: xrpl.js resolves
// tec results too, so the metadata is what says whether it worked.
async function submit(client, wallet, tx) {
  const prepared = await client.autofill(tx)
  check(prepared.Fee && prepared.Sequence && prepared.LastLedgerSequence, `autofill of ${tx.TransactionType}`)
  const signed = wallet.sign(prepared)
  const res = await client.submitAndWait(signed.tx_blob)
  const result = res.result.meta?.TransactionResult
  check(res.result.validated === true, `${tx.TransactionType} validated`)
  check(result === 'tesSUCCESS', `${tx.TransactionType} result ${result}`)
  check(res.result.hash === signed.hash, `${tx.TransactionType} hash ${res.result.hash} = ${signed.hash}`)
  return res
}

const client = new Client(url, { connectionTimeout: 10_000 })
let closer
const summary = { url }
try {
  await client.connect()
  if (accept) {
    closer = setInterval(() => {
      client.request({ command: 'ledger_accept' }).catch((e) => console.error('ledger_accept:', e.message))
    }, 200)
  }
  // xrpl.js 4 derives ed25519 keys unless told otherwise, whatever the seed says;
  // the genesis seed is secp256k1.
  const genesis = Wallet.fromSeed(genesisSeed, { algorithm: 'ecdsa-secp256k1' })
  summary.genesis = genesis.classicAddress
  check(genesis.classicAddress === 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', `genesis address ${genesis.classicAddress}`)
  const info = await client.request({ command: 'server_info' })
  summary.buildVersion = info.result.info.build_version
  summary.validatedLedger = await client.getLedgerIndex()

  // Fund two fresh accounts from genesis: a secp256k1 holder, an ed25519 issuer.
  const holder = Wallet.generate('ecdsa-secp256k1')
  const issuer = Wallet.generate('ed25519')
  for (const w of [holder, issuer]) {
    await submit(client, genesis, {
      TransactionType: 'Payment',
      Account: genesis.classicAddress,
      Destination: w.classicAddress,
      Amount: '100000000',
    })
  }
  summary.holder = holder.classicAddress
  summary.issuer = issuer.classicAddress

  // A Payment with memos, then read the memo back from tx.
  const memo = { type: 'banx/manifest', format: 'application/json', data: '{"cid":"bafyxrpljs"}' }
  const memoPay = await submit(client, holder, {
    TransactionType: 'Payment',
    Account: holder.classicAddress,
    Destination: issuer.classicAddress,
    Amount: '1234567',
    Memos: [{ Memo: {
      MemoType: convertStringToHex(memo.type),
      MemoFormat: convertStringToHex(memo.format),
      MemoData: convertStringToHex(memo.data),
    } }],
  })
  const looked = await client.request({ command: 'tx', transaction: memoPay.result.hash })
  const m = looked.result.tx_json.Memos?.[0]?.Memo
  check(m, 'memo present in tx_json')
  summary.memo = {
    type: convertHexToString(m.MemoType),
    format: convertHexToString(m.MemoFormat),
    data: convertHexToString(m.MemoData),
  }
  check(summary.memo.data === memo.data && summary.memo.type === memo.type, 'memo round trip')
  summary.memoDelivered = looked.result.meta.delivered_amount
  check(summary.memoDelivered === '1234567', `delivered_amount ${summary.memoDelivered}`)

  // Issued currency: DefaultRipple on the issuer, a trust line, an issuing payment.
  await submit(client, issuer, { TransactionType: 'AccountSet', Account: issuer.classicAddress, SetFlag: 8 })
  await submit(client, holder, {
    TransactionType: 'TrustSet',
    Account: holder.classicAddress,
    LimitAmount: { currency: 'BXE', issuer: issuer.classicAddress, value: '1000' },
  })
  await submit(client, issuer, {
    TransactionType: 'Payment',
    Account: issuer.classicAddress,
    Destination: holder.classicAddress,
    Amount: { currency: 'BXE', issuer: issuer.classicAddress, value: '42.5' },
  })

  const lines = await client.request({ command: 'account_lines', account: holder.classicAddress, ledger_index: 'validated' })
  summary.lines = lines.result.lines.map((l) => ({ account: l.account, currency: l.currency, balance: l.balance, limit: l.limit }))
  check(lines.result.lines.length === 1 && lines.result.lines[0].balance === '42.5', 'holder trust line balance 42.5')

  summary.balances = await client.getBalances(holder.classicAddress)
  const bxe = summary.balances.find((b) => b.currency === 'BXE')
  const xrp = summary.balances.find((b) => b.currency === 'XRP')
  check(bxe && bxe.value === '42.5' && bxe.issuer === issuer.classicAddress, 'getBalances BXE')
  check(xrp && Number(xrp.value) > 0, 'getBalances XRP')

  summary.ok = true
  console.log(JSON.stringify(summary))
} catch (err) {
  summary.ok = false
  summary.error = String(err?.stack ?? err)
  if (err?.data) summary.errorData = err.data
  console.log(JSON.stringify(summary))
  process.exitCode = 1
} finally {
  clearInterval(closer)
  clearTimeout(watchdog)
  await client.disconnect().catch(() => {})
}
