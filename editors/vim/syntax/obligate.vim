" Vim syntax file
" Language:    obligate rule files (.obl)
" Maintainer:  the obligate project
" A simpler cousin of editors/vscode/syntaxes/obligate.tmLanguage.json for Vim and Neovim:
" the keywords are those of grammar/obligate.lark; see docs/editors.md.

if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
" Identifiers contain '-' (EU-DSA-28-1, US-CA): make \< and \> see them as one word.
syn iskeyword @,48-57,_,-

" Words that are also block or field names (jurisdiction, category, term, ...) are matched
" by position below; only words that are never names are keywords here (a Vim keyword
" would win over the matches).
syn keyword obligateLogic       and or not
syn keyword obligateSubject     service user
syn keyword obligateWord        is has in from under since at protecting to users services
syn keyword obligateWord        established per of up whichever percent worldwide turnover for
syn keyword obligateWord        fact one this law
syn keyword obligateStatus      in_force pending repealed enjoined upheld
syn match   obligateStatus      "\<injunction\s\+\(stayed\|lifted\)\>"
syn match   obligateStatus      "\<struck\s\+down\>"
syn match   obligateStatus      "\<none\s\+in\s\+this\s\+law\>"
syn match   obligateStatus      "\<not\s\+encoded\>"
syn keyword obligateConstant    greater lower true false blocking suspension ban
syn match   obligateConstant    "\<criminal\s\+liability\s\+for\s\+officers\>"
syn match   obligateConstant    "\<service\s\+restriction\>"
syn keyword obligateType        hours hour days day months month years year
syn keyword obligateType        number boolean names text
syn match   obligateType        "\(\<per\s\+\)\@<=jurisdiction\>"
syn match   obligateType        "\(fact\s\+[A-Za-z_][A-Za-z0-9_]*\s*:\s*\)\@<=jurisdiction\>"

" Upper-case ids: jurisdiction codes, instruments, duties (EU, EU-DSA, EU-DSA-28-1).
syn match   obligateId          "\<[A-Z][A-Z0-9]*\(-[A-Z0-9_]\+\)*\>"
" (a lookbehind, so that the keywords service and user keep their own colour)
syn match   obligateFact        "\(\<\(service\|user\)\.\)\@<=[A-Za-z_][A-Za-z0-9_]*"
syn match   obligateOperator    "<=\|>=\|==\|!=\|<\|>"
syn match   obligateCategory    "\(category\s*:\s*\)\@<=[A-Za-z_][A-Za-z0-9_]*"

" Fields: `name:` at the start of a line or right after a block's opening brace. A known
" field is a keyword; any other name is a parameter or attribute value (child_age: 16).
syn match   obligateParameter   "\(^\|{\)\s*\zs[A-Za-z_][A-Za-z0-9_]*\ze\s*:"
syn match   obligateField       "\(^\|{\)\s*\zs\(jurisdiction\|member_of\|part_of\|party_to\|parties\|url\|adopted\|effective\|until\|status\|category\|cites\|when\|unless\|overrides\|deadline\|terms\|note\|checked\|quote\|paraphrase\|none\|regulator\|penalty\|sanction\)\ze\s*:"
syn match   obligateField       "\(^\|{\)\s*\zsapplies\s\+to\ze\s*:"
syn match   obligateField       "^\s*\zscourt\ze\s*{"

" Blocks and vocabulary declarations, and the name each one declares.
syn match   obligateBlock       "^\s*\(jurisdiction\|instrument\|definition\|obligation\|prohibition\|permission\|absence\|term\|enforcement\)\>\ze\s\+[A-Za-z_]" nextgroup=obligateDeclared skipwhite
syn match   obligateBlock       "^\s*vocabulary\>"
syn match   obligateBlock       "^\s*\(type\|feature\|parameter\|category\|term\|attribute\)\>\ze\s\+[A-Za-z_][A-Za-z0-9_]*\(\s*\(\"\|:\|$\)\)\@=" nextgroup=obligateDeclared skipwhite
syn match   obligateDeclared    "[A-Za-z_][A-Za-z0-9_]*\(-[A-Za-z0-9_]\+\)*" contained

syn match   obligateNumber      "\<\d[0-9_]*\(\.\d\+\)\=\>"
syn match   obligateBadDate     "\<\d\+-\d\+-\d\+\>"
syn match   obligateDate        "\<\d\{4}-\d\{2}-\d\{2}\>"

syn match   obligateUrl         "https\?://[^[:space:]\"]\+" contained
syn match   obligateEscape      "\\." contained
syn region  obligateString      start=+"+ skip=+\\.+ end=+"+ end=+$+ oneline contains=obligateEscape,obligateUrl
syn region  obligateNote        start=+"""+ end=+"""+ contains=obligateUrl,@Spell
syn match   obligateComment     "#.*$" contains=@Spell

hi def link obligateComment     Comment
hi def link obligateString      String
hi def link obligateNote        String
hi def link obligateEscape      SpecialChar
hi def link obligateUrl         Underlined
hi def link obligateDate        Constant
hi def link obligateBadDate     Error
hi def link obligateNumber      Number
hi def link obligateBlock       Structure
hi def link obligateDeclared    Function
hi def link obligateField       Keyword
hi def link obligateParameter   Identifier
hi def link obligateCategory    Type
hi def link obligateId          Constant
hi def link obligateFact        Identifier
hi def link obligateSubject     Special
hi def link obligateLogic       Operator
hi def link obligateOperator    Operator
hi def link obligateWord        Keyword
hi def link obligateStatus      Constant
hi def link obligateConstant    Constant
hi def link obligateType        Type

let b:current_syntax = 'obligate'
let &cpo = s:cpo_save
unlet s:cpo_save
