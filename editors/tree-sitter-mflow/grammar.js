/**
 * @file Tree-sitter grammar for MFlow, the workflow language of maestroc.
 *
 * It follows grammar/mflow.pest (the normative grammar) rule by rule, plus the clauses of
 * docs/language.md §13 (schedules with time zones and catch-up, signal triggers, `fixed`
 * params, tags, `wait … since`, step profiles). Words that are keywords only where a clause
 * starts (`run`, `retry`, `on`, …) stay usable as names elsewhere: tree-sitter's keyword
 * extraction (`word`) makes them keywords only where the parser expects one.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const PREC = {
  if_expr: 0,
  coalesce: 1,
  or: 2,
  and: 3,
  not: 4,
  compare: 5,
  add: 6,
  multiply: 7,
  negate: 8,
  postfix: 9,
};

/** `item (, item)* ,?` — possibly empty. */
function commaSep(rule) {
  return optional(commaSep1(rule));
}

/** `item (, item)* ,?` */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)), optional(','));
}

/** `item (, item)*` with no trailing comma. */
function sepBy1(sep, rule) {
  return seq(rule, repeat(seq(sep, rule)));
}

module.exports = grammar({
  name: 'mflow',

  // The grammar's WHITESPACE (no form feed, no vertical tab) and COMMENT.
  extras: $ => [/[ \t\r\n\uFEFF]/, $.line_comment, $.block_comment],

  word: $ => $.identifier,

  // The reserved words (src/syntax/keywords.rs): never a name, even where only a name fits.
  reserved: {
    global: _ => [
      'import', 'as', 'workflow', 'fn', 'param', 'const', 'let', 'step', 'output', 'foreach',
      'while', 'if', 'else', 'then', 'for', 'in', 'true', 'false', 'none', 'and', 'or', 'not',
    ],
  },

  supertypes: $ => [$._statement, $._clause, $._expression, $._type],

  rules: {
    source_file: $ => repeat($._item),

    _item: $ => choice($.import, $.function_definition, $.workflow),

    // ------------------------------------------------------------------ items
    import: $ => seq('import', field('path', $.string), optional(seq('as', field('alias', $.identifier)))),

    function_definition: $ => seq(
      'fn',
      field('name', $.identifier),
      field('parameters', $.parameters),
      '->',
      field('return_type', $._type),
      '=',
      field('body', $._expression),
    ),
    parameters: $ => seq('(', commaSep($.parameter), ')'),
    parameter: $ => seq(field('name', $.identifier), ':', field('type', $._type)),

    workflow: $ => seq('workflow', field('name', $.identifier), field('body', $.block)),

    block: $ => seq('{', repeat($._statement), '}'),

    // ------------------------------------------------------------------ statements
    _statement: $ => choice(
      $.step,
      $.foreach,
      $.if_statement,
      $.let_declaration,
      $.param_declaration,
      $.const_declaration,
      $.output_declaration,
      $.while_loop,
      $.next_statement,
      $.retry_clause,
      $.timeout_clause,
      $.on_failure_clause,
      $.concurrency_clause,
      $.strategy_clause,
      $.schedule_clause,
      $.trigger_clause,
      $.tags_clause,
    ),

    param_declaration: $ => seq(
      'param',
      field('name', $.identifier),
      ':',
      field('type', $._type),
      optional(seq('=', field('default', $._expression))),
      optional($.fixed),
    ),
    fixed: _ => 'fixed',
    const_declaration: $ => seq(
      'const',
      field('name', $.identifier),
      optional(seq(':', field('type', $._type))),
      '=',
      field('value', $._expression),
    ),
    let_declaration: $ => seq(
      'let',
      field('name', $.identifier),
      optional(seq(':', field('type', $._type))),
      '=',
      field('value', $._expression),
    ),
    output_declaration: $ => seq(
      'output',
      field('name', $.identifier),
      ':',
      field('type', $._type),
      '=',
      field('value', $._expression),
    ),

    concurrency_clause: $ => seq('concurrency', field('limit', $._expression)),
    // Only `parallel` takes an argument (the AST builder's rule, E0022, made syntax here).
    strategy_clause: $ => seq(
      'strategy',
      choice(
        seq(field('name', alias('parallel', $.strategy_name)), optional(seq('(', field('limit', $._expression), ')'))),
        field('name', alias(choice('sequential', 'strict_sequential', 'first_only', 'last_only'), $.strategy_name)),
      ),
    ),
    schedule_clause: $ => seq(
      'schedule',
      field('cron', $.string),
      optional(seq('in', field('zone', $.string))),
      optional($.catchup),
    ),
    catchup: $ => seq(
      'catchup',
      choice(
        alias('none', $.catchup_mode),
        alias('last', $.catchup_mode),
        seq(alias('all', $.catchup_mode), '(', alias('max', $.identifier), ':', field('max', $._expression), ')'),
      ),
    ),
    trigger_clause: $ => seq(
      'trigger',
      'on',
      'signal',
      field('signal', $.string),
      optional(seq('where', field('filter', $._expression))),
    ),
    tags_clause: $ => seq('tags', field('tags', $._expression)),

    foreach: $ => seq(
      'foreach',
      sepBy1(',', $.loop_variable),
      optional(seq('concurrency', field('concurrency', $._expression))),
      field('body', $.block),
    ),
    loop_variable: $ => seq(field('name', $.identifier), 'in', field('iterable', $._expression)),

    while_loop: $ => seq(
      'while',
      field('condition', $._expression),
      optional(seq('with', sepBy1(',', $.binding))),
      optional(seq('limit', field('limit', $._expression))),
      field('body', $.block),
    ),
    binding: $ => seq(field('name', $.identifier), '=', field('value', $._expression)),
    next_statement: $ => seq('next', sepBy1(',', $.binding)),

    if_statement: $ => seq(
      'if',
      field('condition', $._expression),
      field('consequence', $.block),
      repeat($.else_if),
      optional($.else_clause),
    ),
    else_if: $ => seq('else', 'if', field('condition', $._expression), field('consequence', $.block)),
    else_clause: $ => seq('else', field('body', $.block)),

    // ------------------------------------------------------------------ steps
    step: $ => seq('step', field('name', $.identifier), field('body', $.step_body)),
    step_body: $ => seq('{', repeat($._clause), '}'),

    _clause: $ => choice(
      $.run_clause,
      $.exec_clause,
      $.call_clause,
      $.sleep_clause,
      $.wait_clause,
      $.env_clause,
      $.dir_clause,
      $.outputs_clause,
      $.image_clause,
      $.resources_clause,
      $.emit_clause,
      $.after_clause,
      $.retry_clause,
      $.timeout_clause,
      $.on_failure_clause,
      $.profile_clause,
    ),

    run_clause: $ => seq('run', field('command', choice($.raw_string, $.string))),
    exec_clause: $ => seq('exec', field('argv', $._expression)),
    call_clause: $ => seq(
      'call',
      field('workflow', choice($.identifier, seq($.identifier, '.', $.identifier))),
      field('arguments', $.named_arguments),
    ),
    named_arguments: $ => seq('(', commaSep($.named_argument), ')'),
    sleep_clause: $ => seq('sleep', field('duration', $._expression)),
    wait_clause: $ => seq(
      'wait',
      'signal',
      field('signal', $._expression),
      optional(seq('where', field('filter', $._expression))),
      optional(seq('since', field('since', choice(alias('run_start', $.run_start), $._expression)))),
    ),
    env_clause: $ => seq('env', field('fields', $.fields)),
    dir_clause: $ => seq('dir', field('path', $._expression)),
    outputs_clause: $ => seq('outputs', '{', commaSep($.field_type), '}'),
    image_clause: $ => seq('image', field('image', $._expression)),
    resources_clause: $ => seq('resources', field('fields', $.fields)),
    emit_clause: $ => seq('emit', 'signal', field('signal', $._expression), optional(field('fields', $.fields))),
    after_clause: $ => seq('after', sepBy1(',', $.identifier)),
    profile_clause: $ => seq('profile', field('profile', $._expression)),
    retry_clause: $ => seq(
      'retry',
      field('count', $._expression),
      optional(seq('backoff', field('backoff', $.backoff))),
      optional(seq('on', field('on', alias(choice('failure', 'timeout', 'any'), $.retry_on)))),
    ),
    backoff: $ => seq(
      field('kind', alias(choice('fixed', 'exponential'), $.backoff_kind)),
      field('arguments', $.arguments),
    ),
    timeout_clause: $ => seq('timeout', field('duration', $._expression)),
    on_failure_clause: $ => seq(
      'on_failure',
      field('mode', alias(choice('fail_fast', 'fail_after_running', 'ignore'), $.failure_mode)),
    ),

    fields: $ => seq('{', commaSep($.field), '}'),
    field: $ => seq(field('name', $.identifier), ':', field('value', $._expression)),
    named_argument: $ => seq(field('name', $.identifier), ':', field('value', $._expression)),

    // ------------------------------------------------------------------ types
    _type: $ => choice($.named_type, $.generic_type, $.record_type, $.optional_type),
    named_type: $ => $.identifier,
    generic_type: $ => seq(field('name', $.identifier), '<', sepBy1(',', $._type), '>'),
    record_type: $ => seq('{', commaSep($.field_type), '}'),
    field_type: $ => seq(field('name', $.identifier), ':', field('type', $._type)),
    optional_type: $ => seq($._type, '?'),

    // ------------------------------------------------------------------ expressions
    _expression: $ => choice(
      $.if_expression,
      $.binary_expression,
      $.not_expression,
      $.negation,
      $.call,
      $.field_access,
      $.index,
      $.parenthesized,
      $.list,
      $.comprehension,
      $.map,
      $.record,
      $.identifier,
      $.integer,
      $.float,
      $.duration,
      $.date,
      $.true,
      $.false,
      $.none,
      $.string,
      $.raw_string,
    ),

    if_expression: $ => prec.right(PREC.if_expr, seq(
      'if',
      field('condition', $._expression),
      'then',
      field('consequence', $._expression),
      'else',
      field('alternative', $._expression),
    )),

    binary_expression: $ => {
      const table = [
        [PREC.coalesce, '??'],
        [PREC.or, 'or'],
        [PREC.and, 'and'],
        [PREC.compare, choice('==', '!=', '<=', '>=', '<', '>')],
        [PREC.add, choice('+', '-')],
        [PREC.multiply, choice('*', '/', '%')],
      ];
      return choice(...table.map(([p, op]) => prec.left(p, seq(
        field('left', $._expression),
        field('operator', op),
        field('right', $._expression),
      ))));
    },
    not_expression: $ => prec(PREC.not, seq('not', field('operand', $._expression))),
    negation: $ => prec(PREC.negate, seq('-', field('operand', $._expression))),

    call: $ => prec(PREC.postfix, seq(field('function', $._expression), field('arguments', $.arguments))),
    // Positional arguments first, then named ones (E0023 in the AST builder).
    arguments: $ => seq(
      '(',
      optional(choice(
        seq(sepBy1(',', $._expression), repeat(seq(',', $.named_argument)), optional(',')),
        seq(sepBy1(',', $.named_argument), optional(',')),
      )),
      ')',
    ),
    field_access: $ => prec(PREC.postfix, seq(field('value', $._expression), '.', field('field', $.identifier))),
    index: $ => prec(PREC.postfix, seq(field('value', $._expression), '[', field('index', $._expression), ']')),

    parenthesized: $ => seq('(', $._expression, ')'),
    list: $ => seq('[', commaSep($._expression), ']'),
    comprehension: $ => seq(
      '[',
      field('element', $._expression),
      'for',
      field('variable', $.identifier),
      'in',
      field('iterable', $._expression),
      optional(seq('if', field('condition', $._expression))),
      ']',
    ),
    // A map (string keys) or a record (identifier keys); `{}` is an empty map.
    map: $ => seq('{', commaSep($.map_entry), '}'),
    map_entry: $ => seq(field('key', $.string), ':', field('value', $._expression)),
    record: $ => seq('{', commaSep1($.field), '}'),

    // ------------------------------------------------------------------ literals
    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*/,
    integer: _ => token(/[0-9][0-9_]*/),
    float: _ => token(seq(/[0-9][0-9_]*/, choice(seq('.', /[0-9][0-9_]*/, optional(/[eE][+-]?[0-9][0-9_]*/)), /[eE][+-]?[0-9][0-9_]*/))),
    duration: _ => token(/([0-9][0-9_]*(ms|s|m|h|d))+/),
    date: _ => token(/[0-9]{4}-[0-9]{2}-[0-9]{2}/),
    true: _ => 'true',
    false: _ => 'false',
    none: _ => 'none',

    raw_string: _ => token(seq('r"', /[^"]*/, '"')),
    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence, $.interpolation)),
      token.immediate('"'),
    ),
    string_content: _ => token.immediate(prec(1, /[^"\\$]+|\$/)),
    escape_sequence: _ => token.immediate(/\\[nt\\"$]/),
    interpolation: $ => seq(token.immediate(prec(2, '${')), field('expression', $._expression), '}'),

    line_comment: _ => token(seq('//', /[^\n]*/)),
    block_comment: _ => token(seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/')),
  },
});
