/**
 * JSON text to a value, with syntax errors located by line and column (Node 20's `JSON.parse` gives a
 * position for some errors, none for others, and never a line). The syntax check is jsonc-parser's
 * (Microsoft's JSON scanner behind VS Code), strict: no comments, no trailing commas.
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LayoutImportError } from '../domain/layout.ts';

export interface JsonSyntaxError {
  /** 1-based line and column of the first character that cannot be JSON. */
  readonly line: number;
  readonly column: number;
  /** What was found and what was expected there. */
  readonly message: string;
}

/**
 * Parses `text` as JSON; a leading byte-order mark is ignored (editors on Windows write one).
 * @throws LayoutImportError `not-json`, path `line L, column C`, message `invalid JSON: ...`.
 */
export function parseJsonText(text: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (cause) {
    const where = findJsonSyntaxError(body) ?? { line: 1, column: 1, message: String(cause) };
    throw new LayoutImportError(
      'not-json',
      `invalid JSON: ${where.message}`,
      `line ${where.line}, column ${where.column}`,
      { cause },
    );
  }
}

/** The first syntax error of `text` (RFC 8259), or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return undefined;
  const before = text.slice(0, first.offset);
  return {
    line: before.split('\n').length,
    column: first.offset - (before.lastIndexOf('\n') + 1) + 1,
    message: describe(text, first),
  };
}

/** What is wrong at the error, in the words of someone fixing the file by hand. */
function describe(text: string, error: ParseError): string {
  const at = text.slice(error.offset, error.offset + Math.max(1, error.length));
  const found = error.offset >= text.length ? 'the end of the file' : JSON.stringify(at);
  const previous = text.slice(0, error.offset).trimEnd().at(-1);
  // By name: the library's codes are an ambient const enum, which this project's module settings cannot read.
  const code = printParseErrorCode(error.error);
  switch (code) {
    case 'PropertyNameExpected':
    case 'ValueExpected':
      if (previous === ',' && (at === '}' || at === ']')) return `trailing comma before ${at}`;
      if (text.trim() === '') return 'the file is empty; expected a JSON value';
      return code === 'PropertyNameExpected'
        ? `expected a property name in double quotes, found ${found}`
        : `expected a value, found ${found}`;
    case 'InvalidSymbol':
      return `expected a property name or value (strings in double quotes), found ${found}`;
    case 'CommaExpected':
      return `expected a comma, found ${found}`;
    case 'ColonExpected':
      return `expected : after the property name, found ${found}`;
    case 'CloseBraceExpected':
      return `expected , or } to go on or close the object, found ${found}`;
    case 'CloseBracketExpected':
      return `expected , or ] to go on or close the array, found ${found}`;
    case 'EndOfFileExpected':
      return 'unexpected text after the end of the JSON value';
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return 'comments are not allowed in JSON';
    case 'UnexpectedEndOfString':
      return 'string not closed before the end of the line (write \\n for a line break)';
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return `invalid number ${found}`;
    case 'InvalidUnicode':
    case 'InvalidEscapeCharacter':
      return `invalid escape in a string: ${found}`;
    case 'InvalidCharacter':
      return `a control character inside a string: ${found}`;
    case '<unknown ParseErrorCode>':
      return `not JSON at ${found}`;
  }
}
