// 活动 (a tab): the activities I may sign up for (社区活动, 志愿服务, 青年会客厅), soonest first,
// with where sign-up stands; filtered by kind, paged as I scroll, refreshed by pulling down.
// Another page opens it on one kind with activities.wantKind() before wx.switchTab (a tab takes
// no query string); a link from outside may still carry ?kind=.

const activities = require('../../utils/activities');
const api = require('../../utils/api');
const { definePage } = require('../../utils/page');
const ui = require('../../utils/ui');

const PAGE_SIZE = 10;

function cardView(activity) {
  const stage = activities.signupWindow(activity);
  return {
    id: activity.id,
    title: activity.title,
    kindText: activities.label(activities.KIND_LABELS, activity.kind),
    timeText: activities.timeRange(activity.starts_at, activity.ends_at),
    place: activity.place,
    seatsText: activities.seatsText(activity),
    windowText: stage.text,
    windowTag: stage.tag,
    coverMediaId: activity.cover_media_id || null,
    coverPath: '',
  };
}

definePage({
  data: {
    state: 'loading',
    error: '',
    kinds: activities.KIND_FILTERS,
    kind: '',
    items: [],
    total: 0,
    page: 0,
    hasMore: false,
    loadingMore: false,
  },

  onLoad(query) {
    const kind = activities.takeWantedKind() || (query && query.kind);
    if (activities.isKind(kind)) this.setData({ kind });
    this.reload();
  },

  onShow() {
    const wanted = activities.takeWantedKind();
    if (wanted && wanted !== this.data.kind) this.showKind(wanted);
    // Back from a sign-up: the seats have changed.
    else if (this.loaded) this.reload({ quiet: true });
  },

  async onPullDownRefresh() {
    await this.reload({ quiet: true });
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loadingMore) this.loadMore();
  },

  fetch(page) {
    return api.get(
      '/activities',
      { page, page_size: PAGE_SIZE, kind: this.data.kind || undefined },
      { toast: false }
    );
  },

  async reload({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    const kind = this.data.kind;
    try {
      const result = await this.fetch(1);
      if (kind !== this.data.kind) return; // another tab was chosen meanwhile
      this.loaded = true;
      this.setData({
        state: result.items.length ? 'ready' : 'empty',
        items: result.items.map(cardView),
        total: result.total,
        page: 1,
        hasMore: result.items.length < result.total,
      });
      this.loadCovers(0);
    } catch (error) {
      if (quiet && this.data.state === 'ready') ui.toast(error.message);
      else this.setData({ state: 'error', error: error.message });
    }
  },

  async loadMore() {
    this.setData({ loadingMore: true });
    try {
      const result = await this.fetch(this.data.page + 1);
      const from = this.data.items.length;
      const items = this.data.items.concat(result.items.map(cardView));
      this.setData({
        items,
        total: result.total,
        page: this.data.page + 1,
        hasMore: result.items.length > 0 && items.length < result.total,
      });
      this.loadCovers(from);
    } catch (error) {
      ui.toast(error.message);
    } finally {
      this.setData({ loadingMore: false });
    }
  },

  /** Covers arrive after the list: a slow image must not hold up the titles and times. */
  loadCovers(from) {
    const items = this.data.items;
    items.slice(from).forEach((item, offset) => {
      if (!item.coverMediaId) return;
      const index = from + offset;
      activities.coverPath(item.coverMediaId, 'thumb').then((path) => {
        const current = this.data.items[index];
        if (path && current && current.id === item.id) this.setData({ [`items[${index}].coverPath`]: path });
      });
    });
  },

  retry() {
    this.reload();
  },

  chooseKind(e) {
    const kind = e.currentTarget.dataset.kind;
    if (kind !== this.data.kind) this.showKind(kind);
  },

  showKind(kind) {
    this.setData({ kind, items: [], hasMore: false });
    this.reload();
  },

  openActivity(e) {
    wx.navigateTo({ url: `/pages/activities/detail?id=${e.currentTarget.dataset.id}` });
  },

  openMine() {
    wx.navigateTo({ url: '/pages/activities/mine' });
  },
});
