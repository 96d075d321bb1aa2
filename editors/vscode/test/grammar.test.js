'use strict';
// Tests of the TextMate grammar without VS Code: the committed grammar is tokenised with
// vscode-textmate and vscode-oniguruma (the engine VS Code runs) over the shipped rule files.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { loadGrammar, tokenizeText, shippedRuleFiles, problems, REPO, EXTENSION } = require('./tokenizer');
const { outputs } = require('../scripts/write-grammar');

let grammar;
const cache = new Map();

before(async () => {
  grammar = await loadGrammar();
});

function tokenizeFile(relative) {
  if (!cache.has(relative)) {
    cache.set(relative, tokenizeText(grammar, fs.readFileSync(path.join(REPO, relative), 'utf8')));
  }
  return cache.get(relative);
}

// The scopes of the token that holds `text` on the first line of `file` containing `line`
// (the first occurrence of `text` from where `line` starts on that line).
function scopesOf(file, line, text) {
  const found = tokenizeFile(file).lines.find((l) => l.line.includes(line));
  assert.ok(found, `${file}: no line contains ${JSON.stringify(line)}`);
  const at = found.line.indexOf(text, found.line.indexOf(line));
  assert.ok(at >= 0, `${file}:${found.number}: no ${JSON.stringify(text)}`);
  let start = 0;
  for (const token of found.tokens) {
    if (at >= start && at < start + token.text.length) {
      assert.ok(token.text.includes(text) || text.includes(token.text),
        `${file}:${found.number}: ${JSON.stringify(text)} straddles tokens`);
      return token.scopes;
    }
    start += token.text.length;
  }
  throw new Error(`${file}:${found.number}: no token at ${at}`);
}

test('the committed grammar files are what scripts/grammar.js generates', () => {
  for (const [file, render] of Object.entries(outputs)) {
    assert.equal(fs.readFileSync(file, 'utf8'), render(),
      `${path.relative(EXTENSION, file)} is stale: run npm run grammar`);
  }
});

test('every keyword of grammar/obligate.lark appears in the TextMate grammar', () => {
  const lark = fs.readFileSync(path.join(REPO, 'grammar', 'obligate.lark'), 'utf8')
    .split('\n').filter((line) => !line.trim().startsWith('//')).join('\n');
  const keywords = new Set([...lark.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]));
  assert.ok(keywords.size > 80, `only ${keywords.size} keywords read from the Lark grammar`);
  const patterns = [];
  const collect = (value) => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if ((key === 'match' || key === 'begin') && typeof item === 'string') patterns.push(item);
        else collect(item);
      }
    }
  };
  collect(JSON.parse(fs.readFileSync(path.join(EXTENSION, 'syntaxes', 'obligate.tmLanguage.json'), 'utf8')));
  const text = patterns.join('\n');
  const missing = [...keywords].filter((word) => !new RegExp(`(?<![A-Za-z_])${word}(?![A-Za-z_])`).test(text));
  assert.deepEqual(missing, [], 'keywords of the Lark grammar the TextMate grammar does not know');
});

// [file, a substring that picks the line, the text of the token, a scope it must carry]
const EXPECTED = [
  // rules/eu/dsa.obl: comments, an instrument, a duty, conditions, notes, deadlines
  ['rules/eu/dsa.obl', '# Digital Services Act', 'Digital Services Act', 'comment.line.number-sign.obligate'],
  ['rules/eu/dsa.obl', '# Digital Services Act', '#', 'punctuation.definition.comment.obligate'],
  ['rules/eu/dsa.obl', 'instrument EU-DSA ', 'instrument', 'storage.type.instrument.obligate'],
  ['rules/eu/dsa.obl', 'instrument EU-DSA ', 'EU-DSA', 'entity.name.type.instrument.obligate'],
  ['rules/eu/dsa.obl', 'instrument EU-DSA ', 'Digital Services Act (Regulation (EU) 2022/2065)', 'string.quoted.double.title.obligate'],
  ['rules/eu/dsa.obl', '  jurisdiction: EU', 'jurisdiction', 'keyword.other.field.obligate'],
  ['rules/eu/dsa.obl', '  jurisdiction: EU', 'EU', 'variable.other.constant.jurisdiction.obligate'],
  ['rules/eu/dsa.obl', 'url: "https://eur-lex', 'https://eur-lex.europa.eu/eli/reg/2022/2065/oj', 'markup.underline.link.obligate'],
  ['rules/eu/dsa.obl', 'url: "https://eur-lex', 'https://eur-lex.europa.eu/eli/reg/2022/2065/oj', 'string.quoted.double.obligate'],
  ['rules/eu/dsa.obl', 'adopted: 2022-10-19', '2022-10-19', 'constant.numeric.date.obligate'],
  ['rules/eu/dsa.obl', 'status: in_force', 'in_force', 'constant.language.status.obligate'],
  ['rules/eu/dsa.obl', 'note: """Regulation (EU) 2022/2065', '"""', 'punctuation.definition.string.begin.obligate'],
  ['rules/eu/dsa.obl', 'note: """Regulation (EU) 2022/2065', 'Regulation (EU)', 'string.quoted.docstring.triple.note.obligate'],
  // a continuation line inside the triple-quoted note: still the note, not fields or names
  ['rules/eu/dsa.obl', 'OJ L 277, 27.10.2022; entered into force', 'entered into force', 'string.quoted.docstring.triple.note.obligate'],
  ['rules/eu/dsa.obl', 'OJ L 277, 27.10.2022; entered into force', 'entered into force', 'meta.field.note.obligate'],
  ['rules/eu/dsa.obl', 'obligation EU-DSA-13-1 ', 'obligation', 'storage.type.obligation.obligate'],
  ['rules/eu/dsa.obl', 'obligation EU-DSA-13-1 ', 'EU-DSA-13-1', 'entity.name.function.duty.obligate'],
  ['rules/eu/dsa.obl', 'obligation EU-DSA-13-1 ', 'EU-DSA-13-1', 'meta.block.obligation.obligate'],
  ['rules/eu/dsa.obl', 'category: legal_representative', 'legal_representative', 'variable.other.enummember.category.obligate'],
  ['rules/eu/dsa.obl', 'cites: EU-DSA "Art. 13(1)"', 'cites', 'keyword.other.field.obligate'],
  ['rules/eu/dsa.obl', 'cites: EU-DSA "Art. 13(1)"', 'EU-DSA', 'entity.name.type.instrument.obligate'],
  ['rules/eu/dsa.obl', 'cites: EU-DSA "Art. 13(1)"', 'Art. 13(1)', 'string.quoted.double.obligate'],
  ['rules/eu/dsa.obl', 'when: service is eu_dsa_intermediary_service', 'when', 'keyword.other.field.obligate'],
  ['rules/eu/dsa.obl', 'when: service is eu_dsa_intermediary_service', 'service', 'variable.language.subject.obligate'],
  ['rules/eu/dsa.obl', 'when: service is eu_dsa_intermediary_service', 'is', 'keyword.operator.wordlike.obligate'],
  ['rules/eu/dsa.obl', 'when: service is eu_dsa_intermediary_service', 'eu_dsa_intermediary_service', 'support.type.service-kind.obligate'],
  ['rules/eu/dsa.obl', 'unless: service.established_in in {AT', 'unless', 'keyword.other.field.obligate'],
  ['rules/eu/dsa.obl', 'unless: service.established_in in {AT', 'established_in', 'variable.other.property.fact.obligate'],
  ['rules/eu/dsa.obl', 'unless: service.established_in in {AT', 'AT', 'variable.other.constant.jurisdiction.obligate'],
  ['rules/eu/dsa.obl', 'unless: service.established_in in {AT', 'SE', 'meta.set.obligate'],
  // a condition continued on the next line stays a condition
  ['rules/eu/dsa.obl', '    and not service is very_large_online_platform', 'not', 'keyword.operator.wordlike.logical.obligate'],
  ['rules/eu/dsa.obl', '    and not service is very_large_online_platform', 'very_large_online_platform', 'meta.field.condition.obligate'],
  ['rules/eu/dsa.obl', 'and user.age < child_age', '<', 'keyword.operator.comparison.obligate'],
  ['rules/eu/dsa.obl', 'and user.age < child_age', 'child_age', 'variable.parameter.obligate'],
  ['rules/eu/dsa.obl', 'service has targeted_advertising', 'targeted_advertising', 'variable.other.enummember.feature.obligate'],
  ['rules/eu/dsa.obl', 'deadline: every 1 year "at least once a year"', '1', 'constant.numeric.obligate'],
  ['rules/eu/dsa.obl', 'deadline: every 1 year "at least once a year"', 'year', 'keyword.other.unit.obligate'],
  ['rules/eu/dsa.obl', 'deadline: every 1 year "at least once a year"', 'every', 'keyword.other.deadline-kind.obligate'],
  // rules/us/states/ms.obl: court history, a prohibition, nested parentheses
  ['rules/us/states/ms.obl', '# Mississippi', 'Mississippi', 'comment.line.number-sign.obligate'],
  ['rules/us/states/ms.obl', '  court {', 'court', 'keyword.other.field.obligate'],
  ['rules/us/states/ms.obl', '2024-07-01: enjoined in', '2024-07-01', 'constant.numeric.date.obligate'],
  ['rules/us/states/ms.obl', '2024-07-01: enjoined in', 'enjoined', 'constant.language.court-event.obligate'],
  ['rules/us/states/ms.obl', '2024-07-01: enjoined in', 'NetChoice v. Fitch', 'string.quoted.double.obligate'],
  ['rules/us/states/ms.obl', '2025-04-17: injunction lifted', 'injunction lifted', 'constant.language.court-event.obligate'],
  ['rules/us/states/ms.obl', '2025-06-18: enjoined in', 'protecting', 'keyword.other.obligate'],
  ['rules/us/states/ms.obl', '(S.D. Miss.)" protecting NetChoice', 'NetChoice', 'variable.other.constant.party.obligate'],
  ['rules/us/states/ms.obl', '2025-07-17: injunction stayed', 'injunction stayed', 'meta.court.obligate'],
  ['rules/us/states/ms.obl', 'prohibition US-MS-HB1126-CONSENT', 'prohibition', 'storage.type.prohibition.obligate'],
  ['rules/us/states/ms.obl', 'prohibition US-MS-HB1126-CONSENT', 'US-MS-HB1126-CONSENT', 'entity.name.function.duty.obligate'],
  ['rules/us/states/ms.obl', 'when: service is social_media or (service has', '(', 'punctuation.section.parens.begin.obligate'],
  ['rules/us/states/ms.obl', 'when: service is social_media or (service has', 'or', 'keyword.operator.wordlike.logical.obligate'],
  ['rules/us/states/ms.obl', 'and user.age < parental_consent_age', 'parental_consent_age', 'variable.parameter.obligate'],
  // other constructs, from the files that have them
  ['rules/eu/absences.obl', 'absence EU-NO-MINIMUM-AGE', 'absence', 'storage.type.absence.obligate'],
  ['rules/eu/absences.obl', 'absence EU-NO-MINIMUM-AGE', 'EU-NO-MINIMUM-AGE', 'entity.name.function.absence.obligate'],
  ['rules/eu/absences.obl', 'checked: 2026-11-25', '2026-11-25', 'constant.numeric.date.obligate'],
  ['rules/ca/canada.obl', 'overrides: CA-MRA-4', 'CA-MRA-4', 'entity.name.function.duty.obligate'],
  ['rules/ca/canada.obl', 'deadline: retain 21 days', 'days', 'keyword.other.unit.obligate'],
  ['rules/kr/korea.obl', 'status: repealed since 2022-01-01', 'repealed', 'constant.language.status.obligate'],
  ['rules/kr/korea.obl', 'status: repealed since 2022-01-01', 'since', 'keyword.other.obligate'],
  ['rules/ca/jurisdictions.obl', 'digital_consent_age: 14 from 2023-09-22', 'digital_consent_age', 'variable.parameter.obligate'],
  ['rules/ca/jurisdictions.obl', 'digital_consent_age: 14 from 2023-09-22', 'from', 'keyword.other.obligate'],
  ['rules/ca/jurisdictions.obl', 'digital_consent_age: 14 from 2023-09-22', 'CA-QC-P39-1', 'entity.name.type.instrument.obligate'],
  ['rules/us/states/jurisdictions.obl', 'jurisdiction US-AL "Alabama" { part_of: US }', 'part_of', 'keyword.other.field.obligate'],
  ['rules/us/states/jurisdictions.obl', 'jurisdiction US-AL "Alabama" { part_of: US }', 'US-AL', 'entity.name.namespace.jurisdiction.obligate'],
  ['rules/int/treaties.obl', '    IS, LI, NO,', 'NO', 'variable.other.constant.jurisdiction.obligate'],
  ['rules/eu/enforcement.obl', 'penalty: up to 10_000_000 EUR or 2 percent', '10_000_000', 'constant.numeric.obligate'],
  ['rules/eu/enforcement.obl', 'penalty: up to 10_000_000 EUR or 2 percent', 'EUR', 'support.constant.currency.obligate'],
  ['rules/eu/enforcement.obl', 'penalty: up to 10_000_000 EUR or 2 percent', 'percent', 'keyword.other.unit.percent.obligate'],
  ['rules/eu/enforcement.obl', 'penalty: up to 10_000_000 EUR or 2 percent', 'greater', 'constant.language.combination.obligate'],
  ['rules/eu/enforcement.obl', 'sanction: service restriction', 'service restriction', 'constant.language.sanction.obligate'],
  ['src/obligate/language/prelude.obl', '  type social_media', 'type', 'storage.type.type.obligate'],
  ['src/obligate/language/prelude.obl', '  type social_media', 'social_media', 'entity.name.type.service-type.obligate'],
  ['src/obligate/language/prelude.obl', '  feature direct_messaging', 'direct_messaging', 'entity.name.constant.feature.obligate'],
  ['src/obligate/language/prelude.obl', 'service fact monthly_active_users', 'monthly_active_users', 'entity.name.variable.fact.obligate'],
  ['src/obligate/language/prelude.obl', 'service fact monthly_active_users', 'jurisdiction', 'support.type.primitive.obligate'],
  ['src/obligate/language/prelude.obl', 'attribute knowledge: one of {', 'knowingly', 'variable.other.enummember.attribute-choice.obligate'],
];

test('tokens of shipped rule files carry the expected scopes', () => {
  for (const [file, line, text, scope] of EXPECTED) {
    const scopes = scopesOf(file, line, text);
    assert.ok(scopes.includes(scope),
      `${file} ${JSON.stringify(line)}: ${JSON.stringify(text)} has ${scopes.join(' ')}, not ${scope}`);
  }
});

test('every line of every shipped rule file tokenises, with no gap and nothing marked invalid', (t) => {
  const files = shippedRuleFiles();
  assert.ok(files.length >= 100, `only ${files.length} rule files found`);
  let lines = 0;
  let tokens = 0;
  const failures = [];
  for (const file of files) {
    const result = tokenizeFile(file);
    lines += result.lines.length;
    tokens += result.lines.reduce((sum, l) => sum + l.tokens.length, 0);
    failures.push(...problems(result).map((p) => `${file}:${p}`));
  }
  assert.deepEqual(failures, []);
  t.diagnostic(`${files.length} files, ${lines} lines, ${tokens} tokens`);
});

test('the examples of docs/language.md tokenise cleanly', (t) => {
  const page = fs.readFileSync(path.join(REPO, 'docs', 'language.md'), 'utf8');
  const examples = [...page.matchAll(/```obl\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(examples.length >= 8, `only ${examples.length} examples found`);
  for (const [index, example] of examples.entries()) {
    assert.deepEqual(problems(tokenizeText(grammar, example)), [], `example ${index + 1}`);
  }
  t.diagnostic(`${examples.length} examples`);
});

// Mistakes a lawyer makes while typing show at once, before the language server answers.
const MISTAKES = [
  ['a misspelt field', 'obligation X-1 "t" {\n  efective: 2024-01-01\n}', 'efective', 'invalid.illegal.unknown-field.obligate'],
  ['a date not in YYYY-MM-DD', 'obligation X-1 "t" {\n  effective: 2024-2-1\n}', '2024-2-1', 'invalid.illegal.date.obligate'],
  ['a field a block does not have', 'absence X-1 "t" {\n  when: service is game\n}', 'when', 'invalid.illegal.unknown-field.obligate'],
  ['text outside any block', 'jurisdiction XA "A" {}\nstray words', 'stray', 'invalid.illegal.unexpected.obligate'],
  ['a stray symbol in a condition', 'obligation X-1 "t" {\n  when: user.age < 16 ;\n}', ';', 'invalid.illegal.unexpected.obligate'],
];

test('typical mistakes are marked invalid', () => {
  for (const [what, text, token, scope] of MISTAKES) {
    const all = tokenizeText(grammar, text).lines.flatMap((l) => l.tokens);
    const found = all.find((tok) => tok.text === token);
    assert.ok(found, `${what}: no token ${JSON.stringify(token)}`);
    assert.ok(found.scopes.includes(scope), `${what}: ${token} has ${found.scopes.join(' ')}`);
  }
});

test('an unclosed block is still open at the end of the file', () => {
  const result = tokenizeText(grammar, 'obligation X-1 "t" {\n  category: age_assurance\n');
  assert.ok(problems(result).some((p) => p.startsWith('end of file')));
});
