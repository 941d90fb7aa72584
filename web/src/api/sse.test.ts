import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse';

describe('createSseParser', () => {
  it('when events arrive split across chunks, then each is emitted once complete with its JSON data', () => {
    const parse = createSseParser();

    expect(parse(': stream req_1\n\nevent: started\ndata: {"count"')).toEqual([]);
    expect(parse(':2}\n\nevent: delta\ndata: {"text":"Hi"}\n\n')).toEqual([
      { event: 'started', data: { count: 2 } },
      { event: 'delta', data: { text: 'Hi' } },
    ]);
  });

  it('when the stream uses CRLF and multi-line data, then lines are joined with newlines', () => {
    const parse = createSseParser();

    expect(parse('data: line one\r\ndata: line two\r\n\r\n')).toEqual([
      { event: 'message', data: 'line one\nline two' },
    ]);
  });

  it('when a block has only a comment, then nothing is emitted', () => {
    expect(createSseParser()(': keep-alive\n\n')).toEqual([]);
  });
});
