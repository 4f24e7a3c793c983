// 我的报名: my sign-ups, those still to come first, then the past ones, each with its status;
// a tap opens its check-in page (my code, and scanning the activity's code).

const activities = require('../../utils/activities');
const api = require('../../utils/api');
const { definePage } = require('../../utils/page');
const { PAGED_LIST_DATA, pagedList } = require('../../utils/paged-list');

const PAGE_SIZE = 10;

/**
 * A sign-up with its activity (GET /activities/signups/<id>): the list itself carries only the
 * activity's id. One that cannot be read still shows, with what the list gave.
 */
function rowView(signup, view, now) {
  const activity = view ? view.activity : null;
  const active = activities.ACTIVE_STATUSES.indexOf(signup.status) >= 0;
  // Unknown activity: an active sign-up is still something to come, not to be filed away.
  const upcoming = active && (!activity || activities.ms(activity.ends_at) > now);
  const position =
    view && signup.status === 'waitlisted' && view.position ? `候补第 ${view.position} 位` : '';
  return {
    id: signup.id,
    title: activity ? activity.title : '活动',
    timeText: activity ? activities.timeRange(activity.starts_at, activity.ends_at) : '',
    place: activity ? activity.place : '',
    statusText: activities.label(activities.SIGNUP_STATUS_LABELS, signup.status),
    statusTag: activities.SIGNUP_STATUS_TAGS[signup.status] || 'tag-muted',
    positionText: position,
    checkedIn: !!signup.checked_in_at,
    upcoming,
  };
}

definePage({
  data: { ...PAGED_LIST_DATA, upcoming: [], past: [] },

  onLoad() {
    this.rows = [];
    this.reload();
  },

  onShow() {
    if (this.loaded) this.reload({ quiet: true });
  },

  ...pagedList({
    async fetch(page) {
      const result = await api.get('/activities/signups', { page, page_size: PAGE_SIZE }, { toast: false });
      const views = await Promise.all(
        result.items.map((s) =>
          api.get(`/activities/signups/${s.id}`, null, { toast: false }).catch(() => null)
        )
      );
      const now = Date.now();
      // The detail is the fresher read (an offer that lapsed meanwhile has been passed on).
      const items = result.items.map((s, i) => rowView(views[i] ? views[i].signup : s, views[i], now));
      return { items, total: result.total };
    },
    show(rows) {
      this.rows = rows;
      return { upcoming: rows.filter((r) => r.upcoming), past: rows.filter((r) => !r.upcoming) };
    },
    kept() {
      return this.rows;
    },
  }),

  openSignup(e) {
    wx.navigateTo({ url: `/pages/activities/checkin?id=${e.currentTarget.dataset.id}` });
  },

  browse() {
    wx.switchTab({ url: '/pages/activities/index' });
  },

  openHours() {
    wx.navigateTo({ url: '/pages/volunteer-hours/index' });
  },
});
