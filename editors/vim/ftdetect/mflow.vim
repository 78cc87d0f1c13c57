" Vim filetype detection for MFlow, the workflow language of maestroc.
autocmd BufNewFile,BufRead *.mflow setfiletype mflow
