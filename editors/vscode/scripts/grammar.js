'use strict';
// The TextMate grammar of the obligate rule language (.obl), written as data so that the
// identifier, date and keyword patterns are spelled once. `npm run grammar` writes it out as
// syntaxes/obligate.tmLanguage.json (VS Code, JetBrains, Shiki) and as the XML property list
// that Sublime Text and TextMate read; a test checks both files are up to date.
//
// Every keyword comes from grammar/obligate.lark (a test fails when the Lark grammar gains a
// keyword this file does not mention). Scopes follow the TextMate naming conventions so that
// any colour theme colours them; each ends in `.obligate`.

const NAME = String.raw`[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*`;
const NUMBER = String.raw`\d[\d_]*(?:\.\d+)?`;
// Lark's DATE terminal is loose on purpose (the compiler reports "2024-2-1" in plain words);
// the grammar colours the YYYY-MM-DD shape as a date and any other shape as an error.
const DATE_LOOSE = String.raw`\d+-\d+-\d+`;
// Identifiers contain "-" and "_": a keyword is only a keyword when it is not part of one.
const B = String.raw`(?<![A-Za-z0-9_-])`;
const E = String.raw`(?![A-Za-z0-9_-])`;
const words = (...alternatives) => `${B}(?:${alternatives.join('|')})${E}`;
const ws = (phrase) => phrase.split(' ').join(String.raw`\s+`);

const TOP_LEVEL = ['jurisdiction', 'instrument', 'vocabulary', 'definition', 'obligation',
  'prohibition', 'permission', 'absence', 'term', 'enforcement'];

// Where a block, a field, a vocabulary entry or a court event may start: at the start of a
// line, or right after the brace that opens a one-line block
// (`jurisdiction US-AL "Alabama" { part_of: US }`).
const LINE_START = String.raw`(?:^|(?<=\{))\s*`;
// A field runs until the next line that starts a field (`name:`, `applies to:`), a court
// event (`2025-06-20:`), a court block, or until the brace that closes the block. So a
// condition, a name list or a note may run over several lines, as the parser allows.
const FIELD_END = String.raw`(?=^\s*(?:${NAME}(?:\s+to)?\s*:|${DATE_LOOSE}\s*:|court\s*\{)|\})`;

const S = (scope) => `${scope}.obligate`;
const inc = (name) => ({ include: `#${name}` });
const keyword = (alternatives, scope = 'keyword.other') => ({
  match: words(...alternatives), name: S(scope),
});

function stringRules(kind) {
  // kind: '' (a plain string), '.title' (a block's title), '.docstring' (a note).
  const prefix = kind === '.docstring' ? 'string.quoted.docstring' : 'string.quoted';
  const suffix = kind === '.docstring' ? '.note' : kind;
  const inner = [inc('link')];
  return [
    {
      name: S(`${prefix}.triple${suffix}`),
      begin: '"""',
      end: '"""',
      beginCaptures: { 0: { name: S('punctuation.definition.string.begin') } },
      endCaptures: { 0: { name: S('punctuation.definition.string.end') } },
      patterns: inner,
    },
    {
      name: S(`${prefix}.double${suffix}`),
      begin: '"',
      // A double-quoted string cannot run past its line: stop colouring at the line's end.
      end: '(")|(?=$)',
      beginCaptures: { 0: { name: S('punctuation.definition.string.begin') } },
      endCaptures: { 1: { name: S('punctuation.definition.string.end') } },
      patterns: [{ match: String.raw`\\.`, name: S('constant.character.escape') }, ...inner],
    },
  ];
}

function field(id, names, values) {
  return {
    name: S(`meta.field.${id}`),
    begin: String.raw`${LINE_START}(${names})\s*(:)`,
    beginCaptures: {
      1: { name: S('keyword.other.field') },
      2: { name: S('punctuation.separator.key-value') },
    },
    end: FIELD_END,
    patterns: [...values, inc('comment'), inc('unexpected')],
  };
}

// A list of names of one kind, separated by commas (member_of, overrides, terms, ...).
const nameList = (scope) => [inc('comma'), { match: `${B}${NAME}${E}`, name: S(scope) }];

function block(kind, keywords, nameScope, body) {
  return {
    name: S(`meta.block.${kind}`),
    begin: String.raw`${LINE_START}(${keywords})${E}(?:\s+(${NAME}))?`,
    beginCaptures: {
      1: { name: S(`storage.type.${kind}`) },
      2: { name: S(nameScope) },
    },
    // The block ends with the brace that closes its body; before the body opens, a line that
    // starts another block ends it (so a half-typed header does not swallow the file).
    end: String.raw`(?<=\})|(?=^\s*(?:${TOP_LEVEL.join('|')})${E})`,
    patterns: [
      inc('comment'),
      inc('title'),
      {
        name: S('meta.block.body'),
        begin: String.raw`\{`,
        end: String.raw`\}`,
        beginCaptures: { 0: { name: S('punctuation.section.block.begin') } },
        endCaptures: { 0: { name: S('punctuation.section.block.end') } },
        patterns: [inc('comment'), ...body],
      },
      inc('unexpected'),
    ],
  };
}

// Duties: obligation, prohibition and permission share one body; the modality keeps its own
// scope (storage.type.obligation.obligate, ...), so a theme may colour a prohibition apart.
function dutyBlock(modality) {
  return block(modality, modality, 'entity.name.function.duty', [
    inc('court'),
    inc('field-category'),
    inc('field-cites'),
    inc('field-applies'),
    inc('field-condition'),
    inc('field-overrides'),
    inc('field-effective'),
    inc('field-status'),
    inc('field-deadline'),
    inc('field-terms'),
    inc('field-note'),
    inc('unknown-field'),
    inc('unexpected'),
  ]);
}

const VOCABULARY_DECLARATIONS = {
  type: 'entity.name.type.service-type',
  feature: 'entity.name.constant.feature',
  parameter: 'entity.name.variable.parameter',
  category: 'entity.name.constant.category',
  term: 'entity.name.type.term',
};

const repository = {
  comment: {
    name: S('comment.line.number-sign'),
    match: '(#).*$',
    captures: { 1: { name: S('punctuation.definition.comment') } },
  },
  strings: { patterns: stringRules('') },
  title: { patterns: stringRules('.title') },
  'note-text': { patterns: stringRules('.docstring') },
  link: { name: S('markup.underline.link'), match: String.raw`https?://[^\s"]+` },
  date: {
    patterns: [
      { name: S('constant.numeric.date'), match: String.raw`${B}\d{4}-\d{2}-\d{2}${E}` },
      { name: S('invalid.illegal.date'), match: `${B}${DATE_LOOSE}${E}` },
    ],
  },
  number: { name: S('constant.numeric'), match: `${B}${NUMBER}${E}` },
  comma: { name: S('punctuation.separator.comma'), match: ',' },
  // Anything no other rule accepts where it stands: the parser would reject it too.
  unexpected: { name: S('invalid.illegal.unexpected'), match: `${NAME}|\\S` },

  // ------------------------------------------------------------------ fields shared by blocks
  'field-jurisdiction': field('jurisdiction', 'jurisdiction', nameList('variable.other.constant.jurisdiction')),
  'field-edges': field('edges', 'member_of|part_of|party_to|parties', nameList('variable.other.constant.jurisdiction')),
  'field-url': field('url', 'url', [inc('strings')]),
  'field-adopted': field('adopted', 'adopted', [inc('date')]),
  'field-effective': field('effective', 'effective|until', [inc('date')]),
  'field-checked': field('checked', 'checked', [inc('date')]),
  // reviewed: 2026-12-04 against "source" dated 2024-03-07 (on instruments and court histories)
  'field-reviewed': field('reviewed', 'reviewed', [keyword(['against', 'dated']), inc('date'), inc('strings')]),
  'field-category': field('category', 'category', [
    { match: `${B}${NAME}${E}`, name: S('variable.other.enummember.category') },
  ]),
  'field-cites': field('cites', 'cites', [
    keyword(['at']),
    inc('strings'),
    { match: `${B}${NAME}${E}`, name: S('entity.name.type.instrument') },
  ]),
  'field-applies': field('applies', String.raw`applies\s+to`, [
    keyword(['or'], 'keyword.operator.wordlike.logical'),
    keyword(['users', 'services', 'established', 'in']),
    { match: `${B}${NAME}${E}`, name: S('variable.other.constant.jurisdiction') },
  ]),
  'field-condition': field('condition', 'when|unless', [inc('condition')]),
  'field-overrides': field('overrides', 'overrides', nameList('entity.name.function.duty')),
  'field-terms': field('terms', 'terms', nameList('entity.name.type.term')),
  'field-status': field('status', 'status', [inc('status-words'), inc('date'), inc('strings'), inc('parties')]),
  'field-deadline': field('deadline', 'deadline', [
    // the kind of period: a time limit, a retention period, a reporting interval, a notice period
    keyword(['within', 'retain', 'every', 'notice'], 'keyword.other.deadline-kind'),
    inc('number'),
    keyword(['hours', 'hour', 'days', 'day', 'months', 'month', 'years', 'year'], 'keyword.other.unit'),
    inc('strings'),
  ]),
  'field-note': field('note', 'note', [inc('note-text')]),
  'field-definition-text': field('definition-text', 'quote|paraphrase|none', [inc('strings')]),
  'field-regulator': field('regulator', 'regulator', [inc('absent'), keyword(['at']), inc('strings')]),
  'field-penalty': field('penalty', 'penalty', [inc('absent'), inc('ceiling'), inc('enforcement-tail')]),
  'field-sanction': field('sanction', 'sanction', [
    keyword([ws('criminal liability for officers'), ws('service restriction'), 'blocking', 'suspension', 'ban'],
      'constant.language.sanction'),
    inc('enforcement-tail'),
  ]),
  // A field name the block does not have (a misspelling such as `efective:`).
  'unknown-field': {
    name: S('meta.field.unknown'),
    begin: String.raw`${LINE_START}(${NAME}(?:\s+to)?)\s*(:)`,
    beginCaptures: {
      1: { name: S('invalid.illegal.unknown-field') },
      2: { name: S('punctuation.separator.key-value') },
    },
    end: FIELD_END,
    patterns: [inc('strings'), inc('date'), inc('number'), inc('comment'), inc('comma'),
      { match: NAME, name: S('variable.other') }, inc('unexpected')],
  },

  // ------------------------------------------------------------------ status and court
  'status-words': {
    patterns: [
      keyword(['in_force', 'pending', 'repealed', 'enjoined'], 'constant.language.status'),
      keyword(['since', 'in', 'protecting']),
    ],
  },
  // Parties an injunction protects: association names or quoted plaintiffs.
  parties: { patterns: [inc('comma'), { match: `${B}${NAME}${E}`, name: S('variable.other.constant.party') }] },
  court: {
    name: S('meta.court'),
    begin: String.raw`${LINE_START}(court)\s*(\{)`,
    beginCaptures: {
      1: { name: S('keyword.other.field') },
      2: { name: S('punctuation.section.block.begin') },
    },
    end: String.raw`\}`,
    endCaptures: { 0: { name: S('punctuation.section.block.end') } },
    patterns: [
      inc('comment'),
      inc('field-reviewed'),
      {
        name: S('meta.court-event'),
        begin: String.raw`${LINE_START}(${DATE_LOOSE})\s*(:)`,
        beginCaptures: {
          1: { patterns: [inc('date')] },
          2: { name: S('punctuation.separator.key-value') },
        },
        end: String.raw`(?=^\s*${DATE_LOOSE}\s*:|\})`,
        patterns: [
          keyword(['enjoined', ws('injunction stayed'), ws('injunction lifted'), ws('struck down'), 'upheld'],
            'constant.language.court-event'),
          keyword(['in', 'protecting']),
          inc('strings'),
          inc('parties'),
          inc('comment'),
          inc('unexpected'),
        ],
      },
      inc('unexpected'),
    ],
  },

  // ------------------------------------------------------------------ enforcement
  absent: { patterns: [keyword([ws('none in this law'), ws('not encoded')], 'constant.language.absent')] },
  ceiling: {
    patterns: [
      keyword([ws('up to')]),
      {
        match: `${B}(${NUMBER})\\s+(percent)${E}`,
        captures: { 1: { name: S('constant.numeric') }, 2: { name: S('keyword.other.unit.percent') } },
      },
      {
        // An amount and its currency (ISO 4217 by convention: EUR, GBP, USD, ...).
        match: `${B}(${NUMBER})(?:\\s+(?!(?:per|or|for|under|percent)${E})(${NAME}))?${E}`,
        captures: { 1: { name: S('constant.numeric') }, 2: { name: S('support.constant.currency') } },
      },
      {
        match: `${B}(per)\\s+(${NAME})${E}`,
        captures: { 1: { name: S('keyword.other') }, 2: { name: S('constant.other.per-unit') } },
      },
      {
        match: `${B}(turnover)\\s+(in)\\s+(${NAME})${E}`,
        captures: {
          1: { name: S('keyword.other') },
          2: { name: S('keyword.other') },
          3: { name: S('variable.other.constant.jurisdiction') },
        },
      },
      keyword(['of', ws('worldwide turnover')]),
      keyword(['or'], 'keyword.operator.wordlike.logical'),
      {
        match: `${B}(whichever)\\s+(is)\\s+(greater|lower)${E}`,
        captures: {
          1: { name: S('keyword.other') },
          2: { name: S('keyword.other') },
          3: { name: S('constant.language.combination') },
        },
      },
      inc('comma'),
    ],
  },
  'enforcement-tail': {
    patterns: [
      keyword(['for', 'at']),
      {
        match: `${B}(under)${E}(?:\\s+(${NAME})${E})?`,
        captures: { 1: { name: S('keyword.other') }, 2: { name: S('entity.name.type.instrument') } },
      },
      inc('strings'),
    ],
  },

  // ------------------------------------------------------------------ conditions
  condition: {
    patterns: [
      inc('comment'),
      {
        match: `${B}(service|user)(\\.)(${NAME})(?:\\s*(\\[)\\s*(${NAME})\\s*(\\]))?`,
        captures: {
          1: { name: S('variable.language.subject') },
          2: { name: S('punctuation.accessor') },
          3: { name: S('variable.other.property.fact') },
          4: { name: S('punctuation.section.brackets.begin') },
          5: { name: S('variable.other.constant.jurisdiction') },
          6: { name: S('punctuation.section.brackets.end') },
        },
      },
      {
        match: `${B}(service)\\s+(is)\\s+(${NAME})${E}`,
        captures: {
          1: { name: S('variable.language.subject') },
          2: { name: S('keyword.operator.wordlike') },
          3: { name: S('support.type.service-kind') },
        },
      },
      {
        match: `${B}(service)\\s+(has)\\s+(${NAME})${E}`,
        captures: {
          1: { name: S('variable.language.subject') },
          2: { name: S('keyword.operator.wordlike') },
          3: { name: S('variable.other.enummember.feature') },
        },
      },
      {
        name: S('meta.set'),
        begin: `${B}(in)\\s*(\\{)`,
        beginCaptures: {
          1: { name: S('keyword.operator.wordlike') },
          2: { name: S('punctuation.section.braces.begin') },
        },
        end: String.raw`\}`,
        endCaptures: { 0: { name: S('punctuation.section.braces.end') } },
        patterns: [
          inc('comment'),
          inc('comma'),
          // Upper-case members are jurisdiction codes ({EU, GB}); others are types, features
          // or names ({social_media, video_sharing}).
          { match: `${B}[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*${E}`, name: S('variable.other.constant.jurisdiction') },
          { match: `${B}${NAME}${E}`, name: S('variable.other.enummember.set-member') },
          inc('unexpected'),
        ],
      },
      keyword(['and', 'or', 'not'], 'keyword.operator.wordlike.logical'),
      keyword(['is', 'has', 'in'], 'keyword.operator.wordlike'),
      keyword(['service', 'user'], 'variable.language.subject'),
      { match: '<=|>=|==|!=|<|>', name: S('keyword.operator.comparison') },
      { match: String.raw`\(`, name: S('punctuation.section.parens.begin') },
      { match: String.raw`\)`, name: S('punctuation.section.parens.end') },
      inc('number'),
      // Any other name is a parameter, read at the user's location (child_age).
      { match: `${B}${NAME}${E}`, name: S('variable.parameter') },
      inc('unexpected'),
    ],
  },

  // ------------------------------------------------------------------ vocabulary
  'vocabulary-entry': {
    patterns: [
      ...Object.entries(VOCABULARY_DECLARATIONS).map(([kw, scope]) => ({
        match: String.raw`${LINE_START}(${kw})${E}(?:\s+(${NAME}))?`,
        captures: { 1: { name: S(`storage.type.${kw}`) }, 2: { name: S(scope) } },
      })),
      {
        match: String.raw`${LINE_START}(service|user)\s+(fact)${E}(?:\s+(${NAME}))?\s*(:)?`,
        captures: {
          1: { name: S('variable.language.subject') },
          2: { name: S('storage.type.fact') },
          3: { name: S('entity.name.variable.fact') },
          4: { name: S('punctuation.separator.key-value') },
        },
      },
      {
        match: String.raw`${LINE_START}(attribute)${E}(?:\s+(${NAME}))?\s*(:)?`,
        captures: {
          1: { name: S('storage.type.attribute') },
          2: { name: S('entity.name.variable.attribute') },
          3: { name: S('punctuation.separator.key-value') },
        },
      },
      {
        match: `${B}(per)\\s+(jurisdiction)${E}`,
        captures: { 1: { name: S('keyword.other') }, 2: { name: S('support.type.primitive') } },
      },
      keyword(['number', 'boolean', 'jurisdiction', 'names', 'text'], 'support.type.primitive'),
      {
        name: S('meta.enum'),
        begin: `${B}(one)\\s+(of)\\s*(\\{)`,
        beginCaptures: {
          1: { name: S('keyword.other') },
          2: { name: S('keyword.other') },
          3: { name: S('punctuation.section.braces.begin') },
        },
        end: String.raw`\}`,
        endCaptures: { 0: { name: S('punctuation.section.braces.end') } },
        patterns: [inc('comment'), ...nameList('variable.other.enummember.attribute-choice'), inc('unexpected')],
      },
      inc('strings'),
      inc('unexpected'),
    ],
  },

  // ------------------------------------------------------------------ blocks
  'block-jurisdiction': block('jurisdiction', 'jurisdiction', 'entity.name.namespace.jurisdiction', [
    inc('field-edges'),
    inc('field-note'),
    {
      // A parameter value: `digital_consent_age: 13 from 2027-01-01 under GDPR "Art. 8(1)"`.
      name: S('meta.field.parameter-value'),
      begin: String.raw`${LINE_START}(${NAME})\s*(:)`,
      beginCaptures: {
        1: { name: S('variable.parameter') },
        2: { name: S('punctuation.separator.key-value') },
      },
      end: FIELD_END,
      patterns: [
        keyword(['from']),
        {
          match: `${B}(under)${E}(?:\\s+(${NAME})${E})?`,
          captures: { 1: { name: S('keyword.other') }, 2: { name: S('entity.name.type.instrument') } },
        },
        inc('date'),
        inc('number'),
        inc('strings'),
        inc('comment'),
        inc('unexpected'),
      ],
    },
    inc('unexpected'),
  ]),
  'block-instrument': block('instrument', 'instrument', 'entity.name.type.instrument', [
    inc('court'),
    inc('field-jurisdiction'),
    inc('field-url'),
    inc('field-adopted'),
    inc('field-effective'),
    inc('field-status'),
    inc('field-reviewed'),
    inc('field-note'),
    inc('unknown-field'),
    inc('unexpected'),
  ]),
  // A vocabulary block has no name: a name after the keyword is an error.
  'block-vocabulary': block('vocabulary', 'vocabulary', 'invalid.illegal.unexpected', [
    inc('vocabulary-entry'),
  ]),
  'block-definition': block('definition', 'definition', 'entity.name.function.definition', [
    inc('field-cites'),
    inc('field-condition'),
    inc('field-note'),
    inc('unknown-field'),
    inc('unexpected'),
  ]),
  'block-obligation': dutyBlock('obligation'),
  'block-prohibition': dutyBlock('prohibition'),
  'block-permission': dutyBlock('permission'),
  'block-absence': block('absence', 'absence', 'entity.name.function.absence', [
    inc('field-jurisdiction'),
    inc('field-category'),
    inc('field-checked'),
    inc('field-cites'),
    inc('field-note'),
    inc('unknown-field'),
    inc('unexpected'),
  ]),
  'block-term': block('term', 'term', 'entity.name.type.term', [
    inc('field-jurisdiction'),
    inc('field-cites'),
    inc('field-definition-text'),
    inc('field-effective'),
    inc('field-note'),
    {
      // An attribute the law fixes: `age_below: 18`, `knowledge: knowingly`.
      name: S('meta.field.attribute-value'),
      begin: String.raw`${LINE_START}(${NAME})\s*(:)`,
      beginCaptures: {
        1: { name: S('variable.parameter.attribute') },
        2: { name: S('punctuation.separator.key-value') },
      },
      end: FIELD_END,
      patterns: [
        keyword(['true', 'false'], 'constant.language.boolean'),
        inc('number'),
        inc('strings'),
        { match: `${B}${NAME}${E}`, name: S('variable.other.enummember.attribute-value') },
        inc('comment'),
        inc('unexpected'),
      ],
    },
    inc('unexpected'),
  ]),
  'block-enforcement': block('enforcement', 'enforcement', 'entity.name.type.instrument', [
    inc('field-regulator'),
    inc('field-penalty'),
    inc('field-sanction'),
    inc('field-note'),
    inc('unknown-field'),
    inc('unexpected'),
  ]),
};

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Obligate',
  scopeName: 'source.obligate',
  fileTypes: ['obl'],
  comment: 'Generated by scripts/grammar.js (npm run grammar); edit that file, not this one.',
  patterns: [
    inc('comment'),
    ...TOP_LEVEL.map((kind) => inc(`block-${kind}`)),
    inc('unexpected'),
  ],
  repository,
};

module.exports = { grammar, TOP_LEVEL };
