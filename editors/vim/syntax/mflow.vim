" Vim syntax file
" Language:    MFlow (the typed workflow language of maestroc)
" Filenames:   *.mflow
" Spec:        LANGUAGE.md §2 (lexical structure); grammar/mflow.pest

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn sync minlines=200

" ---------------------------------------------------------------- comments
syn keyword mflowTodo contained TODO FIXME XXX NOTE
" (The comment items are defined at the end, see there.)

" ---------------------------------------------------------------- literals
" Order matters: at the same start column the item defined last wins, so a
" date beats a number and a float or a duration beats an integer.
syn match mflowNumber   "\<\d[0-9_]*\>"
syn match mflowFloat    "\<\d[0-9_]*\.\d[0-9_]*\%([eE][+-]\=\d[0-9_]*\)\=\>"
syn match mflowFloat    "\<\d[0-9_]*[eE][+-]\=\d[0-9_]*\>"
syn match mflowDuration "\<\%(\d[0-9_]*\%(ms\|s\|m\|h\|d\)\)\+\>"
syn match mflowDate     "\<\d\{4}-\d\d-\d\d\>"

syn keyword mflowBoolean true false
syn keyword mflowNone    none

" Strings: escapes and `${expr}` interpolation. Inside the interpolation is an
" ordinary expression, so it may hold strings of its own.
syn match  mflowEscape      contained "\\[nt\\\"$]"
syn match  mflowEscapeError contained "\\[^nt\\\"$]"
syn region mflowString start=+"+ end=+"+
      \ contains=mflowEscape,mflowEscapeError,mflowInterp,@Spell
syn region mflowInterp contained matchgroup=mflowInterpDelim start="\${" end="}"
      \ contains=@mflowExpr,mflowInterpBraces
syn region mflowInterpBraces contained transparent start="{" end="}"
      \ contains=@mflowExpr,mflowInterpBraces
" Raw strings: no escapes, no interpolation.
syn region mflowRawString start=+\<r"+ end=+"+

" ---------------------------------------------------------------- words
" Reserved words: never identifiers.
syn keyword mflowInclude     import as
syn keyword mflowDeclaration param const let output nextgroup=mflowVarName skipwhite
syn keyword mflowStructure   workflow nextgroup=mflowWorkflowName skipwhite
syn keyword mflowStructure   fn nextgroup=mflowFnName skipwhite
syn keyword mflowStructure   step nextgroup=mflowStepName skipwhite
syn keyword mflowRepeat      foreach while for in
syn keyword mflowConditional if else then
syn keyword mflowLogical     and or not

syn match mflowWorkflowName contained "\<\h\w*\>"
syn match mflowFnName       contained "\<\h\w*\>"
syn match mflowStepName     contained "\<\h\w*\>"
syn match mflowVarName      contained "\<\h\w*\>"

" Types (a match, not a keyword, so `int(x)` can still be a built-in call).
syn match mflowType "\<\%(int\|float\|bool\|string\|duration\|date\|list\|map\)\>"

" Clause words are keywords only where a clause starts: first on a line, after
" `{` or `}` or `)` or `]` or a closing quote, or after a word that ends an
" expression (MFlow has no juxtaposition, so a word following an expression
" begins a new clause), but never after a reserved word or another clause word
" (`param image: string`, `foreach run in runs`), never after `.` or an
" operator (`x.image`, `a + image`) and never when followed by `:` or an
" operator or `(` (`{image: 1}`, `image + 1`, `env("HOME")`).
let s:clause_words = 'run exec call sleep outputs env after retry backoff timeout'
      \ . ' on_failure concurrency strategy schedule with next limit image resources'
      \ . ' wait emit signal dir where on trigger tags catchup fixed since run_start profile'
let s:not_before = 'import as workflow fn param const let step output foreach while'
      \ . ' if else then for in and or not ' . s:clause_words
let s:alt = {words -> '\%(' . join(split(words), '\|') . '\)'}
let s:start = '\%(\%(^\s*\)\@<=\|\%([{}\])\]"]\s*\)\@80<=\|\%(\<\%(' . s:alt(s:not_before)
      \ . '\>\)\@!\w\+\s\+\)\@80<=\)'
let s:after = '\>\%(\s*\%([:.,=+*/%<>!?\])}]\|-[^>]\)\|(\)\@!'
function! s:Clause(group, words, extra) abort
  execute 'syn match' a:group '#' . s:start . '\<' . s:alt(a:words) . s:after . '#' a:extra
endfunction

call s:Clause('mflowClause', 'run exec call sleep outputs env after retry timeout'
      \ . ' concurrency schedule with next limit image resources dir where'
      \ . ' tags catchup since profile', '')
call s:Clause('mflowClause', 'trigger', 'nextgroup=mflowTriggerOn skipwhite')
syn match mflowTriggerOn   contained "\<on\>" nextgroup=mflowSignalWord skipwhite
" `fixed` ends a param and `run_start` a `since`: nothing follows them on the line.
syn match mflowClause "\<\%(fixed\|run_start\)\>\ze\s*\%($\|//\)"
call s:Clause('mflowClause', 'backoff', 'nextgroup=mflowBackoffKind skipwhite')
call s:Clause('mflowClause', 'on', 'nextgroup=mflowRetryOn skipwhite')
call s:Clause('mflowClause', 'on_failure', 'nextgroup=mflowFailureMode skipwhite')
call s:Clause('mflowClause', 'strategy', 'nextgroup=mflowStrategy skipwhite')
call s:Clause('mflowClause', 'wait emit', 'nextgroup=mflowSignalWord skipwhite')
syn match mflowSignalWord  contained "\<signal\>"
syn match mflowFailureMode contained "\<\%(fail_fast\|fail_after_running\|ignore\)\>"
syn match mflowBackoffKind contained "\<\%(fixed\|exponential\)\>"
syn match mflowRetryOn     contained "\<\%(failure\|timeout\|any\)\>"
syn match mflowStrategy    contained
      \ "\<\%(parallel\|sequential\|strict_sequential\|first_only\|last_only\)\>"

" Built-in functions, only when called.
syn match mflowBuiltin "\<\%(len\|range\|sum\|min\|max\|sort\|unique\|reverse\|flatten\|zip\|enumerate\|contains\|keys\|values\|join\|split\|trim\|upper\|lower\|replace\|starts_with\|ends_with\|str\|int\|float\|format_date\|parse_date\|today\|dates_between\|env\|to_json\|raw\)\ze\s*("

" Operators (after the literals: `-` inside a date is part of the date).
syn match mflowOperator "??\|->\|[=!<>]=\|[-+*%<>=?]"
syn match mflowOperator "/[/*]\@!"

" Comments last: `//` and `/*` start comments, not operators. `///` (but not
" `////`) is a doc comment.
syn match   mflowComment    "//.*$" contains=mflowTodo,@Spell
syn match   mflowDocComment "///\%(/\)\@!.*$" contains=mflowTodo,@Spell
syn region  mflowBlockComment start="/\*" end="\*/" contains=mflowTodo,@Spell

" Everything an expression (and so an interpolation) may contain.
syn cluster mflowExpr contains=mflowNumber,mflowFloat,mflowDuration,mflowDate,
      \mflowBoolean,mflowNone,mflowString,mflowRawString,mflowConditional,
      \mflowRepeat,mflowLogical,mflowBuiltin,mflowOperator,mflowComment,
      \mflowBlockComment

" ---------------------------------------------------------------- links
hi def link mflowTodo         Todo
hi def link mflowComment      Comment
hi def link mflowBlockComment Comment
hi def link mflowDocComment   SpecialComment
hi def link mflowNumber       Number
hi def link mflowFloat        Float
hi def link mflowDuration     Number
hi def link mflowDate         Constant
hi def link mflowBoolean      Boolean
hi def link mflowNone         Constant
hi def link mflowString       String
hi def link mflowRawString    String
hi def link mflowEscape       SpecialChar
hi def link mflowEscapeError  Error
hi def link mflowInterpDelim  Delimiter
" The inside of `${…}` is code, not string: plain text with its own groups.
hi def link mflowInterp       Normal
hi def link mflowInclude      Include
hi def link mflowDeclaration  Keyword
hi def link mflowStructure    Structure
hi def link mflowRepeat       Repeat
hi def link mflowConditional  Conditional
hi def link mflowLogical      Operator
hi def link mflowWorkflowName Function
hi def link mflowFnName       Function
hi def link mflowStepName     Identifier
hi def link mflowVarName      Identifier
hi def link mflowType         Type
hi def link mflowClause       Statement
hi def link mflowTriggerOn    Statement
hi def link mflowSignalWord   Statement
hi def link mflowFailureMode  Constant
hi def link mflowBackoffKind  Constant
hi def link mflowRetryOn      Constant
hi def link mflowStrategy     Constant
hi def link mflowBuiltin      Function
hi def link mflowOperator     Operator

let b:current_syntax = 'mflow'

let &cpo = s:cpo_save
unlet s:cpo_save
