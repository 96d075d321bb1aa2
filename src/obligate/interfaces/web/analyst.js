// The analyst's tools on obligate's web page, beside app.js (which loads after this file and
// calls these functions): every service fact of the vocabulary as a form field, a service
// YAML read into the form, the query kept in the page's address (a permalink that survives a
// reload), open questions answered in place, and the answer exported as CSV, Markdown or JSON.
// Like app.js, everything is built with the DOM API: nothing from a file or an answer is ever
// parsed as markup.
"use strict";

// Facts with a hand-made control in index.html (types and features are check boxes, the user
// counts a list of market rows); every other service fact gets a field made from its type.
const FORM_FACTS = new Set(["types", "features", "monthly_active_users"]);
// The shared facts first (TAXONOMY.md), in this order; then every fact a rule family declares.
const SHARED_FACTS = [
  "established_in", "employees", "annual_turnover_eur", "directed_at_children",
  "likely_accessed_by_children", "associations",
];

const analyst = {
  facts: new Map(), // name -> {type, description}
  decisionId: null,
};

function humanName(name) {
  return name.replaceAll("_", " ");
}

// ------------------------------------------------------------------ every fact a field

function buildFacts(vocabulary) {
  const service = vocabulary.facts.filter((f) => f.subject === "service");
  for (const fact of service) analyst.facts.set(fact.name, fact);
  const shared = SHARED_FACTS.filter((n) => analyst.facts.has(n)).map((n) => analyst.facts.get(n));
  const others = service
    .filter((f) => !FORM_FACTS.has(f.name) && !SHARED_FACTS.includes(f.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  $("shared-facts").replaceChildren(...shared.map(factField));
  $("more-facts-list").replaceChildren(...others.map(factField));
  $("more-facts-count").textContent = `${others.length}`;
}

function factField(fact) {
  const id = fact.name;
  const help = `${id}-help`;
  const label = el("label", { for: id }, humanName(fact.name));
  const described = el("p", { class: "help", id: help }, fact.description || "");
  let input;
  if (fact.type === "boolean") {
    input = el("select", { id, name: id, "data-fact": fact.type, "aria-describedby": help },
      el("option", { value: "" }, "not known"),
      el("option", { value: "true" }, "yes"),
      el("option", { value: "false" }, "no"));
  } else if (fact.type === "number") {
    input = el("input", {
      id, name: id, type: "number", min: "0", step: "any", inputmode: "numeric",
      "data-fact": fact.type, "aria-describedby": help,
    });
  } else if (fact.type === "jurisdiction") {
    input = el("input", {
      id, name: id, list: "jurisdiction-list", autocomplete: "off", "data-fact": fact.type,
      placeholder: "type to search, e.g. IE or Ireland", "aria-describedby": help,
    });
  } else if (fact.type === "names") {
    input = el("input", {
      id, name: id, "data-fact": fact.type, "aria-describedby": help,
      placeholder: "comma-separated; none when none",
    });
  } else {
    input = el("input", { id, name: id, "data-fact": "text", "aria-describedby": help });
  }
  return el("div", { class: "field fact", "data-fact-name": id }, label, input, described);
}

// The service facts the form's fields hold (not the check boxes or the user counts).
function readFacts(service) {
  for (const input of document.querySelectorAll("[data-fact]")) {
    const raw = input.value.trim();
    if (raw === "") continue;
    const kind = input.dataset.fact;
    if (kind === "boolean") service[input.id] = raw === "true";
    else if (kind === "number") service[input.id] = Number(raw);
    else if (kind === "jurisdiction") service[input.id] = toCode(raw);
    else if (kind === "names") {
      service[input.id] = raw.toLowerCase() === "none"
        ? [] : raw.split(",").map((a) => a.trim()).filter(Boolean);
    } else service[input.id] = raw;
  }
  return service;
}

// Put a service's facts into the form (a file, the address, an answered question).
function fillService(service) {
  const unknown = [];
  for (const box of ["types", "features"]) {
    const wanted = new Set(service[box] || []);
    for (const input of document.querySelectorAll(`input[name="${box}"]`)) {
      input.checked = wanted.has(input.value);
      wanted.delete(input.value);
    }
    for (const word of wanted) unknown.push(`${box}: ${word}`);
  }
  $("user-counts").replaceChildren();
  for (const [code, count] of Object.entries(service.monthly_active_users || {})) {
    addCountRow(code, String(count));
  }
  if (!$("user-counts").children.length) addCountRow("", "");
  for (const input of document.querySelectorAll("[data-fact]")) {
    setFact(input, service[input.id]);
  }
  for (const name of Object.keys(service)) {
    if (!FORM_FACTS.has(name) && !$(name)) unknown.push(name);
  }
  const filledOthers = [...document.querySelectorAll("#more-facts-list [data-fact]")]
    .some((input) => input.value !== "");
  if (filledOthers) $("more-facts").open = true;
  return unknown;
}

function setFact(input, value) {
  if (value === undefined || value === null) input.value = "";
  else if (input.dataset.fact === "names") input.value = value.length ? value.join(", ") : "none";
  else input.value = String(value);
}

// ------------------------------------------------------------------ a service file

async function onServiceFile(event) {
  const file = event.target.files[0];
  const status = $("service-file-status");
  if (!file) return;
  let service;
  try {
    const text = await file.text();
    if (text.length > 1_000_000) throw new Error("the file is larger than 1 MB");
    service = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: true });
    if (service === null || service === undefined) service = {};
    if (typeof service !== "object" || Array.isArray(service)) {
      throw new Error("it must hold a mapping of service facts (name: value)");
    }
  } catch (error) {
    status.textContent = `${file.name} could not be read: ${error.message}`;
    status.className = "help error-title";
    return;
  }
  const unknown = fillService(service);
  const count = Object.keys(service).length;
  status.className = "help";
  status.textContent = `Read ${count} ${count === 1 ? "fact" : "facts"} from ${file.name}.` +
    (unknown.length ? ` Not in this rule base's vocabulary: ${unknown.join(", ")}.` : "");
}

// ------------------------------------------------------------------ the query in the address

// A query as address parameters: location, age, date, then each service fact by its name
// (lists comma-separated, user counts as CODE:NUMBER pairs), so a link reads like the query.
function queryToParams(query) {
  const params = new URLSearchParams();
  params.set("location", query.user.location);
  if (query.user.age !== undefined) params.set("age", String(query.user.age));
  params.set("date", query.date);
  for (const [name, value] of Object.entries(query.service)) {
    if (Array.isArray(value)) params.set(name, value.length ? value.join(",") : "none");
    else if (value !== null && typeof value === "object") {
      params.set(name, Object.entries(value).map(([k, v]) => `${k}:${v}`).join(","));
    } else params.set(name, String(value));
  }
  return params;
}

function paramsToQuery(params) {
  const service = {};
  for (const [name, raw] of params) {
    if (["location", "age", "date"].includes(name)) continue;
    const fact = analyst.facts.get(name);
    const type = fact ? fact.type : name === "types" || name === "features" ? "names" : "text";
    if (type === "names" || name === "types" || name === "features") {
      service[name] = raw === "none" ? [] : raw.split(",").filter(Boolean);
    } else if (type === "number per jurisdiction") {
      service[name] = Object.fromEntries(raw.split(",").filter(Boolean).map((pair) => {
        const [code, count] = pair.split(":");
        return [code, Number(count)];
      }));
    } else if (type === "boolean") service[name] = raw === "true";
    else if (type === "number") service[name] = Number(raw);
    else service[name] = raw;
  }
  const user = { location: params.get("location") || "" };
  if (params.get("age") !== null && params.get("age") !== "") user.age = Number(params.get("age"));
  return { service, user, date: params.get("date") || "" };
}

function rememberQuery(query) {
  const address = `${location.pathname}?${queryToParams(query)}`;
  if (`${location.pathname}${location.search}` !== address) history.pushState(null, "", address);
}

// On load (and on back/forward): a query in the address fills the form and is answered.
function queryFromAddress() {
  const params = new URLSearchParams(location.search);
  if (!params.get("location")) return false;
  const query = paramsToQuery(params);
  fillService(query.service);
  $("location").value = query.user.location;
  $("age").value = query.user.age === undefined ? "" : String(query.user.age);
  if (query.date) $("date").value = query.date;
  return true;
}

// ------------------------------------------------------------------ open questions in place

// One question per fact a conditional duty turns on, answerable where it is asked: the answer
// goes into the form and the query is asked again.
function questionsFor(duty) {
  const box = el("div", { class: "questions" });
  for (const path of duty.depends_on) {
    box.append(question(duty.id, path));
  }
  return box;
}

function question(dutyId, path) {
  const id = `q-${dutyId}-${path}`.replace(/[^A-Za-z0-9_-]/g, "-");
  const row = el("div", { class: "question", "data-question": path });
  const match = /^(service|user)\.([A-Za-z0-9_]+)(.*)$/.exec(path);
  if (!match) {
    // not a fact of the query (e.g. a parameter the law leaves unset here): say so
    row.append(el("span", { class: "question-text" }, `Turns on ${path}, which no fact of the query sets.`));
    return row;
  }
  const [, subject, name, rest] = match;
  if (subject === "user" && name === "age") {
    row.append(
      el("label", { for: id }, "How old is the user?"),
      el("input", { id, type: "number", min: "0", max: "130", step: "1", inputmode: "numeric" }),
      el("button", { type: "button", class: "small", onclick: () => answerWith(() => {
        $("age").value = $(id).value;
      }) }, "Answer"),
    );
    return row;
  }
  if (name === "types" || name === "features") {
    row.append(
      el("span", {}, `Which ${name} does the service have? `),
      el("button", { type: "button", class: "secondary small", onclick: () => {
        $(`${name}-box`).scrollIntoView({ block: "center" });
        const first = document.querySelector(`input[name="${name}"]`);
        if (first) first.focus();
      } }, `Tick them in the form`),
    );
    return row;
  }
  const fact = analyst.facts.get(name);
  const words = fact && fact.description ? fact.description : humanName(name);
  if (fact && fact.type === "boolean") {
    row.append(
      el("span", { class: "question-text" }, `Does this hold? ${words}.`),
      el("span", { class: "question-answers" },
        el("button", { type: "button", class: "small", "aria-label": `Yes: ${words}`,
          onclick: () => answerWith(() => { $(name).value = "true"; }) }, "Yes"),
        el("button", { type: "button", class: "small secondary", "aria-label": `No: ${words}`,
          onclick: () => answerWith(() => { $(name).value = "false"; }) }, "No")),
    );
    return row;
  }
  const target = $(name);
  const control = fact && fact.type === "jurisdiction"
    ? el("input", { id, list: "jurisdiction-list", autocomplete: "off" })
    : el("input", { id, type: fact && fact.type === "number" ? "number" : "text" });
  row.append(
    el("label", { for: id }, `${words[0].toUpperCase()}${words.slice(1)}?`),
    control,
    el("button", { type: "button", class: "small", onclick: () => answerWith(() => {
      if (target) target.value = $(id).value;
      else if (name === "monthly_active_users") {
        const code = (rest.match(/\[(.*)\]/) || [])[1] || "";
        addCountRow(code, $(id).value);
      }
    }) }, "Answer"),
  );
  return row;
}

function answerWith(change) {
  change();
  $("query-form").requestSubmit();
}

// ------------------------------------------------------------------ export

const EXPORT_SECTIONS = [
  ["duties", "applies"],
  ["conditional", "conditional"],
  ["suspended", "suspended"],
  ["upcoming", "upcoming"],
];

function exportRows(answer) {
  const rows = [];
  for (const [key, label] of EXPORT_SECTIONS) {
    for (const duty of answer[key]) {
      rows.push({
        section: label,
        id: duty.id,
        title: duty.title,
        modality: duty.modality,
        category: duty.category,
        jurisdiction: duty.jurisdiction,
        citation: `${duty.citation.instrument} ${duty.citation.provision}`,
        url: duty.citation.url || "",
        status: key === "suspended" ? duty.why.status : duty.status,
        effective: duty.effective || "",
        until: duty.until || "",
        deadline: duty.deadline ? duty.deadline.text : "",
        depends_on: (duty.depends_on || []).join("; "),
        source: duty.source,
      });
    }
  }
  return rows;
}

function csvCell(value) {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function answerCsv(answer) {
  const rows = exportRows(answer);
  const columns = Object.keys(rows[0] || { section: "", id: "" });
  const lines = [columns.join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}

function mdCell(value) {
  return String(value).replaceAll("|", "\\|").replaceAll("\n", " ");
}

function answerMarkdown(answer) {
  const user = answer.query.user;
  const about = answer.rulebase;
  const libraries = (about.libraries || [])
    .map((l) => `${l.name} ${l.version || "(no version)"}${l.law_read ? `, law read ${l.law_read}` : ""}`)
    .join("; ");
  const lines = [
    `# Duties for a user ${user.age !== undefined ? `aged ${user.age} ` : ""}in ${user.location} on ${answer.query.date}`,
    "",
    `Rule base ${about.version}${libraries ? ` (${libraries})` : ""}` +
      `${about.engine ? `, obligate ${about.engine}` : ""}` +
      `${analyst.decisionId ? `; decision log record ${analyst.decisionId}` : ""}.`,
    "",
    "Not legal advice: a reading of public sources on the dates recorded in the rule files.",
  ];
  for (const [key, label] of EXPORT_SECTIONS) {
    const rows = exportRows({ ...answer, ...Object.fromEntries(
      EXPORT_SECTIONS.filter(([k]) => k !== key).map(([k]) => [k, []])) });
    if (!rows.length) continue;
    lines.push("", `## ${label[0].toUpperCase()}${label.slice(1)} (${rows.length})`, "");
    lines.push("| duty | title | citation | status | deadline |", "|---|---|---|---|---|");
    for (const row of rows) {
      const citation = row.url ? `[${mdCell(row.citation)}](${row.url})` : mdCell(row.citation);
      lines.push(`| ${row.id} | ${mdCell(row.title)} | ${citation} | ${row.status} | ` +
        `${mdCell(row.deadline)} |`);
    }
  }
  return lines.join("\n") + "\n";
}

function download(text, name, type) {
  const link = el("a", {
    href: URL.createObjectURL(new Blob([text], { type })), download: name, hidden: true,
  });
  document.body.append(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 0);
}

function exportName(answer, suffix) {
  const user = answer.query.user;
  return `obligate-${user.location}-${user.age ?? "any"}-${answer.query.date}.${suffix}`;
}

function exportBar(answer) {
  const bar = el("div", { class: "export-bar", role: "group", "aria-label": "Export the answer" },
    el("span", { class: "muted" }, "Export: "),
    el("button", { type: "button", class: "secondary small", id: "export-csv",
      onclick: () => download(answerCsv(answer), exportName(answer, "csv"), "text/csv") }, "CSV"),
    el("button", { type: "button", class: "secondary small", id: "export-md",
      onclick: () => download(answerMarkdown(answer), exportName(answer, "md"), "text/markdown") },
      "Markdown"),
    el("button", { type: "button", class: "secondary small", id: "export-json",
      onclick: () => download(JSON.stringify(answer, null, 2) + "\n", exportName(answer, "json"),
        "application/json") }, "JSON"),
    el("button", { type: "button", class: "secondary small", id: "print",
      onclick: () => window.print() }, "Print"),
    el("button", { type: "button", class: "secondary small", id: "copy-link",
      onclick: (event) => copyLink(event.target) }, "Copy link"),
  );
  return bar;
}

async function copyLink(button) {
  try {
    await navigator.clipboard.writeText(location.href);
    button.textContent = "Link copied";
  } catch (error) {
    button.textContent = "Copy the address bar";
  }
}

// What answered, and where the decision log keeps it.
function provenance(answer) {
  const about = answer.rulebase;
  const libraries = (about.libraries || []).map((l) =>
    `${l.name} ${l.version || "(no version)"}${l.law_read ? ` (law read ${l.law_read})` : ""}`);
  return el("p", { class: "provenance muted", id: "provenance" },
    `Rule base ${about.version}`,
    libraries.length ? ` · ${libraries.join(", ")}` : "",
    about.engine ? ` · obligate ${about.engine}` : "",
    analyst.decisionId
      ? el("span", {}, " · decision log record ", el("code", { id: "decision-id" }, analyst.decisionId))
      : " · not recorded in a decision log",
  );
}
