// 通知: the notices addressed to me, pinned first, newest next; paged as I scroll.

const api = require('../../utils/api');
const { definePage } = require('../../utils/page');
const { PAGED_LIST_DATA, pagedList } = require('../../utils/paged-list');
const subscribe = require('../../utils/subscribe');
const ui = require('../../utils/ui');

const PAGE_SIZE = 20;

definePage({
  data: { ...PAGED_LIST_DATA, items: [], unreadOnly: false },

  onLoad() {
    subscribe.prepare();
    this.reload();
  },

  onShow() {
    // Coming back from a notice: its read and 已知晓 marks have changed.
    if (this.loaded) this.reload({ quiet: true });
  },

  ...pagedList({
    fetch(page) {
      const query = { page, page_size: PAGE_SIZE, unread_only: this.data.unreadOnly || undefined };
      return api.get('/notices', query, { toast: false });
    },
  }),

  toggleUnread(e) {
    this.setData({ unreadOnly: e.detail.value });
    this.reload();
  },

  openNotice(e) {
    wx.navigateTo({ url: `/pages/notice-detail/index?id=${e.detail.id}` });
  },

  /** A tap on 开启提醒: ask WeChat's popup for the notice template (one message per accept). */
  async enableReminders() {
    const outcome = await subscribe.ask(['notice']);
    if (!outcome.asked) ui.toast('社区暂未开通消息提醒');
    else if (outcome.accepted) ui.toast('已开启，下一条通知将通过微信提醒您');
    else ui.toast('您未开启提醒，可随时再次开启');
  },
});
