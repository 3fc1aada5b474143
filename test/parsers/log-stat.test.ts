import test from 'ava';
import { parseStatLines } from '../../src/parsers/log-stat.js';

test('stat -c "%a %U %G %n" lines, denied and absent paths', (t) => {
  const out = `755 root adm /var/log/nginx
640 www-data adm /var/log/nginx/access.log
stat: cannot statx '/var/log/audit/audit.log': Permission denied
stat: cannot statx '/var/log/secure': No such file or directory
2750 root adm /var/log/audit
`;
  t.deepEqual(parseStatLines(out), {
    entries: [
      { mode: '755', owner: 'root', group: 'adm', path: '/var/log/nginx' },
      { mode: '640', owner: 'www-data', group: 'adm', path: '/var/log/nginx/access.log' },
      { mode: '2750', owner: 'root', group: 'adm', path: '/var/log/audit' },
    ],
    denied: ['/var/log/audit/audit.log'],
  });
});
