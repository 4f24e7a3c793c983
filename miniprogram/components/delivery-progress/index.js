// The WeChat push of a notice: how much of it is done, and how many messages ended how.
// `progress` is the backend's {queued, sending, sent, no_credit, failed, cancelled, total}.

const format = require('../../utils/format');

Component({
  properties: {
    progress: { type: Object, value: null },
  },
  data: { summary: format.deliverySummary(null) },
  observers: {
    progress(progress) {
      this.setData({ summary: format.deliverySummary(progress) });
    },
  },
});
