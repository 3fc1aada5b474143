/** XSS, path traversal, command and code injection, scanner User-Agents: each detector alone. */
import test from 'ava';
import { judgeCode } from '../../../src/detect/web/code.js';
import { judgeCommand } from '../../../src/detect/web/command.js';
import { judgeXss } from '../../../src/detect/web/html.js';
import { judgePath } from '../../../src/detect/web/path.js';
import { judgeUserAgent, SCANNER_AGENTS } from '../../../src/detect/web/scanners.js';

test('XSS by structure: handlers, script tags, script URLs, CSS expressions, break-outs, JS calls, templates', (t) => {
  const kinds: Array<[string, string]> = [
    ['<svg/onload=alert(1)>', 'event-handler'],
    ['<img src=x onerror=prompt(1)>', 'event-handler'],
    ['<x contenteditable onkeydown=alert(1)>', 'event-handler'],
    ['<script>alert(1)</script>', 'dangerous-tag'],
    ['<iframe src=//evil.example>', 'dangerous-tag'],
    ['<a href="java\tscript:alert(1)">x</a>', 'script-url'],
    ['<a href=" javascript:alert(1)">', 'script-url'],
    ['<form><button formaction=javascript:alert(1)>x', 'script-url'],
    ['<div style="width: expr/**/ession(alert(1))">', 'css-expression'],
    ['</title><h1>x', 'end-tag'],
    ['<h1>injected</h1>', 'markup'],
    ['javascript:alert(document.cookie)', 'script-url'],
    ['" onmouseover="alert(1)', 'attribute-breakout'],
    ["';alert(1)//", 'js-call'],
    ["top['al\\x65rt'](1)", 'js-call'],
    ['[1].find(alert)', 'js-call'],
    ['{{7*7}}', 'template-expression'],
    ['${7*7}', 'template-expression'],
    ['-->', 'comment-breakout'],
    ['\\u003cscript', 'encoded-markup'],
    ['<![cdata[<]]>', 'markup-directive'],
  ];
  for (const [v, kind] of kinds) t.is(String(judgeXss(v.toLowerCase())?.kind), kind, v);
});

test('XSS: ordinary text with < > and script-ish words is not XSS', (t) => {
  for (const v of ['x<5', '3 < 5 > 2', '面积<=90平方米', 'alert 暴雨预警', 'script 剧本杀 管理', 'a<b', 'javascript 教程', '"乡村振兴"', "o'brien", '{"areacode": "440105"}']) {
    t.is(judgeXss(v), undefined, v);
  }
});

test('path traversal: climbing above the root, odd and encoded dot-dots, sensitive and system files', (t) => {
  const q = { depth: 0, urlPath: false, encoded: false, hadNull: false };
  t.is(judgePath('../../../etc/passwd', q)?.kind, 'above-root');
  t.is(judgePath('..;/..;/etc/hosts', q)?.kind, 'odd-dotdot');
  t.is(judgePath('....//....//etc/passwd', q)?.kind, 'odd-dotdot');
  t.is(judgePath('??/??/etc/passwd', q)?.kind, 'odd-dotdot');
  t.is(judgePath('../x', { ...q, depth: 3, encoded: true })?.kind, 'encoded-dotdot');
  t.is(judgePath('/static/../../etc/passwd', { ...q, urlPath: true })?.kind, 'dotdot-in-path');
  t.is(judgePath('etc/passwd', q)?.kind, 'sensitive-file');
  t.is(judgePath('.htaccess', q)?.kind, 'sensitive-file');
  t.is(judgePath('/proc/partitions', q)?.kind, 'system-path');
  t.is(judgePath('c:/windows/system32/config/sam', q)?.kind, 'sensitive-file');
  t.is(judgePath('file:///etc/x', q)?.kind, 'system-path');
});

test('path traversal: relative links that stay inside the site are not traversal', (t) => {
  // pdf.js viewer at /static/pdfjs/web/viewer.html opening ../../../attach/…: 3 directories up from depth 3
  t.is(judgePath('../../../attach/0/3538860072604068074.pdf', { depth: 3, urlPath: false, encoded: false, hadNull: false }), undefined);
  t.is(judgePath('../index.html', { depth: 2, urlPath: false, encoded: false, hadNull: false }), undefined);
  t.is(judgePath('/attach/0/123.pdf', { depth: 1, urlPath: false, encoded: false, hadNull: false }), undefined);
  t.is(judgePath('/xxgk/zcwj/index.html', { depth: 0, urlPath: true, encoded: false, hadNull: false }), undefined);
});

test('command injection: separators, substitutions, shell syntax, whole command lines', (t) => {
  const kinds: Array<[string, string]> = [
    ['127.0.0.1; cat /etc/passwd', 'separator-command'],
    ['1|id', 'separator-command'],
    ['a && whoami', 'separator-command'],
    ['x\nid', 'separator-command'],
    ['x\\nid', 'separator-command'],
    ['$(whoami)', 'substitution'],
    ['`id`', 'substitution'],
    ['cat${ifs}/etc/passwd', 'shell-syntax'],
    ['() { :;}; /bin/bash -c id', 'shell-syntax'],
    ['ping -c 3 10.0.0.1', 'command-line'],
    ['whoami', 'command-line'],
    ['net user hacker /add', 'command-line'],
    ['<!--#exec cmd="ls"-->', 'ssi'],
    ['system("id")', 'substitution'],
  ];
  for (const [v, kind] of kinds) t.is(String(judgeCommand(v)?.kind), kind, v);
  for (const v of ['a&b', 'c++', 'tom & jerry', 'sleep 睡眠 健康', 'r&d 中心', 'type 2 diabetes', 'net 公积金', '1;2;3', 'id', 'ls', 'dir', 'list', 'env', 'route', 'pwd', 'set']) t.is(judgeCommand(v), undefined, v);
});

test('code injection: wrappers, PHP tags, calls, serialized objects, complex syntax, remote include', (t) => {
  const kinds: Array<[string, string]> = [
    ['php://filter/convert.base64-encode/resource=index.php', 'wrapper'],
    ['expect://id', 'wrapper'],
    ['data://text/plain;base64,pd9wahagc3lzdgvtkcrfr0vuwydjbwqnxsk7pz4=', 'wrapper'],
    ['data:text/plain;base64,pd9w', 'data-uri-code'],
    ['<?php system($_get[0]); ?>', 'php-tag'],
    ['<?=`$_get[0]`?>', 'php-tag'],
    ["system('id')", 'code-call'],
    ['phpinfo()', 'code-call'],
    ['o:8:"stdclass":1:{s:1:"a";i:1;}', 'serialized-object'],
    ['a:2:{i:0;s:1:"x";i:1;b:1;}', 'serialized-object'],
    ['{${phpinfo()}}', 'complex-syntax'],
    ['http://evil.example/shell.txt', 'remote-include'],
  ];
  for (const [v, kind] of kinds) t.is(String(judgeCode(v, false)?.kind), kind, v);
  for (const v of ['https://www.example.gov.cn/art/2025/3/8/art_1243_942074.html', 'system 维护 通知', 'eyjhcmvhq29kzsi6ici0ndaxmdui', 'st-123-abc']) t.is(judgeCode(v, false), undefined, v);
});

test('scanner User-Agents are data and matched as whole words', (t) => {
  t.is(judgeUserAgent('sqlmap/1.10.6.60#dev (https://sqlmap.org)')?.tool, 'sqlmap');
  t.is(judgeUserAgent('Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:007007)')?.tool, 'Nikto');
  t.is(judgeUserAgent('Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)')?.tool, 'Nmap NSE');
  t.is(judgeUserAgent('ivre-masscan/1.3 https://github.com/robertdavidgraham/')?.tool, 'masscan');
  t.is(judgeUserAgent('Wapiti-3.0.4 (wapiti-scanner.github.io)')?.tool, 'Wapiti');
  t.is(judgeUserAgent('Mozilla/5.0 Jorgee')?.tool, 'Jorgee');
  t.is(judgeUserAgent('Mozilla/5.0 (l9explore/1.2.2)')?.tool, 'LeakIX l9explore');
  t.is(judgeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0.0.0 Safari/537.36'), undefined);
  t.is(judgeUserAgent('Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)'), undefined);
  t.is(judgeUserAgent('Mozilla/5.0 (Linux; Android 10; HUAWEI xray-al00)')?.tool, 'xray', 'a word match: documented limit of UA tokens');
  const tokens = SCANNER_AGENTS.map((s) => s.token);
  t.is(new Set(tokens).size, tokens.length, 'no duplicate tokens');
  for (const s of SCANNER_AGENTS) t.is(s.token, s.token.toLowerCase());
});
