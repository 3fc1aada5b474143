/** Each transformation of the normaliser, alone, and that each is recorded by name. */
import test from 'ava';
import { base64Text, canonical, decodeEntities, decodeValue, foldUnicode, MAX_ROUNDS, pathView, percentDecodeOnce, stripBlockComments, TransformLog } from '../../../src/detect/web/normalise.js';

const dec = (raw: string, form = true): { s: string; t: string[] } => {
  const log = new TransformLog();
  const s = decodeValue(raw, { form }, log);
  return { s, t: log.names };
};

test('percent-decoding runs to a fixed point: double and triple encoding', (t) => {
  t.deepEqual(dec('%27'), { s: "'", t: ['percent-decode'] });
  t.deepEqual(dec('%2527'), { s: "'", t: ['percent-decode', 'percent-decode-nested'] });
  t.is(dec('%252527').s, "'");
  t.is(dec('%%32%65%%32%65').s, '..', 'nested nibble encoding (%%32%65 → %2e → .)');
});

test('the decoding bound is reported, not silently exceeded', (t) => {
  const deep = '%' + '25'.repeat(MAX_ROUNDS + 1) + '27';
  const r = dec(deep);
  t.true(r.t.includes('decode-bound-reached'));
  t.not(r.s, "'");
});

test('a % that starts no escape stays literal (as nginx and PHP leave it)', (t) => {
  t.is(dec('50%').s, '50%');
  t.is(dec('%zz%2').s, '%zz%2');
});

test('%uXXXX (IIS) decodes and is recorded', (t) => {
  const r = dec('%u003cscript%u003e');
  t.is(r.s, '<script>');
  t.true(r.t.includes('percent-u'));
});

test('+ is a space in query strings only', (t) => {
  t.deepEqual(dec('a+b'), { s: 'a b', t: ['plus-space'] });
  t.is(dec('a+b', false).s, 'a+b');
  t.is(dec('C%2B%2B').s, 'C++', 'an encoded plus stays a plus');
});

test('HTML entities: named, decimal, hex, with and without semicolons', (t) => {
  const log = new TransformLog();
  t.is(decodeEntities('&lt;&#60;&#x3c;&#X3C;&#0000060&#x00003c;&lt', log), '<<<<<<<');
  t.deepEqual(log.names, ['html-entity-markup', 'html-entity']);
  t.is(decodeEntities('&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58', new TransformLog()), 'javascript:');
  t.is(decodeEntities('A&B &unknown; &', new TransformLog()), 'A&B &unknown; &', 'unknown names and bare & stay');
});

test('overlong UTF-8 forms decode to the ASCII they hide; invalid bytes become U+FFFD', (t) => {
  for (const [raw, want] of [
    ['%c0%ae%c0%ae%c0%af', '../'],
    ['%e0%80%ae%e0%80%ae%e0%80%af', '../'],
    ['%f0%80%80%ae%f0%80%80%ae%f0%80%80%af', '../'],
    ['%c0%2e%c0%2e%c0%5c', '..\\'],
    ['%c1%9c', '\\'],
  ] as const) {
    const r = dec(raw);
    t.is(r.s, want, raw);
    t.true(r.t.includes('overlong-utf8'), raw);
  }
  const gbk = dec('%D2%BD%B1%A3');
  t.true(gbk.s.includes('\ufffd'));
  t.true(gbk.t.includes('invalid-utf8'));
  t.is(dec('%E5%8C%BB%E4%BF%9D').s, '医保', 'valid UTF-8 decodes normally');
});

test('nginx/JS \\xHH escapes decode like %HH', (t) => {
  const r = dec('\\x3Cscript\\x3E');
  t.is(r.s, '<script>');
  t.true(r.t.includes('log-escape'));
});

test('null bytes are removed and recorded; other controls become spaces', (t) => {
  t.deepEqual(dec('../etc/passwd%00.jpg'), { s: '../etc/passwd.jpg', t: ['percent-decode', 'null-byte'] });
  const r = dec('a%01%1bb');
  t.is(r.s, 'a  b');
  t.true(r.t.includes('control-char'));
});

test('full-width and look-alike separators fold to ASCII', (t) => {
  const log = new TransformLog();
  t.is(foldUnicode('\uff0e\uff0e\u2215\uff0e\uff0e\u2216', log), '../..\\');
  t.deepEqual(log.names, ['unicode-fold']);
  t.is(foldUnicode('医保 政策', new TransformLog()), '医保 政策', 'CJK text is untouched');
});

test('SQL comments: /**/ separates tokens, /*!50000 …*/ keeps its content', (t) => {
  const log = new TransformLog();
  t.is(stripBlockComments('UNION/**/SELECT', log), 'UNION SELECT');
  t.is(stripBlockComments('/*!50000UNION*/ /*!SELECT*/', log).replace(/\s+/g, ' ').trim(), 'UNION SELECT');
  t.deepEqual(log.names, ['sql-comment', 'mysql-versioned-comment']);
  t.is(stripBlockComments('a/* never closed', new TransformLog()), 'a ');
});

test('canonical form: comments out, white space folded, lower case — each recorded', (t) => {
  const log = new TransformLog();
  t.is(canonical('  UNION/**/\t\n SELECT   1 ', log), 'union select 1');
  t.deepEqual(log.names, ['sql-comment', 'whitespace-fold', 'case-fold']);
});

test('path view: backslash and dotdotpwn hex literals become /', (t) => {
  const log = new TransformLog();
  t.is(pathView('..\\..\\Windows\\win.ini', log), '../../windows/win.ini');
  t.is(pathView('0x2e0x2e0x2fetc0x2fpasswd', log), '../etc/passwd');
  t.deepEqual(log.names, ['backslash', 'hex-literal']);
});

test('base64 text is decoded only when it is printable', (t) => {
  t.is(base64Text('Li4vLi4vLi4vZXRjL3Bhc3N3ZA=='), '../../../etc/passwd');
  t.is(base64Text('MTIzNDU2Nzg='), undefined, 'too short to matter');
  t.is(base64Text('eyJhcmVhQ29kZSI6ICI0NDAxMDUiLCAicGFnZSI6IDN9'), '{"areaCode": "440105", "page": 3}');
  t.is(base64Text('abc'), undefined);
});

test('percentDecodeOnce leaves text without escapes as the same string (no copy)', (t) => {
  const s = '/xxgk/zcwj/index.html';
  t.is(percentDecodeOnce(s, new TransformLog(), 0), s);
});
