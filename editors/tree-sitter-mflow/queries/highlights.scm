; Highlights for MFlow (nvim-treesitter / Helix / Zed capture names).
; The general pattern comes first: the more specific ones below take precedence.
(identifier) @variable

; Comments; `///` is a doc comment.
(line_comment) @comment
(block_comment) @comment
((line_comment) @comment.documentation
  (#match? @comment.documentation "^///"))

; Literals
(string) @string
(raw_string) @string
(string_content) @string
(escape_sequence) @string.escape
(interpolation
  "${" @punctuation.special
  "}" @punctuation.special)
(integer) @number
(float) @number.float
(duration) @number
(date) @number
[(true) (false)] @boolean
(none) @constant.builtin

; Declarations
(workflow name: (identifier) @type)
(step name: (identifier) @function)
(function_definition name: (identifier) @function)
(parameter name: (identifier) @variable.parameter)
(param_declaration name: (identifier) @variable.parameter)
(const_declaration name: (identifier) @constant)
(let_declaration name: (identifier) @variable)
(output_declaration name: (identifier) @variable)
(loop_variable name: (identifier) @variable)
(binding name: (identifier) @variable)
(comprehension variable: (identifier) @variable)
(import alias: (identifier) @module)

; Types
(named_type (identifier) @type)
(generic_type name: (identifier) @type)
(field_type name: (identifier) @property)

; Fields, arguments and steps referenced
(field name: (identifier) @property)
(named_argument name: (identifier) @variable.parameter)
(field_access field: (identifier) @property)
(map_entry key: (string) @property)
(after_clause (identifier) @function)
(call function: (identifier) @function.call)
(call function: (field_access field: (identifier) @function.call))
(call_clause workflow: (identifier) @function.call)

; Words of fixed meaning
(strategy_name) @constant.builtin
(backoff_kind) @function.builtin
(failure_mode) @constant.builtin
(retry_on) @constant.builtin
(catchup_mode) @constant.builtin
(run_start) @constant.builtin
(fixed) @keyword.modifier

; Keywords
"import" @keyword.import
"as" @keyword.import
["fn"] @keyword.function
["workflow" "step" "param" "const" "let" "output"] @keyword
["if" "else" "then"] @keyword.conditional
["foreach" "while" "for" "in" "next" "limit" "with"] @keyword.repeat
["and" "or" "not"] @keyword.operator
[
  "run" "exec" "call" "sleep" "wait" "signal" "where" "env" "dir" "outputs" "image"
  "resources" "emit" "after" "retry" "backoff" "on" "timeout" "on_failure" "concurrency"
  "strategy" "schedule" "catchup" "trigger" "tags" "since" "profile"
] @keyword

; Operators and punctuation
[
  "??" "==" "!=" "<=" ">=" "<" ">" "+" "-" "*" "/" "%" "=" "->" "?"
] @operator
["(" ")" "[" "]" "{" "}"] @punctuation.bracket
["," "." ":"] @punctuation.delimiter

