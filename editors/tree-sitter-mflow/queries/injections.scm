; The command of `run "…"` is a shell script (`sh -c`): inject bash into the string's text.
; `${…}` parts stay MFlow (they are child nodes the injection skips).
(run_clause
  command: (string (string_content) @injection.content)
  (#set! injection.language "bash")
  (#set! injection.combined))

(run_clause
  command: (raw_string) @injection.content
  (#offset! @injection.content 0 2 0 -1)
  (#set! injection.language "bash"))

; Comments may hold anything; editors that know `comment` highlight TODO/FIXME in them.
([(line_comment) (block_comment)] @injection.content
  (#set! injection.language "comment"))
