// utils/reports.js: what the 报事 pages read out of the backend's codes and times.

const reports = require('../../utils/reports');
const r = require('../helpers/reports-fixtures');

test.each([
  ['LD-0312', 'LD-0312'],
  ['  CD_07 ', 'CD_07'],
  ['https://bj.example.cn/asset?asset_code=LD-0312&from=qr', 'LD-0312'],
  ['https://bj.example.cn/a?asset=CD_07', 'CD_07'],
  ['https://bj.example.cn/assets/LD-0312', 'LD-0312'],
  ['https://bj.example.cn/assets/LD-0312?utm=poster', 'LD-0312'],
  ['路灯 3 号', null],
  ['https://bj.example.cn/assets/', null],
  ['https://bj.example.cn/asset?code=LD-0312', null],
  ['https://mp.weixin.qq.com/s/Ab3dEf', null],
  ['A'.repeat(33), null],
  ['', null],
])('the facility code in a scanned %j is %j', (scanned, code) => {
  expect(reports.assetCodeFromScan(scanned)).toBe(code);
});

test('every status has a Chinese label, the backend’s words', () => {
  expect(Object.values(reports.STATUS_LABELS)).toEqual([
    '已提交',
    '已受理',
    '处理中',
    '已解决',
    '已完结',
    '已驳回',
    '重新处理',
    '已撤销',
  ]);
  expect(reports.statusLabel('in_progress')).toBe('处理中');
});

test('the reopen deadline is the backend’s reopen_until, in Beijing time', () => {
  const detail = r.detail(9, {
    status: 'rejected',
    actions: ['reopen'],
    reopen_until: '2025-03-17T09:00:00+08:00',
  });

  const deadline = reports.reopenDeadline(detail);

  expect(deadline.toISOString()).toBe('2025-03-17T01:00:00.000Z');
  expect(reports.deadlineText(deadline, new Date('2025-03-12T00:00:00Z'))).toBe('03-17 09:00');
  // Not in a state it can be reopened from: the backend sends null.
  expect(reports.reopenDeadline(r.detail(9, { status: 'accepted' }))).toBeNull();
});

test('the deadline is not worked out from the timeline: a community that allows 14 days gets 14', () => {
  // Rejected 10 days ago; this community's REPORT_REOPEN_DAYS is 14.
  const detail = r.detail(9, {
    status: 'rejected',
    actions: ['reopen'],
    timeline: [
      r.step('submit', { created_at: r.beijing(-12 * r.DAY_MS) }),
      r.step('reject', {
        from_status: 'submitted',
        to_status: 'rejected',
        created_at: r.beijing(-10 * r.DAY_MS),
      }),
    ],
    reopen_until: r.beijing(4 * r.DAY_MS),
  });
  const days = (reports.reopenDeadline(detail).getTime() - Date.now()) / r.DAY_MS;
  expect(days).toBeCloseTo(4, 1);
});
