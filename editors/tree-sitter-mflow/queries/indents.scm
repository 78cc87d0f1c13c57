; Indentation (nvim-treesitter / Helix style): one level inside every bracket pair.
[
  (block)
  (step_body)
  (fields)
  (outputs_clause)
  (record_type)
  (list)
  (comprehension)
  (map)
  (record)
  (arguments)
  (named_arguments)
  (parameters)
  (parenthesized)
] @indent.begin

["}" "]" ")"] @indent.branch
["}" "]" ")"] @indent.end

[(line_comment) (block_comment) (string) (raw_string)] @indent.auto
