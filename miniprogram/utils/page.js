// Page() with what every linli page shares: the large-text class, refreshed on each show (the
// switch lives in 我的 and must reach pages already on the stack); where a failed load shows.

const display = require('./display');
const ui = require('./ui');

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

/**
 * A load that failed shows in the page (its error state, with 重试), except a quiet refresh
 * (pulled down, or back on the page) over what the page already shows: that stays, with a toast.
 */
function showLoadError(page, error, quiet) {
  if (quiet && page.data.state === 'ready') ui.toast(error.message);
  else page.setData({ state: 'error', error: error.message });
}

module.exports = { definePage, showLoadError };
