// 我的报名: my sign-ups, those still to come first, then the past ones, each with its status;
// a tap opens its check-in page (my code, and scanning the activity's code).

const activities = require('../../utils/activities');
const api = require('../../utils/api');
const { definePage } = require('../../utils/page');
const ui = require('../../utils/ui');

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
  data: {
    state: 'loading',
    error: '',
    upcoming: [],
    past: [],
    total: 0,
    page: 0,
    hasMore: false,
    loadingMore: false,
  },

  onLoad() {
    this.rows = [];
    this.reload();
  },

  onShow() {
    if (this.loaded) this.reload({ quiet: true });
  },

  async onPullDownRefresh() {
    await this.reload({ quiet: true });
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loadingMore) this.loadMore();
  },

  async fetch(page) {
    const result = await api.get('/activities/signups', { page, page_size: PAGE_SIZE }, { toast: false });
    const views = await Promise.all(
      result.items.map((s) =>
        api.get(`/activities/signups/${s.id}`, null, { toast: false }).catch(() => null)
      )
    );
    const now = Date.now();
    // The detail is the fresher read (an offer that lapsed meanwhile has been passed on).
    const rows = result.items.map((s, i) => rowView(views[i] ? views[i].signup : s, views[i], now));
    return { rows, total: result.total, count: result.items.length };
  },

  showRows(rows, extra) {
    this.rows = rows;
    this.setData({
      upcoming: rows.filter((r) => r.upcoming),
      past: rows.filter((r) => !r.upcoming),
      ...extra,
    });
  },

  async reload({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const result = await this.fetch(1);
      this.loaded = true;
      this.showRows(result.rows, {
        state: result.rows.length ? 'ready' : 'empty',
        total: result.total,
        page: 1,
        hasMore: result.count < result.total,
      });
    } catch (error) {
      if (quiet && this.data.state === 'ready') ui.toast(error.message);
      else this.setData({ state: 'error', error: error.message });
    }
  },

  async loadMore() {
    this.setData({ loadingMore: true });
    try {
      const result = await this.fetch(this.data.page + 1);
      const rows = this.rows.concat(result.rows);
      this.showRows(rows, {
        total: result.total,
        page: this.data.page + 1,
        hasMore: result.count > 0 && rows.length < result.total,
      });
    } catch (error) {
      ui.toast(error.message);
    } finally {
      this.setData({ loadingMore: false });
    }
  },

  retry() {
    this.reload();
  },

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
