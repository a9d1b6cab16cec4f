import { describe, expect, it } from 'vitest';
import { LayoutImportError } from '../domain/layout.ts';
import { findJsonSyntaxError, parseJsonText } from './json-text.ts';

describe('findJsonSyntaxError', () => {
  it.each([
    ['a trailing comma in an object', '{\n  "a": 1,\n}', 3, 1, 'trailing comma before }'],
    ['a trailing comma in an array', '[1,\n 2,\n]', 3, 1, 'trailing comma before ]'],
    ['a missing comma', '{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected a comma, found "\\"b\\""'],
    [
      'an unquoted key',
      '{ name: "S" }',
      1,
      3,
      'expected a property name or value (strings in double quotes), found "name"',
    ],
    [
      'single quotes',
      "{ 'a': 1 }",
      1,
      3,
      `expected a property name or value (strings in double quotes), found "'a'"`,
    ],
    ['a comment', '{\n  // the fleet\n  "a": 1\n}', 2, 3, 'comments are not allowed in JSON'],
    [
      'an unterminated string',
      '{ "a": "open\n}',
      1,
      8,
      'string not closed before the end of the line (write \\n for a line break)',
    ],
    [
      'a bad literal',
      '{ "a": tru }',
      1,
      8,
      'expected a property name or value (strings in double quotes), found "tru"',
    ],
    [
      'a cut-off file',
      '{ "a": [1, 2',
      1,
      13,
      'expected , or ] to go on or close the array, found the end of the file',
    ],
    ['an empty file', '', 1, 1, 'the file is empty; expected a JSON value'],
    ['text after the value', '{}\n{}', 2, 1, 'unexpected text after the end of the JSON value'],
    ['a leading zero', '{ "a": 01 }', 1, 9, 'expected a comma, found "1"'],
  ])(
    'when the text has %s, then line, column and message say where and what',
    (_what, text, line, column, message) => {
      expect(() => JSON.parse(text) as unknown).toThrow();
      expect(findJsonSyntaxError(text)).toEqual({ line, column, message });
    },
  );

  it('when the text is valid JSON, then there is no error', () => {
    expect(findJsonSyntaxError('{ "a": [1, -2.5e3, true, null, "\\u00e9\\n"], "b": {} }')).toBeUndefined();
  });
});

describe('parseJsonText', () => {
  it('when the file starts with a byte-order mark, then it is read', () => {
    expect(parseJsonText('\uFEFF{"a": 1}')).toEqual({ a: 1 });
  });

  it('when the text is not JSON, then the error is not-json with line and column as its path', () => {
    let error: unknown;
    try {
      parseJsonText('{\n  "a": 1,\n}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LayoutImportError);
    expect(error).toMatchObject({
      code: 'not-json',
      path: 'line 3, column 1',
      message: 'invalid JSON: trailing comma before }',
    });
  });
});
