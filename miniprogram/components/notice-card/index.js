// One notice in a list: unread dot, 置顶 / 需确认 / 已确认 tags, title, summary and time.
// A tap fires "open" with the notice's id.

const format = require('../../utils/format');

Component({
  properties: {
    notice: { type: Object, value: null },
  },
  data: { time: '' },
  observers: {
    notice(notice) {
      this.setData({ time: notice ? format.shortDateTime(notice.published_at) : '' });
    },
  },
  methods: {
    onTap() {
      if (this.data.notice) this.triggerEvent('open', { id: this.data.notice.id });
    },
  },
});
