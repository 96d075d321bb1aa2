" obligate rule files. Vim's own filetype.vim gives *.obl to Oblivion scripts (obse), with
" setf; a file that does not start like one (scn / ScriptName) is an obligate rule file.
autocmd BufRead,BufNewFile *.obl
      \ if getline(1) !~? '^\s*\(scn\|scriptname\)\>' | set filetype=obligate | endif
