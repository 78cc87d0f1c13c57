" Vim indent file for MFlow (the typed workflow language of maestroc).
" Indents one 'shiftwidth' after a line that leaves a `{`, `[` or `(` open and
" dedents a line that starts with `}`, `]` or `)`. Brackets inside strings and
" comments do not count.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetMflowIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O,e
setlocal nolisp nosmartindent autoindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< lisp< smartindent< autoindent<'

if exists('*GetMflowIndent')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" True when line `lnum` starts inside a string or a block comment (then its
" indentation is content and is left alone). Needs syntax highlighting on.
function! s:StartsInside(lnum) abort
  if !exists('b:current_syntax') || b:current_syntax !=# 'mflow'
    return 0
  endif
  let col = match(getline(a:lnum), '\S') + 1
  if col <= 0
    return 0
  endif
  for id in synstack(a:lnum, col)
    let name = synIDattr(id, 'name')
    if name ==# 'mflowBlockComment' && getline(a:lnum)[col - 1 : col] !=# '/*'
      return 1
    endif
    if name =~# '^mflow\%(Raw\)\=String$' && getline(a:lnum)[col - 1] !=# '"'
          \ && getline(a:lnum)[col - 1 : col] !=# 'r"'
      return 1
    endif
  endfor
  return 0
endfunction

" [unclosed openers, closers that close an earlier line's opener] on one line,
" skipping strings (with `${…}` interpolations, which may hold strings),
" raw strings and comments. Closers at the very start of the line are not
" counted: the line's own indentation already accounts for them.
function! s:Balance(line) abort
  let opens = 0
  let closes = 0
  let stack = []        " 'x' for an expression bracket, 's' for a string
  let instr = 0         " inside a "…" string (at the top of stack)
  let leading = 1
  let i = 0
  let n = len(a:line)
  while i < n
    let c = a:line[i]
    if instr
      if c ==# '\'
        let i += 1
      elseif c ==# '"'
        let instr = 0
        call remove(stack, -1)
      elseif c ==# '$' && a:line[i + 1] ==# '{'
        let instr = 0
        call add(stack, 'i')
        let i += 1
      endif
    elseif c ==# '"'
      let instr = 1
      call add(stack, 's')
    elseif c ==# 'r' && a:line[i + 1] ==# '"' && (i == 0 || a:line[i - 1] !~# '\w')
      let j = stridx(a:line, '"', i + 2)
      let i = j < 0 ? n : j
    elseif a:line[i : i + 1] ==# '//'
      break
    elseif a:line[i : i + 1] ==# '/*'
      let j = stridx(a:line, '*/', i + 2)
      let i = j < 0 ? n : j + 1
    elseif c =~# '[{[(]'
      call add(stack, 'x')
      let leading = 0
    elseif c =~# '[}\])]'
      if !empty(stack) && stack[-1] ==# 'i' && c ==# '}'
        " end of an interpolation: back inside its string
        call remove(stack, -1)
        let instr = 1
      elseif !empty(stack) && stack[-1] ==# 'x'
        call remove(stack, -1)
      elseif !leading
        let closes += 1
      endif
    elseif c !~# '\s'
      let leading = 0
    endif
    let i += 1
  endwhile
  let opens = len(filter(copy(stack), 'v:val ==# "x"'))
  return [opens, closes]
endfunction

function! GetMflowIndent(lnum) abort
  if s:StartsInside(a:lnum)
    return -1
  endif
  let prev = prevnonblank(a:lnum - 1)
  " Skip lines that are the inside of a block comment or a string.
  while prev > 0 && s:StartsInside(prev)
    let prev = prevnonblank(prev - 1)
  endwhile
  if prev == 0
    return 0
  endif
  let ind = indent(prev)
  let [opens, closes] = s:Balance(getline(prev))
  if opens > 0
    let ind += shiftwidth()
  elseif closes > 0
    let ind -= shiftwidth()
  endif
  if getline(a:lnum) =~# '^\s*[}\])]'
    let ind -= shiftwidth()
  endif
  return max([ind, 0])
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
