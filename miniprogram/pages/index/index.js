// 首页: who and where I am, unread notices, pinned notices and quick actions (报事, 活动, 志愿
// 时长); for grid workers, organisation staff and admins a workbench (报事处理, 扫码签到, 通知).

const api = require('../../utils/api');
const format = require('../../utils/format');
const { definePage } = require('../../utils/page');
const staff = require('../../utils/staff');
const ui = require('../../utils/ui');

const NOTICE_TAB = 3; // 首页 · 报事 · 活动 · 通知 · 我的
const SHOWN_NOTICES = 3;
const NO_WORK = { reports: false, scan: false, notices: false };

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
    work: NO_WORK, // the workbench's buttons this person gets
    hasWork: false,
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
      const work = this.workFor(me.roles);
      const hasWork = work.reports || work.scan || work.notices;
      this.loaded = true;
      this.setData({
        state: 'ready',
        nickname: me.nickname || '微信用户',
        communityName: me.community.name,
        unread: count.unread,
        notices: (pinned.length ? pinned : page.items).slice(0, SHOWN_NOTICES),
        noticesArePinned: pinned.length > 0,
        work,
        hasWork,
        // Those who come to work here are not asked for a flat.
        needsHousehold: !staff.hasRole(me.roles, 'resident') && !hasWork,
      });
      setNoticeBadge(count.unread);
      if (!work.scan && staff.hasRole(me.roles, 'org_staff') && this.organises === undefined) {
        this.checkOrganiser();
      }
    } catch (error) {
      if (quiet) ui.toast(error.message);
      else this.setData({ state: 'error', error: error.message });
    }
  },

  workFor(roles) {
    return {
      reports: staff.handlesReports(roles),
      scan: staff.scansAnywhere(roles) || !!this.organises,
      notices: format.isStaff(roles),
    };
  },

  /**
   * Organisation staff scan check-in codes at the activities they organise: offer 扫码签到 once
   * they have one. Asked once per visit, never in the way: without an answer there is no button.
   */
  async checkOrganiser() {
    try {
      const organised = await api.get(
        '/admin/activities',
        { status: 'published', page_size: 1 },
        { toast: false }
      );
      this.organises = organised.total > 0;
      if (this.organises) this.setData({ 'work.scan': true, hasWork: true });
    } catch (error) {
      // no button this time; the next visit asks again
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

  // -- quick actions ------------------------------------------------------------------------

  goNewReport() {
    wx.navigateTo({ url: '/pages/reports/new/index' });
  },

  goActivities() {
    wx.switchTab({ url: '/pages/activities/index' });
  },

  goMyReports() {
    wx.switchTab({ url: '/pages/reports/mine/index' });
  },

  goHours() {
    wx.navigateTo({ url: '/pages/volunteer-hours/index' });
  },

  // -- the workbench ------------------------------------------------------------------------

  goStaffReports() {
    wx.navigateTo({ url: '/pages/staff/reports/index' });
  },

  goScanner() {
    wx.navigateTo({ url: '/pages/staff/checkin-scanner/index' });
  },

  goCompose() {
    wx.navigateTo({ url: '/pages/staff/compose/index' });
  },

  goStaffNotices() {
    wx.navigateTo({ url: '/pages/staff/notices/index' });
  },
});
