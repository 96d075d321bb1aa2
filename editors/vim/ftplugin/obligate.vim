" Vim filetype plugin for obligate rule files (.obl)
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

" Ids such as EU-DSA-28-1 are one word for w, *, and completion.
setlocal iskeyword+=-
setlocal commentstring=#\ %s comments=:#
setlocal formatoptions-=t formatoptions+=croql
let b:undo_ftplugin = 'setlocal iskeyword< commentstring< comments< formatoptions<'
