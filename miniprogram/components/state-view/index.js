// What a page shows while it has nothing to show: loading, empty (with an optional action) or
// error (with the message and a retry). Renders nothing in the "ready" state.

Component({
  properties: {
    state: { type: String, value: 'loading' }, // loading | empty | error | ready
    emptyText: { type: String, value: '暂无内容' },
    errorText: { type: String, value: '加载失败，请稍后再试' },
    actionText: { type: String, value: '' }, // an empty state's button, e.g. 去绑定
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
    onAction() {
      this.triggerEvent('action');
    },
  },
});
