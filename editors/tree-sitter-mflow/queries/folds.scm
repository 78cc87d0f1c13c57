; Folds: bodies of workflows, steps, loops and branches, and long literals.
[
  (block)
  (step_body)
  (fields)
  (outputs_clause)
  (list)
  (comprehension)
  (map)
  (record)
  (arguments)
  (named_arguments)
  (block_comment)
] @fold
