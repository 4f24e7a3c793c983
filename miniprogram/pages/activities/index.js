// 活动 (a tab): the activities I may sign up for (社区活动, 志愿服务, 青年会客厅), soonest first,
// with where sign-up stands; filtered by kind, paged as I scroll, refreshed by pulling down.
// Another page opens it on one kind with activities.wantKind() before wx.switchTab (a tab takes
// no query string); a link from outside may still carry ?kind=.

const activities = require('../../utils/activities');
const api = require('../../utils/api');
const { definePage } = require('../../utils/page');
const { PAGED_LIST_DATA, pagedList } = require('../../utils/paged-list');

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
    ...PAGED_LIST_DATA,
    kinds: activities.KIND_FILTERS,
    kind: '',
    items: [],
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

  ...pagedList({
    fetch(page) {
      return api.get(
        '/activities',
        { page, page_size: PAGE_SIZE, kind: this.data.kind || undefined },
        { toast: false }
      );
    },
    item: cardView,
    shown(from) {
      this.loadCovers(from);
    },
    choice() {
      return this.data.kind;
    },
  }),

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
