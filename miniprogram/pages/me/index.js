// 我的: who I am here (nickname, masked phone, roles, community), phone binding, my flats
// (automatic by phone, else a claim by flat + name + last four digits), links to my sign-ups,
// volunteer hours and reports, the Youth Lounge for merchants, large-text mode.

const api = require('../../utils/api');
const display = require('../../utils/display');
const format = require('../../utils/format');
const { definePage, showLoadError } = require('../../utils/page');
const ui = require('../../utils/ui');

function profileView(me) {
  return {
    nickname: me.nickname || '微信用户',
    phone: me.phone || '',
    phoneBound: !!me.phone_bound,
    communityName: me.community.name,
    roles: format.roleLabels(me.roles),
    isStaff: format.isStaff(me.roles),
    isMerchant: (me.roles || []).indexOf('merchant') >= 0,
  };
}

function householdsView(result) {
  return {
    bindings: result.bindings.map((b) => ({
      ...b,
      relationText: format.label(format.RELATION_LABELS, b.relation),
      methodText: format.label(format.BINDING_METHOD_LABELS, b.method),
    })),
    claims: result.claims.map((c) => ({
      ...c,
      statusText: format.label(format.CLAIM_STATUS_LABELS, c.status),
      createdText: format.dateTime(c.created_at),
    })),
  };
}

definePage({
  data: {
    state: 'loading',
    error: '',
    profile: null,
    bindings: [],
    claims: [],
    largeText: false,
    bindingPhone: false,
    autoBinding: false,
  },

  onShow() {
    this.setData({ largeText: display.isLargeText() });
    this.load({ quiet: !!this.loaded });
  },

  async onPullDownRefresh() {
    await this.load({ quiet: true });
    wx.stopPullDownRefresh();
  },

  async load({ quiet = false } = {}) {
    if (!quiet) this.setData({ state: 'loading' });
    try {
      const [me, households] = await Promise.all([
        api.get('/me', null, { toast: false }),
        api.get('/me/households', null, { toast: false }),
      ]);
      this.loaded = true;
      this.setData({ state: 'ready', profile: profileView(me), ...householdsView(households) });
    } catch (error) {
      showLoadError(this, error, quiet);
    }
  },

  retry() {
    this.load();
  },

  async refreshHouseholds() {
    const [me, households] = await Promise.all([
      api.get('/me', null, { toast: false }),
      api.get('/me/households', null, { toast: false }),
    ]);
    this.setData({ profile: profileView(me), ...householdsView(households) });
    return this.data.bindings;
  },

  /** <button open-type="getPhoneNumber">: WeChat hands us a one-time code for the number. */
  async onGetPhoneNumber(e) {
    const code = e.detail && e.detail.code;
    if (!code) {
      ui.toast('需要您同意授权手机号才能绑定');
      return;
    }
    this.setData({ bindingPhone: true });
    try {
      const me = await api.post('/me/phone', { code });
      this.setData({ profile: profileView(me) });
      const bindings = await this.refreshHouseholds();
      ui.toast(bindings.length ? `已绑定房屋 ${bindings[0].flat}` : '手机号已绑定');
    } catch (error) {
      // api.js showed the message (e.g. 手机号授权已失效，请重新授权).
    } finally {
      this.setData({ bindingPhone: false });
    }
  },

  /** Bind by the verified phone number; when the roster does not know it, offer a claim. */
  async autoBind() {
    this.setData({ autoBinding: true });
    try {
      const binding = await api.post('/me/households/auto', undefined, { toast: false });
      await this.refreshHouseholds();
      ui.toast(`已绑定房屋 ${binding.flat}`);
    } catch (error) {
      if (error.reason === 'roster_no_match') {
        const claim = await ui.confirm({
          title: '未找到您的房屋',
          content: error.message,
          confirmText: '按房号申请',
        });
        if (claim) this.goClaim();
      } else {
        ui.toast(error.message);
      }
    } finally {
      this.setData({ autoBinding: false });
    }
  },

  goClaim() {
    wx.navigateTo({ url: '/pages/household-claim/index' });
  },

  async unbind(e) {
    const { id, flat } = e.currentTarget.dataset;
    const sure = await ui.confirm({
      title: '解除绑定',
      content: `确定解除与 ${flat} 的绑定吗？解除后将不再收到该房屋的通知。`,
      confirmText: '解除',
      danger: true,
    });
    if (!sure) return;
    try {
      await api.del(`/me/households/${id}`);
      await this.refreshHouseholds();
      ui.toast('已解除绑定');
    } catch (error) {
      // shown by api.js
    }
  },

  async withdrawClaim(e) {
    const { id, flat } = e.currentTarget.dataset;
    const sure = await ui.confirm({
      title: '撤回申请',
      content: `撤回 ${flat} 的绑定申请吗？`,
      confirmText: '撤回',
    });
    if (!sure) return;
    try {
      await api.del(`/me/households/claims/${id}`);
      await this.refreshHouseholds();
      ui.toast('已撤回申请');
    } catch (error) {
      // shown by api.js
    }
  },

  toggleLargeText(e) {
    const on = !!e.detail.value;
    display.setLargeText(on);
    this.setData({ largeText: on, textClass: display.textClass() });
  },

  goSignups() {
    wx.navigateTo({ url: '/pages/activities/mine' });
  },

  goHours() {
    wx.navigateTo({ url: '/pages/volunteer-hours/index' });
  },

  goReports() {
    wx.switchTab({ url: '/pages/reports/mine/index' });
  },

  goLounge() {
    wx.navigateTo({ url: '/pages/merchant/lounge/index' });
  },

  goCompose() {
    wx.navigateTo({ url: '/pages/staff/compose/index' });
  },

  goStaffNotices() {
    wx.navigateTo({ url: '/pages/staff/notices/index' });
  },
});
