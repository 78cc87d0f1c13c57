; Scopes, definitions and references for MFlow (nvim-treesitter's locals captures).

(source_file) @local.scope
(workflow) @local.scope
(function_definition) @local.scope
(block) @local.scope
(step_body) @local.scope
(comprehension) @local.scope

(function_definition name: (identifier) @local.definition.function)
(parameter name: (identifier) @local.definition.parameter)
(step name: (identifier) @local.definition.function)
(param_declaration name: (identifier) @local.definition.parameter)
(const_declaration name: (identifier) @local.definition.constant)
(let_declaration name: (identifier) @local.definition.var)
(output_declaration name: (identifier) @local.definition.var)
(loop_variable name: (identifier) @local.definition.var)
(binding name: (identifier) @local.definition.var)
(comprehension variable: (identifier) @local.definition.var)
(import alias: (identifier) @local.definition.import)

(identifier) @local.reference
