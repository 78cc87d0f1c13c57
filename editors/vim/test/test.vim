" Headless tests for editors/vim. Run by test/run.sh as
"   vim -Nu NONE -es -S test/test.vim
" with g:mflow_root (the repository) and g:mflow_results (a file to write)
" set by the caller. Every assertion runs; failures are collected, written to
" g:mflow_results with a final `N passed, M failed` line, and the shell script
" decides the exit code from that file.

let s:here = expand('<sfile>:p:h')
let s:vimdir = fnamemodify(s:here, ':h')
let s:root = get(g:, 'mflow_root', fnamemodify(s:vimdir, ':h:h'))
let s:results = get(g:, 'mflow_results', s:here . '/results.txt')
let s:passed = 0
let s:failures = []
let s:covered = {}

function! s:Pass() abort
  let s:passed += 1
endfunction

function! s:Fail(msg) abort
  call add(s:failures, 'FAIL: ' . a:msg)
endfunction

function! s:Eq(desc, got, want) abort
  if a:got ==# a:want
    call s:Pass()
  else
    call s:Fail(printf('%s: got %s, want %s', a:desc, string(a:got), string(a:want)))
  endif
endfunction

" Where `pat` (very nomagic; `\zs` marks the column) first matches in the
" current buffer, as [line, col]; [0, 0] when it does not.
function! s:Find(pat) abort
  call cursor(1, 1)
  let pos = searchpos('\V\C' . a:pat, 'cW')
  return pos
endfunction

function! s:Name(l, c) abort
  return synIDattr(synID(a:l, a:c, 1), 'name')
endfunction

function! s:Stack(l, c) abort
  return map(synstack(a:l, a:c), 'synIDattr(v:val, "name")')
endfunction

" The innermost syntax group at the match of `pat` is `group` ('' = none).
function! s:Group(pat, group) abort
  let [l, c] = s:Find(a:pat)
  if l == 0
    return s:Fail(printf('pattern not found in %s: %s', expand('%:t'), a:pat))
  endif
  if a:group !=# ''
    let s:covered[a:group] = 1
  endif
  call s:Eq(printf('%s:%d:%d %s', expand('%:t'), l, c, a:pat), s:Name(l, c), a:group)
endfunction

" The innermost group at `pat` is not `group`.
function! s:NotGroup(pat, group) abort
  let [l, c] = s:Find(a:pat)
  if l == 0
    return s:Fail(printf('pattern not found in %s: %s', expand('%:t'), a:pat))
  endif
  let got = s:Name(l, c)
  if got ==# a:group
    call s:Fail(printf('%s:%d:%d %s: must not be %s', expand('%:t'), l, c, a:pat, got))
  else
    call s:Pass()
  endif
endfunction

" The syntax stack at `pat` contains all of `groups`, in that order.
function! s:InStack(pat, groups) abort
  let [l, c] = s:Find(a:pat)
  if l == 0
    return s:Fail(printf('pattern not found in %s: %s', expand('%:t'), a:pat))
  endif
  let stack = s:Stack(l, c)
  let i = 0
  for name in stack
    if i < len(a:groups) && name ==# a:groups[i]
      let i += 1
    endif
  endfor
  for g in a:groups
    let s:covered[g] = 1
  endfor
  if i == len(a:groups)
    call s:Pass()
  else
    call s:Fail(printf('%s:%d:%d %s: stack %s does not contain %s',
          \ expand('%:t'), l, c, a:pat, string(stack), string(a:groups)))
  endif
endfunction

" The stack at `pat` does not contain `group`.
function! s:NotInStack(pat, group) abort
  let [l, c] = s:Find(a:pat)
  if l == 0
    return s:Fail(printf('pattern not found in %s: %s', expand('%:t'), a:pat))
  endif
  let stack = s:Stack(l, c)
  if index(stack, a:group) >= 0
    call s:Fail(printf('%s:%d:%d %s: stack %s must not contain %s',
          \ expand('%:t'), l, c, a:pat, string(stack), a:group))
  else
    call s:Pass()
  endif
endfunction

function! s:Run(name) abort
  try
    call call('s:' . a:name, [])
  catch
    call s:Fail(printf('%s: exception %s at %s', a:name, v:exception, v:throwpoint))
  endtry
endfunction

" ---------------------------------------------------------------- filetype
function! s:TestFiletype() abort
  execute 'edit' fnameescape(s:here . '/syntax.mflow')
  call s:Eq('filetype', &filetype, 'mflow')
  call s:Eq('b:current_syntax', get(b:, 'current_syntax', ''), 'mflow')
  call s:Eq('commentstring', &commentstring, '// %s')
  call s:Eq('comments has ///', &comments =~# '\%(^\|,\)://\/\%(,\|$\)', 1)
  call s:Eq('comments has //', &comments =~# '\%(^\|,\)://\%(,\|$\)', 1)
  let parts = split(&comments, ',')
  call s:Eq('comments: /// before //', index(parts, ':///') < index(parts, '://'), 1)
  call s:Eq('expandtab', &expandtab, 1)
  call s:Eq('shiftwidth', &shiftwidth, 2)
  call s:Eq('softtabstop', &softtabstop, 2)
  call s:Eq('formatoptions has c', &formatoptions =~# 'c', 1)
  call s:Eq('formatoptions has no t', &formatoptions =~# 't', 0)
  call s:Eq('indentexpr', &indentexpr, 'GetMflowIndent(v:lnum)')
  call s:Eq('b:undo_ftplugin set', exists('b:undo_ftplugin'), 1)
  call s:Eq('b:undo_indent set', exists('b:undo_indent'), 1)
  " A new buffer named *.mflow is detected too.
  new scratch.mflow
  call s:Eq('new buffer filetype', &filetype, 'mflow')
  " Undoing the ftplugin and the indent file restores the options.
  execute b:undo_ftplugin
  execute b:undo_indent
  call s:Eq('undo commentstring', &commentstring, &g:commentstring)
  call s:Eq('undo indentexpr', &indentexpr, '')
  call s:Eq('undo shiftwidth', &shiftwidth, &g:shiftwidth)
  bwipeout!
  " Other files are not mflow.
  new scratch.txt
  call s:Eq('.txt not mflow', &filetype ==# 'mflow', 0)
  bwipeout!
endfunction

" ---------------------------------------------------------------- syntax
function! s:TestSyntax() abort
  execute 'edit' fnameescape(s:here . '/syntax.mflow')
  " comments
  call s:Group('// Fixture', 'mflowComment')
  call s:Group('TODO:', 'mflowTodo')
  call s:Group('FIXME too', 'mflowTodo')
  call s:Group('//// four', 'mflowComment')
  call s:Group('/// Doc comment of a f', 'mflowDocComment')
  call s:Group('/* a block', 'mflowBlockComment')
  call s:Group('with \zsFIXME inside', 'mflowTodo')
  call s:Group('and \zsworkflow as a word', 'mflowBlockComment')
  " reserved words and the names they define
  call s:Group('import "std', 'mflowInclude')
  call s:Group('\zsas common', 'mflowInclude')
  call s:Group('fn nodash', 'mflowStructure')
  call s:Group('fn \zsnodash', 'mflowFnName')
  call s:Group('workflow daily', 'mflowStructure')
  call s:Group('workflow \zsdaily_ingest', 'mflowWorkflowName')
  call s:Group('step \zsextract', 'mflowStepName')
  call s:Group('\zsstep extract', 'mflowStructure')
  call s:Group('\zsparam image', 'mflowDeclaration')
  call s:Group('\zsconst day', 'mflowDeclaration')
  call s:Group('\zslet delta', 'mflowDeclaration')
  call s:Group('\zsoutput rows', 'mflowDeclaration')
  call s:Group('output \zsrows', 'mflowVarName')
  call s:Group('\zsforeach region', 'mflowRepeat')
  call s:Group('region \zsin regions', 'mflowRepeat')
  call s:Group('\zswhile more', 'mflowRepeat')
  call s:Group('x * 2 \zsfor x', 'mflowRepeat')
  call s:Group('[1, 2] \zsif x > 0', 'mflowConditional')
  call s:Group('= \zsif flag', 'mflowConditional')
  call s:Group('\zsthen 1', 'mflowConditional')
  call s:Group('\zselse 2', 'mflowConditional')
  call s:Group('flag \zsand not', 'mflowLogical')
  call s:Group('and \zsnot false', 'mflowLogical')
  call s:Group('false \zsor true', 'mflowLogical')
  call s:Group('= \zstrue', 'mflowBoolean')
  call s:Group('not \zsfalse', 'mflowBoolean')
  call s:Group('= \zsnone', 'mflowNone')
  " types
  call s:Group(': \zsstring =', 'mflowType')
  call s:Group('\zslist<string>', 'mflowType')
  call s:Group('list<\zsstring>', 'mflowType')
  call s:Group('flag: \zsbool', 'mflowType')
  call s:Group('wait_for: \zsduration', 'mflowType')
  call s:Group('(d: \zsdate)', 'mflowType')
  call s:Group('big: \zsint', 'mflowType')
  call s:Group('ratio: \zsfloat', 'mflowType')
  call s:Group('string\zs? = none', 'mflowOperator')
  " numbers, durations, dates
  call s:Group('= \zs3.14', 'mflowFloat')
  call s:Group('= \zs1e-3', 'mflowFloat')
  call s:Group('= \zs1_000', 'mflowNumber')
  call s:Group('1_\zs000', 'mflowNumber')
  call s:Group('= \zs1h30m', 'mflowDuration')
  call s:Group('1h3\zs0m', 'mflowDuration')
  call s:Group('= \zs500ms', 'mflowDuration')
  call s:Group('timeout \zs2h', 'mflowDuration')
  call s:Group('= \zs2026-11-23', 'mflowDate')
  call s:Group('2026-11\zs-23', 'mflowDate')
  call s:Group('big \zs- 1', 'mflowOperator')
  call s:Group('big - \zs1', 'mflowNumber')
  " operators
  call s:Group('\zs-> string', 'mflowOperator')
  call s:Group('"HOME") \zs??', 'mflowOperator')
  call s:Group('x \zs* 2', 'mflowOperator')
  call s:Group('x \zs> 0', 'mflowOperator')
  call s:Group('signal.day \zs==', 'mflowOperator')
  call s:Group('page \zs+ 1', 'mflowOperator')
  call s:Group('delta \zs= big', 'mflowOperator')
  " strings, escapes, interpolation
  call s:Group('"\zsstd/dates"', 'mflowString')
  call s:Group('\zs"std/dates"', 'mflowString')
  call s:Group('tab\zs\\t', 'mflowEscape')
  call s:Group('dollar\zs\\$', 'mflowEscape')
  call s:Group('quote\zs\\"', 'mflowEscape')
  call s:Group('bad\zs\\q', 'mflowEscapeError')
  call s:Group('bad\\q \zsworkflow"', 'mflowString')
  call s:Group('"id \zs${maybe', 'mflowInterpDelim')
  call s:Group('${\zsmaybe ??', 'mflowInterp')
  call s:InStack('${\zsmaybe ??', ['mflowString', 'mflowInterp'])
  call s:Group('maybe \zs?? "none"', 'mflowOperator')
  call s:InStack('?? "\zsnone"', ['mflowString', 'mflowInterp', 'mflowString'])
  call s:Group('"none"\zs} tab', 'mflowInterpDelim')
  call s:InStack('"none"} \zstab', ['mflowString'])
  call s:NotInStack('"none"} \zstab', 'mflowInterp')
  call s:InStack('"rec ${ {\zsa: 1}', ['mflowString', 'mflowInterp', 'mflowInterpBraces'])
  call s:Group('"rec ${ {a: \zs1}', 'mflowNumber')
  call s:Group('{a: 1}.a \zs} end', 'mflowInterpDelim')
  call s:Group('{a: 1}.a } \zsend', 'mflowString')
  call s:Group('"python extract.py --day \zs${day}', 'mflowInterpDelim')
  " raw strings: no escapes, no interpolation
  call s:Group('\zsr"no', 'mflowRawString')
  call s:Group('r"no \zs${interp}', 'mflowRawString')
  call s:Group('r"no ${\zsinterp}', 'mflowRawString')
  call s:Group('and \zs\\n here', 'mflowRawString')
  call s:Group('\\n here\zs"', 'mflowRawString')
  " built-in functions, only when called
  call s:Group('\zsformat_date(d', 'mflowBuiltin')
  call s:Group('\zsenv("HOME")', 'mflowBuiltin')
  call s:Group('\zsint("3")', 'mflowBuiltin')
  call s:Group('\zslen(regions)', 'mflowBuiltin')
  call s:Group('\zssum([x', 'mflowBuiltin')
  call s:Group('"fetch", \zsstr(page)', 'mflowBuiltin')
  call s:Group('\zsregions) +', '')
  " clause words where a clause starts
  call s:Group('\zsconcurrency 4', 'mflowClause')
  call s:Group('\zstimeout 2h', 'mflowClause')
  call s:Group('\zsretry 2', 'mflowClause')
  call s:Group('\zsbackoff exponential', 'mflowClause')
  call s:Group('backoff \zsexponential', 'mflowBackoffKind')
  call s:Group('backoff \zsfixed', 'mflowBackoffKind')
  call s:Group('5m) \zson timeout', 'mflowClause')
  call s:Group('5m) on \zstimeout', 'mflowRetryOn')
  call s:Group('\zson_failure fail_after', 'mflowClause')
  call s:Group('on_failure \zsfail_after_running', 'mflowFailureMode')
  call s:Group('on_failure \zsignore', 'mflowFailureMode')
  call s:Group('\zsstrategy strict', 'mflowClause')
  call s:Group('strategy \zsstrict_sequential', 'mflowStrategy')
  call s:Group('\zsschedule "0', 'mflowClause')
  call s:Group('"Europe/Amsterdam" \zscatchup', 'mflowClause')
  call s:Group('\zstrigger on', 'mflowClause')
  call s:Group('trigger \zson signal', 'mflowTriggerOn')
  call s:Group('trigger on \zssignal', 'mflowSignalWord')
  call s:Group('\zstags \[', 'mflowClause')
  call s:Group('42 \zsfixed', 'mflowClause')
  call s:Group('\zsrun "python', 'mflowClause')
  call s:Group('\zsoutputs { rows', 'mflowClause')
  call s:Group('\zsenv { IMAGE', 'mflowClause')
  call s:Group('\zsimage "repo/extract', 'mflowClause')
  call s:Group('\zsresources {', 'mflowClause')
  call s:Group('\zsdir "/tmp"', 'mflowClause')
  call s:Group('\zstimeout 30m', 'mflowClause')
  call s:Group('regions \zsconcurrency 2', 'mflowClause')
  call s:Group('step load { \zsrun', 'mflowClause')
  call s:Group('"load.sh ${region}" \zsoutputs', 'mflowClause')
  call s:Group('{ loaded: int } \zstimeout 5m', 'mflowClause')
  call s:Group('more \zswith page', 'mflowClause')
  call s:Group('true \zslimit 10', 'mflowClause')
  call s:Group('\zsexec [', 'mflowClause')
  call s:Group('\zsafter extract', 'mflowClause')
  call s:Group('\zsnext page', 'mflowClause')
  call s:Group('{ \zssleep 10s', 'mflowClause')
  call s:Group('{ \zscall common', 'mflowClause')
  call s:Group('\zswait signal', 'mflowClause')
  call s:Group('wait \zssignal', 'mflowSignalWord')
  call s:Group('"orders_ready" \zswhere', 'mflowClause')
  call s:Group('\zsemit signal', 'mflowClause')
  call s:Group('emit \zssignal', 'mflowSignalWord')
  " clause words used as identifiers stay identifiers
  call s:Group('param \zsimage', 'mflowVarName')
  call s:Group('= \zsimage + "x"', '')
  call s:Group('common.\zsimage', '')
  call s:Group('rows: int, \zsimage: string', '')
  call s:Group('IMAGE: \zsimage }', '')
  call s:Group('param \zswait_for', 'mflowVarName')
  call s:Group('where \zssignal.day', '')
  call s:Group('fetch.\zsmore', '')
  call s:Group('\zsstrategy strict', 'mflowClause')
  " keywords inside strings and comments are not keywords
  call s:Group('"load.sh ${\zsregion}', 'mflowInterp')
  call s:NotInStack('"load.sh ${\zsregion}', 'mflowRepeat')
  call s:Group('python extract.py --day', 'mflowString')
  call s:Group('"0 5 * * *"', 'mflowString')
  " every group has a highlight link to a standard group
  for name in s:Groups()
    if name ==# 'mflowInterpBraces'
      continue   " transparent: takes the colours of what contains it
    endif
    let target = synIDattr(synIDtrans(hlID(name)), 'name')
    call s:Eq('link of ' . name, target !=# '' && target !~# '^mflow', 1)
  endfor
  " and every group is exercised above
  for name in s:Groups()
    call s:Eq('group covered by a test: ' . name, has_key(s:covered, name), 1)
  endfor
endfunction

" Names of the syntax groups the syntax file defines.
function! s:Groups() abort
  let names = []
  for line in split(execute('syntax list'), "\n")
    let m = matchstr(line, '^\zsmflow\w\+\ze\s\+xxx')
    if m !=# '' && index(names, m) < 0
      call add(names, m)
    endif
  endfor
  return names
endfunction

" ---------------------------------------------------------------- indent
function! s:TestIndent() abort
  let expected = readfile(s:here . '/indent.expected.mflow')
  for input in ['indent.input.mflow', 'indent.expected.mflow']
    execute 'edit' fnameescape(s:here . '/' . input)
    silent normal! gg=G
    let got = getline(1, '$')
    let ok = 1
    for i in range(max([len(got), len(expected)]))
      let g = get(got, i, '<missing>')
      let w = get(expected, i, '<missing>')
      if g !=# w
        call s:Fail(printf('indent %s line %d: got %s, want %s', input, i + 1, string(g), string(w)))
        let ok = 0
      endif
    endfor
    if ok
      call s:Pass()
    endif
    edit!
  endfor
  " Opening a line after `{` (with `o`) indents; `}` dedents as it is typed.
  execute 'edit' fnameescape(s:here . '/indent.expected.mflow')
  call cursor(s:Find('step a {')[0], 1)
  execute "normal! onew_line\<Esc>"
  call s:Eq('o after {', getline('.'), '    new_line')
  execute "normal! o}\<Esc>"
  call s:Eq('} typed', getline('.'), '  }')
  edit!
endfunction

" ---------------------------------------------------------------- examples
" Every example and stdlib file loads as mflow, highlights without an error,
" and (being valid) has no bad escape.
function! s:TestExamples() abort
  let files = glob(s:root . '/examples/**/*.mflow', 0, 1)
        \ + glob(s:root . '/stdlib/*.mflow', 0, 1)
  call s:Eq('examples found', len(files) > 0, 1)
  for f in files
    let v:errmsg = ''
    try
      execute 'edit' fnameescape(f)
      syntax
      let bad = []
      for l in range(1, line('$'))
        for c in range(1, len(getline(l)))
          if s:Name(l, c) ==# 'mflowEscapeError'
            call add(bad, l . ':' . c)
          endif
        endfor
      endfor
      call s:Eq(fnamemodify(f, ':t') . ' filetype', &filetype, 'mflow')
      call s:Eq(fnamemodify(f, ':t') . ' syntax', get(b:, 'current_syntax', ''), 'mflow')
      call s:Eq(fnamemodify(f, ':t') . ' escape errors', bad, [])
      call s:Eq(fnamemodify(f, ':t') . ' v:errmsg', v:errmsg, '')
    catch
      call s:Fail(fnamemodify(f, ':t') . ': ' . v:exception)
    endtry
  endfor
endfunction

for s:t in ['TestFiletype', 'TestSyntax', 'TestIndent', 'TestExamples']
  call s:Run(s:t)
endfor

call writefile(s:failures + [printf('%d passed, %d failed', s:passed, len(s:failures))], s:results)
qall!
