// Page() with what every linli page shares: the large-text class, refreshed on each show (the
// switch lives in 我的 and must reach pages already on the stack).

const display = require('./display');

function definePage(definition) {
  const ownShow = definition.onShow;
  return Page({
    ...definition,
    data: { textClass: '', ...definition.data },
    onShow(...args) {
      const textClass = display.textClass();
      if (this.data.textClass !== textClass) this.setData({ textClass });
      return ownShow ? ownShow.apply(this, args) : undefined;
    },
  });
}

module.exports = { definePage };
