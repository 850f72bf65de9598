/** Text rules of listing fields (specs/publish.md 1.6; 004 [L15302], [L27513]–[L27524], [L16396]). */
import { describe, expect, it } from 'vitest';
import { disallowedHtml, hasDisallowedEmoji, hasLineBreak, isHttpUrl, isVideoHostAllowed } from '../../../../shared/catalog/rules/text';

describe('emoji in an offer name (004 [L15302])', () => {
  it.each([
    ['Contoso Notifications', false],
    ['Contoso™', false],
    ['© Contoso', false],
    ['™©', false],
    ['Contoso 🚀', true],
    ['Contoso™ 🚀', true],
    ['Contoso © 2026 ❤', true],
    ['Contoso ®', true],
    ['Contoso 🇺🇸', true],
    ['', false],
  ])('%j has a disallowed emoji: %s', (name, disallowed) => {
    expect(hasDisallowedEmoji(name)).toBe(disallowed);
  });
});

describe('line breaks in single-line fields', () => {
  it.each([
    ['one line', false],
    ['two\nlines', true],
    ['carriage\rreturn', true],
    ['line\u2028separator', true],
    ['paragraph\u2029separator', true],
    ['tab\tis fine', false],
  ])('%j has a line break: %s', (text, found) => {
    expect(hasLineBreak(text)).toBe(found);
  });
});

describe('HTML in descriptions (004 [L27513]–[L27524])', () => {
  it.each([
    '<b>bold</b> <i>italic</i> <em>em</em>',
    'first<br>second<br/>third<br />fourth',
    '<p>text</p><ul><li>one</li></ul><ol><li>two</li></ol>',
    '<h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4><h5>e</h5><h6>f</h6>',
    '<P>upper-case tags</P>',
    '<p >spaced</ p >',
    'a < b and b > c',
    'I <3 Contoso',
    'plain text',
  ])('accepts %j', (text) => {
    expect(disallowedHtml(text)).toBeUndefined();
  });

  it.each([
    ['<p>hi</p><script>alert(1)</script>', '<script>'],
    ['<a href="https://contoso.test">link</a>', '<a href="https://contoso.test">'],
    ['<p class="x">styled</p>', '<p class="x">'],
    ['<!-- a comment -->', '<!-- a comment -->'],
    ['<?xml version="1.0"?>', '<?xml version="1.0"?>'],
    ['</script>', '</script>'],
    ['<img src=x onerror=alert(1)', '<img src=x onerror=alert(1)'],
    ['<script <p>', '<script <p>'],
    ['<p>ok</p><table>', '<table>'],
    ['<h7>no such heading</h7>', '<h7>'],
  ])('refuses %j and names %j', (text, construct) => {
    expect(disallowedHtml(text)).toBe(construct);
  });

  it('names at most the first 40 characters of the refused markup (the error quotes it)', () => {
    const tag = `<div data-x="${'y'.repeat(100)}">`;
    expect(disallowedHtml(tag)).toBe(tag.slice(0, 40));
    expect(disallowedHtml(tag)).toHaveLength(40);
  });
});

describe('URLs of listing fields', () => {
  it.each([
    ['https://contoso.test/privacy', false, true],
    ['http://contoso.test/privacy', false, true],
    ['http://contoso.test/privacy', true, false],
    ['https://contoso.test/privacy', true, true],
    ['HTTPS://CONTOSO.TEST/', true, true],
    ['ftp://contoso.test/file', false, false],
    ['mailto:jon@contoso.test', false, false],
    ['contoso.test/privacy', false, false],
    ['/privacy', false, false],
    ['', false, false],
    ['file:///etc/passwd', false, false],
  ])('%j (https only: %s) is accepted: %s', (url, httpsOnly, ok) => {
    expect(isHttpUrl(url, httpsOnly)).toBe(ok);
  });

  it('accepts http by default', () => {
    expect(isHttpUrl('http://contoso.test/')).toBe(true);
  });
});

describe('video links (004 [L16396])', () => {
  it.each([
    ['https://www.youtube.com/watch?v=abc', true],
    ['https://youtube.com/watch?v=abc', true],
    ['https://youtu.be/abc', true],
    ['https://vimeo.com/123', true],
    ['https://player.vimeo.com/video/123', true],
    ['https://WWW.YOUTUBE.COM/watch?v=abc', true],
    ['https://notyoutube.com/watch?v=abc', false],
    ['https://youtube.com.evil.test/watch', false],
    ['https://contoso.test/video.mp4', false],
    ['not a url', false],
  ])('%j is an allowed video host: %s', (url, allowed) => {
    expect(isVideoHostAllowed(url)).toBe(allowed);
  });
});
