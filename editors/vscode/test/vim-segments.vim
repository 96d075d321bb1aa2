" Writes, for every file in the argument list, its filetype, commentstring and the
" highlight group of each run of characters, as JSON lines to $OBLIGATE_VIM_OUT.
let s:out = []
for s:file in argv()
  execute 'edit ' . fnameescape(s:file)
  let s:segments = []
  for s:l in range(1, line('$'))
    let s:text = getline(s:l)
    let s:start = 0
    let s:group = ''
    for s:c in range(1, len(s:text) + 1)
      let s:name = s:c <= len(s:text) ? synIDattr(synID(s:l, s:c, 1), 'name') : '<eol>'
      if s:c == 1
        let s:group = s:name
      elseif s:name !=# s:group
        call add(s:segments, [s:l, s:text[s:start : s:c - 2], s:group])
        let s:start = s:c - 1
        let s:group = s:name
      endif
    endfor
  endfor
  call add(s:out, json_encode({'file': s:file, 'filetype': &filetype,
        \ 'commentstring': &commentstring, 'segments': s:segments}))
endfor
call writefile(s:out, $OBLIGATE_VIM_OUT)
