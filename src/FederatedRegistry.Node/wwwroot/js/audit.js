// Verifies the node's audit log in the browser, with WebCrypto and nothing else: every entry's SHA-256 over the
// canonical encoding (src/FederatedRegistry.Domain/Signing/README.md), the chain of previous hashes, and the ECDSA P-256
// signature of the latest checkpoint against the public key GET /v1/node gives. The same checks as
// fedreg-node audit verify (AuditVerifier), so that an edited row in the node's database shows here, whatever the
// node's own code says about itself.

const HashLength = 32;
const EntryFormat = "fedreg.audit-entry/v1";
const CheckpointFormat = "fedreg.audit-checkpoint/v1";
const PageSize = 1000;

const utf8 = new TextEncoder();

// ---------- canonical encoding (version 1) ----------

class Writer {
  constructor() {
    this.parts = [];
    this.length = 0;
  }

  bytes(array) {
    this.parts.push(array);
    this.length += array.length;
  }

  tag(letter) {
    this.bytes(Uint8Array.of(letter.charCodeAt(0)));
  }

  u32(value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value, false);
    this.bytes(b);
  }

  i64(value) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, value), false);
    this.bytes(b);
  }

  result() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

// Values: { s: string } | { i: bigint } | { b: Uint8Array } | { d: bigint microseconds }. Only what entries and
// checkpoints hold; a map is written from [key, value] pairs in the order of the keys' UTF-8 bytes.
function encodeValue(w, value) {
  if ("s" in value) {
    const text = utf8.encode(value.s);
    w.tag("s");
    w.u32(text.length);
    w.bytes(text);
  } else if ("i" in value) {
    w.tag("i");
    w.i64(value.i);
  } else if ("b" in value) {
    w.tag("b");
    w.u32(value.b.length);
    w.bytes(value.b);
  } else if ("d" in value) {
    w.tag("d");
    w.i64(value.d);
  } else {
    throw new Error("A value the canonical encoding of audit records does not use.");
  }
}

function compareBytes(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return a[i] - b[i];
    }
  }
  return a.length - b.length;
}

export function encodeMap(entries) {
  const keyed = entries.map(([key, value]) => [utf8.encode(key), value]).sort((x, y) => compareBytes(x[0], y[0]));
  const w = new Writer();
  w.tag("m");
  w.u32(keyed.length);
  for (const [key, value] of keyed) {
    w.u32(key.length);
    w.bytes(key);
    encodeValue(w, value);
  }
  return w.result();
}

// ---------- reading the JSON API's values ----------

function fromBase64(text) {
  if (!text) {
    return new Uint8Array(0);
  }
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toBase64Url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function sameBytes(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// An RFC 3339 timestamp as the JSON API writes it (UTC, "Z", 0-9 fractional digits) to whole microseconds, as the
// canonical encoding keeps it; Date keeps only milliseconds, so the fraction is read by hand.
export function microseconds(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/.exec(text ?? "");
  if (!match) {
    return null;
  }
  const [, y, mo, d, h, mi, s, fraction = ""] = match;
  const seconds = BigInt(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))) / 1000n;
  return seconds * 1_000_000n + BigInt((fraction + "000000").slice(0, 6));
}

function wellFormed(text) {
  return typeof text === "string" && (typeof text.isWellFormed !== "function" || text.isWellFormed()) && !text.includes("\0");
}

function readEntry(json) {
  return {
    sequence: BigInt(String(json.sequence ?? 0)),
    at: microseconds(json.at),
    actor: json.actor ?? "",
    action: json.action ?? "",
    subject: json.subject ?? "",
    payloadHash: fromBase64(json.payloadHash),
    previousHash: fromBase64(json.previousHash),
    entryHash: fromBase64(json.entryHash),
  };
}

function problemOf(entry) {
  if (entry.sequence < 1n) {
    return `sequence ${entry.sequence} is below 1`;
  }
  if (entry.at === null) {
    return "its time is not a UTC timestamp";
  }
  for (const [name, hash] of [["payload_hash", entry.payloadHash], ["previous_hash", entry.previousHash], ["entry_hash", entry.entryHash]]) {
    if (hash.length !== HashLength) {
      return `${name} is ${hash.length} bytes, not ${HashLength}`;
    }
  }
  for (const [name, text] of [["actor", entry.actor], ["action", entry.action], ["subject", entry.subject]]) {
    if (!wellFormed(text)) {
      return `${name} holds an unpaired surrogate or a NUL`;
    }
  }
  return null;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function entryHashInput(entry) {
  return encodeMap([
    ["format", { s: EntryFormat }],
    ["sequence", { i: entry.sequence }],
    ["at", { d: entry.at }],
    ["actor", { s: entry.actor }],
    ["action", { s: entry.action }],
    ["subject", { s: entry.subject }],
    ["payload_hash", { b: entry.payloadHash }],
    ["previous_hash", { b: entry.previousHash }],
  ]);
}

function checkpointSigningInput(checkpoint) {
  return encodeMap([
    ["format", { s: CheckpointFormat }],
    ["node_code", { s: checkpoint.nodeCode }],
    ["size", { i: checkpoint.size }],
    ["head_hash", { b: checkpoint.headHash }],
    ["at", { d: checkpoint.at }],
    ["key_id", { s: checkpoint.keyId }],
  ]);
}

function readCheckpoint(json) {
  return {
    nodeCode: json.nodeCode ?? "",
    size: BigInt(String(json.size ?? 0)),
    headHash: fromBase64(json.headHash),
    at: microseconds(json.at),
    atText: json.at,
    keyId: json.keyId ?? "",
    signature: fromBase64(json.signature),
  };
}

async function checkpointSignatureVerifies(checkpoint, publicKey, keyId) {
  if (checkpoint.keyId !== keyId || checkpoint.signature.length !== 64 || checkpoint.headHash.length !== HashLength ||
      checkpoint.size < 1n || checkpoint.at === null || !wellFormed(checkpoint.nodeCode) || !wellFormed(checkpoint.keyId)) {
    return false;
  }
  return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, checkpoint.signature, checkpointSigningInput(checkpoint));
}

/** Whether this page can verify at all: WebCrypto exists only in secure contexts (HTTPS, or loopback). */
export function canVerify() {
  return Boolean(globalThis.crypto?.subtle);
}

/**
 * Reads and verifies the whole log. `call` is the API client; `node` the answer of GET /v1/node; `progress(checked)` is
 * told how many entries have been checked so far. Resolves to
 * { state: "intact" | "tampered" | "no-checkpoint" | "empty", checkpoint, entries, last, findings, firstBad, keyMatches }.
 */
export async function verifyAuditLog(call, node, progress = () => {}) {
  const der = fromBase64(node.publicKey);
  const keyId = toBase64Url(await sha256(der));
  const publicKey = await crypto.subtle.importKey("spki", der, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const findings = [];
  const add = (sequence, message) => findings.push({ sequence, message });

  // The checkpoint first, as fedreg-node audit verify reads it: every entry it covers is sealed before the entries are read.
  let checkpoint = null;
  try {
    checkpoint = readCheckpoint(await call("/v1/audit/checkpoints/latest"));
  } catch (e) {
    if (e.status !== 404) {
      throw e;
    }
  }
  let signed = false;
  if (checkpoint) {
    signed = await checkpointSignatureVerifies(checkpoint, publicKey, keyId);
    if (!signed) {
      add(null, checkpoint.keyId === keyId
        ? `The checkpoint of size ${checkpoint.size} does not verify with the node's key ${keyId}: it was altered or not signed by the node.`
        : `The checkpoint of size ${checkpoint.size} names key ${checkpoint.keyId}, not the node's key ${keyId}.`);
    }
  }

  let expected = 1n;
  let previous = new Uint8Array(HashLength);
  let headAtCheckpoint = null;
  let count = 0;
  for (let from = 1n; from > 0n;) {
    const page = await call(`/v1/audit/entries?from=${from}&limit=${PageSize}`);
    for (const json of page.entries ?? []) {
      const entry = readEntry(json);
      count++;
      const problem = problemOf(entry);
      if (problem) {
        add(entry.sequence, `Entry ${entry.sequence} is malformed: ${problem}.`);
        if (entry.sequence >= expected) {
          expected = entry.sequence + 1n;
          previous = entry.entryHash;
        }
        continue;
      }
      if (entry.sequence < expected) {
        add(entry.sequence, `Entry ${entry.sequence} appears after entry ${expected - 1n}: entries are repeated or out of order.`);
        continue;
      }
      if (entry.sequence > expected) {
        add(expected, `Entries from ${expected} to ${entry.sequence - 1n} are missing.`);
      } else if (!sameBytes(entry.previousHash, previous)) {
        add(entry.sequence, `Entry ${entry.sequence} does not follow entry ${entry.sequence - 1n}: its previous hash is not that entry's hash.`);
      }
      if (!sameBytes(await sha256(entryHashInput(entry)), entry.entryHash)) {
        add(entry.sequence, `Entry ${entry.sequence} was altered: its fields (actor '${entry.actor}', action '${entry.action}', subject '${entry.subject}') do not hash to its entry hash.`);
      }
      previous = entry.entryHash;
      expected = entry.sequence + 1n;
      if (checkpoint && entry.sequence === checkpoint.size) {
        headAtCheckpoint = entry.entryHash;
      }
    }
    progress(count);
    from = BigInt(String(page.nextFrom ?? 0));
  }
  const last = expected - 1n;

  if (checkpoint && signed) {
    if (checkpoint.size > last) {
      add(last + 1n, `The checkpoint covers ${checkpoint.size} entries, but the log ends at ${last}: entries at the end were removed.`);
    } else if (headAtCheckpoint && !sameBytes(headAtCheckpoint, checkpoint.headHash)) {
      const before = findings.filter((f) => f.sequence !== null && f.sequence <= checkpoint.size).map((f) => f.sequence);
      add(before.length ? before.reduce((a, b) => (a < b ? a : b)) : 1n,
        `The entries up to ${checkpoint.size} do not lead to the head the node signed: an entry was rewritten.`);
    }
  }

  findings.sort((a, b) => (a.sequence === null ? -1 : b.sequence === null ? 1 : a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
  const bad = findings.filter((f) => f.sequence !== null).map((f) => f.sequence);
  const firstBad = bad.length ? bad.reduce((a, b) => (a < b ? a : b)) : null;
  const state = findings.length > 0 ? "tampered" : !checkpoint ? (count === 0 ? "empty" : "no-checkpoint") : "intact";
  return { state, checkpoint, entries: count, last, findings, firstBad, keyId, keyMatches: keyId === node.keyId };
}
