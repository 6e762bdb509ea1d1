// The feed's own line folding (RFC 5545 3.1): lines of at most 75 octets, a long line broken with CRLF and one space,
// never inside a character (Swedish å, Arabic ع, €, an emoji of four octets), and unfolded it is the line again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldLines } from '../../server/calendar/feed.ts';

const unfold = (text: string) => text.replace(/\r\n /g, '');
const octets = (line: string) => Buffer.byteLength(line, 'utf8');

describe('foldLines', () => {
  const lines = [
    `SUMMARY:${'å'.repeat(120)}`,
    `DESCRIPTION:${'ع'.repeat(90)}`,
    `LOCATION:${'€'.repeat(70)}`,
    `SUMMARY:${'😀'.repeat(60)}`,
    `DESCRIPTION:a${'😀å€ع'.repeat(40)}b`,
    ...Array.from({ length: 6 }, (_, i) => `X-TEST:${'x'.repeat(60 + i)}${'😀'.repeat(5)}`),
  ];

  for (const line of lines) {
    it(`folds ${line.slice(0, 24)}… (${octets(line)} octets)`, () => {
      const folded = foldLines(line);
      const parts = folded.split('\r\n');
      assert.ok(parts.length > 1, 'a long line is folded');
      for (const [i, part] of parts.entries()) {
        assert.ok(octets(part) <= 75, `line ${i} has ${octets(part)} octets`);
        if (i > 0) assert.ok(part.startsWith(' ') && part.length > 1, 'a continuation begins with one space');
        assert.ok(!part.includes('\uFFFD'), 'no character split');
        // No lone surrogate at either end: an emoji is never split between two lines.
        assert.ok(!/^ ?[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(part), `line ${i} splits an emoji`);
      }
      assert.ok(!/\r\n(?! )/.test(folded), 'every break is CRLF followed by a space');
      assert.equal(unfold(folded), line, 'unfolds to the original');
      assert.equal(Buffer.from(folded, 'utf8').toString('utf8'), folded, 'valid UTF-8 throughout');
    });
  }

  it('leaves short lines and the CRLF between lines as they are', () => {
    const text = ['BEGIN:VEVENT', `SUMMARY:${'å'.repeat(30)}`, 'END:VEVENT'].join('\r\n');
    assert.equal(foldLines(text), text);
  });

  it('folds each line of a text on its own', () => {
    const text = [`SUMMARY:${'ع'.repeat(50)}`, 'UID:1', `LOCATION:${'😀'.repeat(30)}`].join('\r\n');
    const folded = foldLines(text);
    assert.equal(unfold(folded), text);
    assert.ok(folded.split('\r\n').every((l) => octets(l) <= 75));
  });
});
