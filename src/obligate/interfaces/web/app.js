// obligate's web page: a form over POST /v1/determine, "why" from POST /v1/explain, a
// markets × categories matrix from POST /v1/compare and the jurisdiction graph from
// GET /v1/jurisdictions/{code}. Plain JavaScript, no build step; every element is built with
// the DOM API (no HTML strings), so nothing from an answer is ever parsed as markup.
"use strict";

const state = {
  jurisdictions: new Map(), // code -> name
  lastQuery: null, // the body of the last successful determine
  lastAnswer: null,
};

// ------------------------------------------------------------------ small DOM helpers

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

function svg(tag, attributes = {}) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

async function api(method, path, body) {
  const options = { method, headers: { accept: "application/json" } };
  if (body !== undefined) {
    options.headers["content-type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw { message: "The server cannot be reached: " + error.message, fields: [] };
  }
  const data = await response.json().catch(() => null);
  if (response.ok && path === "/v1/determine") {
    analyst.decisionId = response.headers.get("x-decision-id");
  }
  if (!response.ok) {
    const problem = (data && data.error) || {};
    throw {
      message: problem.message || `The server answered ${response.status}.`,
      fields: problem.fields || [],
      code: problem.code,
    };
  }
  return data;
}

function placeName(code) {
  const name = state.jurisdictions.get(code);
  return name ? `${code} · ${name}` : code;
}

// Accept a code ("de" or "DE") or a name ("Germany") and give the code.
function toCode(text) {
  const value = text.trim();
  if (!value) return "";
  const upper = value.toUpperCase();
  if (state.jurisdictions.has(upper)) return upper;
  const lower = value.toLowerCase();
  for (const [code, name] of state.jurisdictions) {
    if (name.toLowerCase() === lower || `${code} · ${name}`.toLowerCase() === lower) return code;
  }
  return value;
}

// ------------------------------------------------------------------ start-up

async function start() {
  $("date").value = new Date().toISOString().slice(0, 10);
  wireTabs();
  $("query-form").addEventListener("submit", onSubmit);
  $("compare-form").addEventListener("submit", onCompare);
  $("glossary-form").addEventListener("submit", onGlossary);
  $("add-count").addEventListener("click", () => addCountRow("", ""));
  $("service-file").addEventListener("change", onServiceFile);
  window.addEventListener("popstate", () => {
    if (queryFromAddress()) ask({ remember: false });
  });
  try {
    const [info, vocabulary, places, glossary] = await Promise.all([
      api("GET", "/v1/rulebase"),
      api("GET", "/v1/vocabulary"),
      api("GET", "/v1/jurisdictions"),
      api("GET", "/v1/terms"),
    ]);
    $("term").replaceChildren(...glossary.terms.map((t) =>
      el("option", { value: t.term, title: t.meaning }, t.term.replaceAll("_", " "))));
    const release = (info.rulebase.libraries || [])
      .map((l) => ` · ${l.name} ${l.version || ""}${l.law_read ? `, law read ${l.law_read}` : ""}`)
      .join("");
    $("rulebase-line").textContent =
      `Rule base ${info.version}: ${info.counts.duties} duties, ` +
      `${info.counts.jurisdictions} jurisdictions, ${info.counts.instruments} instruments` +
      `${release}.`;
    fillChecks("types", "type", vocabulary.types);
    fillChecks("features", "feature", vocabulary.features);
    buildFacts(vocabulary);
    const list = $("jurisdiction-list");
    for (const place of places.jurisdictions) {
      state.jurisdictions.set(place.code, place.name);
      list.append(el("option", { value: place.code, label: place.name }));
    }
    addCountRow("", "");
    const asked = queryFromAddress();
    document.body.dataset.ready = "true";
    if (asked) ask({ remember: false });
  } catch (error) {
    $("rulebase-line").textContent = "The rule base could not be loaded: " + error.message;
  }
}

function fillChecks(boxId, prefix, words) {
  const box = $(boxId);
  box.replaceChildren();
  for (const word of words) {
    const id = `${prefix}-${word.name}`;
    box.append(
      el(
        "div",
        { class: "check" },
        el("input", { type: "checkbox", id, name: boxId, value: word.name }),
        el("label", { for: id, title: word.description || "" }, word.name.replaceAll("_", " ")),
      ),
    );
  }
}

let countRows = 0;
function addCountRow(code, count) {
  countRows += 1;
  const n = countRows;
  const row = el(
    "div",
    { class: "count-row" },
    el("label", { for: `count-place-${n}`, class: "visually-hidden" }, `Market ${n}`),
    el("input", {
      id: `count-place-${n}`, class: "count-place", list: "jurisdiction-list",
      placeholder: "market, e.g. EU", autocomplete: "off", value: code,
    }),
    el("label", { for: `count-value-${n}`, class: "visually-hidden" }, `Users in market ${n}`),
    el("input", {
      id: `count-value-${n}`, class: "count-value", type: "number", min: "0", step: "1",
      placeholder: "users per month", inputmode: "numeric", value: count,
    }),
  );
  row.append(
    el("button", {
      type: "button", class: "secondary small", "aria-label": `Remove market ${n}`,
      onclick: () => row.remove(),
    }, "Remove"),
  );
  $("user-counts").append(row);
}

// ------------------------------------------------------------------ the query

function readService() {
  const service = {};
  const checked = (name) =>
    [...document.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
  const types = checked("types");
  const features = checked("features");
  if (types.length) service.types = types;
  if (features.length) service.features = features;
  const counts = {};
  for (const row of document.querySelectorAll(".count-row")) {
    const place = toCode(row.querySelector(".count-place").value);
    const value = row.querySelector(".count-value").value;
    if (place && value !== "") counts[place] = Number(value);
  }
  if (Object.keys(counts).length) service.monthly_active_users = counts;
  readFacts(service);
  return service;
}

function readQuery() {
  const user = { location: toCode($("location").value) };
  const age = $("age").value;
  if (age !== "") user.age = Number(age);
  return { service: readService(), user, date: $("date").value };
}

const FIELD_INPUTS = {
  "user.location": "location",
  "user.age": "age",
  date: "date",
  "service.established_in": "established_in",
  "service.employees": "employees",
  "service.annual_turnover_eur": "annual_turnover_eur",
  "service.associations": "associations",
  markets: "markets",
  ages: "ages",
};

// The nearest jurisdiction to what was typed, by name or code (edit distance), for a
// "did you mean" beside an unknown place; the API suggests codes, this adds names.
function nearestPlace(typed) {
  const text = String(typed).toLowerCase();
  let best = null;
  let bestDistance = Infinity;
  for (const [code, name] of state.jurisdictions) {
    for (const candidate of [code.toLowerCase(), name.toLowerCase()]) {
      const d = distance(text, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = `${name} (${code})`;
      }
    }
  }
  return bestDistance <= Math.max(1, Math.floor(text.length / 3)) ? best : null;
}

function distance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost));
    }
    previous = current;
  }
  return previous[b.length];
}

// A field error names a field ("service.employees"); the form's input for it, if any.
function inputFor(field) {
  if (FIELD_INPUTS[field]) return $(FIELD_INPUTS[field]);
  const name = field.startsWith("service.") ? field.slice(8).split("[")[0] : "";
  return name ? $(name) : null;
}

function showErrors(boxId, error) {
  const box = $(boxId);
  for (const input of document.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
  box.replaceChildren(el("p", { class: "error-title" }, error.message));
  const list = el("ul");
  for (const field of error.fields || []) {
    let text = `${field.field}: ${field.message}`;
    if (field.value !== null && field.value !== undefined) text += ` (found ${JSON.stringify(field.value)})`;
    if (field.hint) text += ` · ${field.hint}`;
    else if (field.message === "unknown jurisdiction" && typeof field.value === "string") {
      const near = nearestPlace(field.value);
      if (near) text += ` · did you mean ${near}?`;
    }
    if (field.accepted) text += ` · accepted: ${field.accepted}`;
    list.append(el("li", {}, text));
    const input = inputFor(field.field);
    if (input) input.setAttribute("aria-invalid", "true");
  }
  if (list.children.length) box.append(list);
  box.hidden = false;
  box.focus();
}

function clearErrors(boxId) {
  $(boxId).hidden = true;
  $(boxId).replaceChildren();
  for (const input of document.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
}

async function onSubmit(event) {
  event.preventDefault();
  await ask({ remember: true });
}

// Ask the form's query; ``remember`` puts it in the page's address (a new history entry).
async function ask({ remember }) {
  const query = readQuery();
  if (!query.user.location) {
    showErrors("form-errors", {
      message: "Say where the user is.",
      fields: [{ field: "user.location", message: "required: a jurisdiction code such as DE" }],
    });
    return;
  }
  clearErrors("form-errors");
  const button = $("submit");
  button.disabled = true;
  button.textContent = "Finding duties…";
  try {
    const answer = await api("POST", "/v1/determine", query);
    state.lastQuery = query;
    state.lastAnswer = answer;
    if (remember) rememberQuery(query);
    renderAnswer(answer);
    prefillMarkets(query);
    $("graph").replaceChildren();
    selectTab("tab-duties");
    document.body.dataset.answered = "true";
    $("results-heading").focus();
  } catch (error) {
    showErrors("form-errors", error);
  } finally {
    button.disabled = false;
    button.textContent = "Find duties";
  }
}

// ------------------------------------------------------------------ the answer

const STATUS_WORDS = {
  in_force: "in force",
  enjoined: "enjoined",
  pending: "pending",
  repealed: "repealed",
  upcoming: "upcoming",
};

function badge(kind, text) {
  return el("span", { class: `badge badge-${kind}` }, text);
}

function citationLink(citation) {
  const words = `${citation.instrument} ${citation.provision}`;
  if (!citation.url) return el("span", { class: "citation" }, words);
  return el(
    "a",
    {
      class: "citation", href: citation.url, target: "_blank", rel: "noopener noreferrer",
      title: `${citation.instrument_title}: official text (opens in a new tab)`,
    },
    words,
  );
}

function dutyCard(duty, extra) {
  const whyId = `why-${extra.section}-${duty.id}`;
  const status = extra.status || duty.status;
  const card = el(
    "article",
    { class: "duty", "data-duty": duty.id, "aria-labelledby": `title-${extra.section}-${duty.id}` },
    el(
      "div",
      { class: "duty-head" },
      el("h4", { id: `title-${extra.section}-${duty.id}` }, duty.title),
      el("div", { class: "badges" },
        badge(status, STATUS_WORDS[status] || status.replaceAll("_", " ")),
        extra.changes ? badge("upcoming", "changes coming") : null,
        badge("modality", duty.modality),
      ),
    ),
    el(
      "p",
      { class: "duty-meta" },
      el("code", { class: "duty-id" }, duty.id), " · ", citationLink(duty.citation),
      " · ", duty.category.replaceAll("_", " "),
      duty.deadline ? ` · deadline: ${duty.deadline.text}` : "",
      duty.effective ? ` · from ${duty.effective}` : "",
      duty.until ? ` · until ${duty.until}` : "",
    ),
  );
  if (extra.detail) card.append(el("p", { class: "duty-detail" }, extra.detail));
  const why = el("div", { class: "why", id: whyId, hidden: true });
  const button = el(
    "button",
    { type: "button", class: "secondary small why-button", "aria-expanded": "false", "aria-controls": whyId },
    "Why?",
  );
  button.addEventListener("click", () => toggleWhy(button, why, duty));
  card.append(button, why);
  return card;
}

async function toggleWhy(button, box, duty) {
  const open = button.getAttribute("aria-expanded") === "true";
  if (open) {
    button.setAttribute("aria-expanded", "false");
    button.textContent = "Why?";
    box.hidden = true;
    return;
  }
  button.setAttribute("aria-expanded", "true");
  button.textContent = "Hide why";
  box.hidden = false;
  if (box.dataset.loaded) return;
  box.replaceChildren(el("p", { class: "muted" }, "Asking why…"));
  try {
    const query = state.lastQuery;
    const explanation = await api("POST", "/v1/explain", { duty: duty.id, ...query });
    // The reasons as sentences from the rule's own words; the engine's notation only when a
    // rule has no words for them.
    const reasons = explanation.words && explanation.words.length
      ? explanation.words : explanation.reasons;
    box.replaceChildren(
      el("p", {}, el("strong", {}, `Outcome: ${explanation.outcome.replaceAll("_", " ")}`)),
      el("ul", { class: "reasons" }, reasons.map((r) => el("li", {}, r))),
      explanation.note
        ? el("blockquote", { class: "law-note" }, explanation.note) : null,
      el("p", { class: "muted source" }, `Rule: ${duty.source}`),
    );
    box.dataset.loaded = "true";
  } catch (error) {
    box.replaceChildren(
      el("ul", { class: "reasons" }, (duty.because || []).map((r) => el("li", {}, r))),
      el("p", { class: "error-title" }, `The full explanation failed: ${error.message}`),
    );
  }
}

function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) {
    const value = item[key];
    if (!groups.has(value)) groups.set(value, []);
    groups.get(value).push(item);
  }
  return groups;
}

function renderAnswer(answer) {
  $("duties-empty").hidden = true;
  const root = $("answer");
  root.replaceChildren();
  const user = answer.query.user;
  const upcomingIds = new Set(answer.upcoming.map((d) => d.id));
  root.append(exportBar(answer));
  root.append(
    el("p", { class: "summary" },
      `${answer.duties.length} duties apply to a user `,
      user.age !== undefined ? `aged ${user.age} ` : "of unknown age ",
      `in ${placeName(user.location)} on ${answer.query.date}. `,
      `Law reaching the user: ${answer.jurisdictions.join(", ")}.`,
    ),
    provenance(answer),
  );
  const parameters = Object.entries(answer.parameters);
  if (parameters.length) {
    root.append(
      el("p", { class: "parameters" },
        parameters.map(([name, p]) =>
          el("span", { class: "parameter" }, `${name.replaceAll("_", " ")}: ${p.value} (from ${p.from})`))),
    );
  }
  const groups = groupBy(answer.duties, "jurisdiction");
  for (const [place, duties] of groups) {
    root.append(
      el("section", { class: "group", "aria-labelledby": `group-${place}` },
        el("h3", { id: `group-${place}` }, placeName(place),
          el("span", { class: "count" }, ` ${duties.length} ${duties.length === 1 ? "duty" : "duties"}`)),
        duties.map((d) => dutyCard(d, { section: "duty", changes: upcomingIds.has(d.id) }))),
    );
  }
  section(root, "Open questions", "conditional", answer.conditional,
    (d) => {
      const card = dutyCard(d, { section: "conditional", status: d.status,
        detail: `Applies depending on: ${d.depends_on.join(", ")}.` });
      card.insertBefore(questionsFor(d), card.querySelector(".why-button"));
      return card;
    },
    "Duties that turn on facts the query left out: answer a question here to ask again.");
  section(root, "Suspended on this date", "suspended", answer.suspended,
    (d) => dutyCard(d, { section: "suspended", status: d.why.status, detail: d.why.detail }),
    "Duties whose law is enjoined, pending or repealed on the date.");
  section(root, "Upcoming", "upcoming", answer.upcoming,
    (d) => dutyCard(d, { section: "upcoming", status: "upcoming",
      detail: d.changes.map((c) => `${c.date}: ${c.detail}`).join("; ") }),
    "Changes within the next year.");
  if (answer.displaced.length) {
    root.append(
      el("section", { class: "group" },
        el("h3", {}, "Displaced by a more specific duty"),
        el("ul", {}, answer.displaced.map((d) =>
          el("li", {}, el("code", {}, d.id), ` by `, el("code", {}, d.by), " · ", citationLink(d.citation))))),
    );
  }
}

function section(root, title, key, items, card, help) {
  if (!items.length) return;
  root.append(
    el("section", { class: `group group-${key}`, "aria-labelledby": `group-${key}` },
      el("h3", { id: `group-${key}` }, title, el("span", { class: "count" }, ` ${items.length}`)),
      el("p", { class: "muted" }, help),
      items.map(card)),
  );
}

// ------------------------------------------------------------------ tabs

function wireTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab.id));
    tab.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(tab);
      let next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
      if (event.key === "Home") next = tabs[0];
      if (event.key === "End") next = tabs[tabs.length - 1];
      if (next) {
        event.preventDefault();
        selectTab(next.id);
        next.focus();
      }
    });
  }
}

function selectTab(id) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.id === id;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !selected;
  }
  if (id === "tab-graph") drawGraph();
}

// ------------------------------------------------------------------ compare

function prefillMarkets(query) {
  const input = $("markets");
  if (input.value.trim()) return;
  const markets = [query.user.location];
  if (query.service.established_in) markets.push(query.service.established_in);
  for (const code of ["DE", "FR", "GB", "US-CA", "AU"]) {
    if (markets.length < 5 && state.jurisdictions.has(code)) markets.push(code);
  }
  input.value = [...new Set(markets)].join(", ");
}

// A cell's state (harmonise/cells.py): applies, conditional, not applicable, no duty in this
// law, not encoded. An "applies" cell is coloured by the strongest modality among its duties.
const CELL_CLASS = {
  conditional: "cell-conditional",
  "not applicable": "cell-none",
  "no duty in this law": "cell-none",
  "not encoded": "cell-unknown",
};
const MODALITY_CLASS = {
  prohibition: "cell-prohibited",
  obligation: "cell-required",
  permission: "cell-permitted",
};

function cellClass(cell) {
  if (cell.state !== "applies") return CELL_CLASS[cell.state] || "";
  const found = ["prohibition", "obligation", "permission"].find(
    (modality) => (cell.modalities || []).includes(modality));
  return found ? MODALITY_CLASS[found] : "cell-required";
}

async function onCompare(event) {
  event.preventDefault();
  const markets = $("markets").value.split(",").map(toCode).filter(Boolean);
  const body = {
    service: state.lastQuery ? state.lastQuery.service : readService(),
    markets,
    date: $("date").value,
  };
  const ages = $("ages").value.trim();
  if (ages) body.ages = ages;
  clearErrors("compare-errors");
  const button = $("compare-submit");
  button.disabled = true;
  button.textContent = "Comparing…";
  try {
    renderMatrix(await api("POST", "/v1/compare", body));
  } catch (error) {
    showErrors("compare-errors", error);
  } finally {
    button.disabled = false;
    button.textContent = "Compare";
  }
}

function renderMatrix(comparison) {
  const head = el("tr", {}, el("th", { scope: "col" }, "Category"),
    comparison.markets.map((m) => el("th", { scope: "col" }, placeName(m))));
  const rows = comparison.categories.map((category) =>
    el("tr", {},
      el("th", { scope: "row" }, category.replaceAll("_", " ")),
      comparison.markets.map((market) => matrixCell(comparison.cells[category][market]))));
  const bands = comparison.bands.map((b) => (b.low === b.high ? `${b.low}` : `${b.low}–${b.high}`));
  $("matrix").replaceChildren(
    el("p", { class: "muted" },
      `Read on ${comparison.date} for ages ${bands.join(", ")} · rule base ${comparison.version}.`),
    el("div", { class: "matrix-scroll", tabindex: "0", role: "region", "aria-label": "Markets by category" },
      el("table", { class: "matrix", id: "matrix-table" },
        el("caption", {}, "Duties by category (rows) and market (columns)"),
        el("thead", {}, head), el("tbody", {}, rows))),
  );
}

function matrixCell(cell) {
  const td = el("td", { class: `cell ${cellClass(cell)}`, "data-state": cell.state },
    el("span", { class: "cell-state" }, cell.state));
  if (cell.duties.length) {
    td.append(el("ul", { class: "cell-duties" }, cell.duties.map((d) =>
      el("li", {},
        citationLink(d.citation),
        el("span", { class: "muted" }, ` ${d.ages}`),
        d.deadline ? el("span", { class: "muted" }, ` · ${d.deadline.text}`) : null,
        el("span", { class: "visually-hidden" }, ` ${d.id}: ${d.title}`)))));
  }
  if (cell.conditional && cell.conditional.length) {
    td.append(el("p", { class: "cell-note" }, `open: ${cell.conditional.join(", ")}`));
  }
  if (cell.suspended && cell.suspended.length) {
    td.append(el("p", { class: "cell-note" }, `suspended: ${cell.suspended.join(", ")}`));
  }
  return td;
}

// ------------------------------------------------------------------ glossary

async function onGlossary(event) {
  event.preventDefault();
  const term = $("term").value;
  const markets = $("glossary-markets").value.split(",").map(toCode).filter(Boolean);
  const params = new URLSearchParams();
  if (markets.length) params.set("markets", markets.join(","));
  if ($("date").value) params.set("date", $("date").value);
  clearErrors("glossary-errors");
  const button = $("glossary-submit");
  button.disabled = true;
  try {
    const found = await api("GET", `/v1/terms/${encodeURIComponent(term)}?${params}`);
    renderGlossary(found);
  } catch (error) {
    showErrors("glossary-errors", error);
  } finally {
    button.disabled = false;
  }
}

function renderGlossary(found) {
  const blocks = found.terms.map((term) => {
    const rows = term.markets.flatMap((market) => {
      if (!market.definitions.length) {
        return [el("tr", {}, el("th", { scope: "row" }, placeName(market.market)),
          el("td", { colspan: "4", class: "muted" }, market.state))];
      }
      return market.definitions.map((d, index) =>
        el("tr", {},
          index === 0 ? el("th", { scope: "row", rowspan: String(market.definitions.length) },
            placeName(market.market)) : null,
          el("td", {}, d.word),
          el("td", {}, d.wording === "quote" ? `“${d.text}”`
            : el("span", {}, el("span", { class: "muted" }, `(${d.wording}) `), d.text)),
          el("td", {}, citationLink(d.citation)),
          el("td", {}, Object.entries(d.attributes).map(([k, v]) =>
            el("div", {}, `${k.replaceAll("_", " ")}: ${v === true ? "yes" : v === false ? "no" : v}`)))));
    });
    const divergences = term.divergences.map((d) =>
      el("li", { class: d.differs ? "differs" : "" }, `${d.attribute.replaceAll("_", " ")} (${d.label}): ${d.detail}`));
    return el("section", { class: "glossary-term" },
      el("h3", {}, term.term.replaceAll("_", " ")),
      el("p", { class: "muted" }, term.meaning),
      el("div", { class: "matrix-scroll", tabindex: "0", role: "region", "aria-label": `Definitions of ${term.term}` },
        el("table", { class: "matrix" },
          el("thead", {}, el("tr", {}, ["Market", "The law's word", "Definition", "Citation", "Attributes"]
            .map((h) => el("th", { scope: "col" }, h)))),
          el("tbody", {}, rows))),
      divergences.length ? el("ul", { class: "divergences" }, divergences) : null);
  });
  $("glossary").replaceChildren(el("p", { class: "muted" }, `Read on ${found.date}.`), ...blocks);
}

// ------------------------------------------------------------------ graph

async function drawGraph() {
  const box = $("graph");
  if (box.childElementCount) return;
  const query = state.lastQuery;
  if (!query) {
    box.replaceChildren(el("p", { class: "muted" }, "Ask a question first."));
    return;
  }
  const roots = [query.user.location];
  if (query.service.established_in && query.service.established_in !== query.user.location) {
    roots.push(query.service.established_in);
  }
  try {
    const details = await Promise.all(
      roots.map((code) => api("GET", `/v1/jurisdictions/${encodeURIComponent(code)}?date=${query.date}`)));
    box.replaceChildren(graphPicture(details, state.lastAnswer), graphList(details));
  } catch (error) {
    box.replaceChildren(el("p", { class: "error-title" }, error.message));
  }
}

function graphPicture(details, answer) {
  // Layers by distance from the roots, so the law flows upwards: place, union, treaty.
  const level = new Map();
  const edges = new Map();
  for (const detail of details) {
    const queue = [[detail.code, 0]];
    const parents = new Map();
    for (const edge of detail.edges) {
      if (!parents.has(edge.child)) parents.set(edge.child, []);
      parents.get(edge.child).push(edge);
      edges.set(`${edge.child}>${edge.parent}`, edge);
    }
    while (queue.length) {
      const [code, depth] = queue.shift();
      if (level.has(code) && level.get(code) >= depth) continue;
      level.set(code, Math.max(depth, level.get(code) || 0));
      for (const edge of parents.get(code) || []) queue.push([edge.parent, depth + 1]);
    }
  }
  const counts = new Map();
  for (const duty of (answer && answer.duties) || []) {
    counts.set(duty.jurisdiction, (counts.get(duty.jurisdiction) || 0) + 1);
  }
  const layers = [];
  for (const [code, depth] of level) (layers[depth] = layers[depth] || []).push(code);
  const boxWidth = 200, boxHeight = 52, gapX = 28, gapY = 70;
  const widest = Math.max(...layers.map((l) => l.length));
  const width = Math.max(widest * (boxWidth + gapX) + gapX, 400);
  const height = layers.length * (boxHeight + gapY) + 20;
  const position = new Map();
  layers.forEach((codes, depth) => {
    codes.sort();
    const used = codes.length * (boxWidth + gapX) - gapX;
    codes.forEach((code, i) => {
      position.set(code, {
        x: (width - used) / 2 + i * (boxWidth + gapX),
        y: height - (depth + 1) * (boxHeight + gapY) + gapY / 2,
      });
    });
  });
  const picture = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "graph",
    "aria-label": "Jurisdiction graph: " + [...edges.values()]
      .map((e) => `${e.child} ${e.kind.replace("_", " ")} ${e.parent}`).join("; "),
  });
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5",
    markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }));
  defs.append(marker);
  picture.append(defs);
  for (const edge of edges.values()) {
    const from = position.get(edge.child), to = position.get(edge.parent);
    if (!from || !to) continue;
    const x1 = from.x + boxWidth / 2, y1 = from.y, x2 = to.x + boxWidth / 2, y2 = to.y + boxHeight;
    const line = svg("line", { x1, y1, x2, y2, class: `edge edge-${edge.kind}`, "marker-end": "url(#arrow)" });
    const title = svg("title");
    title.textContent = `${edge.child} ${edge.kind.replace("_", " ")} ${edge.parent}`;
    line.append(title);
    picture.append(line);
  }
  for (const [code, at] of position) {
    const group = svg("g", { class: "node" + (level.get(code) === 0 ? " node-root" : "") });
    group.append(svg("rect", { x: at.x, y: at.y, width: boxWidth, height: boxHeight, rx: "6" }));
    const heading = svg("text", { x: at.x + 10, y: at.y + 21, class: "node-code" });
    heading.textContent = `${code}`;
    const detail = svg("text", { x: at.x + 10, y: at.y + 40, class: "node-detail" });
    const n = counts.get(code) || 0;
    const name = state.jurisdictions.get(code) || "";
    const label = name.length > 20 ? name.slice(0, 19) + "…" : name;
    detail.textContent = `${label}${n ? ` · ${n}` : ""}`;
    const tip = svg("title");
    tip.textContent = `${code}: ${name}${n ? `, ${n} duties in the answer` : ""}`;
    group.append(tip);
    group.append(heading, detail);
    picture.append(group);
  }
  return picture;
}

function graphList(details) {
  const items = [];
  const seen = new Set();
  for (const detail of details) {
    for (const edge of detail.edges) {
      const key = `${edge.child}>${edge.parent}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(el("li", {}, `${placeName(edge.child)} ${edge.kind.replace("_", " ")} ${placeName(edge.parent)}`));
    }
  }
  return el("div", {},
    el("p", { class: "legend" },
      el("span", { class: "key key-member_of" }, "member of"),
      el("span", { class: "key key-part_of" }, "part of"),
      el("span", { class: "key key-party_to" }, "party to"),
      el("span", { class: "muted" }, " · the number beside a name: duties from it in the answer")),
    el("details", { class: "graph-list" }, el("summary", {}, "The same graph as a list"),
      el("ul", {}, items)));
}

document.addEventListener("DOMContentLoaded", start);
