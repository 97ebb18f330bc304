import { call, claims, signIn, signOut, token, ApiError } from "./api.js";
import { canVerify, hex, verifyAuditLog } from "./audit.js";
import { bar } from "./charts.js";

const $ = (id) => document.getElementById(id);

// Enum names as the JSON API writes them ("RISK_TIER_HIGH") or as summaries do ("high"), for people.
function label(value) {
  if (value === undefined || value === null || value === "" || /_UNSPECIFIED$/.test(value)) {
    return "";
  }
  return String(value)
    .replace(/^(RISK_TIER|CATEGORY|SYSTEM_STATUS|INCIDENT_STATUS|SEVERITY|HARM_TYPE|DEPLOYMENT_STATUS)_/, "")
    .toLowerCase()
    .replace(/_/g, " ");
}

function when(value) {
  return value ? new Date(value).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "";
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) {
    td.className = className;
  }
  return td;
}

function row(...cells) {
  const tr = document.createElement("tr");
  tr.append(...cells.map((c) => (c instanceof Node ? c : cell(c))));
  return tr;
}

function show(message) {
  $("message").textContent = message;
  $("message").hidden = !message;
}

// A section the caller's token may not open is hidden, not an error: the API decides what each role sees.
async function optional(section, load) {
  try {
    await load();
    $(section).hidden = false;
  } catch (e) {
    $(section).hidden = true;
    if (e instanceof ApiError && e.status === 401 && token()) {
      show("The node refused the token (expired, or not issued for this node). Sign in again.");
    } else if (!(e instanceof ApiError && (e.status === 401 || e.status === 403))) {
      show(`${section}: ${e.message}`);
    }
  }
}

// ---------- national node ----------

function cellsOf(summary, dataset, dimension) {
  return summary.cells.filter((c) => c.dataset === dataset && c.dimension === dimension);
}

function chartSummary(canvasId, summary, dataset, dimension, sort) {
  const cells = cellsOf(summary, dataset, dimension);
  if (sort) {
    cells.sort((a, b) => a.value.localeCompare(b.value));
  }
  bar(canvasId, dimension, cells.map((c) => label(c.value)), cells.map((c) => Number(c.count)));
}

async function loadSummary() {
  const summary = await call("/v1/summary");
  summary.cells ??= [];
  $("summary-as-of").textContent = `${summary.totalSystems ?? 0} registrations, ${summary.totalIncidents ?? 0} incidents, as of ${when(summary.asOf)}`;
  chartSummary("chart-risk-tier", summary, "systems", "risk_tier");
  chartSummary("chart-category", summary, "systems", "category");
  chartSummary("chart-status", summary, "systems", "status");
  chartSummary("chart-incident-month", summary, "incidents", "month", true);
  chartSummary("chart-incident-severity", summary, "incidents", "severity");
}

async function loadRegister() {
  const text = $("register-search").value.trim();
  const query = new URLSearchParams({ pageSize: "25" });
  if (text) {
    query.set("text", text);
  }
  const page = await call(`/v1/systems?${query}`);
  const systems = (page.systems ?? []).sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt)));
  $("register-rows").replaceChildren(...systems.map((s) => row(
    s.id, s.name, s.productId, label(s.category), label(s.decidedRiskTier) || label(s.proposedRiskTier), label(s.status), when(s.updatedAt))));
}

let incidents = [];

function renderIncidents() {
  const text = $("incident-search").value.trim().toLowerCase();
  const shown = incidents.filter((i) => !text || [i.id, i.title, i.productId, i.systemId].some((f) => (f ?? "").toLowerCase().includes(text)));
  $("incident-rows").replaceChildren(...shown.map((i) => row(
    i.id, i.title, label(i.severity), label(i.status), when(i.occurredAt),
    cell(i.overdue ? `overdue since ${when(i.reportingDeadline)}` : when(i.reportingDeadline), i.overdue ? "overdue" : ""))));
}

async function loadIncidents() {
  const page = await call("/v1/incidents?pageSize=200");
  const closed = new Set(["INCIDENT_STATUS_MITIGATED", "INCIDENT_STATUS_CLOSED"]);
  incidents = (page.incidents ?? [])
    .filter((i) => !closed.has(i.status) || i.overdue)
    .sort((a, b) => Number(Boolean(b.overdue)) - Number(Boolean(a.overdue)) || String(b.occurredAt).localeCompare(String(a.occurredAt)));
  renderIncidents();
}

async function acknowledge(id, button) {
  button.disabled = true;
  try {
    await call(`/v1/alerts/${encodeURIComponent(id)}:acknowledge`, { method: "POST", body: { note: "Acknowledged on the dashboard" } });
    await loadAlerts();
  } catch (e) {
    button.disabled = false;
    show(`Acknowledging ${id} failed: ${e.message}`);
  }
}

async function loadAlerts() {
  const page = await call("/v1/alerts");
  const alerts = (page.alerts ?? []).sort((a, b) => String(b.raisedAt).localeCompare(String(a.raisedAt)));
  $("alerts-rows").replaceChildren(...alerts.map((a) => {
    const incident = a.incident ?? {};
    const action = document.createElement("td");
    if (!a.acknowledgedAt) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Acknowledge";
      button.dataset.alertId = a.id;
      button.addEventListener("click", () => acknowledge(a.id, button));
      action.append(button);
    }
    const tr = row(a.id, a.origin, [incident.title, label(incident.severity)].filter(Boolean).join(" · "), when(a.raisedAt),
      a.acknowledgedAt ? `${when(a.acknowledgedAt)} ${a.acknowledgementNote ?? ""}` : "not yet", action);
    tr.dataset.alertId = a.id;
    return tr;
  }));
}

function describeDataset(name, rules) {
  const lines = [];
  if (rules.summary) {
    lines.push(`${name}: counts by ${(rules.summary.dimensions ?? []).join(", ")}${rules.summary.min_count ? `, withheld below ${rules.summary.min_count}` : ""}`);
  }
  if (rules.records) {
    const filter = Object.entries(rules.records.filter ?? {}).map(([k, v]) => `${k} ${v.join(" or ")}`).join("; ");
    lines.push(`${name}: records with ${(rules.records.fields ?? []).join(", ")}${filter ? ` (only ${filter})` : ""}`);
  }
  if (rules.alerts) {
    const a = rules.alerts;
    lines.push(`${name}: alerts${a.min_severity ? ` from ${a.min_severity} up` : ""}${a.cross_border_only ? ", cross-border only" : ""}` +
      `${a.affecting_recipient_only ? ", only those affecting the recipient" : ""}, with ${(a.fields ?? []).join(", ")}`);
  }
  if (rules.send) {
    lines.push(`${name}: sent`);
  }
  return lines;
}

async function loadPolicy() {
  const view = await call("/v1/policy");
  const policy = JSON.parse(view.document || "{}");
  const body = $("policy-body");
  const header = document.createElement("p");
  header.textContent = `Version ${view.version ?? 0}${view.updatedAt ? `, installed ${when(view.updatedAt)}` : " (deny-all: nothing leaves this node)"}.`;
  const grants = (policy.grants ?? []).map((grant) => {
    const div = document.createElement("div");
    div.className = "grant";
    const h = document.createElement("h3");
    h.textContent = `To ${grant.audience}`;
    const list = document.createElement("ul");
    const lines = Object.entries(grant.datasets ?? {}).flatMap(([name, rules]) => describeDataset(name, rules ?? {}));
    list.append(...(lines.length ? lines : ["nothing"]).map((l) => {
      const li = document.createElement("li");
      li.textContent = l;
      return li;
    }));
    div.append(h, list);
    return div;
  });
  body.replaceChildren(header, ...grants);
}

function definitions(list, pairs) {
  list.replaceChildren(...pairs.flatMap(([k, v]) => {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v ?? "";
    return [dt, dd];
  }));
}

function verdict(state, text) {
  const p = $("audit-verdict");
  p.dataset.state = state;
  p.className = `verdict ${state}`;
  p.textContent = text;
}

// Verified here, in the browser, with the key the node publishes: a row edited in the node's database shows as tampered
// whatever the node's own code would say.
async function loadAudit(node) {
  $("audit-findings").replaceChildren();
  if (!canVerify()) {
    verdict("unverifiable", "Not verified: this browser offers no WebCrypto on a page served without HTTPS. Run fedreg-node audit verify instead.");
    return;
  }
  verdict("verifying", "Verifying the audit log in this browser...");
  const result = await verifyAuditLog(call, node, (n) => verdict("verifying", `Verifying the audit log in this browser: ${n} entries checked...`));
  const checkpoint = result.checkpoint;
  switch (result.state) {
    case "intact":
      verdict("intact", `Intact: all ${result.entries} entries are unaltered and chained, and the first ${checkpoint.size} lead to the head the node signed.`);
      break;
    case "no-checkpoint":
      verdict("no-checkpoint", `No checkpoint yet: the ${result.entries} entries are chained, but nothing the node signed vouches for them.`);
      break;
    case "empty":
      verdict("no-checkpoint", "No checkpoint yet: the log has no sealed entry.");
      break;
    default:
      verdict("tampered", result.firstBad !== null
        ? `Tampered at sequence ${result.firstBad}: the log does not verify from there on.`
        : "Tampered: the latest checkpoint's signature does not verify with the node's key.");
  }
  const details = [["Entries verified", `${result.entries} (up to sequence ${result.last})`]];
  if (checkpoint) {
    details.push(["Last checkpoint", `${when(checkpoint.atText)}, ${checkpoint.size} entries`], ["Head hash", hex(checkpoint.headHash)]);
  }
  details.push(["Node key", `${result.keyId}${result.keyMatches ? "" : " (differs from the key id the node names)"}`]);
  definitions($("audit-body"), details);
  $("audit-findings").replaceChildren(...result.findings.slice(0, 10).map((f) => {
    const li = document.createElement("li");
    li.textContent = f.message;
    return li;
  }));
}

const witnessLabels = { consistent: "consistent", inconsistent: "INCONSISTENT: rewrote its history", never_seen: "not witnessed yet" };

async function loadWitnessed() {
  const answer = await call("/v1/audit/witnessed");
  $("witness-rows").replaceChildren(...(answer.peers ?? []).map((p) => {
    const seen = p.lastSeen;
    const tr = row(p.peer,
      cell(witnessLabels[p.status] ?? p.status, p.status === "consistent" ? "verified" : p.status === "inconsistent" ? "warning" : "muted"),
      seen ? `${seen.size} entries, signed ${when(seen.at)}` : "",
      when(p.checkedAt), p.lastError ?? "");
    tr.dataset.peer = p.peer;
    tr.dataset.status = p.status;
    return tr;
  }));
}

async function loadNational(node) {
  $("national-view").hidden = false;
  const role = claims()?.role;
  $("register-title").textContent = role === "authority" ? "Registrations (most recently changed first)" : "Public transparency register";
  await Promise.all([
    loadRegister().catch((e) => show(e.message)),
    loadAudit(node).catch((e) => verdict("failed", `Could not verify the audit log: ${e.message}`)),
    token() ? optional("witnessed", loadWitnessed) : Promise.resolve(),
    token() ? optional("charts", loadSummary) : Promise.resolve(),
    token() ? optional("incidents", loadIncidents) : Promise.resolve(),
    token() ? optional("alerts", loadAlerts) : Promise.resolve(),
    token() ? optional("policy", loadPolicy) : Promise.resolve(),
  ]);
}

// ---------- observer: the federation ----------

const dimensions = {
  systems: ["risk_tier", "category", "status", "month"],
  incidents: ["severity", "harm_type", "status", "month", "triage_time"],
};

function fillDimensions() {
  const dataset = $("federation-dataset").value;
  $("federation-dimension").replaceChildren(...dimensions[dataset].map((d) => new Option(label(d), d)));
}

async function loadFederation() {
  const query = new URLSearchParams({ dataset: $("federation-dataset").value, dimensions: $("federation-dimension").value });
  const summary = await call(`/v1/federation/summary?${query}`);
  $("federation-as-of").textContent = `as of ${when(summary.asOf)}`;
  $("federation-partial").hidden = !summary.partial;
  $("federation-rows").replaceChildren(...(summary.rows ?? []).map((r) => {
    const cells = r.cells ?? [];
    const total = cells.reduce((sum, c) => sum + Number(c.count), 0);
    const tr = row(r.node, r.policyVersion ?? 0,
      cell(r.signatureVerified ? "verified" : "NOT verified", r.signatureVerified ? "verified" : "warning"),
      when(r.asOf), r.minCount ?? 0, total, cells.map((c) => `${c.values.map(label).join(" / ")}: ${c.count}`).join(", "));
    tr.dataset.node = r.node;
    return tr;
  }));
  const unanswered = summary.unanswered ?? [];
  $("federation-none-missing").hidden = unanswered.length > 0;
  $("federation-unanswered").replaceChildren(...unanswered.map((u) => {
    const li = document.createElement("li");
    li.dataset.node = u.node;
    li.textContent = `${u.node}: ${label(u.reason)}${u.detail ? ` (${u.detail})` : ""}`;
    return li;
  }));
  const totals = summary.totals ?? [];
  $("federation-totals").replaceChildren(...totals.map((t) => row(t.values.map(label).join(" / "), t.count, (t.nodes ?? []).join(", "))));
  bar("chart-federation-totals", "total", totals.map((t) => t.values.map(label).join(" / ")), totals.map((t) => Number(t.count)));
}

// ---------- observer: maturity by country ----------

const triageLabels = {
  within_1_day: "within 1 day",
  within_7_days: "within 7 days",
  within_30_days: "within 30 days",
  over_30_days: "over 30 days",
  not_triaged: "not triaged yet",
  unspecified: "unknown",
};

function percent(share) {
  return `${Math.round(share * 100)}%`;
}

// What a country did not give, said as it is: its policy's refusal, or no answer (which says nothing about its policy).
function missing(source) {
  const td = cell(source.availability === "not_shared" ? "not shared by policy" : `did not answer (${label(source.reason) || "no answer"})`, "muted");
  td.title = source.detail ?? "";
  return td;
}

// Who supplied the figures: shown on hover, as the federation summary shows it per row.
function provenance(td, source) {
  td.title = `Signed answer of policy version ${source.policyVersion ?? 0}, key ${source.keyId ?? ""}`;
  return td;
}

function withheldNote(source) {
  return source.minCount > 1 ? `; counts below ${source.minCount} withheld` : "";
}

function decidedCell(country) {
  const source = country.registrations ?? {};
  if (source.availability !== "shared") {
    return missing(source);
  }
  const decided = Number(country.decided ?? 0);
  const total = decided + Number(country.awaitingDecision ?? 0);
  const td = cell(country.decidedShare === undefined
    ? `nothing to judge (no submitted registration shown${withheldNote(source)})`
    : `${percent(country.decidedShare)} decided (${decided} of ${total}${withheldNote(source)})`);
  td.dataset.decided = String(decided);
  td.dataset.total = String(total);
  return provenance(td, source);
}

function triageCell(country, order) {
  const source = country.triage ?? {};
  if (source.availability !== "shared") {
    return missing(source);
  }
  const counts = new Map((source.cells ?? []).map((c) => [c.values[0], Number(c.count)]));
  const shown = order.filter((t) => counts.get(t) > 0);
  const total = shown.reduce((sum, t) => sum + counts.get(t), 0);
  const td = document.createElement("td");
  const stack = document.createElement("div");
  stack.className = "stack";
  stack.setAttribute("role", "img");
  stack.setAttribute("aria-label", shown.map((t) => `${triageLabels[t] ?? t}: ${counts.get(t)}`).join(", ") || "no incident shown");
  for (const t of shown) {
    const segment = document.createElement("span");
    segment.className = `segment triage-${t}`;
    // Set through the CSSOM: the page's Content-Security-Policy allows no inline style attribute.
    segment.style.width = `${(100 * counts.get(t)) / total}%`;
    segment.title = `${triageLabels[t] ?? t}: ${counts.get(t)}`;
    segment.dataset.triage = t;
    segment.dataset.count = String(counts.get(t));
    stack.append(segment);
  }
  const text = document.createElement("div");
  text.className = "triage-text";
  text.textContent = country.triagedWithinWeekShare === undefined
    ? `nothing to judge (no incident shown${withheldNote(source)})`
    : `${percent(country.triagedWithinWeekShare)} within 7 days (${country.triagedWithinWeek ?? 0} of ${country.incidentsShown ?? 0}${withheldNote(source)})`;
  const detail = document.createElement("div");
  detail.className = "muted";
  detail.textContent = shown.map((t) => `${triageLabels[t] ?? t}: ${counts.get(t)}`).join(" · ");
  td.append(stack, text, detail);
  return provenance(td, source);
}

function helpCell(country) {
  const hints = country.needsHelpWith ?? [];
  if (hints.length === 0) {
    return cell("nothing below the thresholds in what is shared", "muted");
  }
  const td = document.createElement("td");
  const list = document.createElement("ul");
  list.className = "hints";
  list.append(...hints.map((h) => {
    const li = document.createElement("li");
    li.dataset.area = h.area;
    li.textContent = h.text;
    return li;
  }));
  td.append(list);
  return td;
}

async function loadMaturity() {
  const maturity = await call("/v1/federation/maturity");
  const order = maturity.triageTimes ?? Object.keys(triageLabels);
  const t = maturity.thresholds ?? {};
  $("maturity-as-of").textContent = `as of ${when(maturity.asOf)}`;
  $("maturity-partial").hidden = !maturity.partial;
  $("maturity-rows").replaceChildren(...(maturity.countries ?? []).map((c) => {
    const tr = row(c.node, decidedCell(c), triageCell(c, order), cell(String(c.advisoriesReceived ?? 0)), helpCell(c));
    tr.dataset.node = c.node;
    tr.dataset.registrations = c.registrations?.availability ?? "";
    tr.dataset.triage = c.triage?.availability ?? "";
    return tr;
  }));
  // "unknown" only when a country showed it: it stands for records the lifecycle did not make.
  const present = new Set((maturity.countries ?? []).flatMap((c) => (c.triage?.cells ?? []).map((cell) => cell.values[0])));
  $("maturity-legend").replaceChildren(...order.filter((name) => name !== "unspecified" || present.has(name)).map((name) => {
    const item = document.createElement("span");
    const swatch = document.createElement("span");
    swatch.className = `swatch triage-${name}`;
    item.append(swatch, triageLabels[name] ?? name);
    return item;
  }));
  $("maturity-thresholds").textContent =
    `A country is pointed out for help when, in what its policy shares: fewer than ${percent(t.minDecidedShare ?? 0)} of the registrations ` +
    `submitted to its authority (submitted, under review, or decided) have a decision (registered, rejected, suspended or withdrawn); ` +
    `fewer than ${percent(t.minTriagedWithinWeekShare ?? 0)} of its incidents were triaged within 7 days of being reported (those not yet ` +
    `triaged count against); or ${(t.minAdvisories ?? 1) <= 1 ? "none of its advisories has" : `fewer than ${t.minAdvisories} of its advisories have`} reached ` +
    "this node. Shares are over the counts shown: " +
    "each country withholds counts below its minimum.";
}

async function showFederation() {
  $("federation-view").hidden = false;
  if (!token()) {
    show("Sign in with an observer or authority token to ask the federation.");
    return;
  }
  await Promise.all([
    loadMaturity().catch((e) => show(`Maturity: ${e.message}`)),
    loadFederation().catch((e) => show(e.message)),
  ]);
}

// ---------- the page ----------

function showCaller() {
  const who = claims();
  $("sign-in").hidden = Boolean(who);
  $("signed-in").hidden = !who;
  $("caller").textContent = who ? `Signed in: ${who.role ?? "no role"} (${who.sub ?? "unknown"})` : "";
}

async function start() {
  document.body.dataset.state = "loading";
  showCaller();
  const node = await call("/v1/node");
  document.title = `${node.name} (${node.code})`;
  $("node-name").textContent = `${node.name} (${node.code})`;
  $("node-meta").textContent = `${node.role} node · policy version ${node.policyVersion ?? 0} · ${node.storageProvider} store · version ${node.version}`;
  document.body.dataset.role = node.role;
  if (node.role === "observer") {
    fillDimensions();
    await showFederation();
  } else {
    await loadNational(node);
  }
  document.body.dataset.state = "ready";
}

$("sign-in").addEventListener("submit", (e) => {
  e.preventDefault();
  if ($("token").value.trim()) {
    signIn($("token").value);
    location.reload();
  }
});
$("sign-out").addEventListener("click", () => {
  signOut();
  location.reload();
});
$("register-search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  loadRegister().catch((err) => show(err.message));
});
$("incident-search").addEventListener("input", renderIncidents);
$("federation-dataset").addEventListener("change", fillDimensions);
$("federation-form").addEventListener("submit", (e) => {
  e.preventDefault();
  loadFederation().catch((err) => show(err.message));
});

start().catch((e) => {
  show(`The dashboard could not load: ${e.message}`);
  document.body.dataset.state = "failed";
});
