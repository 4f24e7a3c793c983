// 通知详情: one notice (opening it marks it read) and, when it asks for one, the 已知晓 button.

const api = require('../../utils/api');
const format = require('../../utils/format');
const { definePage } = require('../../utils/page');
const subscribe = require('../../utils/subscribe');

function decorate(notice) {
  return {
    ...notice,
    publishedText: format.dateTime(notice.published_at),
    acknowledgedText: format.dateTime(notice.acknowledged_at),
  };
}

definePage({
  data: {
    state: 'loading',
    error: '',
    notice: null,
    acknowledging: false,
  },

  onLoad(query) {
    this.noticeId = Number(query.id);
    subscribe.prepare(); // so the 已知晓 tap can open the subscribe popup at once
    this.load();
  },

  async load() {
    this.setData({ state: 'loading' });
    try {
      const notice = await api.get(`/notices/${this.noticeId}`, null, { toast: false });
      this.setData({ state: 'ready', notice: decorate(notice) });
    } catch (error) {
      this.setData({ state: 'error', error: error.message });
    }
  },

  retry() {
    this.load();
  },

  /**
   * 已知晓. The same tap asks WeChat's popup for the next notice's message (a tap is the only
   * moment WeChat allows it); the confirmation itself does not wait for the popup.
   */
  async acknowledge() {
    if (this.data.acknowledging) return;
    subscribe.ask(['notice']);
    this.setData({ acknowledging: true });
    // One key per confirmation: a retry after a lost answer is the same action.
    this.ackKey = this.ackKey || api.newIdempotencyKey();
    try {
      const notice = await api.post(`/notices/${this.noticeId}/acknowledge`, undefined, {
        idempotencyKey: this.ackKey,
      });
      this.ackKey = null;
      this.setData({ notice: decorate(notice) });
    } catch (error) {
      // api.js showed the message; the button stays for another try with the same key.
    } finally {
      this.setData({ acknowledging: false });
    }
  },

  previewImage(e) {
    wx.previewImage({ urls: this.data.notice.images, current: e.currentTarget.dataset.src });
  },
});
