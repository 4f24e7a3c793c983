// 发布记录 (staff): the notices I published (admins: all of the community's), newest first.

const api = require('../../../utils/api');
const format = require('../../../utils/format');
const { definePage } = require('../../../utils/page');
const { PAGED_LIST_DATA, pagedList } = require('../../../utils/paged-list');

const PAGE_SIZE = 20;

function row(notice) {
  return {
    id: notice.id,
    title: notice.title,
    status: notice.status,
    statusText: format.label(format.NOTICE_STATUS_LABELS, notice.status),
    timeText: format.dateTime(notice.published_at || notice.publish_at),
    pinned: notice.pinned,
    requires_ack: notice.requires_ack,
  };
}

definePage({
  data: { ...PAGED_LIST_DATA, items: [] },

  onLoad() {
    this.reload();
  },

  onShow() {
    if (this.loaded) this.reload({ quiet: true });
  },

  ...pagedList({
    fetch(page) {
      return api.get('/admin/notices', { page, page_size: PAGE_SIZE }, { toast: false });
    },
    item: row,
  }),

  openReport(e) {
    wx.navigateTo({ url: `/pages/staff/report/index?id=${e.currentTarget.dataset.id}` });
  },

  goCompose() {
    wx.navigateTo({ url: '/pages/staff/compose/index' });
  },
});
