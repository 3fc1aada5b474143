import test from 'ava';
import { playbookRun } from '../../src/app/playbook.js';
import { IncidentStore } from '../../src/incident/store.js';
import { captureIo, drillFile, runOptions, tempDir } from './helpers.js';

// Seen by a new user: during a drill the step titles showed `{var.account}` as written in the playbook.
test('a drill prints and journals step titles with their {var.…} filled in, in both languages', async (t) => {
  const dir = await tempDir(t, 'gwsec-titles-');
  for (const lang of ['en', 'zh'] as const) {
    const io = captureIo();
    const inc = `${dir}/${lang}`;
    t.is(await playbookRun(runOptions({ ref: 'account-compromise', answers: drillFile('account-compromise'), incidents: inc, lang, vars: ['account=deploy'] }), io), 0, io.stdout.join('').slice(-2000));
    const out = io.stdout.join('');
    t.false(out.includes('{var.'), `unreplaced variable in:\n${out.split('\n').filter((l) => l.includes('{var.')).join('\n')}`);
    t.true(out.includes(lang === 'en' ? 'Confirm the successful login of deploy was not its owner' : '确认账号 deploy 的成功登录不是本人操作'), out.slice(0, 1500));
    const store = new IncidentStore(inc);
    const [s] = await store.list();
    const titles = [...s!.steps.values()].flatMap((x) => [x.title.en, x.title.zh]);
    t.true(titles.length > 4);
    t.false(titles.some((x) => x.includes('{var.')), titles.join('\n'));
    t.true(titles.includes('Lock deploy, kill its sessions, rotate keys and passwords'), 'the journal keeps the title as shown');
  }
});
