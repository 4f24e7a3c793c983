// utils/format.js: what codes and times look like to a person.

const format = require('../../utils/format');

test('API times (Beijing, with offset) show as date and minute; this year drops the year', () => {
  expect(format.dateTime('2025-03-05T14:30:59+08:00')).toBe('2025-03-05 14:30');
  expect(format.dateTime(null)).toBe('');
  expect(format.shortDateTime('2025-03-05T14:30:00+08:00', new Date(2025, 5, 1))).toBe('03-05 14:30');
  expect(format.shortDateTime('2024-12-31T23:59:00+08:00', new Date(2025, 0, 1))).toBe('2024-12-31 23:59');
});

test('roles show in Chinese; only admins and grid workers count as staff for the workbench', () => {
  expect(format.roleLabels(['resident', 'grid_worker'])).toEqual(['居民', '网格员']);
  expect(format.isStaff(['resident', 'merchant', 'org_staff'])).toBe(false);
  expect(format.isStaff(['grid_worker'])).toBe(true);
});

test('a push in progress: done of total, percent, and only the outcomes that happened (sent always)', () => {
  const summary = format.deliverySummary({
    queued: 30,
    sending: 10,
    sent: 50,
    no_credit: 10,
    failed: 0,
    cancelled: 0,
    total: 100,
  });

  expect(summary).toMatchObject({ total: 100, done: 60, percent: 60, pending: 40, finished: false });
  expect(summary.rows.map((r) => [r.label, r.count])).toEqual([
    ['已送达', 50],
    ['未订阅', 10],
    ['发送中', 10],
    ['排队中', 30],
  ]);
});

test('a finished push and an empty one', () => {
  expect(format.deliverySummary({ sent: 3, failed: 1, total: 4 })).toMatchObject({
    percent: 100,
    finished: true,
  });
  expect(format.deliverySummary(null)).toMatchObject({ total: 0, percent: 0, finished: false });
});
