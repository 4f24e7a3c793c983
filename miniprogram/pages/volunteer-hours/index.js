// 我的志愿时长: my volunteer hours — the balance, and the ledger's entries (hours credited at
// check-out of a volunteer service, and staff corrections of them) grouped by service team.

const activities = require('../../utils/activities');
const api = require('../../utils/api');
const { definePage } = require('../../utils/page');
const { PAGED_LIST_DATA, pagedList } = require('../../utils/paged-list');

const PAGE_SIZE = 50;
const NO_TEAM = 'none';

function entryView(entry) {
  const correction = entry.kind === 'correction';
  return {
    id: entry.id,
    title: entry.activity_title || '志愿服务',
    kindText: activities.label(activities.ENTRY_KIND_LABELS, entry.kind),
    correction,
    minutes: entry.minutes,
    minutesText: activities.minutesText(entry.minutes, { signed: true }),
    negative: entry.minutes < 0,
    dateText: activities.dayTime(entry.created_at),
    reason: correction ? entry.reason || '' : '',
  };
}

/** Entries by team, in the ledger's order (newest first); each entry carries its team's name. */
function teamGroups(entries, complete) {
  const groups = [];
  const byKey = {};
  entries.forEach((entry) => {
    const key = entry.team_id ? String(entry.team_id) : NO_TEAM;
    if (!byKey[key]) {
      byKey[key] = { key, name: '', minutes: 0, entries: [] };
      groups.push(byKey[key]);
    }
    const group = byKey[key];
    if (!group.name && key !== NO_TEAM && entry.team_name) group.name = entry.team_name;
    group.minutes += entry.minutes;
    group.entries.push(entryView(entry));
  });
  return groups.map((g) => ({
    key: g.key,
    name: g.name || (g.key === NO_TEAM ? '其他志愿服务' : '志愿服务队'),
    // A team's total is only true once all of its entries are here.
    subtotalText: complete ? activities.minutesText(g.minutes) : '',
    entries: g.entries,
  }));
}

definePage({
  data: { ...PAGED_LIST_DATA, balanceText: '', hoursText: '', groups: [] },

  onLoad() {
    this.entries = [];
    this.reload();
  },

  ...pagedList({
    fetch(page) {
      return api.get('/me/volunteer-hours', { page, page_size: PAGE_SIZE }, { toast: false });
    },
    show(entries, result, hasMore) {
      this.entries = entries;
      return {
        balanceText: activities.minutesText(result.minutes),
        hoursText: (result.minutes / 60).toFixed(1),
        groups: teamGroups(entries, !hasMore),
      };
    },
    kept() {
      return this.entries;
    },
  }),

  browseServices() {
    activities.wantKind('volunteer_service');
    wx.switchTab({ url: '/pages/activities/index' });
  },
});
