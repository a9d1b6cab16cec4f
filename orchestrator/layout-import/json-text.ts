/**
 * JSON text to a value, with syntax errors located by line and column (Node's `JSON.parse` gives a
 * position for some errors, none for others, and no line in Node 20).
 */
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
  const scanner = new Scanner(text);
  try {
    scanner.document();
    return undefined;
  } catch (error) {
    if (error instanceof RangeError) return undefined; // nested too deep to check by recursion
    if (!(error instanceof SyntaxAt)) throw error;
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    const column = error.offset - (before.lastIndexOf('\n') + 1) + 1;
    return { line, column, message: error.message };
  }
}

class SyntaxAt extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** A recursive-descent JSON checker: it builds nothing, it only finds where the text stops being JSON. */
class Scanner {
  private at = 0;
  constructor(private readonly text: string) {}

  document(): void {
    this.space();
    this.value('a JSON value');
    this.space();
    if (this.at < this.text.length) this.fail('unexpected text after the end of the JSON value');
  }

  private value(expected: string): void {
    const c = this.text[this.at];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else if (this.word('true') || this.word('false') || this.word('null')) return;
    else if (c === undefined) this.fail(`unexpected end of file; expected ${expected}`);
    else this.fail(`expected ${expected}, found ${this.shown()}`);
  }

  private object(): void {
    this.at++; // {
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') {
        const trailing = this.text[this.at] === '}';
        this.fail(
          trailing
            ? 'trailing comma before }'
            : `expected a property name in double quotes, found ${this.shown()}`,
        );
      }
      this.string();
      this.space();
      if (this.text[this.at] !== ':') this.fail(`expected : after the property name, found ${this.shown()}`);
      this.at++;
      this.space();
      this.value('a value');
      this.space();
      const next = this.text[this.at];
      this.at++;
      if (next === '}') return;
      if (next !== ',') {
        this.at--;
        this.fail(`expected , or } after a property, found ${this.shown()}`);
      }
    }
  }

  private array(): void {
    this.at++; // [
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] === ']') this.fail('trailing comma before ]');
      this.value('a value');
      this.space();
      const next = this.text[this.at];
      this.at++;
      if (next === ']') return;
      if (next !== ',') {
        this.at--;
        this.fail(`expected , or ] after an array element, found ${this.shown()}`);
      }
    }
  }

  private string(): void {
    const start = this.at;
    this.at++; // "
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) {
        this.at = start;
        this.fail('unterminated string');
      }
      if (c === '"') {
        this.at++;
        return;
      }
      if (c < ' ')
        this.fail(c === '\n' ? 'line break inside a string (write \\n)' : 'control character in a string');
      if (c === '\\') {
        const e = this.text[this.at + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6)))
            this.fail('\\u must be followed by 4 hex digits');
          this.at += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail(`invalid escape \\${e ?? ''} in a string`);
        this.at += 2;
        continue;
      }
      this.at++;
    }
  }

  private number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (match === null) this.fail(`invalid number, found ${this.shown()}`);
    this.at += match[0].length;
    const next = this.text[this.at];
    if (next !== undefined && /[\d.eE]/.test(next))
      this.fail('invalid number (leading zero or misplaced . or e)');
  }

  private word(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  private space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at] ?? '')) this.at++;
    if (this.text.startsWith('//', this.at) || this.text.startsWith('/*', this.at))
      this.fail('comments are not allowed in JSON');
  }

  private shown(): string {
    const c = this.text[this.at];
    if (c === undefined) return 'the end of the file';
    const word = /^[\w$.+-]+/.exec(this.text.slice(this.at, this.at + 20))?.[0];
    return word !== undefined && word.length > 1 ? JSON.stringify(word) : JSON.stringify(c);
  }

  private fail(message: string): never {
    throw new SyntaxAt(this.at, message);
  }
}
