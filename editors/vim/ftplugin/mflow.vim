" Vim filetype plugin for MFlow (the typed workflow language of maestroc).

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=//\ %s
" `///` doc comments first so that `gq` keeps them doc comments.
setlocal comments=s1:/*,mb:*,ex:*/,:///,://
setlocal expandtab shiftwidth=2 softtabstop=2
" Wrap comments (not code) at 'textwidth', continue comment leaders, join
" comment lines without their leaders.
setlocal formatoptions-=t formatoptions+=croqlj
setlocal suffixesadd=.mflow

let b:undo_ftplugin = 'setlocal commentstring< comments< expandtab< shiftwidth<'
      \ . ' softtabstop< formatoptions< suffixesadd<'

let &cpo = s:cpo_save
unlet s:cpo_save
