/**
 * Markers of injected page content (src/detect/content.ts): each marker on its positives and on the
 * legitimate pages of government sites that look like them.
 */
import test from 'ava';
import { CONTENT_HEAD, CONTENT_TAIL, decodeEscapes, decodePage, pageFields, pageMarkers } from '../../src/detect/content.js';

const m = (html: string, ext = 'html') => pageMarkers(html, ext).markers;

test('defacement slogans, not the word 黑客 in an article', (t) => {
  t.deepEqual(m('<h1>HaCkEd   By  Sh4d0w</h1>'), ['defacement-slogan']);
  t.deepEqual(m('<h1>h4ck3d by x</h1><p>黑客到此一游</p>'), ['defacement-slogan']);
  t.deepEqual(m('<p>本站已被黑，请联系管理员</p>'), ['defacement-slogan']);
  t.deepEqual(m('<p>防范黑客攻击，提升网络安全意识；网站被黑客篡改的应急处置</p>'), []);
  t.deepEqual(m('<p>the shack edited by the committee</p>'), []);
});

test('gambling and porn promotion: two distinct terms or one five times; notices against them are not promotion', (t) => {
  t.deepEqual(m('<title>澳门新葡京-真人荷官</title>'), ['gambling-spam']);
  t.deepEqual(m('皇冠体育 '.repeat(5)), ['gambling-spam']);
  t.deepEqual(m('皇冠体育 '.repeat(4)), []);
  t.deepEqual(m('<p>成人视频 一夜情</p>'), ['porn-spam']);
  t.deepEqual(m('<p>关于依法严厉打击六合彩、百家乐、时时彩等赌博违法犯罪活动的通告：网络赌博、境外赌场、赌球</p>'), []);
  t.deepEqual(m('<p>“扫黄打非”专项行动：查处淫秽色情网站、清理色情信息</p>'), []);
  // hidden from keyword filters as character references and \u escapes
  t.deepEqual(m('&#x6FB3;&#x95E8;&#x65B0;&#x8461;&#x4EAC; &#30495;&#20154;&#33655;&#23448;'), ['gambling-spam']);
  t.deepEqual(m('document.write("\\u6fb3\\u95e8\\u65b0\\u8461\\u4eac \\u771f\\u4eba\\u8377\\u5b98")', 'js'), ['gambling-spam']);
  t.is(decodeEscapes('&#0; &#xD800; \\uZZZZ &#x110000;'), '&#0; &#xD800; \\uZZZZ &#x110000;');
});

test('hidden links: a hidden element holding three links to other sites; a hidden menu of relative links is not', (t) => {
  const links = '<a href="http://a.example.com/">a</a><a href=https://b.example.net/>b</a><a href="http://c.example.org/">c</a>';
  for (const style of ['display:none', 'display: none', 'visibility:hidden', 'position:absolute;left:-9999px', 'text-indent:-5000px', 'font-size:0px;'])
    t.deepEqual(m(`<div style="${style}">${links}</div>`), ['hidden-links'], style);
  t.deepEqual(m(`<ul class="sub" style="display:none"><li><a href="/zwgk/">a</a></li><li><a href="/xxgk/">b</a></li><li><a href="/bsfw/">c</a></li></ul>`), []);
  t.deepEqual(m(`<div style="color:red">${links}</div>`), []);
  t.deepEqual(m(`<div style="display:none">x</div>${'<p>正文</p>'.repeat(600)}${links}`), [], 'links far from the hidden element');
  t.deepEqual(m(`<div style="display:none">${links}</div>`, 'js'), [], 'not judged in a script file');
});

test('redirects out of the site and search-engine cloaking; government targets and analytics code are not', (t) => {
  t.deepEqual(m('<script>window.location.href="http://bad.example.com/x"</script>'), ['script-redirect']);
  t.deepEqual(m('<script>top.location = \'https://bad.example.com\'</script>'), ['script-redirect']);
  t.deepEqual(m('<script>location.replace("http://bad.example.com")</script>'), ['script-redirect']);
  t.deepEqual(m('<meta http-equiv="refresh" content="0; url=http://bad.example.com/">'), ['script-redirect']);
  t.deepEqual(m('<script>var s=document.referrer;if(/baidu|sogou/.test(s)){location.href=x}</script>'), ['script-redirect']);
  t.deepEqual(m('if(document.referrer.indexOf("so.com")>0){ top.location.href = u; }', 'js'), ['script-redirect']);
  t.deepEqual(m('<script>location.href="https://www.newsite.gov.cn/"</script><meta http-equiv="refresh" content="3;url=http://www.gov.cn/">'), []);
  t.deepEqual(m('<script>location.href="http://www.gov.cn@bad.example.com/"</script>'), ['script-redirect'], 'userinfo trick');
  t.deepEqual(m('<script>var hm=document.createElement("script");hm.src="https://hm.baidu.com/hm.js?1";</script>'), []);
  t.deepEqual(m('<a href="http://bad.example.com/">window.location.href="http://bad.example.com/"</a>'), [], 'outside a script');
});

test('markers new in this version: those the previous version lacked', (t) => {
  const f = pageFields('<h1>hacked by x</h1><p>真人荷官 彩金</p>', 'html', ['gambling-spam']);
  t.deepEqual(f.markers, ['defacement-slogan', 'gambling-spam']);
  t.deepEqual(f.markersNew, ['defacement-slogan']);
  t.true(f.evidence.some((e) => /hacked by x/i.test(e)));
  t.is(CONTENT_HEAD + CONTENT_TAIL, 64 * 1024);
});

test('bounded on hostile pages: 64 KiB of repeated openings and markers is judged quickly', (t) => {
  const shapes = ['<script>'.repeat(8192), '<div style="display:none">'.repeat(2600), 'document.referrer '.repeat(3600), '&#'.repeat(32768), '<meta http-equiv=refresh content="0;url='.repeat(1600), '真人荷官'.repeat(16384)];
  for (const s of shapes) {
    const t0 = performance.now();
    pageMarkers(s.slice(0, 64 * 1024), 'html');
    t.true(performance.now() - t0 < 2000, `${s.slice(0, 20)}… took ${(performance.now() - t0).toFixed(0)} ms`);
  }
});

test('decodePage: UTF-8 as UTF-8 (also cut inside a character), other bytes as GB18030 (GB2312/GBK) or the Big5 the page declares', (t) => {
  const utf8 = Buffer.from('<p>打击赌博</p>');
  t.is(decodePage(utf8), '<p>打击赌博</p>');
  t.is(decodePage(utf8.subarray(0, utf8.length - 6)), '<p>打击赌'.concat('\uFFFD'), 'a head cut inside its last character is still UTF-8');
  // 百家乐 in GBK: B0 D9 BC D2 C0 D6
  const gb = Buffer.from([0x3c, 0x70, 0x3e, 0xb0, 0xd9, 0xbc, 0xd2, 0xc0, 0xd6]);
  t.is(decodePage(gb), '<p>百家乐');
  t.is(decodePage(gb, gb), '<p>百家乐\n…\n<p>百家乐');
  // 中文 in Big5: A4 A4 A4 E5, declared
  t.is(decodePage(Buffer.concat([Buffer.from('<meta charset="big5">'), Buffer.from([0xa4, 0xa4, 0xa4, 0xe5])])), '<meta charset="big5">中文');
});
