// 首页: who and where I am, unread notices, pinned notices and quick actions.

const api = require('../../utils/api');
const format = require('../../utils/format');
const { definePage } = require('../../utils/page');
const ui = require('../../utils/ui');

const NOTICE_TAB = 1;
const SHOWN_NOTICES = 3;

function setNoticeBadge(unread) {
  // Best effort: fails harmlessly when the tab bar is not on screen.
  if (unread > 0) {
    wx.setTabBarBadge({ index: NOTICE_TAB, text: unread > 99 ? '99+' : String(unread), fail() {} });
  } else {
    wx.removeTabBarBadge({ index: NOTICE_TAB, fail() {} });
  }
}

definePage({
  data: {
    state: 'loading',
    error: '',
    nickname: '',
    communityName: '',
    unread: 0,
    notices: [],
    noticesArePinned: false,
    isStaff: false,
    needsHousehold: false,
  },

  onLoad() {
    this.load();
  },

  onShow() {
    if (this.loaded) this.load({ quiet: true });
  },

  async onPullDownRefresh() {
    await this.load({ quiet: true });
    wx.stopPullDownRefresh();
  },

  async load({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const [me, count, page] = await Promise.all([
        api.get('/me', null, { toast: false }),
        api.get('/notices/unread-count', null, { toast: false }),
        api.get('/notices', { page: 1, page_size: 10 }, { toast: false }),
      ]);
      const pinned = page.items.filter((notice) => notice.pinned);
      this.loaded = true;
      this.setData({
        state: 'ready',
        nickname: me.nickname || '微信用户',
        communityName: me.community.name,
        unread: count.unread,
        notices: (pinned.length ? pinned : page.items).slice(0, SHOWN_NOTICES),
        noticesArePinned: pinned.length > 0,
        isStaff: format.isStaff(me.roles),
        needsHousehold: me.roles.indexOf('resident') < 0 && !format.isStaff(me.roles),
      });
      setNoticeBadge(count.unread);
    } catch (error) {
      if (quiet) ui.toast(error.message);
      else this.setData({ state: 'error', error: error.message });
    }
  },

  retry() {
    this.load();
  },

  openNotice(e) {
    wx.navigateTo({ url: `/pages/notice-detail/index?id=${e.detail.id}` });
  },

  goNotices() {
    wx.switchTab({ url: '/pages/notices/index' });
  },

  goMe() {
    wx.switchTab({ url: '/pages/me/index' });
  },

  goCompose() {
    wx.navigateTo({ url: '/pages/staff/compose/index' });
  },

  goStaffNotices() {
    wx.navigateTo({ url: '/pages/staff/notices/index' });
  },
});
